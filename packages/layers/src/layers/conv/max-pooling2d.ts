import { Pooling, type PoolingArgs } from './base-pooling.js';

export type MaxPooling2DArgs = PoolingArgs;

/** The maximum over `poolSize` windows of `[batch, height, width, channels]` inputs, per channel. */
export class MaxPooling2D extends Pooling {
  static override readonly className: string = 'MaxPooling2D';

  constructor(args: MaxPooling2DArgs = {}) {
    super(2, 'max', args);
  }
}

/** Creates a MaxPooling2D layer. */
export function maxPooling2d(args: MaxPooling2DArgs = {}): MaxPooling2D {
  return new MaxPooling2D(args);
}
