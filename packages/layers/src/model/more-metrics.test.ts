import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';
import { resolveMetric } from './metrics.js';

/*
 * Keras 3's stateless metrics by name, against their formulas written here in plain JavaScript,
 * averaged over an epoch of unequal batches (4, 4 and 2 samples) by a model whose predictions do
 * not change (learning rate 0).
 */

useCpu();

const X = [[1, 0, 2], [0, 1, -1], [1, 1, 1], [-1, 0.5, 0], [0.5, -1, 1], [2, 1, 0], [-1, -1, 0.5], [0, 0.5, 1], [1, -0.5, -1], [-0.5, 2, 0]];
const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
const mean = (v: readonly number[]) => sum(v) / v.length;
const EPS = 1e-7;
const clip = (p: number) => Math.min(Math.max(p, EPS), 1 - EPS);
/** Deterministic weights in [-1, 1). */
const grid = (rows: number, cols: number, seed: number) =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => (((r * 7 + c * 13 + seed * 5) % 17) / 8.5 - 1) * 1.5));
const linear = (k: number[][], b: number[]) => X.map((x) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * k[i]![j]!, 0)));
const softmax = (z: number[]) => {
  const e = z.map((v) => Math.exp(v - Math.max(...z)));
  return e.map((v) => v / sum(e));
};
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

let count = 0;
function fixed(units: number, act: 'softmax' | 'sigmoid' | 'linear', k: number[][], b: number[], compile: Omit<Parameters<Model['compile']>[0], 'optimizer'>): Model {
  const inp = input({ shape: [3] });
  const m = model({ inputs: inp, outputs: dense({ units, activation: act, name: `mm_${++count}` }).apply(inp) });
  const [kt, bt] = [tf.tensor2d(k), tf.tensor1d(b)];
  m.setWeights([kt, bt]);
  tf.dispose([kt, bt]);
  m.compile({ optimizer: sgd(0), ...compile });
  return m;
}

/** Epoch logs of a fit with batches of 4, 4 and 2 (predictions fixed: learning rate 0). */
async function epoch(m: Model, x: tf.Tensor, y: tf.Tensor, sampleWeight?: tf.Tensor): Promise<Record<string, number>> {
  const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, ...(sampleWeight ? { sampleWeight } : {}) });
  return Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[0]!]));
}

