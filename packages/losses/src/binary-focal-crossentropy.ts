import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { binaryCrossentropyElements } from './binary-crossentropy.js';
import { readAxis, readBoolean, readGamma, readLabelSmoothing, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { perSampleMean } from './reduce.js';
import { featureAxis } from './shapes.js';

export interface BinaryFocalCrossentropyConfig extends LossConfig {
  /** Whether to weight class 1 by `alpha` and class 0 by `1 - alpha`. Default false. */
  applyClassBalancing?: boolean;
  /** In [0, 1]: the weight of class 1 when `applyClassBalancing` is on. Default 0.25. */
  alpha?: number;
  /** The focusing parameter, >= 0; 0 gives plain binary crossentropy. Default 2. */
  gamma?: number;
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `y * (1 - labelSmoothing) + 0.5 * labelSmoothing`. Default 0. */
  labelSmoothing?: number;
  /** Kept for Keras configs, as in BinaryCrossentropy: any feature axis gives the same value. Default -1. */
  axis?: number;
}

/**
 * Binary crossentropy scaled by `(1 - p_t)^gamma` with `p_t = z p + (1 - z)(1 - p)` (Lin et al.,
 * "Focal Loss for Dense Object Detection"), so that well-classified elements count less; with
 * `applyClassBalancing` also by `z alpha + (1 - z)(1 - alpha)`. Averaged over the features of each
 * sample. `z` is the (smoothed) target.
 */
export class BinaryFocalCrossentropy extends LossFunction {
  readonly className = 'BinaryFocalCrossentropy' as const;
  readonly applyClassBalancing: boolean;
  readonly alpha: number;
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(config: BinaryFocalCrossentropyConfig = {}) {
    super('BinaryFocalCrossentropy', config, ['applyClassBalancing', 'alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis']);
    this.applyClassBalancing = readBoolean(`${this.className}.applyClassBalancing`, config.applyClassBalancing, false);
    this.alpha = checkNumber(`${this.className}.alpha`, config.alpha ?? 0.25, { min: 0, max: 1 });
    this.gamma = readGamma(this.className, config.gamma);
    this.fromLogits = readBoolean(`${this.className}.fromLogits`, config.fromLogits, false);
    this.labelSmoothing = readLabelSmoothing(this.className, config.labelSmoothing);
    this.axis = readAxis(this.className, config.axis);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    super.checkShapes(yTrue, yPred);
    if (yPred.length > 1) featureAxis(this.className, this.axis, yPred);
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const smoothing = this.labelSmoothing;
    const z = smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), 0.5 * smoothing) : yTrue;
    // Keras takes the sigmoid of logits and then the crossentropy of the probabilities; on its
    // TensorFlow backend that crossentropy is computed from the logits the sigmoid cached, as here
    // (exact for logits of any size). p_t uses the unclipped probabilities, as in Keras.
    const p = this.fromLogits ? tf.sigmoid(yPred) : yPred;
    let loss = binaryCrossentropyElements(z, yPred, this.fromLogits);
    // gamma 0 is a factor of 1; skipping it also avoids 0^-1 in the gradient of pow at p_t = 1.
    if (this.gamma !== 0) {
      const pT = tf.add(tf.mul(z, p), tf.mul(tf.sub(1, z), tf.sub(1, p)));
      loss = tf.mul(tf.pow(tf.sub(1, pT), this.gamma), loss);
    }
    if (this.applyClassBalancing) {
      loss = tf.mul(tf.add(tf.mul(z, this.alpha), tf.mul(tf.sub(1, z), 1 - this.alpha)), loss);
    }
    return perSampleMean(loss);
  }

  protected options(): JsonObject {
    return {
      applyClassBalancing: this.applyClassBalancing,
      alpha: this.alpha,
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

export function binaryFocalCrossentropy(config?: BinaryFocalCrossentropyConfig): BinaryFocalCrossentropy {
  return new BinaryFocalCrossentropy(config);
}
