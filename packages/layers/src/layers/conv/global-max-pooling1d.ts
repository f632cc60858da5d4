import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalMaxPooling1DArgs = GlobalPoolingArgs;

/** The maximum over the steps of `[batch, steps, channels]` inputs: `[batch, channels]`. */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling1D';

  constructor(args: GlobalMaxPooling1DArgs = {}) {
    super(1, 'max', args);
  }
}

/** Creates a GlobalMaxPooling1D layer. */
export function globalMaxPooling1d(args: GlobalMaxPooling1DArgs = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args);
}
