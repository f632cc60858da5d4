import { RidgeError, checkNumber, describeValue, invalidArgument } from '@ridge/core';
import { tf } from '../tensors.js';

/**
 * The axis (or axes) a norm is taken over, as in Keras: for a Dense kernel `[in, out]`, axis 0
 * gives one norm per output unit (the norm of each column, the unit's incoming weights); for a
 * conv kernel `[h, w, in, out]`, `[0, 1, 2]` gives one norm per filter. Negative axes count
 * from the end.
 */
export type Axis = number | number[];

/** Keras's `backend.epsilon()`, added to the norm before dividing by it. */
export const NORM_EPSILON = 1e-7;

/** Checks an axis argument: an integer or a non-empty list of distinct integers. */
export function checkAxis(value: unknown, argument = 'axis'): Axis {
  if (!Array.isArray(value)) return checkNumber(argument, value, { integer: true });
  if (value.length === 0) throw invalidArgument(argument, value, 'an integer or a non-empty list of integers');
  const axes = value.map((a, i) => checkNumber(`${argument}[${i}]`, a, { integer: true }));
  if (new Set(axes).size !== axes.length) {
    throw invalidArgument(argument, value, 'a list of distinct axes');
  }
  return axes;
}

/** The axes as non-negative indices for a tensor of this rank; throws when one is out of range. */
export function resolveAxes(className: string, axis: Axis, shape: readonly number[]): number[] {
  const rank = shape.length;
  const axes = (typeof axis === 'number' ? [axis] : axis).map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${className}: axis ${describeValue(axis)} does not fit a weight of shape [${shape.join(', ')}] ` +
        `(rank ${rank}); use axes in [${-rank}, ${rank - 1}], each once ` +
        `(0 for a Dense kernel [in, out], [0, 1, 2] for a conv kernel [h, w, in, out]).`,
      { argument: 'axis', received: axis, shape: [...shape] },
    );
  }
  return axes;
}

/** The L2 norms of `w` over the given axes, kept as size-1 dimensions so they broadcast back. */
export function norms(w: tf.Tensor, axes: number[]): tf.Tensor {
  return tf.sqrt(tf.sum(tf.square(w), axes, true));
}

/** A copy of the axis for a config, so callers cannot change the constraint through it. */
export function copyAxis(axis: Axis): Axis {
  return typeof axis === 'number' ? axis : [...axis];
}
