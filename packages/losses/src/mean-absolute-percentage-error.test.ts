import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { EPS, expectClose, gradient, mean, run } from '../test/helpers.js';
import { meanAbsolutePercentageError } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: 100 * mean(|(y - p) / max(|y|, epsilon)|) over the last axis. */
const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => 100 * mean(row.map((y, j) => Math.abs((y - p[i]![j]!) / Math.max(Math.abs(y), EPS)))));

describe('MeanAbsolutePercentageError', () => {
  it('is 100 * mean(|yTrue - yPred| / |yTrue|) per sample', () => {
    const yTrue = [
      [2, -4],
      [10, 0.5],
    ];
    const yPred = [
      [1, -5],
      [10, 1],
    ];
    // Hand check: (50% + 25%) / 2 = 37.5; (0% + 100%) / 2 = 50.
    expectClose(reference(yTrue, yPred), [37.5, 50]);
    expectClose(run(meanAbsolutePercentageError({ reduction: 'none' }), yTrue, yPred), [37.5, 50]);
    expectClose(run(meanAbsolutePercentageError({ reduction: 'sum' }), yTrue, yPred, [2, 1]), 2 * 37.5 + 50);
    expectClose(run(meanAbsolutePercentageError(), yTrue, yPred, [2, 1]), (2 * 37.5 + 50) / 2);
  });

  it('divides by 1e-7 where yTrue is 0: huge, not infinite', () => {
    const [value] = run(meanAbsolutePercentageError(), [[0]], [[0.001]]);
    expect(Number.isFinite(value)).toBe(true);
    expectClose(value!, (100 * 0.001) / EPS, 1e-4);
  });

  it('has the gradient 100 * sign(p - y) / (|y| n)', () => {
    expectClose(gradient(meanAbsolutePercentageError(), [[2, -4]], [[1, -5]]), [(100 * -1) / (2 * 2), (100 * -1) / (4 * 2)], 1e-5);
  });
});
