import { RidgeError, type WeightGradient, type WeightInfo, type WeightRole } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { OptimizerBase } from '../src/optimizer-base.js';

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

/**
 * A state round trip (needs `@ridge/optimizers/io`): `make()` takes `grads[0]` and `grads[1]` on a weight holding `w0`, its state
 * goes through `getWeights`/`setWeights` into a second `make()`, and both take `grads[2]` (the
 * original on its weight, the restored one on a copy). Returns the state's names, the restored
 * step count, and both weights' values after the last step, for the test to compare.
 */
export function stateRoundTrip(
  make: () => OptimizerBase,
  w0: number[],
  grads: readonly number[][],
): { names: string[]; iterations: number; original: number[]; restored: number[] } {
  const w = weight(w0);
  const twin = weight(w0);
  const a = make();
  a.applyGradients([grad(w, grads[0]!)]);
  a.applyGradients([grad(w, grads[1]!)]);
  tf.tidy(() => twin.variable.assign(w.variable));
  const state = a.getWeights();
  const b = make();
  b.setWeights(state);
  tf.dispose(state.map((s) => s.tensor));
  const iterations = b.iterations;
  a.applyGradients([grad(w, grads[2]!)]);
  b.applyGradients([grad(twin, grads[2]!)]);
  const result = { names: state.map((s) => s.name), iterations, original: valuesOf(w), restored: valuesOf(twin) };
  a.dispose();
  b.dispose();
  return result;
}
