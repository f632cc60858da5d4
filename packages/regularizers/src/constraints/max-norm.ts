import type { Constraint } from '@ridge/core';
import { checkNonNegativeNumber } from '@ridge/core';
import { readConfig } from '../config.js';
import { asFloat, tf } from '../tensors.js';
import { NORM_EPSILON, checkAxis, copyAxis, norms, resolveAxes, type Axis } from './norms.js';

export type MaxNormConfig = { maxValue?: number; axis?: Axis };

const KEYS = ['maxValue', 'axis'] as const;

/**
 * Keras `MaxNorm`: scales every slice whose norm (over `axis`) exceeds `maxValue` back to
 * `maxValue`, as `w * clip(norms, 0, maxValue) / (epsilon + norms)`. Defaults: `maxValue = 2`,
 * `axis = 0`.
 */
export class MaxNorm implements Constraint {
  readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: Axis;

  constructor(config?: MaxNormConfig) {
    const c = readConfig(this.className, config, KEYS);
    this.maxValue = c.maxValue === undefined ? 2 : checkNonNegativeNumber('maxValue', c.maxValue);
    this.axis = c.axis === undefined ? 0 : checkAxis(c.axis);
  }

  apply(w: tf.Tensor): tf.Tensor {
    const axes = resolveAxes(this.className, this.axis, w.shape);
    return tf.tidy(() => {
      const x = asFloat(w);
      const n = norms(x, axes);
      const desired = tf.clipByValue(n, 0, this.maxValue);
      return tf.mul(x, tf.div(desired, tf.add(n, NORM_EPSILON)));
    });
  }

  getConfig(): Required<MaxNormConfig> {
    return { maxValue: this.maxValue, axis: copyAxis(this.axis) };
  }
}

/** A {@link MaxNorm} constraint: `maxNorm({ maxValue: 3, axis: 0 })`. */
export function maxNorm(config?: MaxNormConfig): MaxNorm {
  return new MaxNorm(config);
}
