import {
  RidgeError,
  checkConfigKeys,
  checkNonNegativeNumber,
  checkNumber,
  describeValue,
  invalidArgument,
  type Regularizer,
} from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';

/** Third parties name their classes `'package>Name'`, so they never clash with Ridge's or Keras's. */
export const GROUP_LASSO_CLASS_NAME = 'ridge-regularizer-group-lasso>GroupLasso';

/**
 * The axis (or axes) each group's norm is taken over. For a Dense kernel `[in, out]`, `0` makes
 * each column one group: the incoming weights of one output unit. For a conv kernel
 * `[h, w, in, out]`, `[0, 1, 2]` makes each filter one group. Negative axes count from the end.
 */
export type GroupAxis = number | number[];

export type GroupLassoConfig = { factor?: number; axis?: GroupAxis };

/**
 * Smoothing inside the square root, `1e-12` (as `tf.math.l2_normalize`). The norm `sqrt(s)` has
 * no derivative at `s = 0`: autodiff through it gives `0 * Infinity = NaN` for an all-zero group.
 * `sqrt(s + eps) - sqrt(eps)` is smooth everywhere, is exactly 0 for an all-zero group (both
 * square roots round the same float32 value), and differs from the norm by less than
 * `sqrt(eps) = 1e-6` per group. Its gradient, `w / sqrt(s + eps)`, is 0 at 0 and has norm below
 * 1 per group, like the norm's.
 */
export const GROUP_LASSO_EPSILON = 1e-12;

const KEYS = ['factor', 'axis'] as const;

function readConfig(value: unknown): GroupLassoConfig {
  if (value === undefined) return {};
  if (typeof value === 'number') return { factor: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument('factor', value, 'a finite number >= 0 or a GroupLasso config { factor?, axis? }');
  }
  checkConfigKeys('GroupLasso', value as Record<string, unknown>, KEYS);
  return value as GroupLassoConfig;
}

function checkAxis(value: unknown): GroupAxis {
  if (!Array.isArray(value)) return checkNumber('axis', value, { integer: true });
  if (value.length === 0) throw invalidArgument('axis', value, 'an integer or a non-empty list of integers');
  const axes = value.map((a, i) => checkNumber(`axis[${i}]`, a, { integer: true }));
  if (new Set(axes).size !== axes.length) throw invalidArgument('axis', value, 'a list of distinct axes');
  return axes;
}

/**
 * Group lasso: `factor * sum_j ||w_j||`, the sum over groups of the L2 norm of each group's
 * weights. With the default `axis: 0` on a Dense kernel `[in, out]`, group `j` is column `j`,
 * the incoming weights of output unit `j`, so the penalty pushes whole units to 0: it prunes
 * neurons, where L1 zeroes single weights and L2 shrinks every weight a little. The norm is
 * smoothed at 0 (see {@link GROUP_LASSO_EPSILON}). Defaults: `factor = 0.01`, `axis = 0`.
 */
export class GroupLasso implements Regularizer {
  readonly className = GROUP_LASSO_CLASS_NAME;
  readonly factor: number;
  readonly axis: GroupAxis;

  /** `new GroupLasso(0.1)` and `new GroupLasso({ factor: 0.1 })` are the same. */
  constructor(config?: number | GroupLassoConfig) {
    const c = readConfig(config);
    // `-0` passes the check (it is not < 0); store it as 0 so configs read plainly.
    this.factor = c.factor === undefined ? 0.01 : checkNonNegativeNumber('factor', c.factor) + 0;
    this.axis = c.axis === undefined ? 0 : checkAxis(c.axis);
  }

  /** `factor * sum over groups of (sqrt(sum of squares + eps) - sqrt(eps))`. */
  apply(x: tf.Tensor): tf.Scalar {
    const axes = this.axesFor(x.shape);
    return tf.tidy(() => {
      const eps = tf.scalar(GROUP_LASSO_EPSILON);
      const norms = tf.sub(tf.sqrt(tf.add(tf.sum(tf.square(float(x)), axes), eps)), tf.sqrt(eps));
      return tf.mul<tf.Scalar>(tf.sum(norms), this.factor);
    });
  }

  /** `factor * w / sqrt(sum of squares of its group + eps)`: 0 for an all-zero group. */
  gradient(x: tf.Tensor): tf.Tensor {
    const axes = this.axesFor(x.shape);
    return tf.tidy(() => {
      const w = float(x);
      const norms = tf.sqrt(tf.add(tf.sum(tf.square(w), axes, true), GROUP_LASSO_EPSILON));
      return tf.mul(tf.div(w, norms), this.factor);
    });
  }

  getConfig(): { factor: number; axis: GroupAxis } {
    return { factor: this.factor, axis: typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }

  /** The axes as indices for a weight of this shape; throws before any tensor is made. */
  private axesFor(shape: readonly number[]): number[] {
    const rank = shape.length;
    const axes = (typeof this.axis === 'number' ? [this.axis] : this.axis).map((a) => (a < 0 ? a + rank : a));
    if (axes.some((a) => a < 0 || a >= rank) || new Set(axes).size !== axes.length) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `GroupLasso: axis ${describeValue(this.axis)} does not fit a weight of shape [${shape.join(', ')}] ` +
          `(rank ${rank}); use axes in [${-rank}, ${rank - 1}], each once (0 for a Dense kernel ` +
          `[in, out], [0, 1, 2] for a conv kernel [h, w, in, out]).`,
        { argument: 'axis', received: this.axis, shape: [...shape] },
      );
    }
    return axes;
  }
}

function float(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/** A {@link GroupLasso} penalty: `groupLasso(0.001)` or `groupLasso({ factor: 0.001, axis: [0, 1, 2] })`. */
export function groupLasso(config?: number | GroupLassoConfig): GroupLasso {
  return new GroupLasso(config);
}
