import { initBackend } from '@ridge/backend';
import type { Regularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalarValue } from '../test/support.js';
import { L1 } from './l1.js';
import { L1L2 } from './l1l2.js';
import { L2 } from './l2.js';
import { OrthogonalRegularizer } from './orthogonal.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

// Few runs: every run starts tfjs kernels on the cpu backend, and the suite must stay fast on
// two cores. 50 runs of varied shapes and values still find a wrong sign, factor or axis.
const RUNS = { numRuns: 50 };

/** A matrix of 1..6 by 1..6 entries, each in [-bound, bound]. */
function matrix(bound = 10, filter: (v: number) => boolean = () => true): fc.Arbitrary<number[][]> {
  return fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
    .chain(([rows, cols]) =>
      fc.array(
        fc.array(fc.double({ min: -bound, max: bound, noNaN: true }).filter(filter), { minLength: cols, maxLength: cols }),
        { minLength: rows, maxLength: rows },
      ),
    );
}

// 0, or a factor in [1e-6, 10]. Much smaller factors push the products into float32's subnormal
// range (below 1.2e-38), where no relative tolerance can hold; real factors are far above it.
const factor = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 10, noNaN: true }));

function penalty(r: Regularizer, values: number[][]): number {
  return tf.tidy(() => scalarValue(r.apply(tf.tensor2d(values))));
}

/** One regularizer of each class, with arbitrary factors. */
const anyRegularizer: fc.Arbitrary<Regularizer> = fc.oneof(
  factor.map((f) => new L1(f)),
  factor.map((f) => new L2(f)),
  fc.tuple(factor, factor).map(([a, b]) => new L1L2(a, b)),
  fc.tuple(factor, fc.constantFrom('rows' as const, 'columns' as const)).map(
    ([f, mode]) => new OrthogonalRegularizer({ factor: f, mode }),
  ),
);

/*
 * Tolerances. Float32 has a relative precision of about 1.2e-7 per operation; a sum of at most
 * 36 terms of one sign carries a relative error below 36 * 1.2e-7 = 4.3e-6, and the scaled input
 * c * x adds one rounding per entry. A relative tolerance of 1e-4 is twenty times that and still
 * fails for any wrong power of c (c = 1.5 already changes the result by 50%). The small absolute
 * tolerance covers all-zero inputs, where both sides are 0 or within a few ulps of it.
 */
const SCALING = { rtol: 1e-4, atol: 1e-6 };

