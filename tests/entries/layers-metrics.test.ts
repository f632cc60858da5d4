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

  it("'mape' without '@ridge/layers/metrics' is UNKNOWN_NAME that names the import", () => {
    const m = identity();
    const error = caughtRidgeError(() => m.compile({ optimizer: sgd(0), loss: (t, p) => tf.abs(tf.sub(t, p)), metrics: ['mape'] }));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toContain("import '@ridge/layers/metrics'");
    expect(error.message).toContain('not available yet');
    expect(m.isCompiled).toBe(false);
    m.dispose();
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
});
