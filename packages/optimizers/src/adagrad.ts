import { checkNonNegativeNumber, type JsonObject } from '@ridge/core';
import { add, div, mul, sqrt, square, sub } from '@tensorflow/tfjs-core';
import { findFeature, fusedWeight, readConfig } from './features.js';
import { OptimizerBase, type OptimizerConfig, type OptimizerDefaults, type WeightUpdate } from './optimizer-base.js';

export interface AdagradConfig extends OptimizerConfig {
  /** Starting value of every accumulator, >= 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added to the accumulator inside the square root. Default 1e-7. */
  epsilon?: number;
}

const DEFAULTS: OptimizerDefaults = { learningRate: 0.001, weightDecay: 0, excludeFromWeightDecay: [] };

/** Adagrad, as Keras 3 computes it: `acc += g^2; w -= lr * g / sqrt(acc + epsilon)`. */
export class Adagrad extends OptimizerBase {
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(config: AdagradConfig = {}) {
    super(config);
    this.initialAccumulatorValue = checkNonNegativeNumber('initialAccumulatorValue', config.initialAccumulatorValue ?? 0.1);
    this.epsilon = checkNonNegativeNumber('epsilon', config.epsilon ?? 1e-7);
  }

  /** Builds an Adagrad from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static fromConfig(config?: JsonObject): Adagrad {
    return new Adagrad(readConfig('Adagrad', config) as AdagradConfig);
  }

  get className(): string {
    return 'Adagrad';
  }

  protected get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  protected get optionKeys(): readonly string[] {
    return ['initialAccumulatorValue', 'epsilon'];
  }

  protected slotNames(): readonly string[] {
    return ['accumulator'];
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected makeUpdate(): WeightUpdate {
    const lr = this.constant(this.learningRate);
    const epsilon = this.constant(this.epsilon);
    return (w, g, slots) => {
      const accumulator = slots[0]!;
      // One kernel where the backend has it (cpu, wasm; with @ridge/optimizers/fused), with the
      // same results as the ops below.
      const fused = fusedWeight(findFeature('fused')?.adagradUpdate(w, g, accumulator, this.learningRate, this.epsilon), slots);
      if (fused) return fused;
      const acc = add(accumulator, square(g));
      accumulator.assign(acc);
      return sub(w, div(mul(g, lr), sqrt(add(acc, epsilon))));
    };
  }

  protected ownConfig(): JsonObject {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/** An Adagrad optimizer; a number is the learning rate: `adagrad(0.01)`. */
export function adagrad(config: AdagradConfig | number = {}): Adagrad {
  return new Adagrad(typeof config === 'number' ? { learningRate: config } : config);
}
