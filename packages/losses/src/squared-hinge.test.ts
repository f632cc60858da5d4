import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, gradient, mean, run, sum } from '../test/helpers.js';
import { squaredHinge } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: mean(square(max(1 - y * p, 0))) over the last axis. */
const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => mean(row.map((y, j) => Math.max(1 - y * p[i]![j]!, 0) ** 2)));

const yPred = [
  [0.6, -0.4, 2],
  [-1.5, 0.2, 0],
];

describe('SquaredHinge', () => {
  it('is mean(max(1 - y * p, 0)^2) for labels in {-1, 1}', () => {
    const yTrue = [
      [1, -1, 1],
      [-1, 1, 1],
    ];
    // Hand check, sample 0: (0.4^2 + 0.6^2 + 0) / 3 = 0.52 / 3.
    expectClose(reference(yTrue, yPred)[0]!, 0.52 / 3);
    expectClose(run(squaredHinge({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
  });

  it('reads labels in {0, 1} as -1 and 1, and keeps mixed labels as they are', () => {
    const binary = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const signed = binary.map((r) => r.map((y) => 2 * y - 1));
    expectClose(run(squaredHinge({ reduction: 'none' }), binary, yPred), reference(signed, yPred));
    const mixed = [
      [1, 0, -1],
      [1, 1, 0],
    ];
    expectClose(run(squaredHinge({ reduction: 'none' }), mixed, yPred), reference(mixed, yPred));
  });

  it("weights samples and reduces with 'sum'", () => {
    const yTrue = [
      [1, -1, 1],
      [-1, 1, 1],
    ];
    const perSample = reference(yTrue, yPred);
    expectClose(run(squaredHinge({ reduction: 'sum' }), yTrue, yPred, [2, 0.5]), sum([2 * perSample[0]!, 0.5 * perSample[1]!]));
  });

  it('has the gradient -2y * max(1 - y p, 0) / n', () => {
    const yTrue = [[1, -1, 1, -1]];
    const p = [[0.5, 0.5, 3, -2]];
    // Margins 0.5, 1.5, 0, 0.
    expectClose(gradient(squaredHinge(), yTrue, p), [(-2 * 0.5) / 4, (2 * 1.5) / 4, 0, 0]);
  });
});
