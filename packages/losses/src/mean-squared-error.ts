import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export type MeanSquaredErrorConfig = LossConfig;

/** `mean((yTrue - yPred)^2)` over the features of each sample. */
export class MeanSquaredError extends LossFunction {
  readonly className = 'MeanSquaredError' as const;

  constructor(config: MeanSquaredErrorConfig = {}) {
    super('MeanSquaredError', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(tf.squaredDifference(yPred, yTrue));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function meanSquaredError(config?: MeanSquaredErrorConfig): MeanSquaredError {
  return new MeanSquaredError(config);
}
