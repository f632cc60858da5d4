import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIGH, LOW, clip, expectAllFinite, expectClose, gradient, mean, run, sum } from '../test/helpers.js';
import { CategoricalCrossentropy, categoricalCrossentropy } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Keras' formula, one row: rescale p to sum to 1, clip, then -sum(y log p). */
function reference(y: readonly number[], p: readonly number[]): number {
  const s = sum(p);
  return -sum(y.map((yi, i) => yi * Math.log(clip(p[i]! / s, LOW, HIGH))));
}

function softmax(logits: readonly number[]): number[] {
  const m = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - m));
  return e.map((x) => x / sum(e));
}

const yTrue = [
  [0, 1, 0],
  [0, 0, 1],
];
const yPred = [
  [0.05, 0.95, 0],
  [0.1, 0.8, 0.1],
];

describe('CategoricalCrossentropy', () => {
  it('matches -sum(y log p) per sample, and the mean over the batch', () => {
    const perSample = yTrue.map((y, i) => reference(y, yPred[i]!));
    // Hand check: -log(0.95) = 0.0513 and -log(0.1) = 2.3026.
    expectClose(perSample, [-Math.log(0.95), -Math.log(0.1)]);
    expectClose(run(categoricalCrossentropy({ reduction: 'none' }), yTrue, yPred), perSample);
    expectClose(run(categoricalCrossentropy(), yTrue, yPred), mean(perSample));
    expectClose(run(categoricalCrossentropy({ reduction: 'sum' }), yTrue, yPred), sum(perSample));
  });

  it('gives the numbers of the Keras docstring for the same batch', () => {
    // keras.losses.CategoricalCrossentropy docstring: 1.177, and 0.814 with weights [0.3, 0.7].
    expect(run(new CategoricalCrossentropy(), yTrue, yPred)[0]).toBeCloseTo(1.177, 3);
    expect(run(new CategoricalCrossentropy(), yTrue, yPred, [0.3, 0.7])[0]).toBeCloseTo(0.814, 3);
  });

  it('rescales probabilities that do not sum to 1, as Keras does', () => {
    const y = [[0.2, 0.5, 0.3]];
    const p = [[1, 2, 1]];
    // p / sum(p) = [0.25, 0.5, 0.25].
    const expected = -(0.2 * Math.log(0.25) + 0.5 * Math.log(0.5) + 0.3 * Math.log(0.25));
    expectClose(run(categoricalCrossentropy(), y, p), expected);
  });

  it('fromLogits equals the probability form applied to softmax(logits)', () => {
    const logits = [
      [2, -1, 0.5, 0],
      [-3, 4, 1, 1],
      [0, 0, 0, 0],
    ];
    const y = [
      [0, 0, 1, 0],
      [0.1, 0.7, 0.1, 0.1],
      [0, 0, 0, 1],
    ];
    const expected = y.map((row, i) => reference(row, softmax(logits[i]!)));
    const fromLogits = run(categoricalCrossentropy({ fromLogits: true, reduction: 'none' }), y, logits);
    expectClose(fromLogits, expected);
    const probs = tf.tidy(() => Array.from(tf.softmax(tf.tensor2d(logits)).dataSync()));
    const rows = [0, 1, 2].map((i) => probs.slice(i * 4, i * 4 + 4));
    expectClose(run(categoricalCrossentropy({ reduction: 'none' }), y, rows), fromLogits);
  });

  it('smooths labels to y * (1 - ls) + ls / numClasses', () => {
    const ls = 0.2;
    const smoothed = yTrue.map((row) => row.map((v) => v * (1 - ls) + ls / 3));
    const expected = smoothed.map((y, i) => reference(y, yPred[i]!));
    expectClose(run(categoricalCrossentropy({ labelSmoothing: ls, reduction: 'none' }), yTrue, yPred), expected);
    // labelSmoothing 1 makes every target uniform.
    const uniform = yPred.map((p) => reference([1 / 3, 1 / 3, 1 / 3], p));
    expectClose(run(categoricalCrossentropy({ labelSmoothing: 1, reduction: 'none' }), yTrue, yPred), uniform);
  });

  it('reads the classes along axis', () => {
    // Shape [2, 3, 2]: classes on axis 1, two positions per sample.
    const y = [
      [[1, 0], [0, 1], [0, 0]],
      [[0, 0], [0, 0], [1, 1]],
    ];
    const p = [
      [[0.7, 0.2], [0.2, 0.5], [0.1, 0.3]],
      [[0.3, 0.1], [0.3, 0.1], [0.4, 0.8]],
    ];
    const column = (m: number[][], j: number): number[] => m.map((r) => r[j]!);
    const expected = y.map((ys, b) => mean([0, 1].map((j) => reference(column(ys, j), column(p[b]!, j)))));
    expectClose(run(categoricalCrossentropy({ axis: 1, reduction: 'none' }), y, p), expected);
    expectClose(run(categoricalCrossentropy({ axis: -2, reduction: 'none' }), y, p), expected);
  });

  it('is finite, with finite gradients, for probabilities of exactly 0 and 1', () => {
    const y = [
      [1, 0, 0],
      [0, 1, 0],
    ];
    const p = [
      [1, 0, 0],
      [1, 0, 0],
    ];
    const loss = categoricalCrossentropy({ reduction: 'none' });
    // Clipped to float32 1 - 1e-7 and 1e-7: -log(HIGH) and -log(LOW).
    expectClose(run(loss, y, p), [-Math.log(HIGH), -Math.log(LOW)]);
    expectAllFinite(gradient(categoricalCrossentropy(), y, p));
  });

  it('is finite, with finite gradients, for huge logits', () => {
    const y = [[0, 1, 0]];
    const logits = [[1000, -1000, 0]];
    // log-softmax of the true class: -1000 - logsumexp = -1000 - 1000 = -2000.
    expectClose(run(categoricalCrossentropy({ fromLogits: true }), y, logits), 2000);
    expectAllFinite(gradient(categoricalCrossentropy({ fromLogits: true }), y, logits));
  });

  it('has the softmax gradient for logits: (softmax(x) - y) / batch', () => {
    const y = [
      [0, 1, 0],
      [1, 0, 0],
    ];
    const logits = [
      [0.5, -1, 2],
      [1, 1, 0],
    ];
    const expected = logits.flatMap((x, i) => softmax(x).map((s, j) => (s - y[i]![j]!) / 2));
    expectClose(gradient(categoricalCrossentropy({ fromLogits: true }), y, logits), expected);
  });
});
