import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readAxis, readBoolean, readLabelSmoothing, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { clipProbabilities } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { checkRank, featureAxis } from './shapes.js';

export interface CategoricalCrossentropyConfig extends LossConfig {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `y * (1 - labelSmoothing) + labelSmoothing / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * `-sum(target * log(p))` along `axis`. Probabilities are first rescaled to sum to 1 and clipped
 * to [1e-7, 1 - 1e-7] (as Keras and tfjs-layers do); logits go through a log-softmax, which
 * never takes the log of 0.
 */
export function crossentropyAlong(target: tf.Tensor, output: tf.Tensor, axis: number, fromLogits: boolean): tf.Tensor {
  const logProbabilities = fromLogits
    ? tf.sub(output, tf.logSumExp(output, axis, true))
    : tf.log(clipProbabilities(tf.div(output, tf.sum(output, axis, true))));
  return tf.neg(tf.sum(tf.mul(target, logProbabilities), axis));
}

/** Crossentropy between one-hot (or soft) labels and predicted class probabilities. */
export class CategoricalCrossentropy extends LossFunction {
  readonly className = 'CategoricalCrossentropy' as const;
  declare readonly fromLogits: boolean;
  declare readonly labelSmoothing: number;
  declare readonly axis: number;

  constructor(config: CategoricalCrossentropyConfig = {}) {
    super('CategoricalCrossentropy', config, ['fromLogits', 'labelSmoothing', 'axis']);
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
    const target =
      smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), smoothing / yPred.shape[axis]!) : yTrue;
    return perSampleMean(crossentropyAlong(target, yPred, axis, this.fromLogits));
  }

  protected options(): JsonObject {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

export function categoricalCrossentropy(config?: CategoricalCrossentropyConfig): CategoricalCrossentropy {
  return new CategoricalCrossentropy(config);
}
