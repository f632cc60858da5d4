import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, expectRank, type DataFormat } from './conv-utils.js';
import { spatialTriples, type SpatialTriples, type SpatialTriplesArg } from './spatial-triples.js';

export interface ZeroPadding3DArgs extends LayerArgs {
  /** Zeros added: `n` on every side, `[depth, height, width]` on both sides of each axis, or three `[before, after]` pairs; default 1. */
  padding?: SpatialTriplesArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** Adds zeros around the depth, height and width of `[batch, depth, height, width, channels]` volumes. */
export class ZeroPadding3D extends Layer {
  static override readonly className: string = 'ZeroPadding3D';
  static override readonly argKeys = argKeys<ZeroPadding3DArgs>()([], ['padding', 'dataFormat']);
  readonly padding: SpatialTriples;
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding3DArgs = {}) {
    super(args);
    this.padding = spatialTriples(this, 'padding', args.padding ?? 1);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 3);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 3);
    const spatial = this.padding.map(([before, after], axis) => {
      const d = shape[axis + 1] ?? null;
      return d === null ? null : d + before + after;
    });
    return [shape[0] ?? null, ...spatial, shape[4] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 3);
    return tf.pad(x, [[0, 0], ...this.padding.map((p): [number, number] => [p[0], p[1]]), [0, 0]]);
  }

  protected override layerConfig(): JsonObject {
    return { padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

/** Creates a ZeroPadding3D layer. */
export function zeroPadding3d(args: ZeroPadding3DArgs = {}): ZeroPadding3D {
  return new ZeroPadding3D(args);
}