describe('more built-in metrics (@ridge/layers/metrics, loaded by @ridge/layers)', () => {
  it('top-k (k = 5) and crossentropy, categorical and sparse, over 7 classes', async () => {
    const start = tf.memory().numTensors;
    const [k, b] = [grid(3, 7, 1), grid(1, 7, 2)[0]!];
    const P = linear(k, b).map(softmax);
    const LABELS = [0, 3, 6, 2, 5, 1, 4, 6, 0, 3];
    const rank = (p: number[], l: number) => p.filter((v) => v > p[l]!).length;
    const top5 = P.map((p, i) => (rank(p, LABELS[i]!) < 5 ? 1 : 0));
    // The data must tell top-5 from plain accuracy and from 1.
    expect(mean(top5)).toBeGreaterThan(0);
    expect(mean(top5)).toBeLessThan(1);
    const ce = P.map((p, i) => -Math.log(clip(p[LABELS[i]!]!)));

    const xs = tf.tensor2d(X);
    const oneHot = tf.tensor2d(LABELS.map((l) => Array.from({ length: 7 }, (_, c) => (c === l ? 1 : 0))));
    const dense7 = fixed(7, 'softmax', k, b, { loss: 'categoricalCrossentropy', metrics: ['top_k_categorical_accuracy', 'topKCategoricalAccuracy', 'categorical_crossentropy'] });
    const logs = await epoch(dense7, xs, oneHot);
    expect(logs['top_k_categorical_accuracy']).toBeCloseTo(mean(top5), 6);
    expect(logs['topKCategoricalAccuracy']).toBeCloseTo(mean(top5), 6);
    expect(logs['categorical_crossentropy']).toBeCloseTo(mean(ce), 5);
    dense7.dispose();

    const sparse = tf.tensor2d(LABELS.map((l) => [l]));
    const sparse7 = fixed(7, 'softmax', k, b, { loss: 'sparseCategoricalCrossentropy', metrics: ['sparse_top_k_categorical_accuracy', 'sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'] });
    const s = await epoch(sparse7, xs, sparse);
    expect(s['sparse_top_k_categorical_accuracy']).toBeCloseTo(mean(top5), 6);
    expect(s['sparse_categorical_crossentropy']).toBeCloseTo(mean(ce), 5);
    expect(s['sparseCategoricalCrossentropy']).toBeCloseTo(mean(ce), 5);
    sparse7.dispose();
    tf.dispose([xs, oneHot, sparse]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('top-k counts classes tied with the target as TensorFlow in_top_k does: fewer than k strictly higher', () => {
    const m = resolveMetric('top_k_categorical_accuracy', 'metrics[0]');
    const p = tf.tensor2d([[0.9, 0.8, 0.7, 0.6, 0.5, 0.5, 0.5], [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4], [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4]]);
    // Targets: class 6 tied with 4 and 5 (4 higher: in), class 6 strictly sixth and seventh (out), class 4 fifth (in).
    const t = tf.oneHot(tf.tensor1d([6, 6, 4], 'int32'), 7);
    const v = m.perSample(t, p);
    expect(numbers(v)).toEqual([1, 0, 1]);
    tf.dispose([p, t, v]);
  });

  it('binary crossentropy on sigmoid outputs, mean over the units of each sample', async () => {
    const [k, b] = [grid(3, 2, 3), grid(1, 2, 4)[0]!];
    const P = linear(k, b).map((z) => z.map(sigmoid));
    const Y = X.map((_, i) => [i % 2, (i >> 1) % 2]);
    const bce = P.map((p, i) => mean(p.map((pj, j) => -(Y[i]![j]! * Math.log(clip(pj)) + (1 - Y[i]![j]!) * Math.log(1 - clip(pj))))));
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const m = fixed(2, 'sigmoid', k, b, { loss: 'binaryCrossentropy', metrics: ['binary_crossentropy', 'binaryCrossentropy'] });
    const logs = await epoch(m, xs, ys);
    expect(logs['binary_crossentropy']).toBeCloseTo(mean(bce), 5);
    expect(logs['binaryCrossentropy']).toBeCloseTo(mean(bce), 5);
    m.dispose();
    tf.dispose([xs, ys]);
  });

  it('mape, msle, cosine_similarity and log_cosh_error; a weighted one weighs by sum(w * v) / sum(w)', async () => {
    const [k, b] = [grid(3, 2, 5), [0.5, 1]];
    const P = linear(k, b);
    const Y = X.map((_, i) => [1 + (i % 3), 0.5 + i / 4]);
    const W = [1, 2, 0.5, 0, 1, 3, 1, 0.25, 2, 1];
    const per = (f: (y: number, p: number) => number) => P.map((p, i) => mean(p.map((pj, j) => f(Y[i]![j]!, pj))));
    const mape = per((y, p) => (100 * Math.abs(y - p)) / Math.max(Math.abs(y), EPS));
    const msle = per((y, p) => (Math.log(1 + Math.max(p, EPS)) - Math.log(1 + Math.max(y, EPS))) ** 2);
    const logCosh = per((y, p) => Math.log(Math.cosh(p - y)));
    const norm = (v: number[]) => Math.sqrt(sum(v.map((x) => x * x)));
    const cosine = P.map((p, i) => sum(p.map((pj, j) => pj * Y[i]![j]!)) / (norm(p) * norm(Y[i]!)));
    // msle must see negative predictions clipped, so the data has some.
    expect(P.flat().some((p) => p < 0)).toBe(true);
    const [xs, ys, sw] = [tf.tensor2d(X), tf.tensor2d(Y), tf.tensor1d(W)];
    const m = fixed(2, 'linear', k, b, {
      loss: 'mse',
      metrics: ['mape', 'mean_absolute_percentage_error', 'msle', 'meanSquaredLogarithmicError', 'cosine_similarity', 'log_cosh_error', 'logCoshError'],
      weightedMetrics: ['mape'],
    });
    const logs = await epoch(m, xs, ys, sw);
    expect(logs['mape']).toBeCloseTo(mean(mape), 3);
    expect(logs['mean_absolute_percentage_error']).toBeCloseTo(mean(mape), 3);
    expect(logs['weighted_mape']).toBeCloseTo(sum(mape.map((v, i) => v * W[i]!)) / sum(W), 3);
    expect(logs['msle']).toBeCloseTo(mean(msle), 5);
    expect(logs['meanSquaredLogarithmicError']).toBeCloseTo(mean(msle), 5);
    expect(logs['cosine_similarity']).toBeCloseTo(mean(cosine), 5);
    expect(logs['log_cosh_error']).toBeCloseTo(mean(logCosh), 5);
    expect(logs['logCoshError']).toBeCloseTo(mean(logCosh), 5);
    m.dispose();
    tf.dispose([xs, ys, sw]);
  });

  it('an unknown metric is UNKNOWN_NAME that lists the known ones, stateful ones included, and leaves the model uncompiled', async () => {
    for (const name of ['rmse', 'f1_score']) {
      const inp = input({ shape: [3] });
      const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
      const error = await caught(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [name] }));
      expect(RidgeError.is(error, 'UNKNOWN_NAME')).toBe(true);
      expect((error as Error).message).toContain(`unknown metric "${name}"`);
      for (const known of ['top_k_categorical_accuracy', 'precision', 'recall', 'auc', 'root_mean_squared_error']) expect((error as Error).message).toContain(known);
      expect((error as Error).message).not.toContain('not available yet');
      expect(m.isCompiled).toBe(false);
      m.dispose();
    }
  });
});
