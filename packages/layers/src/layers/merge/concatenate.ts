import type { JsonObject } from '@ridge/core';
import { layerArgError } from '../../engine/errors.js';
import type { CallContext, LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { tf } from '../../engine/tfjs.js';
import { MergeBase } from './base-merge.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along; negative counts from the end. Default -1 (the last). */
  axis?: number;
}

/**
 * Joins its inputs (any number >= 1) along `axis`. The inputs must have the same rank and the same
 * sizes on every other axis (`null`, unknown, matches any size); the output's size on `axis` is
 * the sum, or `null` when one of them is unknown.
 */
export class Concatenate extends MergeBase {
  static override readonly className = 'Concatenate';
  static override readonly argKeys = argKeys<ConcatenateArgs>()([], ['axis']);
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    if (args.axis !== undefined && !Number.isInteger(args.axis)) throw layerArgError(this, 'axis', args.axis, 'an integer');
    this.axis = args.axis ?? -1;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    const rank = shapes[0]!.length;
    if (shapes.some((s) => s.length !== rank)) {
      throw this.shapeError('inputs must have the same rank, and the same sizes except on the concatenation axis', shapes);
    }
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 0 || axis >= rank) throw this.shapeError(`axis ${this.axis} is out of range for inputs of rank ${rank}`, shapes, 'axis');
    return shapes[0]!.map((_, i) => {
      const sizes = shapes.map((s) => s[i] ?? null);
      if (i === axis) return sizes.includes(null) ? null : (sizes as number[]).reduce((a, b) => a + b, 0);
      const known = new Set(sizes.filter((d) => d !== null));
      if (known.size > 1) {
        throw this.shapeError(`inputs must have the same sizes except on the concatenation axis ${this.axis}; axis ${i} differs`, shapes);
      }
      return known.size === 1 ? [...known][0]! : null;
    });
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const xs = this.floats(inputs);
    this.computeOutputShape(xs.map((x) => x.shape));
    return tf.concat(xs, this.axis < 0 ? this.axis + xs[0]!.rank : this.axis);
  }

  /** Takes masks, as Keras 3's Concatenate. */
  override get supportsMasking(): boolean {
    return true;
  }

  /** Keras 3's `compute_mask`: a mask when any input has one. */
  override computeOutputMasked(inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => inputsMasked.some(Boolean));
  }

  /**
   * Keras 3's `compute_mask`: each input's mask spread over its own shape (all true for an input
   * without one, a mask of lower rank repeated along the input's last axis), concatenated as the
   * inputs are, then `any` over the last axis.
   */
  override computeMask(inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    const spread = inputs.map((x, i) => {
      const m = masks[i];
      if (!m) return tf.cast(tf.onesLike(x), 'bool');
      const b = m.dtype === 'bool' ? m : tf.cast(m, 'bool');
      return b.rank < x.rank ? tf.broadcastTo(tf.expandDims(b, -1), x.shape) : b;
    });
    const mask = tf.any(tf.concat(spread, this.axis < 0 ? this.axis + inputs[0]!.rank : this.axis), -1);
    return Array.from({ length: outputCount }, () => mask);
  }

  protected override layerConfig(): JsonObject {
    return { axis: this.axis };
  }
}

/** Creates a Concatenate layer; call it on a list of tensors: `concatenate({ axis: -1 }).apply([a, b])`. */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}
