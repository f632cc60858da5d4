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

export interface AdadeltaConfig extends OptimizerConfig {
  /** Decay rate of both accumulators, in [0, 1). Default 0.95. */
  rho?: number;
  /** Added inside both square roots. Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/**
 * Adadelta, as Keras 3 computes it (with a learning rate, default 0.001, unlike the paper's 1):
 * `a = rho a + (1 - rho) g^2; d = -sqrt(b + epsilon) / sqrt(a + epsilon) * g;`
 * `b = rho b + (1 - rho) d^2; w += lr * d`. The delta accumulator `b` sees `d` before the learning
 * rate scales it.
 */
export class Adadelta extends OptimizerBase {
  readonly rho: number;
  readonly epsilon: number;

  constructor(config: AdadeltaConfig = {}) {
    super(config);
    this.rho = checkDecayRate('rho', config.rho ?? 0.95);
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
  }

  /** Builds an Adadelta from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): Adadelta {
    return new Adadelta(readConfig('Adadelta', config) as AdadeltaConfig);
  }

  get className(): string {
    return 'Adadelta';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['rho', 'epsilon'];
  }

  /** Keras's `accumulated_grad` and `accumulated_delta_var`. */
  protected slotNames(): readonly string[] {
    return ['accumulatedGrad', 'accumulatedDeltaVar'];
  }

  protected makeUpdate(): WeightUpdate {
    const rho = this.constant(this.rho);
    const oneMinusRho = this.constant(1 - this.rho);
    const epsilon = this.constant(this.epsilon);
    const lr = this.constant(this.learningRate);
    return (w, g, slots) => {
      const grads = slots[0]!;
      const deltas = slots[1]!;
      const gradsNew = tf.add(tf.mul(grads, rho), tf.mul(tf.square(g), oneMinusRho));
      const delta = tf.neg(tf.div(tf.mul(tf.sqrt(tf.add(deltas, epsilon)), g), tf.sqrt(tf.add(gradsNew, epsilon))));
      grads.assign(gradsNew);
      deltas.assign(tf.add(tf.mul(deltas, rho), tf.mul(tf.square(delta), oneMinusRho)));
      return tf.add(w, tf.mul(delta, lr));
    };
  }

  protected ownConfig(): JsonObject {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

/** An Adadelta optimizer; a number is the learning rate: `adadelta(0.01)`. */
export function adadelta(config: AdadeltaConfig | number = {}): Adadelta {
  return new Adadelta(typeof config === 'number' ? { learningRate: config } : config);
}
