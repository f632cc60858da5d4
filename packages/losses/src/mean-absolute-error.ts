import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export type MeanAbsoluteErrorConfig = LossConfig;

/** `mean(|yTrue - yPred|)` over the features of each sample. */
export class MeanAbsoluteError extends LossFunction {
  readonly className = 'MeanAbsoluteError' as const;

  constructor(config: MeanAbsoluteErrorConfig = {}) {
    super('MeanAbsoluteError', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(tf.abs(tf.sub(yPred, yTrue)));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function meanAbsoluteError(config?: MeanAbsoluteErrorConfig): MeanAbsoluteError {
  return new MeanAbsoluteError(config);
}
