import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';
import { checkRank } from './shapes.js';

export type CategoricalHingeConfig = LossConfig;

/**
 * `max(neg - pos + 1, 0)` over the last (class) axis, with `pos = sum(yTrue * yPred)` and
 * `neg = max((1 - yTrue) * yPred)`: the margin between the true class and the best other class.
 * yTrue is one-hot.
 */
export class CategoricalHinge extends LossFunction {
  readonly className = 'CategoricalHinge' as const;

  constructor(config: CategoricalHingeConfig = {}) {
    super('CategoricalHinge', config, []);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 2, '[batch, ..., classes]');
    super.checkShapes(yTrue, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const pos = tf.sum(tf.mul(yTrue, yPred), -1);
    const neg = tf.max(tf.mul(tf.sub(1, yTrue), yPred), -1);
    return perSampleMean(tf.relu(tf.add(tf.sub(neg, pos), 1)));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function categoricalHinge(config?: CategoricalHingeConfig): CategoricalHinge {
  return new CategoricalHinge(config);
}
