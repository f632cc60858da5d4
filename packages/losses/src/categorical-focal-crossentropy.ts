import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readAxis, readBoolean, readGamma, readLabelSmoothing, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { clipProbabilities } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { checkRank, featureAxis } from './shapes.js';

export interface CategoricalFocalCrossentropyConfig extends LossConfig {
  /** A weight on every class's term, >= 0. Default 0.25. */
  alpha?: number;
  /** The focusing parameter, >= 0; 0 gives `alpha` times categorical crossentropy. Default 2. */
  gamma?: number;
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `y * (1 - labelSmoothing) + labelSmoothing / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * `sum(-alpha * (1 - p)^gamma * y * log(p))` along `axis`, with `p` the predicted probabilities
 * rescaled to sum to 1 and clipped to [1e-7, 1 - 1e-7] (from logits: their softmax, then the same).
 */
export class CategoricalFocalCrossentropy extends LossFunction {
  readonly className = 'CategoricalFocalCrossentropy' as const;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(config: CategoricalFocalCrossentropyConfig = {}) {
    super('CategoricalFocalCrossentropy', config, ['alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis']);
    this.alpha = checkNumber(`${this.className}.alpha`, config.alpha ?? 0.25, { min: 0 });
    this.gamma = readGamma(this.className, config.gamma);
    this.fromLogits = readBoolean(`${this.className}.fromLogits`, config.fromLogits, false);
    this.labelSmoothing = readLabelSmoothing(this.className, config.labelSmoothing);
    this.axis = readAxis(this.className, config.axis);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 2, '[batch, ..., classes]');
    super.checkShapes(yTrue, yPred);
    featureAxis(this.className, this.axis, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const axis = featureAxis(this.className, this.axis, yPred.shape);
    const smoothing = this.labelSmoothing;
    const target = smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), smoothing / yPred.shape[axis]!) : yTrue;
    // Keras does not use a log-softmax here: it clips the softmax like any probabilities.
    const probabilities = this.fromLogits ? tf.exp(tf.sub(yPred, tf.logSumExp(yPred, axis, true))) : yPred;
    const p = clipProbabilities(tf.div(probabilities, tf.sum(probabilities, axis, true)));
    const crossentropy = tf.neg(tf.mul(target, tf.log(p)));
    const factor = tf.mul(tf.pow(tf.sub(1, p), this.gamma), this.alpha);
    return perSampleMean(tf.sum(tf.mul(factor, crossentropy), axis));
  }

  protected options(): JsonObject {
    return {
      alpha: this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

export function categoricalFocalCrossentropy(config?: CategoricalFocalCrossentropyConfig): CategoricalFocalCrossentropy {
  return new CategoricalFocalCrossentropy(config);
}
