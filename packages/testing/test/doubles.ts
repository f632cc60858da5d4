import type { JsonObject, Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';

/*
 * Test doubles for the contract checks. Their `apply` is a `tf.customGrad`, so `tf.grad` works
 * without tfjs-core's gradient registry (this package does not depend on @ridge/backend, which
 * registers it), and a test can make autodiff wrong on purpose.
 */

export interface SquareOptions {
  /** The penalty is `factor * sum(x^2)`. */
  readonly factor?: number;
  /** What `gradient(x)` multiplies x by; correct: `2 * factor`. `null` for no analytic gradient. */
  readonly analytic?: number | null;
  /** What autodiff multiplies x by; correct: `2 * factor`. */
  readonly autodiff?: number;
  readonly className?: string;
}

/** `factor * sum(x^2)`, with gradients that are right unless told otherwise. */
export function square(options: SquareOptions = {}): Regularizer {
  const { factor = 0.5, className = 'kit>Square' } = options;
  const analytic = options.analytic === undefined ? 2 * factor : options.analytic;
  const auto = options.autodiff ?? 2 * factor;
  const penalty = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.mul(tf.sum(tf.square(x)), factor),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(saved[0]!, auto)),
    };
  });
  const r: Regularizer = {
    className,
    apply: (x) => penalty(x) as tf.Scalar,
    getConfig: (): JsonObject => ({ factor }),
  };
  if (analytic !== null) r.gradient = (x) => tf.mul(x, analytic);
  return r;
}

/** `factor * sum(x^4)`: curved, so finite differences carry a truncation error. */
export function quartic(factor: number): Regularizer {
  const penalty = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([x]);
    return {
      value: tf.mul(tf.sum(tf.pow(x, 4)), factor),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.mul(tf.pow(saved[0]!, 3), 4 * factor)),
    };
  });
  return {
    className: 'kit>Quartic',
    apply: (x) => penalty(x) as tf.Scalar,
    gradient: (x) => tf.mul(tf.pow(x, 3), 4 * factor),
    getConfig: () => ({ factor }),
  };
}

/** A regularizer whose penalty is any function of x, with no gradient (for value checks). */
export function valued(className: string, f: (x: tf.Tensor) => tf.Tensor): Regularizer {
  return { className, apply: (x) => tf.tidy(() => f(x)) as tf.Scalar, getConfig: () => ({}) };
}
