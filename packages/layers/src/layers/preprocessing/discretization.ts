import { RidgeError, describeValue, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { readBoolean, readPositiveInt } from '../misc/args.js';
import { checkEncodeRank, encodedShape, encodeTokens } from './encode.js';

export type DiscretizationOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count';

export interface DiscretizationArgs extends LayerArgs {
  /**
   * Sorted bin boundaries: `[0, 1, 2]` makes the bins `(-inf, 0)`, `[0, 1)`, `[1, 2)` and
   * `[2, inf)`. Give these, or `numBins` and call `adapt`.
   */
  binBoundaries?: readonly number[] | null;
  /** How many bins `adapt` computes boundaries for (quantiles of the data). */
  numBins?: number | null;
  /** `adapt`'s error tolerance (Keras's quantile summary), in (0, 1]. Default 0.01. */
  epsilon?: number;
  /** `'int'` (default): the bin index, int32. `'one_hot'`, `'multi_hot'`, `'count'`: as CategoryEncoding, float32. */
  outputMode?: DiscretizationOutputMode;
  /** Only false (Ridge has no sparse tensors). */
  sparse?: boolean;
}

const MODES: readonly DiscretizationOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count'];

/** Keras's quantile summary: row 0 the values, row 1 their weights (float32, as Keras keeps them). */
interface Summary {
  readonly values: number[];
  readonly weights: number[];
}

/** numpy's `interp`: piecewise linear through `(xp, fp)`, constant beyond the ends. */
function interp(x: number, xp: readonly number[], fp: readonly number[]): number {
  const last = xp.length - 1;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[last]!) return fp[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[lo + 1]! - fp[lo]!) / (xp[lo + 1]! - xp[lo]!);
  return slope * (x - xp[lo]!) + fp[lo]!;
}

/** Keras's `compress_summary`: new bins at the cumulative weight fractions `epsilon, 2 epsilon, ..., 1`. */
function compress(summary: Summary, epsilon: number): Summary {
  const n = summary.values.length;
  if (n * epsilon < 1) return summary;
  const count = Math.ceil(1 / epsilon);
  const percents = Array.from({ length: count }, (_, i) => epsilon + i * epsilon);
  const cum: number[] = [];
  summary.weights.forEach((w, i) => cum.push(Math.fround((i === 0 ? 0 : cum[i - 1]!) + w)));
  const total = cum[n - 1]!;
  const fractions = cum.map((c) => Math.fround(c / total));
  const values = percents.map((p) => Math.fround(interp(p, fractions, summary.values)));
  const cumNew = percents.map((p) => interp(p, fractions, cum));
  const weights = cumNew.map((c, i) => Math.fround(c - (i === 0 ? 0 : cumNew[i - 1]!)));
  return { values, weights };
}

/** Keras's `summarize` of sorted float32 values, merged (sorted, compressed) into an empty summary. */
function summarize(sorted: Float32Array, epsilon: number): Summary {
  const increment = sorted.length / (1 / epsilon);
  const step = Math.max(increment, 1);
  const values: number[] = [];
  for (let i = Math.trunc(increment); i < sorted.length; i += Math.trunc(step)) values.push(sorted[i]!);
  return compress({ values, weights: values.map(() => Math.fround(step)) }, epsilon);
}

/**
 * Keras 3 `Discretization`: each value to the index of its bin, `boundaries[i - 1] <= x <
 * boundaries[i]` (int32, or encoded as CategoryEncoding with `boundaries.length + 1` tokens).
 * `adapt(data)` computes the boundaries of `numBins` bins from quantiles of the data, with
 * Keras's summary algorithm (keras/src/layers/preprocessing/discretization.py), so the same
 * data gives Keras's boundaries (float32). The boundaries are in the config, saved with the model.
 */
export class Discretization extends Layer {
  static override readonly className = 'Discretization';
  static override readonly argKeys = argKeys<DiscretizationArgs>()([], ['binBoundaries', 'numBins', 'epsilon', 'outputMode', 'sparse']);
  readonly numBins: number | undefined;
  readonly epsilon: number;
  readonly outputMode: DiscretizationOutputMode;
  #boundaries: number[] | undefined;

