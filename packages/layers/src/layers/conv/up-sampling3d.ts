import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, expectRank, normalizeTuple, type DataFormat } from './conv-utils.js';

export interface UpSampling3DArgs extends LayerArgs {
  /** The factor for depth, height and width: one integer for all, or `[depth, height, width]`; default 2. */
  size?: number | readonly number[];
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/**
 * Repeats every entry of `[batch, depth, height, width, channels]` volumes `size` times along each
 * spatial axis (Keras 3's `UpSampling3D`, nearest only). Each axis is a broadcast product with
 * ones, whose gradient (a sum) every backend has; tfjs-core's Tile has no gradient above rank 4.
 */
export class UpSampling3D extends Layer {
  static override readonly className: string = 'UpSampling3D';
  static override readonly argKeys = argKeys<UpSampling3DArgs>()([], ['size', 'dataFormat']);
  readonly size: readonly number[];
  readonly dataFormat: DataFormat;

  constructor(args: UpSampling3DArgs = {}) {
    super(args);
    this.size = normalizeTuple(this, 'size', args.size ?? 2, 3, 1);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 3);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 3);
    const spatial = this.size.map((f, axis) => {
      const d = shape[axis + 1] ?? null;
      return d === null ? null : d * f;
    });
    return [shape[0] ?? null, ...spatial, shape[4] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 3);
    if (this.size.every((f) => f === 1)) return tf.clone(x);
    let y = x;
    this.size.forEach((factor, axis) => {
      if (factor === 1) return;
      const shape = y.shape;
      const length = shape[axis + 1]!;
      const before = shape.slice(0, axis + 1).reduce((a, d) => a * d, 1);
      const after = shape.slice(axis + 2).reduce((a, d) => a * d, 1);
      // [before, length, 1, after] * ones [1, 1, factor, 1]: entry i of the axis becomes entries i * factor to i * factor + factor - 1.
      const repeated = tf.mul(tf.reshape(y, [before, length, 1, after]), tf.ones([1, 1, factor, 1]));
      const next = [...shape];
      next[axis + 1] = length * factor;
      y = tf.reshape(repeated, next);
    });
    return y;
  }

  protected override layerConfig(): JsonObject {
    return { size: [...this.size], dataFormat: this.dataFormat };
  }
}

/** Creates an UpSampling3D layer. */
export function upSampling3d(args: UpSampling3DArgs = {}): UpSampling3D {
  return new UpSampling3D(args);
}
