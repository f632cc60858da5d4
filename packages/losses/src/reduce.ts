import { shapeError, type LossReduction } from '@ridge/core';
import { tf } from './tfjs.js';
import { checkTensor, formatShape } from './shapes.js';

/**
 * A sample weight holds one weight per sample: shape `[batch]` or `[batch, 1]`. Checked before
 * any tensor is made, so a bad call leaks nothing.
 */
export function checkSampleWeight(className: string, sampleWeight: tf.Tensor | undefined, batch: number): void {
  // null as well: JavaScript callers pass it for "no weights".
  if (sampleWeight == null) return;
  checkTensor(className, 'sampleWeight', sampleWeight);
  const shape = sampleWeight.shape;
  const perSample = (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) && shape[0] === batch;
  if (perSample) return;
  throw shapeError(
    `${className}: sampleWeight must hold one weight per sample, shape [${batch}] or [${batch}, 1] ` +
      `for this batch of ${batch}; received sampleWeight of shape ${formatShape(shape)}.`,
    { className, argument: 'sampleWeight', received: [...shape], expected: [batch] },
  );
}

/** One value per sample: the mean over every axis but the batch axis (Keras' mean over axis -1). */
export function perSampleMean(values: tf.Tensor): tf.Tensor1D {
  if (values.rank === 1) return values as tf.Tensor1D;
  const axes = Array.from({ length: values.rank - 1 }, (_, i) => i + 1);
  return tf.mean(values, axes);
}

/**
 * Weights the per-sample losses and reduces them as Keras does: `'mean'` divides the weighted
 * sum by the batch size, not by the sum of the weights (Keras' `'sum_over_batch_size'`).
 */
export function reduceLoss(
  perSample: tf.Tensor1D,
  sampleWeight: tf.Tensor | undefined,
  reduction: LossReduction,
): tf.Tensor {
  const batch = perSample.shape[0];
  const weighted =
    sampleWeight == null
      ? perSample
      : tf.mul(perSample, tf.reshape(tf.cast(sampleWeight, 'float32'), [batch]));
  if (reduction === 'none') return weighted;
  const total = tf.sum(weighted);
  // An empty batch has loss 0, as with Keras' divide_no_nan.
  return reduction === 'sum' ? total : tf.div(total, Math.max(batch, 1));
}
