import { Pooling, type PoolingArgs } from './base-pooling.js';

export type AveragePooling2DArgs = PoolingArgs;

/**
 * The mean over `poolSize` windows of `[batch, height, width, channels]` inputs, per channel.
 * With `'same'` padding a border window averages only its real inputs, as in Keras.
 */
export class AveragePooling2D extends Pooling {
  static override readonly className: string = 'AveragePooling2D';

  constructor(args: AveragePooling2DArgs = {}) {
    super(2, 'avg', args);
  }
}

/** Creates an AveragePooling2D layer. */
export function averagePooling2d(args: AveragePooling2DArgs = {}): AveragePooling2D {
  return new AveragePooling2D(args);
}
