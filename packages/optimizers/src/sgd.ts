import { checkNumber, type JsonObject } from '@ridge/core';
import { add, mul, sub } from '@tensorflow/tfjs-core';
import { findFeature, fusedWeight, readConfig } from './features.js';
import {
  OptimizerBase,
  checkBoolean,
  type OptimizerConfig,
  type OptimizerDefaults,
  type WeightUpdate,
} from './optimizer-base.js';

export interface SGDConfig extends OptimizerConfig {
  /** In [0, 1]; 0 (the default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.01, weightDecay: 0, excludeFromWeightDecay: [] };

/**
 * Gradient descent with optional (Nesterov) momentum, as Keras 3 writes it:
 * `velocity = momentum * velocity - lr * g; w += velocity`, or with Nesterov
 * `w += momentum * velocity - lr * g`; without momentum `w -= lr * g`.
 */
export class SGD extends OptimizerBase {
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    super(config);
    this.momentum = checkNumber('momentum', config.momentum ?? 0, { min: 0, max: 1 });
    this.nesterov = checkBoolean('nesterov', config.nesterov ?? false);
  }

  /** Builds an SGD from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): SGD {
    return new SGD(readConfig('SGD', config) as SGDConfig);
  }

  get className(): string {
    return 'SGD';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['momentum', 'nesterov'];
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected makeUpdate(): WeightUpdate {
    const lr = this.constant(this.learningRate);
    if (this.momentum === 0) return (w, g) => sub(w, mul(g, lr));
    const momentum = this.constant(this.momentum);
    return (w, g, slots) => {
      const velocity = slots[0]!;
      // One kernel where the backend has it (cpu, wasm; with @ridge/optimizers/fused), with the
      // same results as the ops below.
      const fused = fusedWeight(findFeature('fused')?.sgdUpdate(w, g, velocity, this.learningRate, this.momentum, this.nesterov), slots);
      if (fused) return fused;
      const lrG = mul(g, lr);
      const v = sub(mul(velocity, momentum), lrG);
      velocity.assign(v);
      return add(w, this.nesterov ? sub(mul(v, momentum), lrG) : v);
    };
  }

  protected ownConfig(): JsonObject {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** An SGD optimizer; a number is the learning rate: `sgd(0.1)`. */
export function sgd(config: SGDConfig | number = {}): SGD {
  return new SGD(typeof config === 'number' ? { learningRate: config } : config);
}
