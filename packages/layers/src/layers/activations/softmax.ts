import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { formatShape, type Shape } from '../../engine/shape.js';

export interface SoftmaxArgs extends LayerArgs {
  /** The axis (or axes) normalized over; negative counts from the end. Default -1. */
  axis?: number | readonly number[];
}

/** What Keras adds to masked logits: exp of it is 0 in float32. */
const LARGE_NEGATIVE = -1e9;

function readAxis(owner: Layer, value: unknown): number | number[] {
  if (value === undefined) return -1;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'number' && Number.isInteger(a))) return [...(value as number[])];
  throw layerArgError(owner, 'axis', value, 'an integer or a non-empty list of integers');
}

/**
 * Keras's Softmax layer: `exp(x) / sum(exp(x))` over `axis`. A mask of the inputs' own shape (as
 * `apply(x, { mask })` gives for attention scores) marks the entries to keep: the others get
 * probability 0, as in Keras 3. A sequence mask `[batch, time]` on `[batch, time, features]` is
 * passed on unchanged: it marks whole time steps, each normalized on its own.
 */
export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  static override readonly argKeys = argKeys<SoftmaxArgs>()([], ['axis']);
  readonly axis: number | readonly number[];

  /** Takes a mask (see above) and passes it on, as Keras. */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    this.axis = readAxis(this, args.axis);
    const axes = typeof this.axis === 'number' ? [this.axis] : this.axis;
    if (new Set(axes).size !== axes.length) throw layerArgError(this, 'axis', args.axis, 'a list of distinct axes');
  }

  /** The axes as non-negative numbers for inputs of `rank`; SHAPE_MISMATCH for one out of range. */
  #axes(rank: number, shape: readonly (number | null)[]): number[] {
    const axes = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const resolved = axes.map((a) => (a < 0 ? a + rank : a));
    if (resolved.some((a) => a < 0 || a >= rank) || new Set(resolved).size !== resolved.length) {
      throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: axis ${JSON.stringify(this.axis)} does not fit inputs of shape ${formatShape(shape)} (rank ${rank}); use axes from ${-rank} to ${rank - 1}, each once.`, {
        layer: this.name,
        argument: 'axis',
        received: this.axis,
      });
    }
    return resolved;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    this.#axes(shape.length, shape);
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    let x = floatInput(inputs as tf.Tensor);
    const axes = this.#axes(x.rank, x.shape);
    const mask = ctx.masks?.[0];
    if (mask && mask.rank === x.rank && mask.shape.some((d, i) => d !== 1 && d !== x.shape[i])) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: a mask of the inputs' rank must broadcast to them (each size 1 or the input's); received mask shape ${formatShape(mask.shape)} for inputs of shape ${formatShape(x.shape)}.`,
        { layer: this.name, argument: 'mask', received: mask.shape },
      );
    }
    const keep = mask && mask.rank === x.rank ? tf.cast(mask, x.dtype) : undefined;
    if (keep) x = tf.add(x, tf.mul(tf.sub(1, keep), LARGE_NEGATIVE));
    // tfjs-core's softmax works on the last axis only; other axes go through logSumExp.
    const y = axes.length === 1 && axes[0] === x.rank - 1 ? tf.softmax(x) : tf.exp(tf.sub(x, tf.logSumExp(x, axes, true)));
    return keep ? tf.mul(y, keep) : y;
  }

  protected override layerConfig(): JsonObject {
    return { axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}

/** Creates a Softmax layer (tfjs-layers' `tf.layers.softmax`). */
export function softmax(args: SoftmaxArgs = {}): Softmax {
  return new Softmax(args);
}
