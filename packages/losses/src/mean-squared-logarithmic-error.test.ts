import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { EPS, expectClose, gradient, mean, run } from '../test/helpers.js';
import { meanSquaredLogarithmicError } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: mean((log(max(p, eps) + 1) - log(max(y, eps) + 1))^2) over the last axis. */
const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => mean(row.map((y, j) => (Math.log(Math.max(p[i]![j]!, EPS) + 1) - Math.log(Math.max(y, EPS) + 1)) ** 2)));

describe('MeanSquaredLogarithmicError', () => {
  it('is mean((log(1 + p) - log(1 + y))^2) per sample', () => {
    const yTrue = [
      [1, 3, 0],
      [0.5, 10, 2],
    ];
    const yPred = [
      [1, 1, 1],
      [2, 5, 0.25],
    ];
    // Hand check, sample 0: (0 + (log 2 - log 4)^2 + (log 2)^2) / 3 = 2 (log 2)^2 / 3.
    expectClose(reference(yTrue, yPred)[0]!, (2 * Math.LN2 ** 2) / 3, 1e-6);
    expectClose(run(meanSquaredLogarithmicError({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
    const perSample = reference(yTrue, yPred);
    expectClose(run(meanSquaredLogarithmicError(), yTrue, yPred, [[3], [0.5]]), (3 * perSample[0]! + 0.5 * perSample[1]!) / 2);
  });

  it('floors negative values at 1e-7, as Keras does', () => {
    const yTrue = [[-3, 2]];
    const yPred = [[1, -0.5]];
    expectClose(run(meanSquaredLogarithmicError({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
  });

  it('has the gradient 2 (log(1 + p) - log(1 + y)) / ((1 + p) n), and 0 below the floor', () => {
    const expected = [2, 0.5].map((p, j) => (2 * (Math.log1p(p) - Math.log1p([1, 3][j]!))) / (1 + p) / 3);
    expectClose(gradient(meanSquaredLogarithmicError(), [[1, 3, 1]], [[2, 0.5, -1]]), [...expected, 0], 1e-5);
  });
});
