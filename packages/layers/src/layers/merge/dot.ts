import type { JsonObject } from '@ridge/core';
import { layerArgError } from '../../engine/errors.js';
import type { CallContext, LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { tf } from '../../engine/tfjs.js';
import { readBoolean } from '../misc/args.js';
import { MergeBase } from './base-merge.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface DotArgs extends LayerArgs {
  /**
   * The axis of each input to sum over: one integer for both, or `[axis of the first, axis of the
   * second]`; negative counts from the end. Axis 0 (the batch) cannot be summed over.
   */
  axes: number | readonly [number, number];
  /** L2-normalize each input along its axis first, so that the result is the cosine similarity. Default false. */
  normalize?: boolean;
}

/** Keras 3's `ops.normalize` epsilon (`backend.epsilon()`): norms below it count as it. */
const EPSILON = 1e-7;

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/**
 * The dot product of two inputs along one axis each, per sample (Keras's `batch_dot`): for
 * `x` of shape `[b, ...xs]` and `y` of shape `[b, ...ys]`, the output is `[b, ...xs without the
 * axis, ...ys without the axis]`, or `[b, 1]` when nothing else is left (two rank-2 inputs).
 */
export class Dot extends MergeBase {
  static override readonly className = 'Dot';
  static override readonly argKeys = argKeys<DotArgs>()(['axes'], ['normalize']);
  readonly axes: number | readonly [number, number];
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes = (args as Partial<DotArgs> | undefined)?.axes;
    const isAxis = (a: unknown): a is number => Number.isInteger(a) && a !== 0;
    const valid = isAxis(axes) || (Array.isArray(axes) && axes.length === 2 && axes.every(isAxis));
    if (!valid) throw layerArgError(this, 'axes', axes, 'a non-zero integer or a list of two (axis 0 is the batch axis)');
    this.axes = typeof axes === 'number' ? axes : ([axes[0], axes[1]] as const);
    this.normalize = readBoolean(this, 'normalize', args?.normalize, false);
  }

  protected override get inputCount(): number {
    return 2;
  }

  /** Takes masks and ends them, as Keras 3's Dot (`compute_mask` returns None). */
  override get supportsMasking(): boolean {
    return true;
  }

  override computeOutputMasked(_inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => false);
  }

  /** The two axes, non-negative, for inputs of these shapes; SHAPE_MISMATCH where they do not fit. */
  #resolve(shapes: readonly Shape[]): [number, number] {
    if (shapes.some((s) => s.length < 2)) throw this.shapeError('inputs must have rank >= 2 (a batch axis and at least one more)', shapes);
    const given = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes = given.map((a, i) => (a < 0 ? a + shapes[i]!.length : a)) as [number, number];
    axes.forEach((a, i) => {
      if (a < 1 || a >= shapes[i]!.length) {
        throw this.shapeError(`axis ${given[i]} of input ${i} is out of range for its rank ${shapes[i]!.length}, or is the batch axis`, shapes, 'axes');
      }
    });
    const [b1, b2] = [shapes[0]![0], shapes[1]![0]];
    if (b1 !== null && b2 !== null && b1 !== b2) throw this.shapeError('cannot take the dot product of tensors with different batch sizes', shapes);
    const [d1, d2] = [shapes[0]![axes[0]], shapes[1]![axes[1]]];
    if (d1 !== null && d2 !== null && d1 !== d2) {
      throw this.shapeError(`the sizes on axes [${axes.join(', ')}] differ (${d1} != ${d2})`, shapes, 'axes');
    }
    return axes;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    const [a0, a1] = this.#resolve(shapes);
    const [x, y] = shapes as [Shape, Shape];
    const rest = [...x.filter((_, i) => i > 0 && i !== a0), ...y.filter((_, i) => i > 0 && i !== a1)];
    return [x[0] ?? y[0] ?? null, ...(rest.length === 0 ? [1] : rest)];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    let [x, y] = this.floats(inputs) as [tf.Tensor, tf.Tensor];
    const [a0, a1] = this.#resolve([x.shape, y.shape]);
    if (this.normalize) {
      x = l2Normalize(x, a0);
      y = l2Normalize(y, a1);
    }
    // x to [b, rest of x, n] and y to [b, n, rest of y]: one batched matrix product.
    x = tf.transpose(x, [0, ...range(1, x.rank).filter((i) => i !== a0), a0]);
    y = tf.transpose(y, [0, a1, ...range(1, y.rank).filter((i) => i !== a1)]);
    const [b, n] = [x.shape[0]!, x.shape[x.rank - 1]!];
    const xRest = x.shape.slice(1, -1);
    const yRest = y.shape.slice(2);
    const size = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);
    const product = tf.matMul(tf.reshape(x, [b, size(xRest), n]), tf.reshape(y, [b, n, size(yRest)]));
    const rest = [...xRest, ...yRest];
    return tf.reshape(product, [b, ...(rest.length === 0 ? [1] : rest)]);
  }

  protected override layerConfig(): JsonObject {
    return { axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize };
  }
}

/**
 * Keras 3's `ops.normalize(x, axis)`: `x * min(1 / ||x||, 1 / epsilon)`, written as
 * `x / sqrt(max(sum(x^2), epsilon^2))`, the same values with a finite gradient at `x = 0`.
 */
function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), EPSILON * EPSILON)));
}

/** Creates a Dot layer; call it on two tensors: `dot({ axes: -1 }).apply([a, b])`. */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}
