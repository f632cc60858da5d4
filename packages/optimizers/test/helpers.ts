import { RidgeError, type WeightGradient, type WeightInfo, type WeightRole } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

let counter = 0;
const created: tf.Tensor[] = [];

/** A weight holding `values`, registered in the engine under a unique name. */
export function weight(
  values: number[],
  options: { path?: string; role?: WeightRole; trainable?: boolean } = {},
): WeightInfo {
  const name = `unique_name_${counter++}`;
  // Made inside a tidy so that the initial tensor is freed and the weight counts as one tensor.
  const variable = tf.tidy(() => tf.variable(tf.tensor1d(values), true, name));
  created.push(variable);
  return {
    path: options.path ?? 'dense_1/kernel',
    role: options.role ?? 'kernel',
    trainable: options.trainable ?? true,
    variable,
  };
}

/** A gradient for `w`; freed by `disposeAll`. */
export function grad(w: WeightInfo, values: number[]): WeightGradient {
  const gradient = tf.tensor1d(values);
  created.push(gradient);
  return { weight: w, gradient };
}

/** Frees every weight and gradient made by the helpers (call in afterEach). */
export function disposeAll(): void {
  tf.dispose(created.splice(0));
}

export function valuesOf(w: WeightInfo): number[] {
  return Array.from(w.variable.dataSync());
}

/** Element-wise closeness; float32 arithmetic in the engine, float64 in the expectation. */
export function expectClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-6): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)))) {
      throw new Error(`element ${i}: ${a} is not within ${tolerance} of ${e}\nactual:   [${actual.join(', ')}]\nexpected: [${expected.join(', ')}]`);
    }
  });
}

/** The RidgeError a synchronous call throws (a test failure for any other error, or none). */
export function rejected(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (error) {
    expect(RidgeError.is(error), String(error)).toBe(true);
    return error as RidgeError;
  }
  throw new Error('expected a RidgeError, nothing was thrown');
}
