import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIGH, LOW, clip, expectAllFinite, expectClose, gradient, mean, run } from '../test/helpers.js';
import { binaryCrossentropy } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras' elementwise formula with p clipped to [eps, 1 - eps]. */
function bce(z: number, p: number): number {
  const q = clip(p, LOW, HIGH);
  return -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
}
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const yTrue = [
  [0, 1, 1, 0],
  [1, 0, 0.5, 1],
];
const yPred = [
  [0.1, 0.8, 0.6, 0.3],
  [0.9, 0.2, 0.5, 0.55],
];
const perSample = (z: number[][], p: number[][]): number[] => z.map((row, i) => mean(row.map((v, j) => bce(v, p[i]![j]!))));

describe('BinaryCrossentropy', () => {
  it('is the mean over the last axis of -(z log p + (1 - z) log(1 - p))', () => {
    // Hand check, sample 0: -(log 0.9 + log 0.8 + log 0.6 + log 0.7) / 4 = 0.2939.
    expectClose(perSample(yTrue, yPred)[0]!, -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.7)) / 4);
    expectClose(run(binaryCrossentropy({ reduction: 'none' }), yTrue, yPred), perSample(yTrue, yPred));
    expectClose(run(binaryCrossentropy(), yTrue, yPred), mean(perSample(yTrue, yPred)));
  });

  it('fromLogits equals the probability form applied to sigmoid(logits)', () => {
    const logits = [
      [-2.2, 1.4, 0.4, -0.85],
      [3, -1.5, 0, 0.2],
    ];
    const probs = logits.map((r) => r.map(sigmoid));
    const expected = perSample(yTrue, probs);
    expectClose(run(binaryCrossentropy({ fromLogits: true, reduction: 'none' }), yTrue, logits), expected);
    expectClose(run(binaryCrossentropy({ reduction: 'none' }), yTrue, probs), expected);
  });

  it('smooths labels to y * (1 - ls) + 0.5 * ls', () => {
    const ls = 0.1;
    const smoothed = yTrue.map((r) => r.map((v) => v * (1 - ls) + 0.5 * ls));
    expectClose(run(binaryCrossentropy({ labelSmoothing: ls, reduction: 'none' }), yTrue, yPred), perSample(smoothed, yPred));
    const logits = [[4, -4, 0, 1]];
    const expected = mean([1, 0, 1, 0].map((z, j) => bce(z * (1 - ls) + 0.5 * ls, sigmoid(logits[0]![j]!))));
    expectClose(run(binaryCrossentropy({ labelSmoothing: ls, fromLogits: true }), [[1, 0, 1, 0]], logits), expected);
  });

  it('is finite, with finite gradients, for probabilities of exactly 0 and 1', () => {
    const z = [[1, 0, 1, 0]];
    const p = [[1, 0, 0, 1]];
    // p is clipped to [LOW, HIGH]: right answers cost about 0, wrong ones -log(LOW) ~ 16.1 and
    // -log(1 - HIGH) ~ 15.9 (float32 1 - 1e-7 is 1 - 2^-23).
    const expected = mean([-Math.log(HIGH), -Math.log(1 - LOW), -Math.log(LOW), -Math.log(1 - HIGH)]);
    expectClose(run(binaryCrossentropy(), z, p), expected, 1e-4);
    expectAllFinite(gradient(binaryCrossentropy(), z, p));
    expectAllFinite(gradient(binaryCrossentropy({ labelSmoothing: 0.1 }), z, p));
  });

  it('is exact and finite for huge logits, where log(sigmoid(x)) would overflow', () => {
    // z = 0, x = 100: loss = x + log(1 + e^-x) ~ 100; z = 1, x = -100: the same. z = 1, x = 100: ~ e^-100.
    const loss = binaryCrossentropy({ fromLogits: true, reduction: 'none' });
    expectClose(run(loss, [[0], [1], [1]], [[100], [-100], [100]]), [100, 100, 0]);
    expectAllFinite(gradient(binaryCrossentropy({ fromLogits: true }), [[0], [1], [1]], [[100], [-100], [100]]));
  });

  it('has the gradient (sigmoid(x) - z) / n for logits', () => {
    const z = [[1, 0, 1]];
    const x = [[0.3, -2, 0]];
    const expected = x[0]!.map((xi, j) => (sigmoid(xi) - z[0]![j]!) / 3);
    expectClose(gradient(binaryCrossentropy({ fromLogits: true }), z, x), expected);
  });

  it('accepts labels [batch] with predictions [batch, 1], as Keras does', () => {
    const expected = [bce(1, 0.7), bce(0, 0.4)];
    expectClose(run(binaryCrossentropy({ reduction: 'none' }), [1, 0], [[0.7], [0.4]]), expected);
    expectClose(run(binaryCrossentropy({ reduction: 'none' }), [[1], [0]], [0.7, 0.4]), expected);
  });

  it('gives the same per-sample value for any feature axis', () => {
    const a = run(binaryCrossentropy({ axis: 1, reduction: 'none' }), yTrue, yPred);
    expectClose(a, perSample(yTrue, yPred));
    expect(binaryCrossentropy({ axis: 1 }).getConfig()['axis']).toBe(1);
  });
});
