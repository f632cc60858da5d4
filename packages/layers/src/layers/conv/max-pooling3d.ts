import { Pooling, type PoolingArgs } from './base-pooling.js';

export type MaxPooling3DArgs = PoolingArgs;

/** The maximum over `poolSize` windows of `[batch, depth, height, width, channels]` inputs, per channel. */
export class MaxPooling3D extends Pooling {
  static override readonly className: string = 'MaxPooling3D';

  constructor(args: MaxPooling3DArgs = {}) {
    super(3, 'max', args);
  }
}

/** Creates a MaxPooling3D layer. */
export function maxPooling3d(args: MaxPooling3DArgs = {}): MaxPooling3D {
  return new MaxPooling3D(args);
}
