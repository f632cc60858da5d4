import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { HIGH, LOW, clip, expectAllFinite, expectClose, gradient, run } from '../test/helpers.js';
import { categoricalCrossentropy, sparseCategoricalCrossentropy } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const oneHot = (labels: readonly number[], classes: number): number[][] =>
  labels.map((l) => Array.from({ length: classes }, (_, j) => (j === l ? 1 : 0)));

const labels = [1, 2, 0];
const probs = [
  [0.05, 0.95, 0],
  [0.1, 0.8, 0.1],
  [0.6, 0.3, 0.1],
];
const logits = [
  [1, 3, -2],
  [0, 0.5, 0.25],
  [-1, 2, 4],
];

describe('SparseCategoricalCrossentropy', () => {
  it('is -log p[label] per sample', () => {
    const expected = labels.map((l, i) => -Math.log(clip(probs[i]![l]!, LOW, HIGH)));
    expectClose(run(sparseCategoricalCrossentropy({ reduction: 'none' }), labels, probs), expected);
  });

  it('equals CategoricalCrossentropy on the one-hot labels, for probabilities and logits', () => {
    for (const fromLogits of [false, true]) {
      const yPred = fromLogits ? logits : probs;
      const sparse = run(sparseCategoricalCrossentropy({ fromLogits, reduction: 'none' }), labels, yPred);
      const dense = run(categoricalCrossentropy({ fromLogits, reduction: 'none' }), oneHot(labels, 3), yPred);
      expectClose(sparse, dense);
    }
  });

  it('takes labels of shape [batch] or [batch, 1], int32 or float32', () => {
    const loss = sparseCategoricalCrossentropy({ reduction: 'none' });
    const expected = run(categoricalCrossentropy({ reduction: 'none' }), oneHot(labels, 3), probs);
    expectClose(run(loss, labels, probs, undefined, 'int32'), expected);
    expectClose(run(loss, labels, probs, undefined, 'float32'), expected);
    expectClose(run(loss, labels.map((l) => [l]), probs, undefined, 'int32'), expected);
    expectClose(run(loss, labels.map((l) => [l]), probs, undefined, 'float32'), expected);
  });

  it('takes one label per position for sequences ([batch, steps] with [batch, steps, classes])', () => {
    const seqLabels = [
      [0, 2],
      [1, 1],
    ];
    const seqPred = [
      [
        [0.7, 0.2, 0.1],
        [0.2, 0.2, 0.6],
      ],
      [
        [0.1, 0.8, 0.1],
        [0.5, 0.25, 0.25],
      ],
    ];
    // Per sample: the mean over its positions of -log p[label].
    const expected = seqLabels.map((ls, b) => -(Math.log(seqPred[b]![0]![ls[0]!]!) + Math.log(seqPred[b]![1]![ls[1]!]!)) / 2);
    expectClose(run(sparseCategoricalCrossentropy({ reduction: 'none' }), seqLabels, seqPred, undefined, 'int32'), expected);
  });

  it('lets the gradient flow to yPred, equal to the categorical one', () => {
    for (const fromLogits of [false, true]) {
      const yPred = fromLogits ? logits : probs;
      const sparse = gradient(sparseCategoricalCrossentropy({ fromLogits }), labels, yPred, 'int32');
      const dense = gradient(categoricalCrossentropy({ fromLogits }), oneHot(labels, 3), yPred);
      expectAllFinite(sparse);
      expect(sparse.some((g) => g !== 0)).toBe(true);
      expectClose(sparse, dense);
    }
  });

  it('is finite, with finite gradients, for probabilities of exactly 0 and 1', () => {
    const p = [
      [1, 0, 0],
      [0, 0, 1],
    ];
    // Label 0 meets probability 1, label 1 meets probability 0.
    expectClose(run(sparseCategoricalCrossentropy({ reduction: 'none' }), [0, 1], p), [-Math.log(HIGH), -Math.log(LOW)]);
    expectAllFinite(gradient(sparseCategoricalCrossentropy(), [0, 1], p));
  });

  it('gives the numbers of the Keras docstring', () => {
    // keras.losses.SparseCategoricalCrossentropy docstring: y_true [1, 2], 1.177; weights [0.3, 0.7]: 0.814.
    const p = probs.slice(0, 2);
    expect(run(sparseCategoricalCrossentropy(), [1, 2], p)[0]).toBeCloseTo(1.177, 3);
    expect(run(sparseCategoricalCrossentropy(), [1, 2], p, [0.3, 0.7])[0]).toBeCloseTo(0.814, 3);
  });

  it('leaks no tensor when the labels are float32', () => {
    const before = tf.memory().numTensors;
    run(sparseCategoricalCrossentropy(), labels, probs);
    expect(tf.memory().numTensors).toBe(before);
  });
});
