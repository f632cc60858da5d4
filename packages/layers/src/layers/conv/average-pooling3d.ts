import { Pooling, type PoolingArgs } from './base-pooling.js';

export type AveragePooling3DArgs = PoolingArgs;

/** The mean over `poolSize` windows of `[batch, depth, height, width, channels]` inputs, per channel. With `'same'` padding a border window averages only its real inputs, as in Keras. */
export class AveragePooling3D extends Pooling {
  static override readonly className: string = 'AveragePooling3D';

  constructor(args: AveragePooling3DArgs = {}) {
    super(3, 'avg', args);
  }
}

/** Creates an AveragePooling3D layer. */
export function averagePooling3d(args: AveragePooling3DArgs = {}): AveragePooling3D {
  return new AveragePooling3D(args);
}
