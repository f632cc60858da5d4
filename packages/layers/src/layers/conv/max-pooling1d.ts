import { Pooling, type PoolingArgs } from './base-pooling.js';

export type MaxPooling1DArgs = PoolingArgs;

/** The maximum over windows of `poolSize` steps of `[batch, steps, channels]` inputs, per channel. */
export class MaxPooling1D extends Pooling {
  static override readonly className: string = 'MaxPooling1D';

  constructor(args: MaxPooling1DArgs = {}) {
    super(1, 'max', args);
  }
}

/** Creates a MaxPooling1D layer. */
export function maxPooling1d(args: MaxPooling1DArgs = {}): MaxPooling1D {
  return new MaxPooling1D(args);
}