describe('laws every penalty obeys', () => {
  it('is >= 0', () => {
    fc.assert(
      fc.property(anyRegularizer, matrix(), (r, x) => {
        expect(penalty(r, x)).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('is 0 at 0', () => {
    fc.assert(
      fc.property(anyRegularizer, matrix(0), (r, zeros) => {
        expect(penalty(r, zeros)).toBe(0);
      }),
      RUNS,
    );
  });

  it('L1 is homogeneous of degree 1: R(c x) = |c| R(x)', () => {
    fc.assert(
      fc.property(factor, matrix(), fc.double({ min: -8, max: 8, noNaN: true }), (f, x, c) => {
        const r = new L1(f);
        const scaled = x.map((row) => row.map((v) => c * v));
        expectClose(penalty(r, scaled), Math.abs(c) * penalty(r, x), SCALING);
      }),
      RUNS,
    );
  });

  it('L2 is homogeneous of degree 2: R(c x) = c^2 R(x)', () => {
    fc.assert(
      fc.property(factor, matrix(), fc.double({ min: -8, max: 8, noNaN: true }), (f, x, c) => {
        const r = new L2(f);
        const scaled = x.map((row) => row.map((v) => c * v));
        expectClose(penalty(r, scaled), c * c * penalty(r, x), SCALING);
      }),
      RUNS,
    );
  });

  it('Orthogonal is invariant to scaling the matrix: R(c W) = R(W), c != 0', () => {
    // Entries of magnitude >= 0.1 keep every norm far above the 1e-12 floor, where the invariance
    // holds; the products of unit vectors are at most 1, so an absolute tolerance suits them.
    const away = (v: number): boolean => Math.abs(v) >= 0.1;
    const c = fc.double({ min: 0.1, max: 8, noNaN: true }).chain((m) => fc.constantFrom(m, -m));
    fc.assert(
      fc.property(factor, fc.constantFrom('rows' as const, 'columns' as const), matrix(10, away), c, (f, mode, w, k) => {
        const r = new OrthogonalRegularizer({ factor: f, mode });
        const scaled = w.map((row) => row.map((v) => k * v));
        expectClose(penalty(r, scaled), penalty(r, w), { rtol: 1e-4, atol: 1e-5 * (f + 1) });
      }),
      RUNS,
    );
  });
});

function transpose(w: number[][]): number[][] {
  return w[0]!.map((_, j) => w.map((row) => row[j]!));
}

function norm(v: number[]): number {
  return Math.sqrt(v.reduce((s, a) => s + a * a, 0));
}

/** The smallest |cosine| between two different vectors, in float64. */
function minAbsCosine(vectors: number[][]): number {
  let min = Infinity;
  vectors.forEach((a, i) =>
    vectors.slice(i + 1).forEach((b) => {
      min = Math.min(min, Math.abs(a.reduce((s, v, k) => s + v * b[k]!, 0)) / (norm(a) * norm(b)));
    }),
  );
  return min;
}

describe('analytic gradients equal autodiff', () => {
  /** Compares r.gradient(x) with tf.grad of r.apply at x. */
  function check(r: Regularizer, x: number[][], tolerance: { rtol: number; atol: number }): void {
    tf.tidy(() => {
      const w = tf.tensor2d(x);
      const analytic = r.gradient!(w);
      const autodiff = tf.grad((t: tf.Tensor) => r.apply(t))(w);
      expectClose(analytic, autodiff, tolerance);
    });
  }

  // L1: away from 0 both sides are exactly +-l1 in float32 (autodiff of |x| is +-1 there), so a
  // 1e-6 relative tolerance is already generous. L2 and L1L2 differ in where 2 * l2 is rounded:
  // one or two float32 roundings (relative 2.4e-7) per entry, so 1e-5 relative is ample, and a
  // missing factor 2 or a wrong sign fails by 50% or more.
  const awayFromZero = (v: number): boolean => Math.abs(v) >= 1e-3;

  it('L1, away from 0', () => {
    fc.assert(fc.property(factor, matrix(10, awayFromZero), (f, x) => check(new L1(f), x, { rtol: 1e-6, atol: 0 })), RUNS);
  });

  it('L2', () => {
    fc.assert(fc.property(factor, matrix(), (f, x) => check(new L2(f), x, { rtol: 1e-5, atol: 1e-6 })), RUNS);
  });

  it('L1L2, away from 0', () => {
    fc.assert(
      fc.property(factor, factor, matrix(10, awayFromZero), (a, b, x) => check(new L1L2(a, b), x, { rtol: 1e-5, atol: 1e-6 })),
      RUNS,
    );
  });

  it('Orthogonal, both modes', () => {
    // Entries away from 0 keep norms above the floor. Each gradient entry is a projection of
    // dN_i / r_i, whose size is at most B = 2 * c * (n - 1) / min(r) = 2 * factor / (n * min(r))
    // (c = factor * 0.5 / pairs, |cosines| <= 1). Both sides compute it with float32 products in a
    // different order, and the projection cancels terms of size B (fully, for parallel vectors,
    // where the true gradient is 0), so the error is a few 1e-7 of B, never of the result: the
    // absolute tolerance is 1e-4 * B. A wrong formula is off by a sizeable fraction of B.
    const away = (v: number): boolean => Math.abs(v) >= 0.1;
    fc.assert(
      fc.property(factor, fc.constantFrom('rows' as const, 'columns' as const), matrix(10, away), (f, mode, x) => {
        // |P_ij| has a kink at 0, where autodiff takes one side and the analytic gradient the
        // subgradient 0: skip matrices with a pair that is (nearly) orthogonal.
        const vectors = mode === 'rows' ? x : transpose(x);
        fc.pre(minAbsCosine(vectors) > 1e-3);
        const n = vectors.length;
        const minNorm = Math.min(...vectors.map(norm));
        const bound = n < 2 ? 0 : (2 * f) / (n * minNorm);
        check(new OrthogonalRegularizer({ factor: f, mode }), x, { rtol: 1e-4, atol: 1e-4 * bound });
      }),
      RUNS,
    );
  });
});

describe('asL1L2: the form a training step fuses', () => {
  it('declares the configured factors, with 0 for the absent term (the class defaults of DESIGN.md section 4)', () => {
    expect(new L1(0.2).asL1L2()).toEqual({ l1: 0.2, l2: 0 });
    expect(new L2().asL1L2()).toEqual({ l1: 0, l2: 0.01 });
    expect(new L1L2({ l1: 0.1 }).asL1L2()).toEqual({ l1: 0.1, l2: 0 });
    expect(new L1L2(0.3, 0.4).asL1L2()).toEqual({ l1: 0.3, l2: 0.4 });
    expect('asL1L2' in new OrthogonalRegularizer()).toBe(false);
  });

  it('l1 * sum(|x|) + l2 * sum(x^2) with the declared factors equals apply', () => {
    const cases: Regularizer[] = [new L1(0.2), new L2(0.7), new L1L2(0.05, 1.5), new L1L2({ l1: 0 })];
    fc.assert(
      fc.property(matrix(), fc.integer({ min: 0, max: cases.length - 1 }), (m, k) => {
        const r = cases[k]!;
        const { l1, l2 } = r.asL1L2!();
        const flat = m.flat();
        const byHand = l1 * flat.reduce((s, v) => s + Math.abs(v), 0) + l2 * flat.reduce((s, v) => s + v * v, 0);
        const x = tf.tensor2d(m);
        const got = scalarValue(r.apply(x));
        x.dispose();
        expect(Math.abs(got - byHand)).toBeLessThanOrEqual(1e-5 * Math.max(1, byHand));
      }),
      RUNS,
    );
  });
});
