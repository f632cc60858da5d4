import { initBackend } from '@ridge/backend';
import { expectGradientMatchesFiniteDifference, expectNonNegative } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { GroupLasso } from './base.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

// Every run starts tfjs kernels on the cpu backend; 50 varied shapes and values still find a
// wrong axis, sign or factor.
const RUNS = { numRuns: 50 };

/** A matrix of 1..6 by 1..6 entries in [-bound, bound]. */
const matrix = (bound = 10): fc.Arbitrary<number[][]> =>
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
    .chain(([rows, cols]) =>
      fc.array(fc.array(fc.double({ min: -bound, max: bound, noNaN: true }), { minLength: cols, maxLength: cols }), {
        minLength: rows,
        maxLength: rows,
      }),
    );

const factor = fc.oneof(fc.constant(0), fc.double({ min: 1e-4, max: 10, noNaN: true }));
const axis = fc.constantFrom(0, 1, -1);

function penalty(r: GroupLasso, m: number[][]): number {
  return tf.tidy(() => r.apply(tf.tensor2d(m)).dataSync()[0]!);
}

/** The exact group lasso in float64, written from the definition. */
function reference(f: number, ax: number, m: number[][]): number {
  const groups = ax === 0 ? m[0]!.map((_, j) => m.map((row) => row[j]!)) : m;
  return f * groups.reduce((s, g) => s + Math.hypot(...g), 0);
}

describe('laws', () => {
  it('is >= 0 (the kit check, on arbitrary matrices)', () => {
    fc.assert(
      fc.property(factor, axis, matrix(), (f, a, m) => {
        const x = tf.tensor2d(m);
        try {
          expectNonNegative(new GroupLasso({ factor: f, axis: a }), [x]);
        } finally {
          x.dispose();
        }
      }),
      RUNS,
    );
  });

  it('equals factor * the sum of the group norms, computed in float64', () => {
    fc.assert(
      fc.property(factor, axis, matrix(), (f, a, m) => {
        const ref = reference(f, a === -1 ? 1 : a, m);
        // float32 sums (relative 1e-6 for 36 terms) and the smoothing (1e-6 * factor per group)
        expect(Math.abs(penalty(new GroupLasso({ factor: f, axis: a }), m) - ref)).toBeLessThanOrEqual(1e-5 * ref + 1e-5 * f * 6);
      }),
      RUNS,
    );
  });

  it('is homogeneous of degree 1: R(c W) = |c| R(W)', () => {
    fc.assert(
      fc.property(factor, matrix(), fc.double({ min: -8, max: 8, noNaN: true }), (f, m, c) => {
        const r = new GroupLasso(f);
        const scaled = m.map((row) => row.map((v) => c * v));
        const expected = Math.abs(c) * penalty(r, m);
        expect(Math.abs(penalty(r, scaled) - expected)).toBeLessThanOrEqual(1e-4 * expected + 1e-5 * f * 6 * (1 + Math.abs(c)));
      }),
      RUNS,
    );
  });

  it('does not change when the rows are reordered or a column changes sign (a column is a set of magnitudes)', () => {
    fc.assert(
      fc.property(factor, matrix(), fc.nat(), (f, m, k) => {
        const r = new GroupLasso(f);
        const rotated = [...m.slice(k % m.length), ...m.slice(0, k % m.length)];
        const flipped = rotated.map((row) => row.map((v, j) => (j === k % row.length ? -v : v)));
        const p = penalty(r, m);
        expect(Math.abs(penalty(r, flipped) - p)).toBeLessThanOrEqual(1e-5 * p);
      }),
      RUNS,
    );
  });
});

describe('gradient', () => {
  it('the analytic gradient and autodiff equal finite differences (the kit check)', () => {
    // Rows and columns with norm >= 0.5: near an all-zero group the smoothed norm bends within
    // 1e-6, which no float32 step can resolve (and the gradient there is 0 either way).
    const awayFromZero = matrix(3).filter(
      (m) => m.every((row) => Math.hypot(...row) >= 0.5) && m[0]!.every((_, j) => Math.hypot(...m.map((row) => row[j]!)) >= 0.5),
    );
    fc.assert(
      fc.property(factor, fc.constantFrom(0, 1, -1, -2), awayFromZero, (f, a, m) => {
        const x = tf.tensor2d(m);
        try {
          expectGradientMatchesFiniteDifference(new GroupLasso({ factor: f, axis: a }), x);
        } finally {
          x.dispose();
        }
      }),
      RUNS,
    );
  });
});
