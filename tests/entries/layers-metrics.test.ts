import { initBackend } from '@ridge/backend';
import { dense, input, model, type Model } from '@ridge/layers/base';
import '@ridge/layers/functions';
import { sgd } from '@ridge/optimizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caughtRidgeError } from '../support/caught.js';

/*
 * `@ridge/layers/base` with `@ridge/layers/functions` takes functions as losses and metrics, and
 * has accuracy, mse and mae by name; the other built-in metrics come with `@ridge/layers/metrics`.
 * Besides `/functions`, this file imports only side-effect-free entries until its last test (each
 * test file runs with its own modules; tests/entries/layers-features.test.ts has /base without it).
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const X = [[1, 0], [0, 1], [1, 1], [-1, 2], [2, -1]];
const Y = [[1, 2], [0.5, 1], [2, 1], [1, 1], [3, 0.5]];

/** A model computing yPred = x (its weights set to the identity and zero), so yPred - yTrue is known here. */
function identity(): Model {
  const inp = input({ shape: [2] });
  const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
  const [k, b] = [tf.tensor2d([[1, 0], [0, 1]]), tf.zeros([2])];
  m.setWeights([k, b]);
  tf.dispose([k, b]);
  return m;
}

const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const mape = X.map((x, i) => mean(x.map((p, j) => (100 * Math.abs(Y[i]![j]! - p)) / Math.abs(Y[i]![j]!))));
const sq = X.map((x, i) => mean(x.map((p, j) => (p - Y[i]![j]!) ** 2)));

describe("'@ridge/layers/base' and '/functions': function losses and metrics; more metrics with '@ridge/layers/metrics'", () => {
  it('a function loss and a function metric need no registry', async () => {
    const m = identity();
    const squared = (t: tf.Tensor, p: tf.Tensor) => tf.square(tf.sub(t, p));
    m.compile({ optimizer: sgd(0), loss: squared, metrics: [squared] });
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const h = await m.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h.history['loss']![0]).toBeCloseTo(mean(sq), 5);
    expect(h.history['squared']![0]).toBeCloseTo(mean(sq), 5);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it("'mape', 'precision', 'recall', 'auc' and 'root_mean_squared_error' without '@ridge/layers/metrics' are UNKNOWN_NAME that names the import", () => {
    for (const name of ['mape', 'precision', 'recall', 'auc', 'root_mean_squared_error']) {
      const m = identity();
      const error = caughtRidgeError(() => m.compile({ optimizer: sgd(0), loss: (t, p) => tf.abs(tf.sub(t, p)), metrics: [name] }));
      expect(error.code).toBe('UNKNOWN_NAME');
      expect(error.message).toContain(`unknown metric "${name}"`);
      expect(error.message).toContain("import '@ridge/layers/metrics'");
      expect(error.message).not.toContain('not available yet');
      expect(m.isCompiled).toBe(false);
      m.dispose();
    }
  });

  it("'@ridge/layers/metrics' adds them by name", async () => {
    await import('@ridge/layers/metrics');
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: (t, p) => tf.abs(tf.sub(t, p)), metrics: ['mape', 'meanAbsolutePercentageError'] });
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const h = await m.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h.history['mape']![0]).toBeCloseTo(mean(mape), 3);
    expect(h.history['meanAbsolutePercentageError']![0]).toBeCloseTo(mean(mape), 3);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it("'@ridge/layers/metrics' adds the stateful metrics, by name and as precision({ ... }), summed over the epoch", async () => {
    const { precision, recall } = await import('@ridge/layers/metrics');
    const inp = input({ shape: [1] });
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(inp) });
    const [k, b] = [tf.tensor2d([[1]]), tf.zeros([1])];
    m.setWeights([k, b]);
    // Predictions 0.9, 0.8 | 0.7, 0.6 | 0.2, 0.1 with labels 1, 0 | 0, 1 | 1, 1 (batches of 2).
    // Epoch at 0.5: tp 2 (0.9, 0.6), fp 2 (0.8, 0.7), fn 2 (0.2, 0.1): precision 1/2, recall 1/2.
    // At 0.75: tp 1 (0.9), fp 1 (0.8): precision 1/2; the batches' precisions 1/2, 0 (none predicted), 0 average to 1/6.
    m.compile({ optimizer: sgd(0), loss: (t, p) => tf.abs(tf.sub(t, p)), metrics: ['precision', 'recall', precision({ thresholds: 0.75, name: 'p75' }), recall({ thresholds: 0.75, name: 'r75' })] });
    const [xs, ys] = [tf.tensor2d([[0.9], [0.8], [0.7], [0.6], [0.2], [0.1]]), tf.tensor2d([[1], [0], [0], [1], [1], [1]])];
    const h = await m.fit(xs, ys, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h.history['precision']![0]).toBeCloseTo(1 / 2, 6);
    expect(h.history['recall']![0]).toBeCloseTo(1 / 2, 6);
    expect(h.history['p75']![0]).toBeCloseTo(1 / 2, 6);
    // Recall at 0.75: tp 1 of 4 positives.
    expect(h.history['r75']![0]).toBeCloseTo(1 / 4, 6);
    tf.dispose([k, b, xs, ys]);
    m.dispose();
  });
});

