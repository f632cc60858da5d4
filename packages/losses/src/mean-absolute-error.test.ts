import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectClose, gradient, mean, run } from '../test/helpers.js';
import { meanAbsoluteError } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const yTrue = [
  [0, 1, 2],
  [1, 1, -1],
];
const yPred = [
  [0.5, 1.25, 0],
  [-1, 3, -1.5],
];
const perSample = yTrue.map((t, i) => mean(t.map((v, j) => Math.abs(v - yPred[i]![j]!))));

describe('MeanAbsoluteError', () => {
  it('is the mean of absolute errors over the last axis', () => {
    // Hand check: (0.5 + 0.25 + 2) / 3 and (2 + 2 + 0.5) / 3.
    expectClose(perSample, [2.75 / 3, 4.5 / 3]);
    expectClose(run(meanAbsoluteError({ reduction: 'none' }), yTrue, yPred), perSample);
    expectClose(run(meanAbsoluteError(), yTrue, yPred), mean(perSample));
  });

  it('has the gradient sign(yPred - yTrue) / (features * batch)', () => {
    const expected = yPred.flatMap((p, i) => p.map((v, j) => Math.sign(v - yTrue[i]![j]!) / 6));
    expectClose(gradient(meanAbsoluteError(), yTrue, yPred), expected);
  });
});
