import type { Constraint } from '@ridge/core';
import { checkNonNegativeNumber, checkNumber, invalidArgument } from '@ridge/core';
import { readConfig } from '../config.js';
import { asFloat, tf } from '../tensors.js';
import { NORM_EPSILON, checkAxis, copyAxis, norms, resolveAxes, type Axis } from './norms.js';

export type MinMaxNormConfig = { minValue?: number; maxValue?: number; rate?: number; axis?: Axis };

const KEYS = ['minValue', 'maxValue', 'rate', 'axis'] as const;

/**
 * Keras `MinMaxNorm`: moves every slice's norm (over `axis`) into `[minValue, maxValue]`, by the
 * fraction `rate` of the way: `desired = rate * clip(norms, minValue, maxValue) + (1 - rate) * norms`,
 * then `w * desired / (epsilon + norms)`. Defaults: `minValue = 0`, `maxValue = 1`, `rate = 1`
 * (strict), `axis = 0`.
 */
export class MinMaxNorm implements Constraint {
  readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: Axis;

  constructor(config?: MinMaxNormConfig) {
    const c = readConfig(this.className, config, KEYS);
    this.minValue = c.minValue === undefined ? 0 : checkNonNegativeNumber('minValue', c.minValue);
    this.maxValue = c.maxValue === undefined ? 1 : checkNonNegativeNumber('maxValue', c.maxValue);
    if (this.minValue > this.maxValue) {
      throw invalidArgument('minValue', this.minValue, `<= maxValue (${this.maxValue})`);
    }
    this.rate = c.rate === undefined ? 1 : checkNumber('rate', c.rate, { min: 0, max: 1 });
    this.axis = c.axis === undefined ? 0 : checkAxis(c.axis);
  }

  apply(w: tf.Tensor): tf.Tensor {
    const axes = resolveAxes(this.className, this.axis, w.shape);
    return tf.tidy(() => {
      const x = asFloat(w);
      const n = norms(x, axes);
      const desired = tf.add(
        tf.mul(tf.clipByValue(n, this.minValue, this.maxValue), this.rate),
        tf.mul(n, 1 - this.rate),
      );
      return tf.mul(x, tf.div(desired, tf.add(n, NORM_EPSILON)));
    });
  }

  getConfig(): Required<MinMaxNormConfig> {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: copyAxis(this.axis) };
  }
}

/** A {@link MinMaxNorm} constraint: `minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.5 })`. */
export function minMaxNorm(config?: MinMaxNormConfig): MinMaxNorm {
  return new MinMaxNorm(config);
}
