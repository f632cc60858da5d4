import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { hingeMargins } from './hinge.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export type SquaredHingeConfig = LossConfig;

/**
 * `mean(max(1 - yTrue * yPred, 0)^2)` over the features of each sample. Labels as for Hinge:
 * -1 and 1, or 0 and 1 when every label of the batch is 0 or 1.
 */
export class SquaredHinge extends LossFunction {
  readonly className = 'SquaredHinge' as const;

  constructor(config: SquaredHingeConfig = {}) {
    super('SquaredHinge', config, []);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    return perSampleMean(tf.square(hingeMargins(yTrue, yPred)));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function squaredHinge(config?: SquaredHingeConfig): SquaredHinge {
  return new SquaredHinge(config);
}
