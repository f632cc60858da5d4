import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readAxis, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { l2Normalize } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { checkRank, featureAxis } from './shapes.js';

export interface CosineSimilarityConfig extends LossConfig {
  /** The axis along which vectors are compared. Default -1. */
  axis?: number;
}

/**
 * `-sum(l2Normalize(yTrue) * l2Normalize(yPred))` along `axis`: -1 for vectors pointing the same
 * way, 0 for orthogonal ones (or a zero vector), 1 for opposite ones. Minimizing it aligns them.
 */
export class CosineSimilarity extends LossFunction {
  readonly className = 'CosineSimilarity' as const;
  readonly axis: number;

  constructor(config: CosineSimilarityConfig = {}) {
    super('CosineSimilarity', config, ['axis']);
    this.axis = readAxis(this.className, config.axis);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 2, '[batch, ..., features]');
    super.checkShapes(yTrue, yPred);
    featureAxis(this.className, this.axis, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const axis = featureAxis(this.className, this.axis, yPred.shape);
    return perSampleMean(tf.neg(tf.sum(tf.mul(l2Normalize(yTrue, axis), l2Normalize(yPred, axis)), axis)));
  }

  protected options(): JsonObject {
    return { axis: this.axis };
  }
}

export function cosineSimilarity(config?: CosineSimilarityConfig): CosineSimilarity {
  return new CosineSimilarity(config);
}
