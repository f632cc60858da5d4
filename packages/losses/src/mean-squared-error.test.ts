import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, gradient, mean, run, sum } from '../test/helpers.js';
import { meanSquaredError } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const yTrue = [
  [0, 1, 2],
  [1, 1, -1],
];
const yPred = [
  [0.5, 1, 0],
  [-1, 3, -1],
];
// Per sample: (0.25 + 0 + 4) / 3 = 1.41667 and (4 + 4 + 0) / 3 = 2.66667.
const perSample = yTrue.map((t, i) => mean(t.map((v, j) => (v - yPred[i]![j]!) ** 2)));

describe('MeanSquaredError', () => {
  it('is the mean of squared errors over the last axis', () => {
    expectClose(perSample, [4.25 / 3, 8 / 3]);
    expectClose(run(meanSquaredError({ reduction: 'none' }), yTrue, yPred), perSample);
    expectClose(run(meanSquaredError(), yTrue, yPred), mean(perSample));
    expectClose(run(meanSquaredError({ reduction: 'sum' }), yTrue, yPred), sum(perSample));
  });

  it('treats rank-1 inputs as one value per sample', () => {
    expectClose(run(meanSquaredError({ reduction: 'none' }), [1, 2, 3], [1.5, 2, 1]), [0.25, 0, 4]);
  });

  it('averages every non-batch axis of rank-3 inputs', () => {
    const t = [[[1, 2], [3, 4]]];
    const p = [[[0, 2], [3, 6]]];
    expectClose(run(meanSquaredError({ reduction: 'none' }), t, p), [(1 + 0 + 0 + 4) / 4]);
  });

  it('has the gradient 2 (yPred - yTrue) / (features * batch)', () => {
    const expected = yPred.flatMap((p, i) => p.map((v, j) => (2 * (v - yTrue[i]![j]!)) / 6));
    expectClose(gradient(meanSquaredError(), yTrue, yPred), expected);
  });
});
