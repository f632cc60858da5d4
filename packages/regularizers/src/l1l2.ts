import type { L1L2Factors, Regularizer } from '@ridge/core';
import { invalidArgument } from '@ridge/core';
import { readConfig, readFactor, type RawConfig } from './config.js';
import { asFloat, zeroPenalty, tf } from './tensors.js';

export type L1L2Config = { l1?: number; l2?: number };

const KEYS = ['l1', 'l2'] as const;

/** The factory's and the names `'l1l2'`/`'l1_l2'`'s defaults (Keras 2's `l1_l2()`). */
const FACTORY_DEFAULT = 0.01;

/** `(l1, l2)` as numbers, `(l1)` alone, or one config object. */
function readArguments(first: unknown, second: unknown): RawConfig<(typeof KEYS)[number]> {
  if (second === undefined) return readConfig('L1L2', first, KEYS, 'l1');
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    throw invalidArgument('l2', second, 'omitted when the first argument is a config object; write { l1, l2 }');
  }
  return { l1: first, l2: second };
}

/**
 * Keras `L1L2`: `l1 * sum(|x|) + l2 * sum(x^2)`. The class defaults are Keras's, `l1 = 0` and
 * `l2 = 0` (no penalty unless asked); the factory {@link l1l2} defaults both to 0.01.
 */
export class L1L2 implements Regularizer {
  readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(config?: L1L2Config);
  constructor(l1?: number, l2?: number);
  constructor(first?: number | L1L2Config, second?: number) {
    const config = readArguments(first, second);
    this.l1 = readFactor(config, 'l1', 0);
    this.l2 = readFactor(config, 'l2', 0);
  }

  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => {
      const w = asFloat(x);
      // As Keras, a term whose factor is 0 is not computed at all.
      const terms: tf.Scalar[] = [];
      if (this.l1 > 0) terms.push(tf.mul(tf.sum(tf.abs(w)), this.l1));
      if (this.l2 > 0) terms.push(tf.mul(tf.sum(tf.square(w)), this.l2));
      const [first, second] = terms;
      if (first === undefined) return zeroPenalty(w);
      return second === undefined ? first : tf.add<tf.Scalar>(first, second);
    });
  }

  /** `l1 * sign(x) + 2 * l2 * x` (the L1 part takes the subgradient 0 at 0). */
  gradient(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const w = asFloat(x);
      return tf.add(tf.mul(tf.sign(w), this.l1), tf.mul(w, 2 * this.l2));
    });
  }

  /** The penalty as L1L2 factors, so a training step can fuse it with others. */
  asL1L2(): L1L2Factors {
    return { l1: this.l1, l2: this.l2 };
  }

  getConfig(): Required<L1L2Config> {
    return { l1: this.l1, l2: this.l2 };
  }
}

/**
 * An {@link L1L2} penalty: `l1l2(0.01, 0.001)`, `l1l2({ l1: 0.01, l2: 0.001 })`. Unlike the
 * class, a factor left out here defaults to 0.01.
 */
export function l1l2(config?: L1L2Config): L1L2;
export function l1l2(l1?: number, l2?: number): L1L2;
export function l1l2(first?: number | L1L2Config, second?: number): L1L2 {
  const config = readArguments(first, second);
  return new L1L2(readFactor(config, 'l1', FACTORY_DEFAULT), readFactor(config, 'l2', FACTORY_DEFAULT));
}
