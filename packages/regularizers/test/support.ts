// Helpers shared by the tests in src/. Kept out of src/ so the build never ships them.
import { RidgeError, type RidgeErrorCode } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export interface Tolerance {
  /** Relative tolerance, against |expected|. */
  readonly rtol?: number;
  /** Absolute tolerance, for expected values at or near 0. */
  readonly atol?: number;
}

/** Nested number arrays for a tensor, or the number for a scalar. */
function flat(value: tf.Tensor | number | readonly unknown[]): { shape: number[]; values: number[] } {
  if (value instanceof tf.Tensor) return { shape: [...value.shape], values: Array.from(value.dataSync()) };
  if (typeof value === 'number') return { shape: [], values: [value] };
  const shape: number[] = [];
  let level: unknown = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return { shape, values: (value as unknown[]).flat(Infinity) as number[] };
}

/**
 * Elementwise `|actual - expected| <= atol + rtol * |expected|`, shapes equal. The defaults suit
 * a handful of float32 operations on values of order 1 (float32 epsilon is about 1.2e-7).
 */
export function expectClose(
  actual: tf.Tensor | number | readonly unknown[],
  expected: tf.Tensor | number | readonly unknown[],
  { rtol = 1e-5, atol = 1e-6 }: Tolerance = {},
): void {
  const a = flat(actual);
  const e = flat(expected);
  expect(a.shape).toEqual(e.shape);
  a.values.forEach((v, i) => {
    const want = e.values[i]!;
    if (!(Math.abs(v - want) <= atol + rtol * Math.abs(want))) {
      expect.fail(`element ${i}: got ${v}, expected ${want} (rtol ${rtol}, atol ${atol}); all: [${a.values.join(', ')}]`);
    }
  });
}

/** Runs `fn`, expects a RidgeError with this code whose message contains every fragment. */
export function expectRidgeError(fn: () => unknown, code: RidgeErrorCode, ...fragments: string[]): RidgeError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!RidgeError.is(caught)) {
    expect.fail(`expected a RidgeError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  }
  expect(caught.code).toBe(code);
  for (const fragment of fragments) expect(caught.message).toContain(fragment);
  return caught;
}

/** The value of a scalar tensor, disposing it. */
export function scalarValue(t: tf.Tensor): number {
  const [v] = t.dataSync();
  t.dispose();
  return v!;
}
