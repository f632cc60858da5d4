import { RidgeError, type Loss, type RidgeErrorCode } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Keras' epsilon, and the float32 bounds tfjs actually clips probabilities to. */
export const EPS = 1e-7;
export const LOW = Math.fround(EPS);
export const HIGH = Math.fround(1 - EPS);

export const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
export const mean = (xs: readonly number[]): number => sum(xs) / xs.length;

type Nested = number | Nested[];

/**
 * Runs a loss on plain arrays and returns its values as numbers, disposing every tensor it made.
 */
export function run(
  loss: Loss,
  yTrue: Nested,
  yPred: Nested,
  sampleWeight?: Nested,
  trueDtype: 'float32' | 'int32' = 'float32',
): number[] {
  const t = tf.tensor(yTrue as number[], undefined, trueDtype);
  const p = tf.tensor(yPred as number[]);
  const w = sampleWeight === undefined ? undefined : tf.tensor(sampleWeight as number[]);
  const out = loss.apply(t, p, w);
  const values = Array.from(out.dataSync());
  tf.dispose([t, p, out, ...(w ? [w] : [])]);
  return values;
}

/** The loss's gradient with respect to yPred, as numbers. */
export function gradient(loss: Loss, yTrue: Nested, yPred: Nested, trueDtype: 'float32' | 'int32' = 'float32'): number[] {
  return tf.tidy(() => {
    const t = tf.tensor(yTrue as number[], undefined, trueDtype);
    const p = tf.tensor(yPred as number[]);
    const g = tf.grad((x: tf.Tensor) => loss.apply(t, x) as tf.Scalar)(p);
    return Array.from(g.dataSync());
  });
}

/** Element-wise closeness with an absolute and a relative tolerance (float32 arithmetic). */
export function expectClose(actual: readonly number[] | number, expected: readonly number[] | number, tolerance = 1e-5): void {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  expect(a.length, `length of ${JSON.stringify(a)} vs ${JSON.stringify(e)}`).toBe(e.length);
  a.forEach((x, i) => {
    const want = e[i]!;
    expect(Math.abs(x - want), `item ${i}: ${x} vs ${want}`).toBeLessThanOrEqual(tolerance * (1 + Math.abs(want)));
  });
}

export function expectAllFinite(values: readonly number[]): void {
  for (const v of values) expect(Number.isFinite(v), `${v} is not finite`).toBe(true);
}

/**
 * Calls `fn`, expects a RidgeError with `code` whose message contains every fragment, and
 * checks that the number of live tensors did not change.
 */
export function expectRidgeError(fn: () => unknown, code: RidgeErrorCode, ...fragments: string[]): RidgeError {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(tf.memory().numTensors, 'live tensors after the throw').toBe(before);
  expect(RidgeError.is(caught), `expected a RidgeError, got ${String(caught)}`).toBe(true);
  const error = caught as RidgeError;
  expect(error.code, error.message).toBe(code);
  for (const f of fragments) expect(error.message).toContain(f);
  return error;
}
