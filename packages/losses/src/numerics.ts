import { tf } from './tfjs.js';

/**
 * Keras' `backend.epsilon()`. Probabilities are clipped to `[EPSILON, 1 - EPSILON]` before a
 * log, so a prediction of exactly 0 or 1 gives a large but finite loss and gradient.
 */
export const EPSILON = 1e-7;

export function clipProbabilities(p: tf.Tensor): tf.Tensor {
  return tf.clipByValue(p, EPSILON, 1 - EPSILON);
}

/**
 * `x / ||x||` along `axis`, as TensorFlow's `l2_normalize`: the squared norm is floored at 1e-12
 * so that a zero vector maps to zero instead of NaN.
 */
export function l2Normalize(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-12)));
}
