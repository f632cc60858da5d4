import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { EPS, expectAllFinite, expectClose, gradient, mean, run } from '../test/helpers.js';
import { poisson } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: mean(p - y * log(p + epsilon)) over the last axis. */
const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => mean(row.map((y, j) => p[i]![j]! - y * Math.log(p[i]![j]! + EPS))));

const yTrue = [
  [0, 1, 3],
  [2, 2, 0],
];
const yPred = [
  [0.5, 1, 2.5],
  [1.5, 4, 0.1],
];

describe('Poisson', () => {
  it('is mean(yPred - yTrue * log(yPred + 1e-7)) per sample', () => {
    // Hand check, sample 0: (0.5 + (1 - 0) + (2.5 - 3 log 2.5)) / 3.
    expectClose(reference(yTrue, yPred)[0]!, (0.5 + 1 + 2.5 - 3 * Math.log(2.5)) / 3, 1e-6);
    expectClose(run(poisson({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
  });

  it("weights samples; 'mean' divides by the batch size", () => {
    const perSample = reference(yTrue, yPred);
    expectClose(run(poisson(), yTrue, yPred, [0.25, 1]), (0.25 * perSample[0]! + perSample[1]!) / 2);
  });

  it('is finite at a rate of 0, and has the gradient (1 - y / (p + eps)) / n', () => {
    expectAllFinite(run(poisson(), [[1]], [[0]]));
    const expected = yPred.flatMap((row, i) => row.map((p, j) => (1 - yTrue[i]![j]! / (p + EPS)) / 3 / 2));
    expectClose(gradient(poisson(), yTrue, yPred), expected, 1e-5);
  });
});
