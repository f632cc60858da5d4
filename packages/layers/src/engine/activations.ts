import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';

export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

const hardSigmoid: ActivationFn = (x) => tf.div(tf.relu6(tf.add(x, 3)), 6);

/**
 * Keras's activations by name. `gelu` is the exact (erf) form, as Keras's default. The tfjs ops
 * are used directly; they are called with the one tensor.
 */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (x) => x,
  relu: tf.relu,
  relu6: tf.relu6,
  elu: tf.elu,
  selu: tf.selu,
  sigmoid: tf.sigmoid,
  hard_sigmoid: hardSigmoid,
  tanh: tf.tanh,
  softmax: tf.softmax,
  log_softmax: tf.logSoftmax,
  softplus: tf.softplus,
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  gelu: (x) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))),
  mish: (x) => tf.mul(x, tf.tanh(tf.softplus(x))),
  leaky_relu: (x) => tf.leakyRelu(x, 0.2),
  exponential: tf.exp,
};

const ALIASES: Record<string, string> = {
  silu: 'swish',
  hardSigmoid: 'hard_sigmoid',
  logSoftmax: 'log_softmax',
  leakyRelu: 'leaky_relu',
};

/** Every activation name Ridge knows. */
export function activationNames(): string[] {
  return [...Object.keys(ACTIVATIONS), ...Object.keys(ALIASES)].sort();
}

export type ActivationName = keyof typeof ACTIVATIONS | keyof typeof ALIASES;

/** The activation function for a Keras name; `null`/`undefined` mean linear. */
export function getActivation(name: string | null | undefined): ActivationFn {
  if (name === undefined || name === null) return ACTIVATIONS['linear']!;
  const fn = typeof name === 'string' ? ACTIVATIONS[ALIASES[name] ?? name] : undefined;
  if (!fn) {
    throw new RidgeError(
      'UNKNOWN_NAME',
      `Unknown activation ${JSON.stringify(name)}. Known activations: ${activationNames().join(', ')}.`,
      { argument: 'activation', received: name },
    );
  }
  return fn;
}

/** The canonical (Keras, snake_case) spelling of an activation name. */
export function canonicalActivation(name: string | null | undefined): string {
  if (name === undefined || name === null) return 'linear';
  getActivation(name);
  return ALIASES[name] ?? name;
}
