import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import type { LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';

export interface HuberConfig extends LossConfig {
  /** Where the loss turns from quadratic to linear; > 0. Default 1. */
  delta?: number;
}

/**
 * For each error `e = yPred - yTrue`: `0.5 e^2` where `|e| <= delta`, else
 * `delta (|e| - 0.5 delta)`; averaged over the features of each sample.
 */
export class Huber extends LossFunction {
  readonly className = 'Huber' as const;
  readonly delta: number;

  constructor(config: HuberConfig = {}) {
    super('Huber', config, ['delta']);
    this.delta = checkNumber(`${this.className}.delta`, config.delta ?? 1, { min: 0, minExclusive: true });
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    // 0.5 q^2 + delta (|e| - q) with q = min(|e|, delta) is the same piecewise function, built
    // without tf.where: a comparison on the tape has no gradient in tfjs.
    const absError = tf.abs(tf.sub(yPred, yTrue));
    const quadratic = tf.minimum(absError, this.delta);
    const linear = tf.sub(absError, quadratic);
    return perSampleMean(tf.add(tf.mul(0.5, tf.square(quadratic)), tf.mul(this.delta, linear)));
  }

  protected options(): JsonObject {
    return { delta: this.delta };
  }
}

export function huber(config?: HuberConfig): Huber {
  return new Huber(config);
}
