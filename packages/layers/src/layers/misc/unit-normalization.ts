import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface UnitNormalizationArgs extends LayerArgs {
  /** The axis or axes whose entries together get L2 norm 1 (each sample separately); default -1. */
  axis?: number | readonly number[];
}

/** Keras's floor on the squared norm: an all-zero input stays zero instead of dividing by zero. */
const MIN_SQUARE_SUM = 1e-12;

/**
 * Keras 3 UnitNormalization: `x / sqrt(max(sum(x^2 over axis), 1e-12))`, so each sample has L2
 * norm 1 over `axis` (an all-zero slice stays zero). No weights; masks pass through, as in Keras 3.
 */
export class UnitNormalization extends Layer {
  static override readonly className = 'UnitNormalization';
  static override readonly argKeys = argKeys<UnitNormalizationArgs>()([], ['axis']);
  readonly axis: number | readonly number[];
  /** Set at build: the input rank and the non-negative axes. */
  #geometry: { rank: number; axes: number[] } | undefined;

  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    const { axis } = args;
    if (axis === undefined) this.axis = -1;
    else if (Number.isInteger(axis)) this.axis = axis as number;
    else if (Array.isArray(axis) && axis.length > 0 && axis.every((a) => Number.isInteger(a))) this.axis = [...(axis as number[])];
    else throw layerArgError(this, 'axis', axis, 'an integer or a non-empty list of integers');
  }

  /** A SHAPE_MISMATCH about `argument`: `axis` when built, `inputs` when called on another rank. */
  #shapeError(what: string, shape: readonly (number | null)[], argument: 'axis' | 'inputs' = 'axis'): RidgeError {
    return new RidgeError('SHAPE_MISMATCH', `${who(this)}: ${what}; received input shape ${formatShape(shape)}.`, { layer: this.name, argument, received: [...shape] });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const rank = shape.length;
    // As Keras: any axis of the input, sizes known or not (there are no weights).
    const given = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const bad = given.find((a) => a < -rank || a >= rank);
    if (bad !== undefined) throw this.#shapeError(`axis ${bad} is out of range for inputs of rank ${rank}`, shape);
    const axes = given.map((a) => (a < 0 ? a + rank : a));
    if (new Set(axes).size !== axes.length) throw this.#shapeError(`axis [${given.join(', ')}] names the same axis twice`, shape);
    this.#geometry = { rank, axes };
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const { rank, axes } = this.#geometry!;
    if (x.rank !== rank) throw this.#shapeError(`expected inputs of rank ${rank}, as it was built for`, x.shape, 'inputs');
    const squareSum = tf.sum(tf.square(x), axes, true);
    return tf.mul(x, tf.rsqrt(tf.maximum(squareSum, MIN_SQUARE_SUM)));
  }

  protected override layerConfig(): JsonObject {
    return { axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}

/** Creates a UnitNormalization layer. */
export function unitNormalization(args: UnitNormalizationArgs = {}): UnitNormalization {
  return new UnitNormalization(args);
}
