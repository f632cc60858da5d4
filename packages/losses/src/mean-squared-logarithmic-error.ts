import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { EPSILON } from './numerics.js';
import { perSampleMean } from './reduce.js';

export type MeanSquaredLogarithmicErrorConfig = LossConfig;

/**
 * `mean((log(max(yPred, 1e-7) + 1) - log(max(yTrue, 1e-7) + 1))^2)` over the features of each
 * sample. Negative values are floored at 1e-7, as in Keras, so the log is always defined.
 */
export class MeanSquaredLogarithmicError extends LossFunction {
  readonly className = 'MeanSquaredLogarithmicError' as const;

  constructor(config: MeanSquaredLogarithmicErrorConfig = {}) {
    super('MeanSquaredLogarithmicError', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const logPred = tf.log1p(tf.maximum(yPred, EPSILON));
    const logTrue = tf.log1p(tf.maximum(yTrue, EPSILON));
    return perSampleMean(tf.squaredDifference(logPred, logTrue));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function meanSquaredLogarithmicError(config?: MeanSquaredLogarithmicErrorConfig): MeanSquaredLogarithmicError {
  return new MeanSquaredLogarithmicError(config);
}
