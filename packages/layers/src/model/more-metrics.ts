import { tf } from '../engine/tfjs.js';
import { perSampleMean, type Metric } from './metrics.js';

/*
 * Keras 3's stateless metrics beyond accuracy, mse and mae, each one value per sample averaged
 * over the epoch as Keras's MeanMetricWrapper does. Kept out of `/base`: `@ridge/layers/metrics`
 * adds them (the root `@ridge/layers` imports it).
 */

/** Keras's `backend.epsilon()`. */
const EPSILON = 1e-7;

const metric = (perSample: Metric['perSample']) => (name: string): Metric => ({ name, perSample });

/**
 * 1 where the target class is among the `k` largest predictions. As TensorFlow's `in_top_k`
 * (which Keras uses), classes tied with the target's score do not push it out: the target is in
 * the top k when fewer than k classes score strictly higher.
 */
function inTopK(target: tf.Tensor, p: tf.Tensor, k: number): tf.Tensor {
  const classes = p.shape[p.rank - 1]!;
  const score = tf.sum(tf.mul(tf.oneHot(tf.cast(target, 'int32'), classes), p), -1, true);
  const higher = tf.sum(tf.cast(tf.greater(p, score), 'int32'), -1);
  return perSampleMean(tf.cast(tf.less(higher, k), 'float32'));
}

/** Integer labels `[batch, ...]`, from labels with or without a trailing 1. */
function sparseLabels(t: tf.Tensor, p: tf.Tensor): tf.Tensor {
  return t.rank === p.rank ? tf.squeeze(t, [-1]) : t;
}

const topK = metric((t, p) => inTopK(tf.argMax(t, -1), p, 5));
const sparseTopK = metric((t, p) => inTopK(sparseLabels(t, p), p, 5));

/** `-sum(target * log(p))` over the last axis, `p` normalized to sum 1 and clipped, as Keras. */
function crossentropy(target: tf.Tensor, p: tf.Tensor): tf.Tensor {
  const logP = tf.log(tf.clipByValue(tf.div(p, tf.sum(p, -1, true)), EPSILON, 1 - EPSILON));
  return perSampleMean(tf.neg(tf.sum(tf.mul(target, logP), -1)));
}

const binaryCrossentropy = metric((t, p) => {
  const c = tf.clipByValue(p, EPSILON, 1 - EPSILON);
  const z = tf.cast(t, 'float32');
  return perSampleMean(tf.neg(tf.add(tf.mul(z, tf.log(c)), tf.mul(tf.sub(1, z), tf.log(tf.sub(1, c))))));
});
const categoricalCrossentropy = metric((t, p) => crossentropy(tf.cast(t, 'float32'), p));
const sparseCategoricalCrossentropy = metric((t, p) => crossentropy(tf.oneHot(tf.cast(sparseLabels(t, p), 'int32'), p.shape[p.rank - 1]!), p));

const mape = metric((t, p) => tf.mul(perSampleMean(tf.abs(tf.div(tf.sub(t, p), tf.maximum(tf.abs(t), EPSILON)))), 100));
const msle = metric((t, p) => perSampleMean(tf.squaredDifference(tf.log1p(tf.maximum(p, EPSILON)), tf.log1p(tf.maximum(t, EPSILON)))));

/** Each vector over the last axis divided by its L2 norm (`1e-12` guards a zero vector), as Ridge's CosineSimilarity loss. */
const unit = (x: tf.Tensor) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-12)));
const cosineSimilarity = metric((t, p) => perSampleMean(tf.sum(tf.mul(unit(tf.cast(t, 'float32')), unit(p)), -1)));

/** `log(cosh(d))` written as `d + softplus(-2d) - log 2`, which does not overflow for large `|d|`. */
const logCoshError = metric((t, p) => {
  const d = tf.sub(p, t);
  return perSampleMean(tf.sub(tf.add(d, tf.softplus(tf.mul(d, -2))), Math.LN2));
});

/** By Keras 3's snake_case names, their camelCase forms, and Keras's short names. */
export const MORE_METRICS: Readonly<Record<string, (name: string) => Metric>> = {
  top_k_categorical_accuracy: topK,
  topKCategoricalAccuracy: topK,
  sparse_top_k_categorical_accuracy: sparseTopK,
  sparseTopKCategoricalAccuracy: sparseTopK,
  binary_crossentropy: binaryCrossentropy,
  binaryCrossentropy,
  categorical_crossentropy: categoricalCrossentropy,
  categoricalCrossentropy,
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
  mean_absolute_percentage_error: mape,
  meanAbsolutePercentageError: mape,
  mape,
  mean_squared_logarithmic_error: msle,
  meanSquaredLogarithmicError: msle,
  msle,
  cosine_similarity: cosineSimilarity,
  cosineSimilarity,
  log_cosh_error: logCoshError,
  logCoshError,
};
