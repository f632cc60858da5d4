import type { JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readAxis, readBoolean, readLabelSmoothing, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { clipProbabilities } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { featureAxis } from './shapes.js';

export interface BinaryCrossentropyConfig extends LossConfig {
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `y * (1 - labelSmoothing) + 0.5 * labelSmoothing`. Default 0. */
  labelSmoothing?: number;
  /**
   * Kept for Keras configs. The per-sample loss is the mean over every non-batch axis, so any
   * feature axis gives the same value; only the batch axis is refused. Default -1.
   */
  axis?: number;
}

/** Crossentropy of independent binary targets (one or more per sample). */
export class BinaryCrossentropy extends LossFunction {
  readonly className = 'BinaryCrossentropy' as const;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(config: BinaryCrossentropyConfig = {}) {
    super('BinaryCrossentropy', config, ['fromLogits', 'labelSmoothing', 'axis']);
    this.fromLogits = readBoolean(`${this.className}.fromLogits`, config.fromLogits, false);
    this.labelSmoothing = readLabelSmoothing(this.className, config.labelSmoothing);
    this.axis = readAxis(this.className, config.axis);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    super.checkShapes(yTrue, yPred);
    // Rank-1 predictions ([batch]) are one target per sample: there is no feature axis to check.
    if (yPred.length > 1) featureAxis(this.className, this.axis, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const smoothing = this.labelSmoothing;
    const z = smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), 0.5 * smoothing) : yTrue;
    return perSampleMean(binaryCrossentropyElements(z, yPred, this.fromLogits));
  }

  protected options(): JsonObject {
    return { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

/** The crossentropy of each element, from probabilities or logits. Shared with BinaryFocalCrossentropy. */
export function binaryCrossentropyElements(z: tf.Tensor, yPred: tf.Tensor, logits: boolean): tf.Tensor {
  return logits ? fromLogits(z, yPred) : fromProbabilities(z, yPred);
}

/** `-(z log p + (1 - z) log(1 - p))` with p clipped away from 0 and 1. */
function fromProbabilities(z: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const clipped = clipProbabilities(p);
  return tf.neg(tf.add(tf.mul(z, tf.log(clipped)), tf.mul(tf.sub(1, z), tf.log(tf.sub(1, clipped)))));
}

/** `max(x, 0) - x z + log(1 + exp(-|x|))`: the same loss on logits, with no overflow for any x. */
function fromLogits(z: tf.Tensor, x: tf.Tensor): tf.Tensor {
  return tf.add(tf.sub(tf.relu(x), tf.mul(x, z)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

export function binaryCrossentropy(config?: BinaryCrossentropyConfig): BinaryCrossentropy {
  return new BinaryCrossentropy(config);
}
