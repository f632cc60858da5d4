import { RidgeError, describeValue, type JsonObject, type JsonValue } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type CallOptions, type LayerArgs } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Ones, Zeros } from '../../initializers/constant.js';
import { floatInput } from '../float-input.js';
import { readBoolean } from '../misc/args.js';
import { checkAxesSizes } from '../misc/axes.js';

/** A number or nested lists of numbers (a scalar, a vector, a matrix, ...). */
export type NestedNumbers = number | readonly NestedNumbers[];

export interface NormalizationArgs extends LayerArgs {
  /**
   * The axis or axes that keep a separate mean and variance per index; every other axis is
   * averaged over. Default -1 (one mean and variance per feature); `null` or `[]`: one for all.
   */
  axis?: number | readonly number[] | null;
  /** The mean, broadcast to the kept axes (matched from the right); give it with `variance`, or call `adapt`. */
  mean?: NestedNumbers | null;
  /** The variance, of the same shape as `mean`. */
  variance?: NestedNumbers | null;
  /** Undo the normalization instead: `mean + inputs * sqrt(variance)`. Default false. */
  invert?: boolean;
}

/** Keras's `backend.epsilon()`: the least standard deviation divided by. */
const EPSILON = 1e-7;

/** The shape of a rectangular nested list of finite numbers, or undefined for anything else. */
function nestedShape(value: unknown): number[] | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : undefined;
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const inner = nestedShape(value[0]);
  if (inner === undefined) return undefined;
  for (const v of value.slice(1)) {
    const s = nestedShape(v);
    if (s === undefined || s.length !== inner.length || s.some((d, i) => d !== inner[i])) return undefined;
  }
  return [value.length, ...inner];
}

function flatten(value: NestedNumbers): number[] {
  return typeof value === 'number' ? [value] : value.flatMap((v) => flatten(v));
}

/** What the layer computes with once built: the input rank, the kept axes and the statistics' broadcast shape. */
interface Geometry {
  readonly rank: number;
  readonly keep: readonly number[];
  readonly sizes: readonly number[];
  readonly broadcast: readonly number[];
}

/**
 * Keras 3 `Normalization`: `(inputs - mean) / max(sqrt(variance), 1e-7)` with a mean and
 * variance per index of `axis` (or `mean + inputs * max(sqrt(variance), 1e-7)` with `invert`).
 * Give `mean` and `variance`, or call `adapt(data)`, which computes them over every axis of the
 * data but `axis` (the population variance) and stores them in the non-trainable weights `mean`,
 * `variance` and `count` (the number of values averaged per index), saved with the model. A
 * layer with neither is refused when called (Keras would compute with mean 0 and variance 1).
 * Inputs are read as float32; masks pass through.
 */
