import { RidgeError, type Regularizer } from '@ridge/core';
import { tf } from './tfjs.js';

/**
 * Applies a regularizer once to zeros of a weight's shape, so one that cannot apply to that
 * weight (an orthogonal regularizer on a bias) fails when it is attached, not mid-training.
 */
export function probeRegularizer(regularizer: Regularizer, shape: readonly number[], what: string): void {
  try {
    tf.tidy(() => {
      regularizer.apply(tf.zeros([...shape]));
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RidgeError(
      RidgeError.is(error) ? error.code : 'INVALID_ARGUMENT',
      `${what} (${regularizer.className}) cannot be applied to a weight of shape [${shape.join(', ')}]: ${message}`,
      { regularizer: regularizer.className, shape },
    );
  }
}