  constructor(args: DiscretizationArgs) {
    super(args);
    const { binBoundaries, numBins } = args;
    if (numBins != null) readPositiveInt(this, 'numBins', numBins);
    if (binBoundaries != null) {
      const sorted = Array.isArray(binBoundaries) && binBoundaries.every((b, i) => Number.isFinite(b) && (i === 0 || b >= binBoundaries[i - 1]!));
      if (!sorted) throw layerArgError(this, 'binBoundaries', binBoundaries, 'a list of finite numbers in increasing order');
    } else if (numBins == null) {
      throw layerArgError(this, 'numBins', numBins, 'an integer >= 1 when binBoundaries is not given (give one of them)');
    }
    const epsilon = args.epsilon ?? 0.01;
    if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon <= 1)) throw layerArgError(this, 'epsilon', epsilon, 'a number in (0, 1]');
    const mode = args.outputMode ?? 'int';
    if (!MODES.includes(mode)) throw layerArgError(this, 'outputMode', mode, "'int', 'one_hot', 'multi_hot' or 'count'");
    if (readBoolean(this, 'sparse', args.sparse, false)) throw layerArgError(this, 'sparse', args.sparse, 'false (Ridge computes dense tensors)');
    // Both given: an adapted layer's config (Keras's from_config sets the boundaries after construction).
    this.#boundaries = binBoundaries == null ? undefined : [...binBoundaries];
    this.numBins = numBins ?? undefined;
    this.epsilon = epsilon;
    this.outputMode = mode;
  }

  /** The bin boundaries, given or adapted; undefined before `adapt`. */
  get binBoundaries(): readonly number[] | undefined {
    return this.#boundaries;
  }

  /**
   * Computes the boundaries of `numBins` bins from `data` (a tensor or nested lists of numbers;
   * every value counts, whatever the shape), as Keras's `adapt`. Adapting again replaces them.
   */
  adapt(data: tf.Tensor | number | readonly unknown[]): void {
    if (this.numBins === undefined) {
      throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: adapt() computes bin boundaries, which this layer was given; create it with numBins instead of binBoundaries to adapt it.`, {
        layer: this.name,
        argument: 'adapt(data)',
      });
    }
    const values = readValues(this, data);
    const sorted = Float32Array.from(values).sort();
    this.#boundaries = compress(summarize(sorted, this.epsilon), 1 / this.numBins).values.slice(0, -1);
  }

  #depth(): number {
    return this.#boundaries ? this.#boundaries.length + 1 : this.numBins!;
  }

  override build(inputShape: Shape | Shape[]): void {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    return encodedShape(inputShape as Shape, this.outputMode, this.#depth());
  }

  protected override outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return this.outputMode === 'int' ? 'int32' : 'float32';
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const boundaries = this.#boundaries;
    if (!boundaries) {
      throw new RidgeError('NOT_COMPILED', `${who(this)} has no bin boundaries yet: call layer.adapt(data) with your training data before using it, or create it with binBoundaries.`, {
        layer: this.name,
      });
    }
    checkEncodeRank(this, this.outputMode, x.shape);
    const values = tf.cast(x, 'float32');
    // The number of boundaries <= x (TensorFlow's Bucketize, numpy's digitize), compared in float32.
    const ids = boundaries.length === 0 ? tf.zeros(x.shape, 'int32') : tf.sum(tf.cast(tf.greaterEqual(tf.expandDims(values, -1), tf.tensor1d(boundaries)), 'int32'), -1);
    return encodeTokens(ids, this.outputMode, boundaries.length + 1);
  }

  protected override layerConfig(): JsonObject {
    return { binBoundaries: this.#boundaries ? [...this.#boundaries] : null, numBins: this.numBins ?? null, epsilon: this.epsilon, outputMode: this.outputMode, sparse: false };
  }
}

/** Every value of `adapt`'s data, refused (INVALID_DATA) unless there is at least one and all are finite numbers. */
function readValues(owner: Discretization, data: unknown): ArrayLike<number> {
  let values: ArrayLike<number> | undefined;
  if (data instanceof tf.Tensor) {
    if (!data.isDisposed && data.dtype !== 'string' && data.dtype !== 'complex64') values = data.dataSync() as ArrayLike<number>;
  } else if (typeof data === 'number' || Array.isArray(data)) {
    const flat = [data].flat(Infinity) as unknown[];
    if (flat.every((v) => typeof v === 'number')) values = flat as number[];
  }
  if (values && values.length > 0 && Array.prototype.every.call(values, (v: number) => Number.isFinite(v))) return values;
  throw new RidgeError(
    'INVALID_DATA',
    `${who(owner)}: adapt(data) must be a live tensor or nested lists of finite numbers, at least one; received ${describeValue(data)}.`,
    { layer: owner.name, argument: 'adapt(data)' },
  );
}

/** Creates a Discretization layer: give `binBoundaries`, or `numBins` and call `adapt(data)`. */
export function discretization(args: DiscretizationArgs): Discretization {
  return new Discretization(args);
}
