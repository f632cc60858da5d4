import type { JsonObject, Loss, LossReduction } from '@ridge/core';
import { tf } from './tfjs.js';
import { checkLossConfig, readReduction, type LossConfig } from './config.js';
import { checkSampleWeight, reduceLoss } from './reduce.js';
import { checkRank, checkSameShape, checkTensor } from './shapes.js';

/**
 * What every Ridge loss shares (Keras' `LossFunctionWrapper`): input checks before any tensor is
 * made, float32 inputs, sample weights and the reduction. A subclass computes one loss value
 * per sample.
 */
export abstract class LossFunction implements Loss {
  abstract readonly className: string;
  declare readonly reduction: LossReduction;

  protected constructor(className: string, config: LossConfig | undefined, optionKeys: readonly string[]) {
    checkLossConfig(className, config, optionKeys);
    this.reduction = readReduction(className, config?.reduction);
  }

  /**
   * The reduced loss: a scalar for `'mean'` and `'sum'`, shape `[batch]` for `'none'`.
   * `sampleWeight` holds one weight per sample (`[batch]` or `[batch, 1]`).
   */
  apply(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): tf.Tensor {
    checkTensor(this.className, 'yTrue', yTrue);
    checkTensor(this.className, 'yPred', yPred);
    this.checkShapes(yTrue.shape, yPred.shape);
    checkSampleWeight(this.className, sampleWeight, yPred.shape[0]!);
    return tf.tidy(() => {
      const perSample = this.perSample(this.target(yTrue, yPred), tf.cast(yPred, 'float32'));
      return reduceLoss(perSample, sampleWeight, this.reduction);
    });
  }

  getConfig(): JsonObject {
    return { reduction: this.reduction, ...this.options() };
  }

  /** Throws before any tensor is made. By default: same shapes (up to a trailing 1), a batch axis. */
  protected checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 1, '[batch, ...]');
    checkSameShape(this.className, yTrue, yPred);
  }

  /** yTrue as float32 in yPred's shape (this squeezes or adds the trailing 1 checkShapes allows). */
  protected target(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.reshape(tf.cast(yTrue, 'float32'), yPred.shape);
  }

  /** One loss value per sample, shape `[batch]`. Runs inside a tidy. */
  protected abstract perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D;

  /** The options besides `reduction`, as plain JSON. */
  protected abstract options(): JsonObject;
}
