import { Pooling, type PoolingArgs } from './base-pooling.js';

export type AveragePooling1DArgs = PoolingArgs;

/**
 * The mean over windows of `poolSize` steps of `[batch, steps, channels]` inputs, per channel.
 * With `'same'` padding a border window averages only its real inputs, as in Keras.
 */
export class AveragePooling1D extends Pooling {
  static override readonly className: string = 'AveragePooling1D';

  constructor(args: AveragePooling1DArgs = {}) {
    super(1, 'avg', args);
  }
}

/** Creates an AveragePooling1D layer. */
export function averagePooling1d(args: AveragePooling1DArgs = {}): AveragePooling1D {
  return new AveragePooling1D(args);
}
