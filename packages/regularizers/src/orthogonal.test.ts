import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectRidgeError, scalarValue } from '../test/support.js';
import { OrthogonalRegularizer, orthogonal, type OrthogonalMode } from './orthogonal.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * The penalty in float64, written from the Keras formula and independent of tfjs: normalise the
 * vectors (rows or columns), then factor * 0.5 * sum over i != j of |cos_ij| / (n (n - 1) / 2).
 */
function reference(w: number[][], factor: number, mode: OrthogonalMode): number {
  const vectors = mode === 'rows' ? w : w[0]!.map((_, j) => w.map((row) => row[j]!));
  const unit = vectors.map((v) => {
    const inv = 1 / Math.sqrt(Math.max(v.reduce((s, a) => s + a * a, 0), 1e-12));
    return v.map((a) => a * inv);
  });
  const n = unit.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) sum += Math.abs(unit[i]!.reduce((s, a, k) => s + a * unit[j]![k]!, 0));
    }
  }
  return (factor * 0.5 * sum) / ((n * (n - 1)) / 2);
}

/** Central finite differences of the float64 reference. */
function referenceGradient(w: number[][], factor: number, mode: OrthogonalMode): number[][] {
  const h = 1e-6;
  return w.map((row, i) =>
    row.map((_, j) => {
      const at = (delta: number): number =>
        reference(
          w.map((r, a) => r.map((v, b) => (a === i && b === j ? v + delta : v))),
          factor,
          mode,
        );
      return (at(h) - at(-h)) / (2 * h);
    }),
  );
}

