import { checkNonNegativeNumber, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readConfig } from './features.js';
import {
  OptimizerBase,
  checkDecayRate,
  type OptimizerConfig,
  type OptimizerDefaults,
  type WeightUpdate,
} from './optimizer-base.js';

export interface AdamaxConfig extends OptimizerConfig {
  /** Decay rate of the first-moment estimate, in [0, 1). Default 0.9 (Keras: `beta_1`). */
  beta1?: number;
  /** Decay rate of the infinity norm, in [0, 1). Default 0.999 (Keras: `beta_2`). */
  beta2?: number;
  /** Added to the infinity norm `u` before dividing. Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/**
 * Adamax (Adam with the infinity norm), as Keras 3 computes it, step `t` from 1:
 * `m += (g - m)(1 - beta1); u = max(beta2 * u, |g|); w -= lr * m / ((1 - beta1^t) * (u + epsilon))`.
 */
export class Adamax extends OptimizerBase {
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;

  constructor(config: AdamaxConfig = {}) {
    super(config);
    this.beta1 = checkDecayRate('beta1', config.beta1 ?? 0.9);
    this.beta2 = checkDecayRate('beta2', config.beta2 ?? 0.999);
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
  }

  /** Builds an Adamax from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): Adamax {
    return new Adamax(readConfig('Adamax', config) as AdamaxConfig);
  }

  get className(): string {
    return 'Adamax';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['beta1', 'beta2', 'epsilon'];
  }

  /** Keras's names: `momentum` (m) and `norm` (u). */
  protected slotNames(): readonly string[] {
    return ['momentum', 'norm'];
  }

  protected makeUpdate(step: number): WeightUpdate {
    const alpha = this.learningRate / (1 - this.beta1 ** step);
    let constants: tf.Scalar[] | undefined;
    return (w, g, slots) => {
      const m = slots[0]!;
      const u = slots[1]!;
      constants ??= [tf.scalar(alpha), this.constant(1 - this.beta1), this.constant(this.beta2), this.constant(this.epsilon)];
      const [stepSize, oneMinusBeta1, beta2, epsilon] = constants as [tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar];
      const mNew = tf.add(m, tf.mul(tf.sub(g, m), oneMinusBeta1));
      const uNew = tf.maximum(tf.mul(u, beta2), tf.abs(g));
      m.assign(mNew);
      u.assign(uNew);
      return tf.sub(w, tf.div(tf.mul(mNew, stepSize), tf.add(uNew, epsilon)));
    };
  }

  protected ownConfig(): JsonObject {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** An Adamax optimizer; a number is the learning rate: `adamax(0.01)`. */
export function adamax(config: AdamaxConfig | number = {}): Adamax {
  return new Adamax(typeof config === 'number' ? { learningRate: config } : config);
}
