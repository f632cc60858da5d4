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

export interface NadamConfig extends OptimizerConfig {
  /** Decay rate of the first-moment estimate, in [0, 1). Default 0.9 (Keras: `beta_1`). */
  beta1?: number;
  /** Decay rate of the second-moment estimate, in [0, 1). Default 0.999 (Keras: `beta_2`). */
  beta2?: number;
  /** Added to the bias-corrected `sqrt(v_hat)` (unlike Adam's). Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/** Keras's momentum schedule (Dozat): `u_t = beta1 * (1 - 0.5 * 0.96^t)`. */
function momentumAt(beta1: number, t: number): number {
  return beta1 * (1 - 0.5 * 0.96 ** t);
}

/**
 * Nadam (Adam with Nesterov momentum), as Keras 3 computes it, step `t` from 1, with
 * `u_t = beta1 (1 - 0.5 * 0.96^t)` and `P_t = u_1 * ... * u_t`:
 * `m += (g - m)(1 - beta1); v += (g^2 - v)(1 - beta2);`
 * `m_hat = u_{t+1} m / (1 - P_{t+1}) + (1 - u_t) g / (1 - P_t); v_hat = v / (1 - beta2^t);`
 * `w -= lr * m_hat / (sqrt(v_hat) + epsilon)`. Epsilon is added after bias correction (Adam adds it
 * before). Keras keeps `P_t` in a variable; here it follows from the step count, so `getWeights`
 * holds the same slots as Adam's.
 */
export class Nadam extends OptimizerBase {
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;
  /** `[t, P_t]` of the last step, so that the product is not recomputed from step 1 every step. */
  #product: [number, number] = [0, 1];

  constructor(config: NadamConfig = {}) {
    super(config);
    this.beta1 = checkDecayRate('beta1', config.beta1 ?? 0.9);
    this.beta2 = checkDecayRate('beta2', config.beta2 ?? 0.999);
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
  }

  /** Builds a Nadam from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): Nadam {
    return new Nadam(readConfig('Nadam', config) as NadamConfig);
  }

  get className(): string {
    return 'Nadam';
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

  /** `P_t`, the product of the schedule up to step t. */
  #productAt(t: number): number {
    let [from, product] = this.#product;
    // After setWeights or dispose the step can jump: start again from step 0.
    if (from > t) [from, product] = [0, 1];
    // Once the product underflows to 0 it stays 0.
    for (let i = from + 1; i <= t && product !== 0; i++) product *= momentumAt(this.beta1, i);
    this.#product = [t, product];
    return product;
  }

  protected makeUpdate(step: number): WeightUpdate {
    const uT = momentumAt(this.beta1, step);
    const uNext = momentumAt(this.beta1, step + 1);
    const productT = this.#productAt(step);
    const productNext = productT * uNext;
    // The per-step factors are plain numbers: m_hat = cm * m + cg * g, v_hat = cv * v.
    const factors = [uNext / (1 - productNext), (1 - uT) / (1 - productT), 1 / (1 - this.beta2 ** step)];
    let constants: tf.Scalar[] | undefined;
    return (w, g, slots) => {
      const m = slots[0]!;
      const v = slots[1]!;
      constants ??= [
        ...factors.map((f) => tf.scalar(f)),
        this.constant(1 - this.beta1),
        this.constant(1 - this.beta2),
        this.constant(this.epsilon),
        this.constant(this.learningRate),
      ];
      const [cm, cg, cv, oneMinusBeta1, oneMinusBeta2, epsilon, lr] = constants as [
        tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar, tf.Scalar,
      ];
      const mNew = tf.add(m, tf.mul(tf.sub(g, m), oneMinusBeta1));
      const vNew = tf.add(v, tf.mul(tf.sub(tf.square(g), v), oneMinusBeta2));
      m.assign(mNew);
      v.assign(vNew);
      const mHat = tf.add(tf.mul(mNew, cm), tf.mul(g, cg));
      const vHat = tf.mul(vNew, cv);
      return tf.sub(w, tf.div(tf.mul(mHat, lr), tf.add(tf.sqrt(vHat), epsilon)));
    };
  }

  protected ownConfig(): JsonObject {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** A Nadam optimizer; a number is the learning rate: `nadam(0.01)`. */
export function nadam(config: NadamConfig | number = {}): Nadam {
  return new Nadam(typeof config === 'number' ? { learningRate: config } : config);
}
