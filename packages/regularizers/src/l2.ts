import type { L1L2Factors, Regularizer } from '@ridge/core';
import { readConfig, readFactor } from './config.js';
import { asFloat, tf } from './tensors.js';

export type L2Config = { l2?: number };

const KEYS = ['l2'] as const;

/**
 * Keras `L2`: the penalty `l2 * sum(x^2)`, with no factor 1/2 in front, so its gradient is
 * `2 * l2 * x`.
 */
export class L2 implements Regularizer {
  readonly className = 'L2';
  declare readonly l2: number;

  /** `new L2(0.01)` and `new L2({ l2: 0.01 })` are the same; the default is 0.01. */
  constructor(config?: number | L2Config) {
    this.l2 = readFactor(readConfig(this.className, config, KEYS, 'l2'), 'l2', 0.01);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul<tf.Scalar>(tf.sum(tf.square(asFloat(x))), this.l2));
  }

  gradient(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(asFloat(x), 2 * this.l2));
  }

  /** The penalty as L1L2 factors, so a training step can fuse it with others. */
  asL1L2(): L1L2Factors {
    return { l1: 0, l2: this.l2 };
  }

  getConfig(): Required<L2Config> {
    return { l2: this.l2 };
  }
}

/** An {@link L2} penalty: `l2(0.001)` or `l2({ l2: 0.001 })`; the default factor is 0.01. */
export function l2(config?: number | L2Config): L2 {
  return new L2(config);
}
