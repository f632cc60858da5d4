import { argKeys } from '../../engine/arg-keys.js';
import type { LayerArgs } from '../../engine/layer.js';
import type { DataFormat } from './conv-utils.js';
import { CroppingBase } from './cropping-base.js';
import { spatialPairs, type SpatialPairs, type SpatialPairsArg } from './spatial-pairs.js';

export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns cut off: `n` on every side, `[height, width]` on both sides of each axis, or `[[top, bottom], [left, right]]`; default 0. */
  cropping?: SpatialPairsArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** Cuts rows and columns off the edges of `[batch, height, width, channels]` images. */
export class Cropping2D extends CroppingBase<SpatialPairs> {
  static override readonly className: string = 'Cropping2D';
  static override readonly argKeys = argKeys<Cropping2DArgs>()([], ['cropping', 'dataFormat']);

  constructor(args: Cropping2DArgs = {}) {
    super(args, (owner) => spatialPairs(owner, 'cropping', args.cropping ?? 0), ['height', 'width']);
  }
}

/** Creates a Cropping2D layer. */
export function cropping2d(args: Cropping2DArgs = {}): Cropping2D {
  return new Cropping2D(args);
}
