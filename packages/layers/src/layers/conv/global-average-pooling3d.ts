import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';

export type GlobalAveragePooling3DArgs = GlobalPoolingArgs;

/** The mean over depth, height and width of `[batch, depth, height, width, channels]` inputs: `[batch, channels]` (`[batch, 1, 1, 1, channels]` with `keepdims`). */
export class GlobalAveragePooling3D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling3D';

  constructor(args: GlobalAveragePooling3DArgs = {}) {
    super(3, 'avg', args);
  }
}

/** Creates a GlobalAveragePooling3D layer. */
export function globalAveragePooling3d(args: GlobalAveragePooling3DArgs = {}): GlobalAveragePooling3D {
  return new GlobalAveragePooling3D(args);
}
