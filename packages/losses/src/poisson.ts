import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { EPSILON } from './numerics.js';
import { perSampleMean } from './reduce.js';

export type PoissonConfig = LossConfig;

/**
 * `mean(yPred - yTrue * log(yPred + 1e-7))` over the features of each sample: the Poisson
 * negative log-likelihood of counts yTrue under rates yPred (>= 0), up to a term in yTrue alone.
 */
export class Poisson extends LossFunction {
  readonly className = 'Poisson' as const;

  constructor(config: PoissonConfig = {}) {
    super('Poisson', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(tf.sub(yPred, tf.mul(yTrue, tf.log(tf.add(yPred, EPSILON)))));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function poisson(config?: PoissonConfig): Poisson {
  return new Poisson(config);
}
