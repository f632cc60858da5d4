import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalAveragePooling1DArgs = GlobalPoolingArgs;

/** The mean over the steps of `[batch, steps, channels]` inputs: `[batch, channels]`. */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling1D';

  constructor(args: GlobalAveragePooling1DArgs = {}) {
    super(1, 'avg', args);
  }
}

/** Creates a GlobalAveragePooling1D layer. */
export function globalAveragePooling1d(args: GlobalAveragePooling1DArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}
