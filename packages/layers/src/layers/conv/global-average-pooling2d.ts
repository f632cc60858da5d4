import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalAveragePooling2DArgs = GlobalPoolingArgs;

/** The mean over height and width of `[batch, height, width, channels]` inputs: `[batch, channels]`. */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling2D';

  constructor(args: GlobalAveragePooling2DArgs = {}) {
    super(2, 'avg', args);
  }
}

/** Creates a GlobalAveragePooling2D layer. */
export function globalAveragePooling2d(args: GlobalAveragePooling2DArgs = {}): GlobalAveragePooling2D {
  return new GlobalAveragePooling2D(args);
}
