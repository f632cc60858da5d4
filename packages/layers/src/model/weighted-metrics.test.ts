import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { dense, input, model, modelFromJSON, type Model } from '../index.js';

/*
 * Metrics as Keras 3 has them: `metrics` weigh every sample alike whatever the sample or class
 * weights; `weightedMetrics` weigh them, sum(w * value) / sum(w) over the epoch. The expected
 * values come from a model whose predictions do not change during the fit (learning rate 0),
 * computed here in plain JavaScript.
 */

useCpu();

const K = [
  [1, -1, 0.5],
  [-0.5, 1, 0.25],
];
const B = [0, 0.1, -0.2];
const X = [[1, 0], [0, 1], [1, 1], [-1, 0.5], [0.5, -1], [2, 1], [-1, -1], [0, 0.5], [1, -0.5], [-0.5, 2]];
const LABELS = [0, 1, 2, 0, 1, 2, 0, 0, 1, 2];
const CLASS_WEIGHT = { 0: 0.5, 1: 2, 2: 1 };

/** 1 where the class with the largest logit x K + b is the label. */
const correct = X.map((x, i) => {
  const logits = B.map((b, j) => b + x[0]! * K[0]![j]! + x[1]! * K[1]![j]!);
  return logits.indexOf(Math.max(...logits)) === LABELS[i] ? 1 : 0;
});
const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const weightedMean = (v: readonly number[], w: readonly number[]) => v.reduce((s, x, i) => s + x * w[i]!, 0) / w.reduce((a, b) => a + b, 0);

let xs: tf.Tensor2D;
let ys: tf.Tensor2D;
beforeAll(() => {
  xs = tf.tensor2d(X);
  ys = tf.tensor2d(LABELS.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0))));
});
afterAll(() => tf.dispose([xs, ys]));

let count = 0;
function classifier(compile: { metrics?: string[]; weightedMetrics?: string[] }): Model {
  const inp = input({ shape: [2] });
  const m = model({ inputs: inp, outputs: dense({ units: 3, activation: 'softmax', name: `wm_${++count}` }).apply(inp) });
  const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
  m.setWeights([k, b]);
  tf.dispose([k, b]);
  m.compile({ optimizer: sgd(0), loss: 'categoricalCrossentropy', ...compile });
  return m;
}

describe('metrics and weightedMetrics', () => {
  it('fit: class weights weigh weightedMetrics only, over the whole epoch (batches of 4, 4 and 2)', async () => {
    // The data must tell the two apart.
    const w = LABELS.map((l) => CLASS_WEIGHT[l as 0 | 1 | 2]);
    expect(weightedMean(correct, w)).not.toBeCloseTo(mean(correct), 2);
    const start = tf.memory().numTensors;
    const m = classifier({ metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const h = await m.fit(xs, ys, { epochs: 2, batchSize: 4, shuffle: false, classWeight: CLASS_WEIGHT, verbose: 0 });
    expect(h.history['accuracy']).toEqual([mean(correct), mean(correct)].map((v) => expect.closeTo(v, 6)));
    expect(h.history['weighted_accuracy']![1]).toBeCloseTo(weightedMean(correct, w), 6);
    // Per-batch logs (a callback with onBatchEnd) follow the same rule, batch by batch.
    const batches: Record<string, number>[] = [];
    await m.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, classWeight: CLASS_WEIGHT, verbose: 0, callbacks: { onBatchEnd: (_b, logs) => void batches.push(logs) } });
    expect(batches[2]!['accuracy']).toBeCloseTo(mean(correct.slice(8)), 6);
    expect(batches[2]!['weighted_accuracy']).toBeCloseTo(weightedMean(correct.slice(8), w.slice(8)), 6);
    expect(Object.keys(batches[0]!).some((k) => k.includes('weights'))).toBe(false);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('evaluate: sampleWeight weighs weightedMetrics only; all-zero weights give 0, as Keras', async () => {
    const m = classifier({ metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const sw = [1, 0, 0, 1, 1, 0, 0, 0, 1, 1];
    const [weights, zeros] = [tf.tensor1d(sw), tf.zeros([10])];
    const logs = await m.evaluate(xs, ys, { batchSize: 3, sampleWeight: weights });
    expect(logs['accuracy']).toBeCloseTo(mean(correct), 6);
    expect(logs['weighted_accuracy']).toBeCloseTo(weightedMean(correct, sw), 6);
    const zero = await m.evaluate(xs, ys, { sampleWeight: zeros });
    expect(zero['weighted_accuracy']).toBe(0);
    // Without weights a weighted metric equals the unweighted one.
    const plain = await m.evaluate(xs, ys, { batchSize: 4 });
    expect(plain['weighted_accuracy']).toBeCloseTo(mean(correct), 6);
    tf.dispose([weights, zeros]);
    m.dispose();
  });

  it('names keys as Keras 3: a weighted metric alone keeps its name; a repeated one gets _1; several outputs prefix the output', async () => {
    const alone = classifier({ weightedMetrics: ['accuracy'] });
    const h = await alone.fit(xs, ys, { epochs: 1, batchSize: 10, classWeight: CLASS_WEIGHT, verbose: 0 });
    expect(Object.keys(h.history).filter((k) => k.includes('acc'))).toEqual(['accuracy']);
    expect(h.history['accuracy']![0]).toBeCloseTo(weightedMean(correct, LABELS.map((l) => CLASS_WEIGHT[l as 0 | 1 | 2])), 6);
    alone.dispose();
    // Twice the same metric: two keys with the same value (before, both summed into one key).
    const twice = classifier({ metrics: ['accuracy', 'accuracy'] });
    const t = await twice.evaluate(xs, ys);
    expect(t['accuracy']).toBeCloseTo(mean(correct), 6);
    expect(t['accuracy_1']).toBeCloseTo(mean(correct), 6);
    twice.dispose();
    const inp = input({ shape: [2] });
    const two = model({ inputs: inp, outputs: [dense({ units: 1, name: 'wm_a' }).apply(inp), dense({ units: 1, name: 'wm_b' }).apply(inp)] });
    two.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['mse'], weightedMetrics: ['mse'] });
    const y1 = tf.zeros([10, 1]);
    const logs = await two.evaluate(xs, [y1, y1]);
    expect(Object.keys(logs).filter((k) => k.endsWith('_mse'))).toEqual(['wm_a_mse', 'wm_b_mse', 'wm_a_weighted_mse', 'wm_b_weighted_mse']);
    tf.dispose(y1);
    two.dispose();
  });

  it('are saved as Keras writes them (weighted_metrics) and come back', () => {
    const m = classifier({ metrics: ['accuracy'], weightedMetrics: ['accuracy', 'mse'] });
    const json = m.toJSON({ includeOptimizer: true } as never) as unknown as { training_config?: Record<string, unknown> };
    expect(json.training_config?.['weighted_metrics']).toEqual(['accuracy', 'mse']);
    const copy = modelFromJSON(JSON.stringify(json));
    expect(copy.compileArgs?.weightedMetrics).toEqual(['accuracy', 'mse']);
    m.dispose();
    copy.dispose();
  });
});
