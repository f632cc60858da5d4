import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, gradient, mean, run } from '../test/helpers.js';
import { hinge } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => mean(row.map((y, j) => Math.max(1 - y * p[i]![j]!, 0))));

const yPred = [
  [0.6, -0.4, 2],
  [-1.5, 0.2, 0],
];

describe('Hinge', () => {
  it('is mean(max(1 - y * p, 0)) for labels in {-1, 1}', () => {
    const yTrue = [
      [1, -1, 1],
      [-1, 1, 1],
    ];
    // Hand check, sample 0: (0.4 + 0.6 + 0) / 3.
    expectClose(reference(yTrue, yPred)[0]!, 1 / 3);
    expectClose(run(hinge({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
  });

  it('reads labels in {0, 1} as -1 and 1, as Keras does', () => {
    const binary = [
      [1, 0, 1],
      [0, 1, 1],
    ];
    const signed = binary.map((r) => r.map((y) => 2 * y - 1));
    expectClose(run(hinge({ reduction: 'none' }), binary, yPred), reference(signed, yPred));
  });

  it('keeps labels as they are when they are not all 0 or 1', () => {
    const mixed = [
      [1, 0, -1],
      [1, 1, 0],
    ];
    expectClose(run(hinge({ reduction: 'none' }), mixed, yPred), reference(mixed, yPred));
  });

  it('has the gradient -y / n where the margin is violated, 0 elsewhere', () => {
    const yTrue = [[1, -1, 1, -1]];
    const p = [[0.5, 0.5, 3, -2]];
    const expected = [-1 / 4, 1 / 4, 0, 0];
    expectClose(gradient(hinge(), yTrue, p), expected);
  });
});
