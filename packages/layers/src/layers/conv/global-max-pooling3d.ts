import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalMaxPooling3DArgs = GlobalPoolingArgs;

/** The maximum over depth, height and width of `[batch, depth, height, width, channels]` inputs: `[batch, channels]` (`[batch, 1, 1, 1, channels]` with `keepdims`). */
export class GlobalMaxPooling3D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling3D';

  constructor(args: GlobalMaxPooling3DArgs = {}) {
    super(3, 'max', args);
  }
}

/** Creates a GlobalMaxPooling3D layer. */
export function globalMaxPooling3d(args: GlobalMaxPooling3DArgs = {}): GlobalMaxPooling3D {
  return new GlobalMaxPooling3D(args);
}
