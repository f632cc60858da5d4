import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { EPSILON } from './numerics.js';
import { perSampleMean } from './reduce.js';

export type MeanAbsolutePercentageErrorConfig = LossConfig;

/**
 * `100 * mean(|yTrue - yPred| / max(|yTrue|, 1e-7))` over the features of each sample. A target
 * of 0 is divided by 1e-7, as in Keras: the loss is then huge, not infinite.
 */
export class MeanAbsolutePercentageError extends LossFunction {
  readonly className = 'MeanAbsolutePercentageError' as const;

  constructor(config: MeanAbsolutePercentageErrorConfig = {}) {
    super('MeanAbsolutePercentageError', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const relative = tf.abs(tf.div(tf.sub(yTrue, yPred), tf.maximum(tf.abs(yTrue), EPSILON)));
    return tf.mul(perSampleMean(relative), 100);
  }

  protected options(): JsonObject {
    return {};
  }
}

export function meanAbsolutePercentageError(config?: MeanAbsolutePercentageErrorConfig): MeanAbsolutePercentageError {
  return new MeanAbsolutePercentageError(config);
}
