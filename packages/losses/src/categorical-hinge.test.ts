import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, gradient, run } from '../test/helpers.js';
import { categoricalHinge } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: pos = sum(y p), neg = max((1 - y) p), loss = max(neg - pos + 1, 0), over the last axis. */
const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => {
    const pos = row.reduce((a, y, j) => a + y * p[i]![j]!, 0);
    const neg = Math.max(...row.map((y, j) => (1 - y) * p[i]![j]!));
    return Math.max(neg - pos + 1, 0);
  });

const yTrue = [
  [0, 1, 0],
  [1, 0, 0],
  [0, 0, 1],
];
const yPred = [
  [0.3, 0.5, 0.2],
  [0.1, 0.7, -0.4],
  [-1, 0.5, 2.5],
];

describe('CategoricalHinge', () => {
  it('is max(max_other - p_true + 1, 0) per sample', () => {
    // Hand check: 0.3 - 0.5 + 1 = 0.8; 0.7 - 0.1 + 1 = 1.6; 0.5 - 2.5 + 1 < 0 -> 0.
    expectClose(reference(yTrue, yPred), [0.8, 1.6, 0]);
    expectClose(run(categoricalHinge({ reduction: 'none' }), yTrue, yPred), [0.8, 1.6, 0]);
  });

  it("weights samples; 'mean' divides by the batch size", () => {
    expectClose(run(categoricalHinge(), yTrue, yPred, [1, 0.5, 3]), (0.8 + 0.5 * 1.6 + 0) / 3);
  });

  it('has the gradient -1 at the true class and +1 at the best other class, / batch', () => {
    // Sample 0 only: the margin is violated, so d/dp = [+1, -1, 0].
    expectClose(gradient(categoricalHinge(), [yTrue[0]!], [yPred[0]!]), [1, -1, 0]);
    expectClose(gradient(categoricalHinge(), [yTrue[2]!], [yPred[2]!]), [0, 0, 0]);
  });
});
