import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import type { LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys, type ArgKeys } from '../../engine/arg-keys.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { Attention } from './attention.js';

export interface AdditiveAttentionArgs extends LayerArgs {
  /** Learn a `scale` vector (one entry per feature) inside the sum. Default true. */
  useScale?: boolean;
  /** Fraction of the attention probabilities dropped in training, in [0, 1). Default 0. */
  dropout?: number;
  /** An integer >= 0: each training call draws a new, reproducible dropout mask. */
  seed?: number | null;
}

/**
 * Keras 3's `AdditiveAttention` (Bahdanau-style): the scores are
 * `sum(scale * tanh(query_i + key_j))` over the features, `scale` a learned `[dim]` vector
 * (Glorot-uniform, as Keras) or 1 without `useScale`; then as `Attention`.
 */
export class AdditiveAttention extends Attention {
  static override readonly className: string = 'AdditiveAttention';
  static override readonly argKeys: ArgKeys = argKeys<AdditiveAttentionArgs>()([], ['useScale', 'dropout', 'seed']);

  constructor(args: AdditiveAttentionArgs = {}) {
    super(args);
  }

  protected override get defaultUseScale(): boolean {
    return true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = inputShape as Shape[];
    this.checkShapes(shapes);
    const dim = shapes[0]![2];
    if (this.useScale) {
      if (dim === null || dim === undefined) throw this.shapeError('the query needs a known last dimension for the scale', shapes);
      this.scale = this.addWeight({ name: 'scale', role: 'scale', shape: [dim], initializer: new GlorotUniform() });
    }
    this.built = true;
  }

  protected override scores(q: tf.Tensor, k: tf.Tensor): tf.Tensor {
    const t = tf.tanh(tf.add(tf.expandDims(q, 2), tf.expandDims(k, 1)));
    return tf.sum(this.scale ? tf.mul(this.scale.read(), t) : t, -1);
  }

  protected override layerConfig(): JsonObject {
    const { scoreMode: _, ...config } = super.layerConfig();
    return config;
  }
}

/** Creates an AdditiveAttention layer; call it on `[query, value]` or `[query, value, key]`. */
export function additiveAttention(args: AdditiveAttentionArgs = {}): AdditiveAttention {
  return new AdditiveAttention(args);
}
