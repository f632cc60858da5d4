import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalMaxPooling2DArgs = GlobalPoolingArgs;

/** The maximum over height and width of `[batch, height, width, channels]` inputs: `[batch, channels]`. */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling2D';

  constructor(args: GlobalMaxPooling2DArgs = {}) {
    super(2, 'max', args);
  }
}

/** Creates a GlobalMaxPooling2D layer. */
export function globalMaxPooling2d(args: GlobalMaxPooling2DArgs = {}): GlobalMaxPooling2D {
  return new GlobalMaxPooling2D(args);
}