export class Normalization extends Layer {
  static override readonly className = 'Normalization';
  static override readonly argKeys = argKeys<NormalizationArgs>()([], ['axis', 'mean', 'variance', 'invert']);
  /** The kept axes as given (negative ones count from the end). */
  readonly axis: readonly number[];
  readonly invert: boolean;
  readonly #given: { readonly mean: NestedNumbers; readonly variance: NestedNumbers; readonly shape: readonly number[] } | undefined;
  #geometry: Geometry | undefined;
  mean: LayerWeight | undefined;
  variance: LayerWeight | undefined;
  count: LayerWeight | undefined;
  /** The mean variable's data when it was created: any assignment since (adapt, loading, setWeights) replaces it. */
  #unadapted: object | undefined;

  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const { axis } = args;
    if (axis === undefined) this.axis = [-1];
    else if (axis === null) this.axis = [];
    else if (Number.isInteger(axis)) this.axis = [axis as number];
    else if (Array.isArray(axis) && axis.every((a) => Number.isInteger(a))) this.axis = [...(axis as number[])];
    else throw layerArgError(this, 'axis', axis, 'an integer, a list of integers, or null');
    this.invert = readBoolean(this, 'invert', args.invert, false);
    const mean = args.mean ?? undefined;
    const variance = args.variance ?? undefined;
    if ((mean === undefined) !== (variance === undefined)) {
      const [missing, present] = mean === undefined ? ['mean', variance] : ['variance', mean];
      throw layerArgError(this, missing, undefined, `given with ${missing === 'mean' ? 'variance' : 'mean'} (both or neither; received ${describeValue(present)} for the other), or call adapt(data) instead`);
    }
    if (mean !== undefined && variance !== undefined) {
      const meanShape = nestedShape(mean);
      if (!meanShape) throw layerArgError(this, 'mean', mean, 'a finite number or nested lists of finite numbers');
      const varianceShape = nestedShape(variance);
      if (!varianceShape || flatten(variance).some((v) => v < 0)) throw layerArgError(this, 'variance', variance, 'a number >= 0 or nested lists of numbers >= 0');
      if (meanShape.join() !== varianceShape.join()) {
        throw layerArgError(this, 'variance', variance, `of the shape of mean, ${formatShape(meanShape)} (received shape ${formatShape(varianceShape)})`);
      }
      if (meanShape.length > this.axis.length) {
        throw layerArgError(this, 'mean', mean, `of rank at most ${this.axis.length}, the number of axes in axis [${this.axis.join(', ')}] (received rank ${meanShape.length})`);
      }
      this.#given = { mean, variance, shape: meanShape };
    }
  }

  #shapeError(message: string, shape: Shape, argument: string): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${message}; received input shape ${formatShape(shape)}.`, { layer: this.name, argument, received: [...shape] });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const rank = shape.length;
    const bad = this.axis.find((a) => a < -rank || a >= rank);
    if (bad !== undefined) throw this.#shapeError(`axis ${bad} is out of range for inputs of rank ${rank}`, shape, 'axis');
    const keep = this.axis.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b);
    if (new Set(keep).size !== keep.length) throw this.#shapeError(`axis [${this.axis.join(', ')}] names the same axis twice`, shape, 'axis');
    const unknown = keep.find((a) => shape[a] === null);
    if (unknown !== undefined) throw this.#shapeError(`the size of axis ${unknown} must be known (it has one mean and variance per index)`, shape, 'axis');
    const sizes = keep.map((a) => shape[a] as number);
    const broadcast = shape.map((d, i) => (keep.includes(i) ? (d as number) : 1));
    if (this.#given) {
      // As Keras: the given shape's dimensions fit the kept axes from the right, each its size or 1.
      const given = this.#given.shape;
      const fits = given.every((d, i) => d === 1 || d === sizes[sizes.length - given.length + i]);
      if (!fits) {
        throw this.#shapeError(
          `mean and variance of shape ${formatShape(given)} do not broadcast to the kept axes [${keep.join(', ')}] of sizes ${formatShape(sizes)}`,
          shape,
          'mean',
        );
      }
    } else {
      this.mean = this.addWeight({ name: 'mean', role: 'mean', shape: sizes, initializer: new Zeros(), trainable: false });
      this.variance = this.addWeight({ name: 'variance', role: 'variance', shape: sizes, initializer: new Ones(), trainable: false });
      this.count = this.addWeight({ name: 'count', role: 'count', shape: [], initializer: new Zeros(), trainable: false, dtype: 'int32' });
      this.#unadapted = this.mean.variable.dataId;
    }
    this.#geometry = { rank, keep, sizes, broadcast };
    this.built = true;
  }

  /** Whether the layer has statistics: given, adapted, or assigned to its weights (a loaded model). */
  get adapted(): boolean {
    return this.#given !== undefined || (this.mean !== undefined && this.mean.variable.dataId !== this.#unadapted);
  }

  /**
   * Computes the mean and variance of `data` (a tensor or nested lists of numbers, the batch axis
   * first) over every axis but `axis`, as Keras's `adapt`, and stores them in the layer's weights.
   * Builds the layer for the data's shape if it is not built; a built layer takes data whose kept
   * axes have its sizes. Adapting again replaces the statistics.
   */
  adapt(data: tf.Tensor | NestedNumbers): void {
    if (this.#given) {
      throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: adapt() computes mean and variance, which this layer was given; create the layer without mean and variance to adapt it.`, {
        layer: this.name,
        argument: 'adapt(data)',
      });
    }
    const owned = !(data instanceof tf.Tensor);
    const x = this.#readData(data);
    try {
      const shape = x.shape;
      if (this.#geometry) {
        const g = this.#geometry;
        checkAxesSizes(this, x, g.rank, g.keep, g.sizes);
      }
      this.ensureBuilt(shape);
      const { keep, sizes } = this.#geometry!;
      const reduce = shape.map((_, i) => i).filter((i) => !keep.includes(i));
      const count = reduce.reduce((n, i) => n * shape[i]!, 1);
      if (count === 0) {
        throw new RidgeError('INVALID_DATA', `${who(this)}: adapt(data) received data of shape ${formatShape(shape)}, which has no values to average; give at least one sample.`, {
          layer: this.name,
          argument: 'adapt(data)',
          received: shape,
        });
      }
      tf.tidy(() => {
        const values = tf.cast(x, 'float32');
        const { mean, variance } = reduce.length === 0 ? { mean: values, variance: tf.zerosLike(values) } : tf.moments(values, reduce);
        this.mean!.assign(tf.reshape(mean, [...sizes]));
        this.variance!.assign(tf.reshape(variance, [...sizes]));
        this.count!.assign(tf.scalar(count, 'int32'));
      });
    } finally {
      if (owned) x.dispose();
    }
  }

  /** The data of `adapt` as a tensor, refused (INVALID_DATA) unless it is numbers, all finite. */
  #readData(data: unknown): tf.Tensor {
    const refuse = (what: string) =>
      new RidgeError('INVALID_DATA', `${who(this)}: adapt(data) must be ${what}; received ${describeValue(data)}.`, { layer: this.name, argument: 'adapt(data)' });
    let x: tf.Tensor;
    if (data instanceof tf.Tensor) {
      if (data.isDisposed) throw refuse('a live tensor');
      if (data.dtype !== 'float32' && data.dtype !== 'int32' && data.dtype !== 'bool') throw refuse('a tensor of numbers (float32, int32 or bool)');
      x = data;
    } else {
      const shape = nestedShape(data);
      if (shape === undefined || shape.length === 0) throw refuse('a tensor or nested lists of finite numbers of the same length at each level, the batch axis first');
      x = tf.tensor(flatten(data as NestedNumbers), shape, 'float32');
      return x;
    }
    const finite = x.size === 0 || tf.tidy(() => tf.all(tf.isFinite(tf.cast(x, 'float32'))).dataSync()[0]);
    if (!finite) throw refuse('finite numbers (it holds NaN or Infinity)');
    return x;
  }

  /** NOT_COMPILED, naming the layer and what to do, unless it has statistics. */
  #requireStatistics(): void {
    if (this.adapted) return;
    throw new RidgeError(
      'NOT_COMPILED',
      `${who(this)} has no mean and variance yet: call layer.adapt(data) with your training data before using it, or create it with mean and variance.`,
      { layer: this.name },
    );
  }

  /** Refuses a call on tensors before anything is built when the layer has no statistics (symbolic calls build graphs, as before adapt). */
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[];
  override applyAll(inputs: tf.Tensor | readonly tf.Tensor[], options?: CallOptions): tf.Tensor[];
  override applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options?: CallOptions): SymbolicTensor[] | tf.Tensor[] {
    if ((Array.isArray(inputs) ? inputs[0] : inputs) instanceof tf.Tensor) this.#requireStatistics();
    return super.applyAll(inputs as tf.Tensor, options);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#requireStatistics();
    const g = this.#geometry!;
    checkAxesSizes(this, x, g.rank, g.keep, g.sizes);
    const [mean, variance] = this.#given
      ? [this.#givenTensor(this.#given.mean), this.#givenTensor(this.#given.variance)]
      : [tf.reshape(this.mean!.read(), [...g.broadcast]), tf.reshape(this.variance!.read(), [...g.broadcast])];
    const std = tf.maximum(tf.sqrt(variance), EPSILON);
    const values = floatInput(x);
    return this.invert ? tf.add(mean, tf.mul(values, std)) : tf.div(tf.sub(values, mean), std);
  }

  /** A given mean or variance in the inputs' rank: its dimensions on the last kept axes. */
  #givenTensor(value: NestedNumbers): tf.Tensor {
    const g = this.#geometry!;
    const given = this.#given!.shape;
    const shape = new Array<number>(g.rank).fill(1);
    given.forEach((d, i) => {
      shape[g.keep[g.keep.length - given.length + i]!] = d;
    });
    return tf.tensor(flatten(value), shape, 'float32');
  }

  protected override layerConfig(): JsonObject {
    const copy = (v: NestedNumbers | undefined): JsonValue => (v === undefined ? null : (JSON.parse(JSON.stringify(v)) as JsonValue));
    return { axis: [...this.axis], invert: this.invert, mean: copy(this.#given?.mean), variance: copy(this.#given?.variance) };
  }
}

/** Creates a Normalization layer; give it `mean` and `variance`, or call `adapt(data)` on it. */
export function normalization(args: NormalizationArgs = {}): Normalization {
  return new Normalization(args);
}
