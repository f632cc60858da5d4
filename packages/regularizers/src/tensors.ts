import * as tf from '@tensorflow/tfjs-core';

// The package's one tfjs-core import (a bundle then holds one namespace object for it).
export { tf };

/** Penalties and projections are computed in float32, whatever the weight's dtype. */
export function asFloat(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}

/**
 * A penalty of exactly 0 that still depends on `x`, so that autodiff through it yields a zero
 * gradient; a constant would make `tf.grad` throw because `x` would not reach the result.
 */
export function zeroPenalty(x: tf.Tensor): tf.Scalar {
  return tf.sum<tf.Scalar>(tf.zerosLike(x));
}
