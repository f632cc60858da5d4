import { RidgeError, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import type { CallContext, LayerArgs, WeightParts } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { Zeros } from '../../initializers/constant.js';
import { readBoolean, readPositiveInt } from '../misc/args.js';
import { AttentionBase, LARGE_NEGATIVE, andMasks, boolMasks, causalMask, type AttentionCall } from './attention-base.js';

export interface MultiHeadAttentionArgs extends LayerArgs {
  /** Number of attention heads. */
  numHeads: number;
  /** Size of each head for query and key. */
  keyDim: number;
  /** Size of each head for value; default `keyDim`. */
  valueDim?: number | null;
  /** Fraction of the attention probabilities dropped in training, in [0, 1). Default 0. */
  dropout?: number;
  /** Whether the four projections have biases. Default true. */
  useBias?: boolean;
  /** The output's shape after the batch and query axes (a size or a list); default the query's last dimension. */
  outputShape?: number | readonly number[] | null;
  /**
   * The axes attention runs over. Ridge supports Keras's default only: every axis between the
   * batch and the features (`null`, or those axes written out, such as `[1]` for `[batch, T, dim]`).
   */
  attentionAxes?: number | readonly number[] | null;
  /** For the four projection kernels; default Glorot uniform. */
  kernelInitializer?: InitializerSpec;
  /** For the four projection biases; default zeros. */
  biasInitializer?: InitializerSpec;
  /** On each of the four kernels (`query/kernel`, `key/kernel`, `value/kernel`, `attention_output/kernel`). */
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
  /** An integer >= 0: each training call draws a new, reproducible dropout mask. */
  seed?: number | null;
}

type Projection = 'query' | 'key' | 'value' | 'attention_output';
const PROJECTIONS: readonly Projection[] = ['query', 'key', 'value', 'attention_output'];

const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);


/** An integer or a non-empty list of them, as a list (Keras turns `n` into `(n,)`); null for absent. */
function intList(owner: MultiHeadAttention, argument: string, value: unknown, min: number): number[] | null {
  if (value === undefined || value === null) return null;
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min)) {
    throw layerArgError(owner, argument, value, min === 1 ? 'an integer >= 1 or a non-empty list of them' : 'an integer or a non-empty list of integers');
  }
  return [...(list as number[])];
}

/**
 * Keras 3's `MultiHeadAttention` ("Attention is all you need"): the query, key and value are
 * projected to `numHeads` heads (`[batch, T, numHeads, keyDim]`), each head computes
 * `softmax(q k^T / sqrt(keyDim)) v`, and the heads are projected back to `outputShape`:
 *
 *   Q = query Wq + bq, K = key Wk + bk, V = value Wv + bv   (Wq: [dim, heads, keyDim], bq: [heads, keyDim])
 *   P = softmax(Q K^T / sqrt(keyDim)) per head, over the value steps (masked steps get 0)
 *   out = sum over heads and h of (P V)[.., head, h] Wo[head, h, ..] + bo
 *
 * Inputs `[query, value]` or `[query, value, key]` of the same rank >= 3; inputs of rank > 3
 * attend over all their middle axes jointly, as Keras's default `attention_axes`.
 */
export class MultiHeadAttention extends AttentionBase {
  static override readonly className = 'MultiHeadAttention';
  static override readonly argKeys = argKeys<MultiHeadAttentionArgs>()(
    ['numHeads', 'keyDim'],
    ['valueDim', 'dropout', 'useBias', 'outputShape', 'attentionAxes', 'seed', ...parts('kernel', 'bias')],
  );
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly useBias: boolean;
  readonly outputShape: readonly number[] | null;
  readonly attentionAxes: readonly number[] | null;
  readonly #parts: Record<'kernel' | 'bias', WeightParts>;
  /** The projections' kernels and biases, by Keras's sublayer name (`query`, `key`, `value`, `attention_output`). */
  readonly kernels: Partial<Record<Projection, LayerWeight>> = {};
  readonly biases: Partial<Record<Projection, LayerWeight>> = {};

  constructor(args: MultiHeadAttentionArgs) {
    super(args);
    this.numHeads = readPositiveInt(this, 'numHeads', args.numHeads);
    this.keyDim = readPositiveInt(this, 'keyDim', args.keyDim);
    this.valueDim = args.valueDim === undefined || args.valueDim === null ? this.keyDim : readPositiveInt(this, 'valueDim', args.valueDim);
    this.useBias = readBoolean(this, 'useBias', args.useBias, true);
    this.outputShape = intList(this, 'outputShape', args.outputShape, 1);
    this.attentionAxes = intList(this, 'attentionAxes', args.attentionAxes, -Infinity);
    this.#parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  protected override get eagerOptionKeys(): readonly string[] {
    return ['training', 'mask', 'attentionMask'];
  }

