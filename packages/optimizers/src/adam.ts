import { checkNonNegativeNumber, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { findFeature, fusedWeight, readConfig } from './features.js';
import {
  OptimizerBase,
  checkDecayRate,
  type OptimizerConfig,
  type OptimizerDefaults,
  type WeightUpdate,
} from './optimizer-base.js';

export interface AdamConfig extends OptimizerConfig {
  /** Decay rate of the first-moment estimate, in [0, 1). Default 0.9 (Keras: `beta_1`). */
  beta1?: number;
  /** Decay rate of the second-moment estimate, in [0, 1). Default 0.999 (Keras: `beta_2`). */
  beta2?: number;
  /** Added to `sqrt(v)` before dividing (Keras's "epsilon hat"). Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/**
 * Adam, as Keras 3 computes it (step `t` from 1):
 * `m += (g - m) * (1 - beta1); v += (g^2 - v) * (1 - beta2);`
 * `w -= lr * sqrt(1 - beta2^t) / (1 - beta1^t) * m / (sqrt(v) + epsilon)`.
 * Epsilon is added to the uncorrected `sqrt(v)`; tfjs-core's Adam adds it after bias correction.
 */
export class Adam extends OptimizerBase {
  // `declare`: set by the constructor, so no field initializers are emitted for them.
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    super(config);
    this.beta1 = checkDecayRate('beta1', config.beta1 ?? 0.9);
    this.beta2 = checkDecayRate('beta2', config.beta2 ?? 0.999);
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
  }

  /** Builds an Adam from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): Adam {
    return new Adam(readConfig('Adam', config) as AdamConfig);
  }

  get className(): string {
    return 'Adam';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['beta1', 'beta2', 'epsilon'];
  }

  protected slotNames(): readonly string[] {
    return ['momentum', 'velocity'];
  }

  protected makeUpdate(step: number): WeightUpdate {
    // The bias corrections are plain numbers, folded into one per-step factor.
    const factors = {
      alpha: (this.learningRate * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step),
      c1: 1 - this.beta1,
      c2: 1 - this.beta2,
      epsilon: this.epsilon,
    };
    let constants: tf.Scalar[] | undefined;
    return (w, g, slots) => {
      const m = slots[0]!;
      const v = slots[1]!;
      // One kernel where the backend has it (cpu, wasm; with @ridge/optimizers/fused), with the
      // same results as the ops below.
      const fused = fusedWeight(findFeature('fused')?.adamUpdate(w, g, m, v, factors), slots);
      if (fused) return fused;
      constants ??= [tf.scalar(factors.alpha), this.constant(factors.c1), this.constant(factors.c2), this.constant(factors.epsilon)];
      const [alpha, oneMinusBeta1, oneMinusBeta2, epsilon] = constants as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
      const mNew = tf.add(m, tf.mul(tf.sub(g, m), oneMinusBeta1));
      const vNew = tf.add(v, tf.mul(tf.sub(tf.square(g), v), oneMinusBeta2));
      m.assign(mNew);
      v.assign(vNew);
      return tf.sub(w, tf.div(tf.mul(mNew, alpha), tf.add(tf.sqrt(vNew), epsilon)));
    };
  }

  protected ownConfig(): JsonObject {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** An Adam optimizer; a number is the learning rate: `adam(0.01)`. */
export function adam(config: AdamConfig | number = {}): Adam {
  return new Adam(typeof config === 'number' ? { learningRate: config } : config);
}
