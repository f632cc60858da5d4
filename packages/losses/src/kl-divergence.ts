import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { EPSILON } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { checkRank } from './shapes.js';

export type KLDivergenceConfig = LossConfig;

/**
 * Kullback-Leibler divergence `sum(yTrue * log(yTrue / yPred))` over the last axis, with both
 * clipped to [1e-7, 1] as in Keras, so zeros in either give a finite value.
 */
export class KLDivergence extends LossFunction {
  readonly className = 'KLDivergence' as const;

  constructor(config: KLDivergenceConfig = {}) {
    super('KLDivergence', config, []);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 2, '[batch, ..., classes]');
    super.checkShapes(yTrue, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const t = tf.clipByValue(yTrue, EPSILON, 1);
    const p = tf.clipByValue(yPred, EPSILON, 1);
    return perSampleMean(tf.sum(tf.mul(t, tf.log(tf.div(t, p))), -1));
  }

  protected options(): JsonObject {
    return {};
  }
}

export function klDivergence(config?: KLDivergenceConfig): KLDivergence {
  return new KLDivergence(config);
}
