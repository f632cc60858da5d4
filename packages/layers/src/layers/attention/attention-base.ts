import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { checkKeys, layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { isSymbolic, type SymbolicTensor } from '../../engine/symbolic.js';
import { readBoolean } from '../misc/args.js';
import { readSeed, SeedStream } from '../misc/seeds.js';

/**
 * What an attention layer takes when it is called, Keras's call arguments in camelCase. On
 * symbolic tensors (a functional model) only `useCausalMask` and `returnAttentionScores`: the
 * masks come from the inputs (`embedding({ maskZero: true })`) and the training mode from `fit`.
 */
export interface AttentionCallOptions {
  /** Training mode: dropout on the attention scores. Default false (eager calls only). */
  training?: boolean;
  /**
   * Eager calls only: the inputs' masks `[queryMask, valueMask, keyMask?]`, each `[batch, time]`
   * (or null), as Keras's `mask=[query_mask, value_mask]`; one tensor is the query's mask (as
   * `apply(x, { mask })` masks a layer's first input). In a model they come from the inputs.
   */
  mask?: tf.Tensor | readonly (tf.Tensor | null | undefined)[];
  /**
   * MultiHeadAttention only (Keras's `attention_mask`; Attention and AdditiveAttention have none),
   * eager calls only: `[batch, Tq, Tv]` (batch may be 1), true (nonzero) where query position `i`
   * may attend to value position `j`; combined with the masks and the causal mask.
   */
  attentionMask?: tf.Tensor;
  /** Position `i` of the query attends to value positions `j <= i` only (decoder self-attention). Default false. */
  useCausalMask?: boolean;
  /** Also return the attention scores (after masking and softmax): `applyAll` gives `[output, scores]`. Default false. */
  returnAttentionScores?: boolean;
}

/** Keras's names for the call arguments that a graph node records (and JSON saves) as `kwargs`. */
const KWARGS = { useCausalMask: 'use_causal_mask', returnAttentionScores: 'return_attention_scores' } as const;
type GraphOption = keyof typeof KWARGS;
const GRAPH_OPTIONS = Object.keys(KWARGS) as GraphOption[];

/** The call arguments of one call, resolved. */
export interface AttentionCall {
  readonly useCausalMask: boolean;
  readonly returnAttentionScores: boolean;
  /** MultiHeadAttention's explicit `[batch | 1, Tq, Tv]` mask (eager calls). */
  readonly attentionMask?: tf.Tensor | undefined;
}

/** What Keras adds to masked scores (`1e9` below the rest): its exp is 0 in float32. */
export const LARGE_NEGATIVE = -1e9;

/** `[1, tq, tv]` booleans, true where `i >= j` (Keras's `row_index >= col_index`). */
export function causalMask(tq: number, tv: number): tf.Tensor {
  return tf.reshape(tf.greaterEqual(tf.reshape(tf.range(0, tq, 1, 'int32'), [tq, 1]), tf.reshape(tf.range(0, tv, 1, 'int32'), [1, tv])), [1, tq, tv]);
}

/** `a & b` for masks that may be absent. */
export function andMasks(a: tf.Tensor | undefined, b: tf.Tensor | undefined): tf.Tensor | undefined {
  return a === undefined ? b : b === undefined ? a : tf.logicalAnd(a, b);
}

/** Reads a `dropout` rate: a number in [0, 1). */
export function readDropout(owner: Layer, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw layerArgError(owner, 'dropout', value, 'a number in [0, 1)');
  return value;
}

/**
 * What the three attention layers share: they take `[query, value]` or `[query, value, key]`
 * (the key defaults to the value), the masks of those inputs (query mask on the output, value
 * and key masks on the scores), Keras's call arguments (see `AttentionCallOptions`), and
 * dropout on the attention scores in training, with `seed`.
 */
export abstract class AttentionBase extends Layer {
  protected override readonly multiInput: boolean = true;
  readonly dropout: number;
  readonly seed: number | undefined;
  readonly #seeds: SeedStream;
  /** The call arguments of the eager call running now (a graph run reads its node's instead). */
  #eager: AttentionCall | undefined;
  /** Whether the symbolic call being recorded returns the scores (read by computeOutputShape). */
  #pendingScores = false;

  constructor(args: LayerArgs & { dropout?: number; seed?: number | null }) {
    super(args);
    this.dropout = readDropout(this, args.dropout);
    this.seed = readSeed(this, args.seed);
    this.#seeds = new SeedStream(this.seed);
  }

  /** Masks of the query, value and key are honoured (see `computeMask`). */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The keys an eager call may take beyond the graph ones (MultiHeadAttention adds `attentionMask`). */
  protected get eagerOptionKeys(): readonly string[] {
    return ['training', 'mask'];
  }

  /** Refuses call arguments these inputs cannot take, before anything is built. */
  protected checkCall(_call: AttentionCall, _shapes: readonly Shape[]): void {}

  /** Checks and reads the layer-specific eager options (the explicit attention mask). */
  protected eagerExtras(_options: Record<string, unknown>, _inputs: readonly tf.Tensor[]): Pick<AttentionCall, 'attentionMask'> {
    return {};
  }

  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: Pick<AttentionCallOptions, GraphOption>): SymbolicTensor[];
  override applyAll(inputs: tf.Tensor | readonly tf.Tensor[], options?: AttentionCallOptions): tf.Tensor[];
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: AttentionCallOptions = {}): SymbolicTensor[] | tf.Tensor[] {
    if (!Array.isArray(inputs) || inputs.length < 2 || inputs.length > 3) {
      const received = Array.isArray(inputs) ? `${inputs.length} tensors` : isSymbolic(inputs) || inputs instanceof tf.Tensor ? `one tensor of shape ${formatShape(inputs.shape)}, not in a list` : inputs;
      throw layerArgError(this, 'inputs', received, 'a list [query, value] or [query, value, key], as in apply([query, value])');
    }
    const list = inputs as readonly unknown[];
    if (list.every(isSymbolic)) return this.#applySymbolic([...list], options);
    if (list.every((x) => x instanceof tf.Tensor)) return this.#applyEager([...list], options);
    return super.applyAll(inputs as never, options as never);
  }

  override apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: Pick<AttentionCallOptions, GraphOption>): SymbolicTensor;
  override apply(inputs: tf.Tensor | readonly tf.Tensor[], options?: AttentionCallOptions): tf.Tensor;
  override apply(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: AttentionCallOptions = {}): SymbolicTensor | tf.Tensor {
    return super.apply(inputs as never, options as never);
  }

  /**
   * Records a call from Keras JSON: `kwargs` as Keras writes them (`use_causal_mask`,
   * `return_attention_scores`); other call arguments (`training`, masks) are the graph's.
   */
  applyKerasCall(inputs: readonly SymbolicTensor[], kwargs: JsonObject): SymbolicTensor[] {
    const options: Pick<AttentionCallOptions, GraphOption> = {};
    for (const key of GRAPH_OPTIONS) {
      const value = kwargs[KWARGS[key]];
      if (value !== undefined && value !== null) options[key] = readBoolean(this, KWARGS[key], value, false);
    }
    return this.applyAll(inputs, options);
  }

  #graphOptions(options: unknown): AttentionCall {
    checkKeys(`${who(this)}: apply() on symbolic tensors`, options, GRAPH_OPTIONS, 'option');
    const o = options as AttentionCallOptions;
    return {
      useCausalMask: readBoolean(this, 'useCausalMask', o.useCausalMask, false),
      returnAttentionScores: readBoolean(this, 'returnAttentionScores', o.returnAttentionScores, false),
    };
  }

  #applySymbolic(inputs: SymbolicTensor[], options: unknown): SymbolicTensor[] {
    const call = this.#graphOptions(options);
    this.checkCall(call, inputs.map((t) => t.shape));
    this.#pendingScores = call.returnAttentionScores;
    let outputs: SymbolicTensor[];
    try {
      outputs = super.applyAll(inputs);
    } finally {
      this.#pendingScores = false;
    }
    // The node's kwargs are Keras's record of the call: graph runs read them back (ctx.callArgs),
    // and saving writes them, as Keras 3 writes `use_causal_mask` in a node's kwargs.
    const kwargs = outputs[0]!.node.kwargs as Record<string, unknown>;
    for (const key of GRAPH_OPTIONS) if (call[key]) kwargs[KWARGS[key]] = true;
    return outputs;
  }

  #applyEager(tensors: tf.Tensor[], options: unknown): tf.Tensor[] {
    checkKeys(`${who(this)}: apply()`, options, [...GRAPH_OPTIONS, ...this.eagerOptionKeys], 'option');
    const o = options as AttentionCallOptions & Record<string, unknown>;
    const training = readBoolean(this, 'training', o.training, false);
    const masks = this.#eagerMasks(o.mask, tensors);
    const call: AttentionCall = { ...this.#graphOptions({ useCausalMask: o.useCausalMask, returnAttentionScores: o.returnAttentionScores }), ...this.eagerExtras(o, tensors) };
    this.checkCall(call, tensors.map((t) => t.shape));
    this.ensureBuilt(tensors.map((t) => t.shape as Shape));
    return tf.tidy(() => {
      this.#eager = call;
      try {
        return this.invoke(tensors, masks ? { training, masks } : { training });
      } finally {
        this.#eager = undefined;
      }
    });
  }

  /** The eager `mask` option: a list with a `[batch, time...]` mask (or null) per input. */
  #eagerMasks(value: unknown, tensors: readonly tf.Tensor[]): (tf.Tensor | undefined)[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (value instanceof tf.Tensor) return this.#eagerMasks([value, null], tensors);
    const expected = `a list [queryMask, valueMask] or [queryMask, valueMask, keyMask] of live tensors (or null), one per input, each of the input's shape without its last axis`;
    if (!Array.isArray(value) || value.length < 2 || value.length > tensors.length) throw layerArgError(this, 'mask', value, expected);
    return (value as unknown[]).map((m, i) => {
      if (m === null || m === undefined) return undefined;
      if (!(m instanceof tf.Tensor) || m.isDisposed) throw layerArgError(this, `mask[${i}]`, m, 'a live tf.Tensor or null');
      const want = tensors[i]!.shape.slice(0, -1);
      if (!tf.util.arraysEqual(m.shape, want)) {
        throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: mask[${i}] must have the shape of input ${i} without its last axis, ${formatShape(want)}; received shape ${formatShape(m.shape)}.`, {
          layer: this.name,
          argument: `mask[${i}]`,
          received: m.shape,
        });
      }
      return m;
    });
  }

  /** The call arguments of the call running now: the eager call's, or those the graph node recorded. */
  protected currentCall(ctx: CallContext): AttentionCall {
    if (this.#eager) return this.#eager;
    const kwargs = ctx.callArgs ?? {};
    return { useCausalMask: kwargs[KWARGS.useCausalMask] === true, returnAttentionScores: kwargs[KWARGS.returnAttentionScores] === true };
  }

  /** Whether the symbolic call being recorded returns the scores too. */
  protected get returnsScores(): boolean {
    return this.#pendingScores;
  }

  /** Dropout on attention probabilities, in training only, scaled by `1 / (1 - dropout)` (Keras's `backend.random.dropout`). */
  protected dropScores(probs: tf.Tensor, training: boolean): tf.Tensor {
    if (!training || this.dropout === 0) return probs;
    const keep = 1 - this.dropout;
    const kept = tf.floor(tf.add(tf.randomUniform(probs.shape, 0, 1, 'float32', this.#seeds.next()), keep));
    return tf.mul(tf.div(probs, keep), kept);
  }

  /** A SHAPE_MISMATCH naming the layer and every input shape. */
  protected shapeError(what: string, shapes: readonly Shape[]): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${what}; received shapes ${shapes.map(formatShape).join(', ')} for [query, value${shapes.length > 2 ? ', key' : ''}].`, {
      layer: this.name,
      argument: 'inputs',
      received: shapes.map((s) => [...s]),
    });
  }

  /** The output carries the query's mask (Keras's `compute_mask`); the scores carry none. */
  override computeOutputMasked(inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, (_, i) => i === 0 && inputsMasked[0] === true);
  }

  override computeMask(_inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    return Array.from({ length: outputCount }, (_, i) => (i === 0 ? masks[0] : undefined));
  }
}

/** Bool masks from `ctx.masks` (any dtype, nonzero = keep), one per input, undefined where absent. */
export function boolMasks(ctx: CallContext, count: number): (tf.Tensor | undefined)[] {
  return Array.from({ length: count }, (_, i) => {
    const m = ctx.masks?.[i];
    return m === undefined ? undefined : m.dtype === 'bool' ? m : tf.cast(m, 'bool');
  });
}
