import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, expectRank, type DataFormat } from './conv-utils.js';
import { spatialPairs, type SpatialPairs, type SpatialPairsArg } from './spatial-pairs.js';

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Zeros added: `n` on every side, `[height, width]` on both sides of each axis, or `[[top, bottom], [left, right]]`; default 1. */
  padding?: SpatialPairsArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** Adds rows and columns of zeros around `[batch, height, width, channels]` images. */
export class ZeroPadding2D extends Layer {
  static override readonly className: string = 'ZeroPadding2D';
  static override readonly argKeys = argKeys<ZeroPadding2DArgs>()([], ['padding', 'dataFormat']);
  readonly padding: SpatialPairs;
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = spatialPairs(this, 'padding', args.padding ?? 1);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 2);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 2);
    const grow = (d: number | null, [before, after]: readonly [number, number]) => (d === null ? null : d + before + after);
    return [shape[0] ?? null, grow(shape[1] ?? null, this.padding[0]), grow(shape[2] ?? null, this.padding[1]), shape[3] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 2);
    return tf.pad(x, [[0, 0], [...this.padding[0]], [...this.padding[1]], [0, 0]]);
  }

  protected override layerConfig(): JsonObject {
    return { padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

/** Creates a ZeroPadding2D layer. */
export function zeroPadding2d(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  return new ZeroPadding2D(args);
}
