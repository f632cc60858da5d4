import { NORMALIZATION_ROLES, type JsonObject } from '@ridge/core';
import { Adam, type AdamConfig } from './adam.js';
import { readConfig } from './features.js';
import type { Features } from './features.js';
import type { OptimizerDefaults } from './optimizer-base.js';
import { weightDecayFeature } from './weight-decay-selector.js';

/** AdamW takes Adam's options; `weightDecay` defaults to 0.004. */
export type AdamWConfig = AdamConfig;

const DEFAULTS: OptimizerDefaults = {
  learningRate: 0.001,
  weightDecay: 0.004,
  // Decaying biases and normalization scales/shifts towards 0 only hurts; Keras leaves the
  // exclusion to the user, Ridge makes it the default.
  excludeFromWeightDecay: ['bias', ...NORMALIZATION_ROLES],
};

/**
 * Adam with decoupled weight decay (Loshchilov & Hutter): before each Adam update,
 * `w -= lr * weightDecay * w`, for every weight not in `excludeFromWeightDecay`
 * (default: biases and normalization weights).
 */
export class AdamW extends Adam {
  constructor(config: AdamWConfig = {}) {
    super(config);
  }

  /** Builds an AdamW from a Ridge or Keras config (needs `@ridge/optimizers/io`, which the package root loads). */
  static override fromConfig(config?: JsonObject): AdamW {
    return new AdamW(readConfig('AdamW', config) as AdamWConfig);
  }

  override get className(): string {
    return 'AdamW';
  }

  protected override get defaults(): OptimizerDefaults {
    return DEFAULTS;
  }

  /** AdamW always decays, so it has weight decay without `@ridge/optimizers/weight-decay`. */
  protected override get ownWeightDecay(): Features['weightDecay'] {
    return weightDecayFeature;
  }
}

/** An AdamW optimizer; a number is the learning rate: `adamw(0.001)`. */
export function adamw(config: AdamWConfig | number = {}): AdamW {
  return new AdamW(typeof config === 'number' ? { learningRate: config } : config);
}
