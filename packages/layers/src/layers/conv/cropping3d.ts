import { argKeys } from '../../engine/arg-keys.js';
import type { LayerArgs } from '../../engine/layer.js';
import type { DataFormat } from './conv-utils.js';
import { CroppingBase } from './cropping-base.js';
import { spatialTriples, type SpatialTriples, type SpatialTriplesArg } from './spatial-triples.js';

export interface Cropping3DArgs extends LayerArgs {
  /** Cut off: `n` on every side, `[depth, height, width]` on both sides of each axis, or three `[before, after]` pairs; default 1 (as Keras). */
  cropping?: SpatialTriplesArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** Cuts the edges off the depth, height and width of `[batch, depth, height, width, channels]` volumes. */
export class Cropping3D extends CroppingBase<SpatialTriples> {
  static override readonly className: string = 'Cropping3D';
  static override readonly argKeys = argKeys<Cropping3DArgs>()([], ['cropping', 'dataFormat']);

  constructor(args: Cropping3DArgs = {}) {
    super(args, (owner) => spatialTriples(owner, 'cropping', args.cropping ?? 1), ['depth', 'height', 'width']);
  }
}

/** Creates a Cropping3D layer. */
export function cropping3d(args: Cropping3DArgs = {}): Cropping3D {
  return new Cropping3D(args);
}
