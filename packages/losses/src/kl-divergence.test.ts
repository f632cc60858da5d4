import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { EPS, clip, expectAllFinite, expectClose, gradient, mean, run, sum } from '../test/helpers.js';
import { klDivergence } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras: both clipped to [eps, 1], then sum(t log(t / p)). */
function reference(t: readonly number[], p: readonly number[]): number {
  return sum(t.map((ti, i) => {
    const a = clip(ti, Math.fround(EPS), 1);
    const b = clip(p[i]!, Math.fround(EPS), 1);
    return a * Math.log(a / b);
  }));
}

const yTrue = [
  [0.2, 0.3, 0.5],
  [0.6, 0.4, 0],
];
const yPred = [
  [0.3, 0.3, 0.4],
  [0.5, 0.25, 0.25],
];

describe('KLDivergence', () => {
  it('is sum(yTrue * log(yTrue / yPred)) over the last axis', () => {
    // Hand check, sample 0: 0.2 log(2/3) + 0 + 0.5 log(1.25) = 0.030478.
    expectClose(reference(yTrue[0]!, yPred[0]!), 0.2 * Math.log(2 / 3) + 0.5 * Math.log(1.25));
    const perSample = yTrue.map((t, i) => reference(t, yPred[i]!));
    expectClose(run(klDivergence({ reduction: 'none' }), yTrue, yPred), perSample);
    expectClose(run(klDivergence(), yTrue, yPred), mean(perSample));
  });

  it('is 0 for equal distributions', () => {
    expectClose(run(klDivergence({ reduction: 'none' }), yTrue, yTrue), [0, 0]);
  });

  it('is finite, with finite gradients, for zeros and ones in either input', () => {
    const t = [
      [1, 0, 0],
      [0, 0, 1],
    ];
    const p = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const expected = t.map((row, i) => reference(row, p[i]!));
    expectClose(run(klDivergence({ reduction: 'none' }), t, p), expected, 1e-4);
    expectAllFinite(gradient(klDivergence(), t, p));
  });
});
