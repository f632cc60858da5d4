import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import type { CallContext, LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { argKeys, type ArgKeys } from '../../engine/arg-keys.js';
import { Ones } from '../../initializers/constant.js';
import { readBoolean } from '../misc/args.js';
import { AttentionBase, LARGE_NEGATIVE, andMasks, boolMasks, causalMask } from './attention-base.js';

export interface AttentionArgs extends LayerArgs {
  /** Learn a scalar `scale` that multiplies the scores (inside the tanh for `'concat'`). Default false. */
  useScale?: boolean;
  /** `'dot'` (default): `q . k`; `'concat'`: `concat_score_weight * sum(tanh(q + k))` over the features. */
  scoreMode?: 'dot' | 'concat';
  /** Fraction of the attention probabilities dropped in training, in [0, 1). Default 0. */
  dropout?: number;
  /** An integer >= 0: each training call draws a new, reproducible dropout mask. */
  seed?: number | null;
}

/**
 * Keras 3's `Attention` (Luong-style): `softmax(scores) @ value` with `scores = query @ key^T`
 * (`[batch, Tq, dim]` and `[batch, Tv, dim]` to `[batch, Tq, Tv]`), the output
 * `[batch, Tq, value dim]`. See `AttentionBase` for the inputs, masks and call arguments.
 */
export class Attention extends AttentionBase {
  static override readonly className: string = 'Attention';
  static override readonly argKeys: ArgKeys = argKeys<AttentionArgs>()([], ['useScale', 'scoreMode', 'dropout', 'seed']);
  readonly useScale: boolean;
  readonly scoreMode: 'dot' | 'concat';
  scale: LayerWeight | undefined;
  concatScoreWeight: LayerWeight | undefined;

  constructor(args: AttentionArgs = {}) {
    super(args);
    this.useScale = readBoolean(this, 'useScale', args.useScale, this.defaultUseScale);
    const mode = args.scoreMode ?? 'dot';
    if (mode !== 'dot' && mode !== 'concat') throw layerArgError(this, 'scoreMode', args.scoreMode, "'dot' or 'concat'");
    this.scoreMode = mode;
  }

  protected get defaultUseScale(): boolean {
    return false;
  }

  /** Query and key `[batch, T, dim]` with the same `dim`; value `[batch, Tv, any]`, key and value of the same length. */
  protected checkShapes(shapes: readonly Shape[]): void {
    const [q, v, k = v] = shapes as [Shape, Shape, Shape?];
    if (shapes.some((s) => s.length !== 3)) throw this.shapeError('query, value and key must have rank 3, [batch, time, features]', shapes);
    const agree = (a: number | null | undefined, b: number | null | undefined) => a === null || b === null || a === b;
    if (!agree(q[0], v[0]) || !agree(q[0], k[0]) || !agree(v[0], k[0])) throw this.shapeError('the batch sizes differ', shapes);
    if (!agree(v[1], k[1])) throw this.shapeError('value and key must have the same number of time steps', shapes);
    if (!agree(q[2], k[2])) throw this.shapeError('query and key must have the same last dimension', shapes);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = inputShape as Shape[];
    this.checkShapes(shapes);
    if (this.useScale) this.scale = this.addWeight({ name: 'scale', role: 'scale', shape: [], initializer: new Ones() });
    if (this.scoreMode === 'concat') this.concatScoreWeight = this.addWeight({ name: 'concat_score_weight', role: 'concatScoreWeight', shape: [], initializer: new Ones() });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = inputShape as Shape[];
    this.checkShapes(shapes);
    const [q, v] = shapes as [Shape, Shape];
    const out: Shape = [q[0]!, q[1]!, v[2]!];
    return this.returnsScores ? [out, [q[0]!, q[1]!, v[1]!]] : out;
  }

  /** `[batch, Tq, Tv]` scores from `[batch, Tq, dim]` queries and `[batch, Tv, dim]` keys. */
  protected scores(q: tf.Tensor, k: tf.Tensor): tf.Tensor {
    if (this.scoreMode === 'dot') {
      const s = tf.matMul(q, k, false, true);
      return this.scale ? tf.mul(s, this.scale.read()) : s;
    }
    let sum: tf.Tensor = tf.add(tf.expandDims(q, 2), tf.expandDims(k, 1));
    if (this.scale) sum = tf.mul(this.scale.read(), sum);
    return tf.mul(this.concatScoreWeight!.read(), tf.sum(tf.tanh(sum), -1));
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    const xs = (inputs as tf.Tensor[]).map((x) => (x.dtype === 'float32' ? x : tf.cast(x, 'float32')));
    this.checkShapes(xs.map((x) => x.shape));
    const [q, v, k = v] = xs as [tf.Tensor, tf.Tensor, tf.Tensor?];
    const call = this.currentCall(ctx);
    const [qMask, vMask] = boolMasks(ctx, 2);
    let scores = this.scores(q, k);
    const [tq, tv] = [scores.shape[1]!, scores.shape[2]!];
    const scoresMask = andMasks(vMask && tf.expandDims(vMask, 1), call.useCausalMask ? causalMask(tq, tv) : undefined);
    if (scoresMask) scores = tf.add(scores, tf.mul(tf.sub(1, tf.cast(scoresMask, 'float32')), LARGE_NEGATIVE));
    const weights = this.dropScores(tf.softmax(scores), ctx.training);
    let out = tf.matMul(weights, v);
    if (qMask) out = tf.mul(out, tf.cast(tf.expandDims(qMask, -1), 'float32'));
    return call.returnAttentionScores ? [out, weights] : [out];
  }

  protected override layerConfig(): JsonObject {
    return { useScale: this.useScale, scoreMode: this.scoreMode, dropout: this.dropout, seed: this.seed ?? null };
  }
}

/** Creates an Attention layer; call it on `[query, value]` or `[query, value, key]`. */
export function attention(args: AttentionArgs = {}): Attention {
  return new Attention(args);
}