describe('OrthogonalRegularizer', () => {
  // W = [[1, 0], [0, 1], [1, 1]], shape [3, 2].
  const W = [
    [1, 0],
    [0, 1],
    [1, 1],
  ];

  it('rows: mean |cosine| over the pairs of rows, times factor', () => {
    // Unit rows a = [1, 0], b = [0, 1], c = [1, 1] / sqrt(2). Cosines: a.b = 0,
    // a.c = b.c = 1/sqrt(2). Off the diagonal each pair counts twice: sum |P| = 2 * 2/sqrt(2)
    // = 2 sqrt(2). n = 3, pairs = 3: penalty = factor * 0.5 * 2 sqrt(2) / 3 = factor * sqrt(2) / 3.
    const r = new OrthogonalRegularizer({ factor: 1, mode: 'rows' });
    expectClose(scalarValue(r.apply(tf.tensor2d(W))), Math.SQRT2 / 3);
    expectClose(scalarValue(orthogonal(0.1).apply(tf.tensor2d(W))), (0.1 * Math.SQRT2) / 3);
  });

  it('columns: the same on the columns', () => {
    // Unit columns u = [1, 0, 1] / sqrt(2), v = [0, 1, 1] / sqrt(2); u.v = 1/2. sum |P| off the
    // diagonal = 2 * 1/2 = 1; n = 2, pairs = 1: penalty = factor * 0.5 * 1 / 1 = factor / 2.
    const r = orthogonal({ factor: 0.3, mode: 'columns' });
    expectClose(scalarValue(r.apply(tf.tensor2d(W))), 0.3 / 2);
  });

  it('2 x 2: rows [1, 0] and [1, 1] meet at 45 degrees', () => {
    // cos = 1/sqrt(2); sum |P| off the diagonal = 2/sqrt(2) = sqrt(2); pairs = 1:
    // penalty = factor * 0.5 * sqrt(2).
    const x = tf.tensor2d([
      [1, 0],
      [1, 1],
    ]);
    expectClose(scalarValue(orthogonal(0.2).apply(x)), 0.2 * 0.5 * Math.SQRT2);
  });

  it('agrees with the float64 reference on a 3 x 4 matrix, both modes', () => {
    const w = [
      [0.3, -1.2, 0.5, 2],
      [1.1, 0.4, -0.7, 0.2],
      [-0.6, 0.9, 1.3, -0.4],
    ];
    for (const mode of ['rows', 'columns'] as const) {
      const r = orthogonal({ factor: 0.7, mode });
      expectClose(scalarValue(r.apply(tf.tensor2d(w))), reference(w, 0.7, mode), { rtol: 1e-5, atol: 1e-7 });
    }
  });

  it('is 0 for orthogonal rows and for a zero matrix (no NaN from a zero norm)', () => {
    expect(scalarValue(orthogonal(1).apply(tf.eye(3)))).toBe(0);
    expect(scalarValue(orthogonal(1).apply(tf.zeros([3, 2])))).toBe(0);
    // A zero row normalises to zero and pairs with nothing: only [1, 0] . [1, 1]/sqrt(2) counts,
    // 2 of 6 ordered pairs; penalty = 1 * 0.5 * 2/sqrt(2) / 3.
    const x = tf.tensor2d([
      [0, 0],
      [1, 0],
      [1, 1],
    ]);
    expectClose(scalarValue(orthogonal(1).apply(x)), (0.5 * Math.SQRT2) / 3);
  });

  it('is 0 with fewer than two vectors (Keras would divide by zero pairs)', () => {
    expect(scalarValue(orthogonal({ mode: 'rows' }).apply(tf.ones([1, 5])))).toBe(0);
    expect(scalarValue(orthogonal({ mode: 'columns' }).apply(tf.ones([5, 1])))).toBe(0);
    expectClose(orthogonal({ mode: 'columns' }).gradient(tf.ones([2, 1])), [[0], [0]]);
  });

  it('rejects weights that are not matrices, naming the shape', () => {
    const before = tf.memory().numTensors;
    const r = orthogonal();
    const v = tf.ones([3]);
    const k = tf.ones([2, 2, 3]);
    expectRidgeError(() => r.apply(v), 'INVALID_ARGUMENT', 'rank-2', '[3]', 'reshape');
    expectRidgeError(() => r.gradient(k), 'INVALID_ARGUMENT', 'rank-2', '[2, 2, 3]');
    tf.dispose([v, k]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has an analytic gradient equal to finite differences of the float64 reference', () => {
    const w = [
      [0.3, -1.2, 0.5, 2],
      [1.1, 0.4, -0.7, 0.2],
      [-0.6, 0.9, 1.3, -0.4],
    ];
    for (const mode of ['rows', 'columns'] as const) {
      const expected = referenceGradient(w, 0.5, mode);
      // Entries are of order 0.1; float32 rounding in the normalisation and the matrix products
      // stays near 1e-6 of that, finite differences with h = 1e-6 in float64 near 1e-9.
      expectClose(orthogonal({ factor: 0.5, mode }).gradient(tf.tensor2d(w)), expected, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  it('has the gradient dN / r for a row below the norm floor, and the projected one above it', () => {
    // Row 0 = [1e-7, 0]: |row|^2 = 1e-14 < 1e-12, so r_0 = sqrt(1e-12) = 1e-6 is a constant and
    // N_0 = [0.1, 0]. Row 1 = [1, 1]: r_1 = sqrt(2), N_1 = [1, 1] / sqrt(2).
    // P_01 = 0.1 / sqrt(2) > 0; factor 1, pairs 1: c = 0.5, G_01 = G_10 = 0.5; dN = 2 G N:
    //   dN_0 = N_1 = [1, 1] / sqrt(2)   -> dW_0 = dN_0 / 1e-6
    //   dN_1 = N_0 = [0.1, 0]           -> dW_1 = (dN_1 - (dN_1 . N_1) N_1) / sqrt(2)
    //                                         = ([0.1, 0] - [0.05, 0.05]) / sqrt(2)
    const x = tf.tensor2d([
      [1e-7, 0],
      [1, 1],
    ]);
    const expected = [
      [Math.SQRT1_2 * 1e6, Math.SQRT1_2 * 1e6],
      [0.05 / Math.SQRT2, -0.05 / Math.SQRT2],
    ];
    const r = orthogonal(1);
    expectClose(r.gradient(x), expected, { rtol: 1e-4, atol: 1e-6 });
    // tfjs autodiff goes through the same floor (tf.maximum) and must agree.
    expectClose(tf.grad((w: tf.Tensor) => r.apply(w))(x), expected, { rtol: 1e-4, atol: 1e-6 });
  });

  it('defaults to factor 0.01, mode rows; number and config are the same', () => {
    expect(orthogonal().getConfig()).toEqual({ factor: 0.01, mode: 'rows' });
    expect(new OrthogonalRegularizer().getConfig()).toEqual({ factor: 0.01, mode: 'rows' });
    expect(orthogonal(0.1).getConfig()).toEqual(orthogonal({ factor: 0.1 }).getConfig());
    expect(orthogonal({ mode: 'columns' }).getConfig()).toEqual({ factor: 0.01, mode: 'columns' });
  });

  it('rejects a mode other than rows or columns', () => {
    for (const mode of ['row', 'Rows', '', 0, null]) {
      expectRidgeError(() => orthogonal({ mode: mode as never }), 'INVALID_ARGUMENT', 'mode', "'rows', 'columns'");
    }
  });
});