  protected override eagerExtras(options: Record<string, unknown>, inputs: readonly tf.Tensor[]): Pick<AttentionCall, 'attentionMask'> {
    const mask = options['attentionMask'];
    if (mask === undefined || mask === null) return {};
    if (!(mask instanceof tf.Tensor) || mask.isDisposed) throw layerArgError(this, 'attentionMask', mask, 'a live tf.Tensor of shape [batch, Tq, Tv]');
    const [q, v] = inputs as [tf.Tensor, tf.Tensor];
    const want = [q.shape[0]!, ...q.shape.slice(1, -1), ...v.shape.slice(1, -1)];
    if (mask.rank !== want.length || (mask.shape[0] !== 1 && mask.shape[0] !== want[0]) || !tf.util.arraysEqual(mask.shape.slice(1), want.slice(1))) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: attentionMask must have the shape [batch, query steps, value steps], ${formatShape(want)} (batch may be 1); received shape ${formatShape(mask.shape)}.`,
        { layer: this.name, argument: 'attentionMask', received: mask.shape },
      );
    }
    return { attentionMask: mask };
  }

  /** Keras's causal mask is [Tq, Tv] over the first time axis: Ridge takes it on sequences only. */
  protected override checkCall(call: AttentionCall, shapes: readonly Shape[]): void {
    const query = shapes[0]!;
    if (call.useCausalMask && query.length !== 3) {
      throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: useCausalMask needs inputs of rank 3, [batch, time, features]; received a query of shape ${formatShape(query)}.`, {
        layer: this.name,
        argument: 'useCausalMask',
        received: [...query],
      });
    }
  }

  /** Query, value and key of one rank >= 3, known last dimensions; value and key alike but for the last axis. */
  #checkShapes(shapes: readonly Shape[]): void {
    const [q, v, k = v] = shapes as [Shape, Shape, Shape?];
    const rank = q.length;
    if (rank < 3 || shapes.some((s) => s.length !== rank)) throw this.shapeError('query, value and key must have one rank >= 3, [batch, time..., features]', shapes);
    if (shapes.some((s) => s[rank - 1] === null || s[rank - 1] === undefined)) throw this.shapeError('the last dimensions must be known', shapes);
    const agree = (a: number | null | undefined, b: number | null | undefined) => a === null || b === null || a === b;
    if (!agree(q[0], v[0]) || !agree(q[0], k[0]) || !agree(v[0], k[0])) throw this.shapeError('the batch sizes differ', shapes);
    if (v.slice(1, -1).some((d, i) => !agree(d, k[i + 1]))) throw this.shapeError('all dimensions of value and key, except the last one, must be equal', shapes);
  }

  /** Refuses attention axes other than Keras's default for inputs of `rank` (every axis between batch and features). */
  #checkAxes(rank: number): void {
    if (this.attentionAxes === null) return;
    const normalized = this.attentionAxes.map((a) => (a >= 0 ? a : rank + a));
    const wanted = Array.from({ length: rank - 2 }, (_, i) => i + 1);
    if (!tf.util.arraysEqual([...new Set(normalized)].sort((a, b) => a - b), wanted) || normalized.length !== wanted.length) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `${who(this)}: attentionAxes ${JSON.stringify(this.attentionAxes)} is not supported for inputs of rank ${rank}: Ridge attends over every axis ` +
          `between the batch and the features, Keras's default (null, or [${wanted.join(', ')}]). Use null, or reshape the inputs so that those are the axes to attend over.`,
        { layer: this.name, argument: 'attentionAxes', received: [...this.attentionAxes] },
      );
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = inputShape as Shape[];
    this.#checkShapes(shapes);
    this.#checkAxes(shapes[0]!.length);
    const [q, v, k = v] = shapes.map((s) => s[s.length - 1] as number) as [number, number, number?];
    const out = this.outputShape ?? [q];
    const dims: Record<Projection, [number[], number[]]> = {
      query: [[q, this.numHeads, this.keyDim], [this.numHeads, this.keyDim]],
      key: [[k, this.numHeads, this.keyDim], [this.numHeads, this.keyDim]],
      value: [[v, this.numHeads, this.valueDim], [this.numHeads, this.valueDim]],
      attention_output: [[this.numHeads, this.valueDim, ...out], [...out]],
    };
    for (const p of PROJECTIONS) {
      const [kernelShape, biasShape] = dims[p];
      this.kernels[p] = this.addWeight({ name: `${p}/kernel`, role: 'kernel', shape: kernelShape, ...this.#parts.kernel, regularizerArgument: 'kernelRegularizer' });
      if (this.useBias) this.biases[p] = this.addWeight({ name: `${p}/bias`, role: 'bias', shape: biasShape, ...this.#parts.bias, regularizerArgument: 'biasRegularizer' });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = inputShape as Shape[];
    this.#checkShapes(shapes);
    const [q, v] = shapes as [Shape, Shape];
    if (this.kernels.query) this.#builtFor(shapes);
    const out: Shape = [...q.slice(0, -1), ...(this.outputShape ?? [q[q.length - 1]!])];
    return this.returnsScores ? [out, [q[0]!, this.numHeads, ...q.slice(1, -1), ...v.slice(1, -1)]] : out;
  }

  /** SHAPE_MISMATCH for inputs whose last dimensions do not fit the built kernels. */
  #builtFor(shapes: readonly Shape[]): void {
    const [q, v, k = v] = shapes.map((s) => s[s.length - 1]) as [number, number, number?];
    const fits = q === this.kernels.query!.shape[0] && k === this.kernels.key!.shape[0] && v === this.kernels.value!.shape[0];
    if (!fits) {
      const built = [this.kernels.query!, this.kernels.value!, this.kernels.key!].map((w) => w.shape[0]).join(', ');
      throw this.shapeError(`the layer was built for last dimensions [${built}] (query, value, key)`, shapes);
    }
  }

  /** `[n, d]` times the kernel read as `[d, rest]` (`[heads * valueDim, rest]` for the output), plus its bias. */
  #project(x: tf.Tensor, p: Projection): tf.Tensor {
    const kernel = this.kernels[p]!.read();
    let y = tf.matMul(x as tf.Tensor2D, tf.reshape(kernel, [x.shape[1]!, -1]));
    const bias = this.biases[p]?.read();
    if (bias) y = tf.add(y, tf.reshape(bias, [-1]));
    return y;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    const xs = (inputs as tf.Tensor[]).map((x) => (x.dtype === 'float32' ? x : tf.cast(x, 'float32')));
    const shapes = xs.map((x) => x.shape);
    this.#checkShapes(shapes);
    this.#builtFor(shapes);
    const [query, value, key = value] = xs as [tf.Tensor, tf.Tensor, tf.Tensor?];
    const call = this.currentCall(ctx);
    const [b, heads, kd, vd] = [query.shape[0]!, this.numHeads, this.keyDim, this.valueDim];
    const tDims = query.shape.slice(1, -1);
    const sDims = value.shape.slice(1, -1);
    const [t, s] = [product(tDims), product(sDims)];
    // [batch * steps, dim] -> [batch, heads, steps, head size]
    const heads4 = (x: tf.Tensor, steps: number, p: Projection, size: number) =>
      tf.transpose(tf.reshape(this.#project(tf.reshape(x, [b * steps, x.shape[x.rank - 1]!]), p), [b, steps, heads, size]), [0, 2, 1, 3]);
    const q = tf.mul(heads4(query, t, 'query', kd), 1 / Math.sqrt(kd));
    const k = heads4(key, s, 'key', kd);
    const v = heads4(value, s, 'value', vd);
    let scores = tf.matMul(q, k, false, true);
    const [qMask, vMask, kMask] = boolMasks(ctx, 3);
    let mask = qMask && tf.reshape(qMask, [b, t, 1]);
    mask = andMasks(mask, vMask && tf.reshape(vMask, [b, 1, s]));
    if (xs.length === 3) mask = andMasks(mask, kMask && tf.reshape(kMask, [b, 1, s]));
    if (call.useCausalMask) mask = andMasks(mask, causalMask(t, s));
    if (call.attentionMask) {
      const given = call.attentionMask;
      mask = andMasks(tf.reshape(given.dtype === 'bool' ? given : tf.cast(given, 'bool'), [given.shape[0]!, t, s]), mask);
    }
    let probs: tf.Tensor;
    if (mask) {
      // Keras's masked Softmax: masked scores get -1e9, and their probabilities are set to 0.
      const keep = tf.expandDims(tf.cast(mask, 'float32'), 1);
      scores = tf.add(scores, tf.mul(tf.sub(1, keep), LARGE_NEGATIVE));
      probs = tf.mul(tf.softmax(scores), keep);
    } else {
      probs = tf.softmax(scores);
    }
    const context = tf.matMul(this.dropScores(probs, ctx.training), v);
    const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [b * t, heads * vd]);
    const outDims = this.kernels.attention_output!.shape.slice(2);
    const out = tf.reshape(this.#project(merged, 'attention_output'), [b, ...tDims, ...outDims]);
    return call.returnAttentionScores ? [out, tf.reshape(probs, [b, heads, ...tDims, ...sDims])] : [out];
  }

  protected override layerConfig(): JsonObject {
    return {
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      dropout: this.dropout,
      useBias: this.useBias,
      outputShape: this.outputShape ? [...this.outputShape] : null,
      attentionAxes: this.attentionAxes ? [...this.attentionAxes] : null,
      ...this.weightPartsConfig(this.#parts, { kernel: undefined, bias: undefined }),
      seed: this.seed ?? null,
    };
  }
}

/** Creates a MultiHeadAttention layer; call it on `[query, value]` or `[query, value, key]`. */
export function multiHeadAttention(args: MultiHeadAttentionArgs): MultiHeadAttention {
  return new MultiHeadAttention(args);
}
