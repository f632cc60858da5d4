import { RidgeError } from '@ridge/core';
import { tf } from './tfjs.js';

export type ActivationFn = (x: tf.Tensor) => tf.Tensor;

/** Keras 3's `hard_sigmoid` (Ridge's): `relu6(x + 3) / 6`, slope 1/6 on (-3, 3). */
const hardSigmoid: ActivationFn = (x) => tf.div(tf.relu6(tf.add(x, 3)), 6);

/**
 * Keras 2's and tfjs-layers' `hard_sigmoid`: `clip(0.2 x + 0.5, 0, 1)`, slope 0.2 on (-2.5, 2.5).
 * Composed as tfjs-layers composes it, so both give the same float32 values and gradients.
 */
const hardSigmoidLegacy: ActivationFn = (x) => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);

/** Ridge's name for the `hard_sigmoid` of tfjs-layers and Keras 2, which files from there call `'hard_sigmoid'`. */
export const HARD_SIGMOID_LEGACY = 'hard_sigmoid_legacy';

/**
 * Keras's activations by name. `gelu` is the exact (erf) form, as Keras's default. `hard_sigmoid`
 * is Keras 3's; `hard_sigmoid_legacy` is the one tfjs-layers and Keras 2 call `hard_sigmoid`
 * (loading their files maps one to the other, and saving in the `'tfjs-layers'` format maps back).
 * The tfjs ops are used directly; they are called with the one tensor.
 */
const ACTIVATIONS: Record<string, ActivationFn> = {
  linear: (x) => x,
  relu: tf.relu,
  relu6: tf.relu6,
  elu: tf.elu,
  selu: tf.selu,
  sigmoid: tf.sigmoid,
  hard_sigmoid: hardSigmoid,
  hard_sigmoid_legacy: hardSigmoidLegacy,
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
  hardSigmoidLegacy: 'hard_sigmoid_legacy',
  logSoftmax: 'log_softmax',
  leakyRelu: 'leaky_relu',
};

/** A table's own entry (`'constructor'` or `'toString'` is not an activation). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Every activation name Ridge knows. */
export function activationNames(): string[] {
  return [...Object.keys(ACTIVATIONS), ...Object.keys(ALIASES)].sort();
}

export type ActivationName = keyof typeof ACTIVATIONS | keyof typeof ALIASES;

/** The activation function for a Keras name; `null`/`undefined` mean linear. */
export function getActivation(name: string | null | undefined): ActivationFn {
  if (name === undefined || name === null) return ACTIVATIONS['linear']!;
  const fn = typeof name === 'string' ? own(ACTIVATIONS, own(ALIASES, name) ?? name) : undefined;
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
  return own(ALIASES, name) ?? name;
}
