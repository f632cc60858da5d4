import { checkNonNegativeNumber, checkNumber, type JsonObject } from '@ridge/core';
import { add, div, mul, sqrt, square, sub, type Tensor } from '@tensorflow/tfjs-core';
import { findFeature, fusedWeight, readConfig } from './features.js';
import {
  OptimizerBase,
  checkBoolean,
  checkDecayRate,
  type OptimizerConfig,
  type OptimizerDefaults,
  type WeightUpdate,
} from './optimizer-base.js';

export interface RMSpropConfig extends OptimizerConfig {
  /** Decay rate of the mean square, in [0, 1). Default 0.9. */
  rho?: number;
  /** In [0, 1]. Default 0 (no momentum slot is kept). */
  momentum?: number;
  /** Added to the mean square inside the square root. Default 1e-7. */
  epsilon?: number;
  /** Divide by the estimated variance of the gradient instead of its mean square. Default false. */
  centered?: boolean;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/**
 * RMSprop, as Keras 3 computes it: `v = rho * v + (1 - rho) * g^2`; centered also keeps
 * `a = rho * a + (1 - rho) * g` and uses `v - a^2`; `increment = lr * g / sqrt(v [- a^2] + epsilon)`;
 * with momentum `mom = momentum * mom + increment; w -= mom`, else `w -= increment`.
 */
export class RMSprop extends OptimizerBase {
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(config: RMSpropConfig = {}) {
    super(config);
    this.rho = checkDecayRate('rho', config.rho ?? 0.9);
    this.momentum = checkNumber('momentum', config.momentum ?? 0, { min: 0, max: 1 });
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
    this.centered = checkBoolean('centered', config.centered ?? false);
  }

  /** Builds an RMSprop from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): RMSprop {
    return new RMSprop(readConfig('RMSprop', config) as RMSpropConfig);
  }

  get className(): string {
    return 'RMSprop';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['rho', 'momentum', 'epsilon', 'centered'];
  }

  protected slotNames(): readonly string[] {
    return [
      'velocity',
      ...(this.momentum > 0 ? ['momentum'] : []),
      ...(this.centered ? ['averageGradient'] : []),
    ];
  }

  protected makeUpdate(): WeightUpdate {
    const lr = this.constant(this.learningRate);
    const rho = this.constant(this.rho);
    const oneMinusRho = this.constant(1 - this.rho);
    const epsilon = this.constant(this.epsilon);
    const momentum = this.momentum > 0 ? this.constant(this.momentum) : undefined;
    const averageIndex = momentum !== undefined ? 2 : 1;
    return (w, g, slots) => {
      // One kernel where the backend has it (cpu, wasm; with @ridge/optimizers/fused), with the
      // same results as the ops below.
      const fused = fusedWeight(findFeature('fused')?.rmspropUpdate(w, g, slots, this), slots);
      if (fused) return fused;
      const velocity = slots[0]!;
      const v = add(mul(velocity, rho), mul(square(g), oneMinusRho));
      velocity.assign(v);
      let denominator: Tensor;
      if (this.centered) {
        const average = slots[averageIndex]!;
        const a = add(mul(average, rho), mul(g, oneMinusRho));
        average.assign(a);
        denominator = add(sub(v, square(a)), epsilon);
      } else {
        denominator = add(v, epsilon);
      }
      const increment = div(mul(g, lr), sqrt(denominator));
      if (momentum === undefined) return sub(w, increment);
      const slot = slots[1]!;
      const mom = add(mul(slot, momentum), increment);
      slot.assign(mom);
      return sub(w, mom);
    };
  }

  protected ownConfig(): JsonObject {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/** An RMSprop optimizer; a number is the learning rate: `rmsprop(0.001)`. */
export function rmsprop(config: RMSpropConfig | number = {}): RMSprop {
  return new RMSprop(typeof config === 'number' ? { learningRate: config } : config);
}
