import type { L1L2Factors, Regularizer } from '@ridge/core';
import { readConfig, readFactor } from './config.js';
import { asFloat, tf } from './tensors.js';

export type L1Config = { l1?: number };

const KEYS = ['l1'] as const;

/** Keras `L1`: the penalty `l1 * sum(|x|)`. */
export class L1 implements Regularizer {
  readonly className = 'L1';
  readonly l1: number;

  /** `new L1(0.01)` and `new L1({ l1: 0.01 })` are the same; the default is 0.01. */
  constructor(config?: number | L1Config) {
    this.l1 = readFactor(readConfig(this.className, config, KEYS, 'l1'), 'l1', 0.01);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul<tf.Scalar>(tf.sum(tf.abs(asFloat(x))), this.l1));
  }

  /** `l1 * sign(x)`: at 0 this picks the subgradient 0, so a weight at 0 is left there. */
  gradient(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(tf.sign(asFloat(x)), this.l1));
  }

  /** The penalty as L1L2 factors, so a training step can fuse it with others. */
  asL1L2(): L1L2Factors {
    return { l1: this.l1, l2: 0 };
  }

  getConfig(): Required<L1Config> {
    return { l1: this.l1 };
  }
}

/** An {@link L1} penalty: `l1(0.001)` or `l1({ l1: 0.001 })`; the default factor is 0.01. */
export function l1(config?: number | L1Config): L1 {
  return new L1(config);
}
