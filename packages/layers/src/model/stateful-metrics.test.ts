import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import '@ridge/losses';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import { auc, dense, embedding, input, loadModel, model, modelFromJSON, precision, recall, rootMeanSquaredError, type Model } from '../index.js';
import { LogSums, STAT, peekLogs } from './log-sums.js';
import type { MetricSpec } from './metrics.js';
import type { StepLayout } from './step.js';

/*
 * Keras 3's stateful metrics (precision, recall, AUC, root mean squared error): computed from sums
 * over the whole epoch. The models here output their input (a Dense layer with kernel 1 and bias
 * 0, learning rate 0), so the predictions are the numbers written in each test. Expected values
 * are Keras's docstring examples (keras/src/metrics/confusion_metrics.py, regression_metrics.py)
 * or hand computations written next to them.
 */

useCpu();

/** A model with `units` outputs that returns its input: predictions are exactly x. */
function identity(units = 1, outputs?: string[]): Model {
  const inp = input({ shape: [units] });
  const layers = (outputs ?? ['out']).map((name) => dense({ units, name }).apply(inp));
  const m = model({ inputs: inp, outputs: outputs ? layers : layers[0]! });
  const weights = (outputs ?? ['out']).flatMap(() => [tf.eye(units), tf.zeros([units])]);
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

const column = (v: readonly number[]) => tf.tensor2d(v.map((x) => [x]));

/** One batch's logs (testOnBatch) of a one-output identity model. */
async function onBatch(metrics: MetricSpec[], yTrue: number[][], yPred: number[][], sampleWeight?: number[]) {
  const m = identity(yPred[0]!.length);
  m.compile({ optimizer: sgd(0), loss: 'mse', ...(sampleWeight ? { weightedMetrics: metrics } : { metrics }) });
  const [x, y] = [tf.tensor2d(yPred), tf.tensor2d(yTrue)];
  const sw = sampleWeight && tf.tensor1d(sampleWeight);
  const logs = await m.testOnBatch(x, y, sw ? { sampleWeight: sw } : {});
  tf.dispose([x, y, ...(sw ? [sw] : [])]);
  m.dispose();
  return logs;
}

const col = (v: readonly number[]) => v.map((x) => [x]);

describe("Keras's docstring examples (one batch)", () => {
  it('precision: [0,1,1,1] vs [1,0,1,1] is 2/3; with sample weights [0,0,1,0] it is 1; topK 2 of [1,1,1,1] is 0, topK 4 is 0.5', async () => {
    expect((await onBatch(['precision'], col([0, 1, 1, 1]), col([1, 0, 1, 1])))['precision']).toBeCloseTo(2 / 3, 6);
    // Keras's class name gives Keras's default name (keras.metrics.get('Precision') is Precision()).
    expect(await onBatch(['Precision'], col([0, 1, 1, 1]), col([1, 0, 1, 1]))).toHaveProperty('precision');
    expect((await onBatch(['precision'], col([0, 1, 1, 1]), col([1, 0, 1, 1]), [0, 0, 1, 0]))['precision']).toBeCloseTo(1, 6);
    // One sample of four classes: top 2 are the first two (ties keep the lower index), both labelled 0.
    expect((await onBatch([precision({ topK: 2 })], [[0, 0, 1, 1]], [[1, 1, 1, 1]]))['precision']).toBeCloseTo(0, 6);
    expect((await onBatch([precision({ topK: 4 })], [[0, 0, 1, 1]], [[1, 1, 1, 1]]))['precision']).toBeCloseTo(0.5, 6);
  });

  it('recall: [0,1,1,1] vs [1,0,1,1] is 2/3; with sample weights [0,0,1,0] it is 1', async () => {
    expect((await onBatch(['recall'], col([0, 1, 1, 1]), col([1, 0, 1, 1])))['recall']).toBeCloseTo(2 / 3, 6);
    expect((await onBatch([recall()], col([0, 1, 1, 1]), col([1, 0, 1, 1]), [0, 0, 1, 0]))['recall']).toBeCloseTo(1, 6);
  });

  it('auc (numThresholds 3): [0,0,1,1] vs [0,0.5,0.3,0.9] is 0.75; with sample weights [1,0,0,1] it is 1', async () => {
    expect((await onBatch([auc({ numThresholds: 3 })], col([0, 0, 1, 1]), col([0, 0.5, 0.3, 0.9])))['auc']).toBeCloseTo(0.75, 6);
    expect((await onBatch([auc({ numThresholds: 3 })], col([0, 0, 1, 1]), col([0, 0.5, 0.3, 0.9]), [1, 0, 0, 1]))['auc']).toBeCloseTo(1, 6);
    // 200 thresholds separate every score: the ROC area is the share of (positive, negative) pairs
    // ordered right: 0.3 > 0, 0.9 > 0, 0.9 > 0.5 of 4 pairs.
    expect((await onBatch(['auc'], col([0, 0, 1, 1]), col([0, 0.5, 0.3, 0.9])))['auc']).toBeCloseTo(3 / 4, 6);
  });

  it("auc with curve 'PR' follows Davis and Goadrich's interpolation (hand computation)", async () => {
    // Thresholds [-eps, 0.5, 1+eps]: tp [2, 1, 0], fp [2, 0, 0], fn [0, 1, 2].
    // Interval 1: dtp 1, P 4 -> 1, slope 1/3, intercept 1 - 1/3, area slope * (dtp + intercept * ln(4/1)) / (tp + fn)[1] = (1 + 2/3 ln 4) / 6.
    // Interval 2: dtp 1, P 1 -> 0, slope 1, intercept 0, P[2] = 0 so the log term is 0: area 1 / (tp + fn)[2] = 1 / 2.
    const expected = (1 + (2 / 3) * Math.log(4)) / 6 + 1 / 2;
    const logs = await onBatch([auc({ numThresholds: 3, curve: 'PR' })], col([0, 0, 1, 1]), col([0, 0.5, 0.3, 0.9]));
    expect(logs['auc']).toBeCloseTo(expected, 5);
    // 'minoring' for PR: x = recall [1, 0.5, 0], y = precision [0.5, 1, 0]: 0.5 * 0.5 + 0.5 * 0 = 0.25.
    const minoring = await onBatch([auc({ numThresholds: 3, curve: 'PR', summationMethod: 'minoring' })], col([0, 0, 1, 1]), col([0, 0.5, 0.3, 0.9]));
    expect(minoring['auc']).toBeCloseTo(0.25, 6);
  });

  it('root_mean_squared_error: [[0,1],[0,0]] vs [[1,1],[0,0]] is 0.5; with sample weights [1,0] it is 0.70710677', async () => {
    expect((await onBatch(['root_mean_squared_error'], [[0, 1], [0, 0]], [[1, 1], [0, 0]]))['root_mean_squared_error']).toBeCloseTo(0.5, 6);
    const weighted = await onBatch([rootMeanSquaredError()], [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0]);
    expect(weighted['root_mean_squared_error']).toBeCloseTo(0.70710677, 6);
  });

  it('auc with multiLabel averages one curve per label; classId scores one class', async () => {
    // Label 0: positives 0.9, 0.4; negative 0.2 -> AUC 1. Label 1: positive 0.3; negatives 0.6, 0.1 -> 1/2.
    const yTrue = [[1, 0], [1, 1], [0, 0]];
    const yPred = [[0.9, 0.6], [0.4, 0.3], [0.2, 0.1]];
    expect((await onBatch([auc({ multiLabel: true })], yTrue, yPred))['auc']).toBeCloseTo(0.75, 5);
    // Pooled (multiLabel false): positives 0.9, 0.4, 0.3 against negatives 0.6, 0.2, 0.1: 7 of 9 pairs.
    expect((await onBatch(['auc'], yTrue, yPred))['auc']).toBeCloseTo(7 / 9, 5);
    // classId 1, threshold 0.5: predicted positive only 0.6 (label 0): precision 0; recall 0 of 1.
    expect((await onBatch([precision({ classId: 1 }), recall({ classId: 1 })], yTrue, yPred))).toMatchObject({ precision: 0, recall: 0 });
    // classId 0: predicted 0.9 (label 1): precision 1; recall 1 of 2.
    const c0 = await onBatch([precision({ classId: 0 }), recall({ classId: 0 })], yTrue, yPred);
    expect(c0['precision']).toBeCloseTo(1, 6);
    expect(c0['recall']).toBeCloseTo(0.5, 6);
  });

  it('fromLogits applies a sigmoid first; thresholds moves the cut', async () => {
    // Logits 2, -1, 0.5, -3 are sigmoids 0.88, 0.27, 0.62, 0.05: the same order as the logits, so the same AUC.
    const logits = col([2, -1, 0.5, -3]);
    const labels = col([1, 0, 0, 1]);
    // Pairs (positive > negative): 2 > -1, 2 > 0.5; -3 > neither: 2 of 4.
    expect((await onBatch([auc({ fromLogits: true })], labels, logits))['auc']).toBeCloseTo(0.5, 5);
    // Threshold 0.55 on [0.88, 0.27, 0.62, 0.05] as probabilities: positive 0.88 (label 1) and 0.62 (label 0).
    const probs = col([0.88, 0.27, 0.62, 0.05]);
    expect((await onBatch([precision({ thresholds: 0.55 })], labels, probs))['precision']).toBeCloseTo(0.5, 6);
    expect((await onBatch([precision({ thresholds: 0.7 })], labels, probs))['precision']).toBeCloseTo(1, 6);
  });
});

/*
 * Six samples in batches of 2. Predictions P, labels L:
 *   batch 1: 0.9 (1), 0.2 (0)   batch 2: 0.8 (0), 0.7 (0)   batch 3: 0.6 (1), 0.1 (1)
 * Over the epoch, at threshold 0.5: tp = 2 (0.9, 0.6), fp = 2 (0.8, 0.7), fn = 1 (0.1).
 * Precision 2 / 4 = 0.5 (the mean of the batches' precisions, 1, 0 and 1, would be 2/3).
 * Recall 2 / 3 (the batches': 1, 0 (no positives), 1/2; mean 1/2).
 * Squared errors 0.01, 0.04, 0.64, 0.49, 0.16, 0.81: RMSE sqrt(2.15 / 6) (the batches': sqrt(0.025),
 * sqrt(0.565), sqrt(0.485); mean 0.535).
 * ROC AUC: positives 0.9, 0.6, 0.1 against negatives 0.2, 0.8, 0.7: pairs ordered right, 0.9 > all
 * three, 0.6 > 0.2: 4 of 9.
 */
const P = [0.9, 0.2, 0.8, 0.7, 0.6, 0.1];
const L = [1, 0, 0, 0, 1, 1];
const EPOCH = { precision: 0.5, recall: 2 / 3, rmse: Math.sqrt(2.15 / 6), auc: 4 / 9 };
const METRICS: MetricSpec[] = ['precision', 'recall', 'root_mean_squared_error', 'auc'];

function expectEpoch(logs: Record<string, number>, prefix = '') {
  expect(logs[`${prefix}precision`]).toBeCloseTo(EPOCH.precision, 6);
  expect(logs[`${prefix}recall`]).toBeCloseTo(EPOCH.recall, 6);
  expect(logs[`${prefix}root_mean_squared_error`]).toBeCloseTo(EPOCH.rmse, 6);
  expect(logs[`${prefix}auc`]).toBeCloseTo(EPOCH.auc, 5);
}

describe('epoch sums, not means of batch values', () => {
  it('fit, its validation (val_), evaluate and the logs have no hidden entries; no tensor is left behind', async () => {
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['accuracy', ...METRICS] });
    const [x, y] = [column(P), column(L)];
    // The optimizer makes its state at the first fit.
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const batches: Record<string, number>[] = [];
    const h = await m.fit(x, y, {
      epochs: 2,
      batchSize: 2,
      shuffle: false,
      verbose: 0,
      validationData: [x, y],
      callbacks: { onBatchEnd: (_b: number, logs?: Record<string, number>) => void batches.push({ ...logs }) },
    });
    const epoch = Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[1]!]));
    expectEpoch(epoch);
    expectEpoch(epoch, 'val_');
    expect(Object.keys(epoch).sort()).toEqual(
      ['loss', 'data_loss', 'penalty', 'accuracy', 'precision', 'recall', 'root_mean_squared_error', 'auc'].flatMap((k) => [k, `val_${k}`]).sort(),
    );
    // A batch's logs are that batch's: batch 2 has two false positives and no positive label.
    expect(batches[1]!['precision']).toBe(0);
    expect(batches[2]!['recall']).toBeCloseTo(0.5, 6);
    expect(Object.keys(batches[0]!).every((k) => /^[a-z_]+$/.test(k))).toBe(true);
    const logs = await m.evaluate(x, y, { batchSize: 2, verbose: 0 });
    expectEpoch(logs);
    const whole = await m.evaluate(x, y, { batchSize: 6, verbose: 0 });
    expectEpoch(whole);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('weightedMetrics weigh every count by its sample weight; plain metrics ignore the weights', async () => {
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['precision', 'root_mean_squared_error'], weightedMetrics: ['precision', 'root_mean_squared_error'] });
    const [x, y] = [column(P), column(L)];
    // Weights 2, 1, 3, 0, 1, 1: weighted tp = 2 (0.9) + 1 (0.6) = 3, fp = 3 (0.8) + 0 (0.7) = 3: precision 1/2.
    // Weighted squared errors: 2*.01 + .04 + 3*.64 + 0 + .16 + .81 = 2.95 over weight 8.
    const sw = tf.tensor1d([2, 1, 3, 0, 1, 1]);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, sampleWeight: sw });
    expect(h.history['precision']![0]).toBeCloseTo(EPOCH.precision, 6);
    expect(h.history['weighted_precision']![0]).toBeCloseTo(3 / 6, 6);
    expect(h.history['root_mean_squared_error']![0]).toBeCloseTo(EPOCH.rmse, 6);
    expect(h.history['weighted_root_mean_squared_error']![0]).toBeCloseTo(Math.sqrt(2.95 / 8), 6);
    // Weight 0 on 0.9 flips the weighted precision: tp = 1 (0.6), fp = 3 + 1: 1/5.
    const sw2 = tf.tensor1d([0, 1, 3, 1, 1, 1]);
    const logs = await m.evaluate(x, y, { batchSize: 4, verbose: 0, sampleWeight: sw2 });
    expect(logs['weighted_precision']).toBeCloseTo(1 / 5, 6);
    tf.dispose([x, y, sw, sw2]);
    m.dispose();
  });

  it('next to them, a plain metric object giving [batch, 1] is still one value per sample', async () => {
    const m = identity();
    const absolute = { name: 'abs', perSample: (t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(t, p)) };
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['precision', absolute], weightedMetrics: [absolute, 'precision'] });
    const [x, y] = [column(P), column(L)];
    const sw = tf.tensor1d([2, 1, 3, 0, 1, 1]);
    // |errors| 0.1, 0.2, 0.8, 0.7, 0.4, 0.9: mean 3.1 / 6; weighted 0.2 + 0.2 + 2.4 + 0 + 0.4 + 0.9 = 4.1 over 8.
    const logs = await m.evaluate(x, y, { batchSize: 4, verbose: 0, sampleWeight: sw });
    expect(logs['abs']).toBeCloseTo(3.1 / 6, 6);
    expect(logs['weighted_abs']).toBeCloseTo(4.1 / 8, 6);
    expect(logs['precision']).toBeCloseTo(EPOCH.precision, 6);
    expect(logs['weighted_precision']).toBeCloseTo(3 / 6, 6);
    tf.dispose([x, y, sw]);
    m.dispose();
  });

  it('trainOnBatch gives the one batch its logs', async () => {
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: METRICS });
    const [x, y] = [column(P), column(L)];
    const logs = await m.trainOnBatch(x, y);
    expectEpoch(logs);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('several outputs: <output>_precision; a second precision is precision_1, with its own options', async () => {
    const m = identity(1, ['a', 'b']);
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: [precision(), precision({ thresholds: 0.75 })] });
    const [x, y] = [column(P), column(L)];
    const h = await m.fit(x, [y, y], { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    // Threshold 0.75: predicted positive 0.9 (1) and 0.8 (0): 1/2 as well; use recall-free keys check.
    expect(h.history['a_precision']![0]).toBeCloseTo(0.5, 6);
    expect(h.history['b_precision']![0]).toBeCloseTo(0.5, 6);
    expect(h.history['a_precision_1']![0]).toBeCloseTo(0.5, 6);
    expect(Object.keys(h.history).filter((k) => k.includes('precision')).sort()).toEqual(['a_precision', 'a_precision_1', 'b_precision', 'b_precision_1']);
    tf.dispose([x, y]);
    m.dispose();

    const one = identity();
    one.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['precision', precision({ thresholds: 0.85 })] });
    const [x2, y2] = [column(P), column(L)];
    const logs = await one.evaluate(x2, y2, { batchSize: 2, verbose: 0 });
    expect(logs['precision']).toBeCloseTo(0.5, 6);
    // Threshold 0.85: only 0.9 (label 1) is positive.
    expect(logs['precision_1']).toBeCloseTo(1, 6);
    tf.dispose([x2, y2]);
    one.dispose();
  });
});

describe('masked outputs', () => {
  it('a masked time step counts for nothing; the sample weight weighs the rest', async () => {
    // Token scores: token 0 is padding with a score (0.95) that would count as a false positive.
    const scores = [[0.95], [0.9], [0.2], [0.8], [0.6]];
    const inp = input({ shape: [3] });
    const emb = embedding({ inputDim: 5, outputDim: 1, maskZero: true });
    const m = model({ inputs: inp, outputs: emb.apply(inp) });
    const w = tf.tensor2d(scores);
    m.setWeights([w]);
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['precision', 'recall'], weightedMetrics: ['precision'] });
    // Steps (token, label): sample 1: (1, 1) (3, 0) (0, 0); sample 2: (4, 1) (2, 1) (0, 0).
    // Unmasked: predicted positive 0.9 (1), 0.8 (0), 0.6 (1): precision 2/3; positives 1, 4, 2: recall 2/3.
    // Weights 1 and 3: tp = 1 + 3, fp = 1: weighted precision 4/5.
    const x = tf.tensor2d([[1, 3, 0], [4, 2, 0]]);
    const y = tf.tensor3d([[[1], [0], [0]], [[1], [1], [0]]]);
    const sw = tf.tensor1d([1, 3]);
    const before = tf.memory().numTensors;
    const logs = await m.evaluate(x, y, { batchSize: 1, verbose: 0, sampleWeight: sw });
    expect(logs['precision']).toBeCloseTo(2 / 3, 6);
    expect(logs['recall']).toBeCloseTo(2 / 3, 6);
    expect(logs['weighted_precision']).toBeCloseTo(4 / 5, 6);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, x, y, sw]);
    m.dispose();
  });
});

describe('refusals', () => {
  it('bad options are INVALID_ARGUMENT naming the option and the value', () => {
    const cases: [() => unknown, string, string][] = [
      [() => precision({ thresholds: [0.3, 0.7] as unknown as number }), 'thresholds', 'one value per threshold'],
      [() => recall({ thresholds: 1.5 }), 'thresholds', '1.5'],
      [() => auc({ numThresholds: 1 }), 'numThresholds', '1'],
      [() => auc({ curve: 'PRGAIN' as 'PR' }), 'curve', 'PRGAIN'],
      [() => precision({ threshold: 0.5 } as unknown as object), 'threshold', "did you mean 'thresholds'"],
      [() => auc({ num_thresholds: 10 } as unknown as object), 'num_thresholds', 'numThresholds'],
      [() => precision({ topK: 0 }), 'topK', '0'],
      [() => rootMeanSquaredError({ name: '' }), 'name', '""'],
    ];
    for (const [make, argument, text] of cases) {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error, 'INVALID_ARGUMENT'), argument).toBe(true);
      expect((error as RidgeError).details['argument']).toBe(argument);
      expect((error as Error).message).toContain(text);
    }
  });

  it('classId out of range fails at the first batch, leaving the weights and the tensors as they were', async () => {
    const m = identity(2);
    m.compile({ optimizer: sgd(0.1), loss: 'mse', metrics: [precision({ classId: 2 })] });
    const [x, y] = [tf.tensor2d([[0.2, 0.9]]), tf.tensor2d([[0, 1]])];
    const weightsBefore = m.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    const error = await caught(() => m.fit(x, y, { epochs: 1, verbose: 0 }));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('classId is 2');
    expect((error as Error).message).toContain('0 to 1');
    expect(tf.memory().numTensors).toBe(before);
    expect(m.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(weightsBefore);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('saving', () => {
  it('the training config keeps the metrics and their options; the loaded model logs the same values', async () => {
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: 'mse', metrics: ['precision', precision({ thresholds: 0.85, name: 'p85' }), auc({ curve: 'PR', numThresholds: 3 }), 'root_mean_squared_error'] });
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    const topology = saved!.modelTopology as { training_config: { metrics: unknown } };
    const metrics = topology.training_config.metrics;
    expect(metrics).toEqual([
      'precision',
      { class_name: 'Precision', config: { name: 'p85', thresholds: 0.85, top_k: null, class_id: null } },
      { class_name: 'AUC', config: { name: 'auc', num_thresholds: 3, curve: 'PR', summation_method: 'interpolation', multi_label: false, from_logits: false } },
      'root_mean_squared_error',
    ]);
    const loaded = await loadModel(tf.io.fromMemory(saved!));
    const [x, y] = [column(P), column(L)];
    const a = await m.evaluate(x, y, { batchSize: 2, verbose: 0 });
    const b = await loaded.evaluate(x, y, { batchSize: 2, verbose: 0 });
    expect(b).toEqual(a);
    // Threshold 0.85: only 0.9 (label 1) is positive.
    expect(b['p85']).toBeCloseTo(1, 6);
    tf.dispose([x, y]);
    m.dispose();
    loaded.dispose();
  });
});

describe('loading Keras 3 compile configs', () => {
  /** The identity model's JSON with `metrics` in its training config, as Keras 3 writes them. */
  function withMetrics(metrics: unknown[]): unknown {
    const m = identity();
    m.compile({ optimizer: sgd(0), loss: 'mse' });
    const json = JSON.parse(JSON.stringify(m.toJSON())) as { training_config: Record<string, unknown> };
    m.dispose();
    json.training_config['metrics'] = metrics;
    return json;
  }

  it('Precision and AUC come back with their options', async () => {
    const json = withMetrics([
      { module: 'keras.metrics', class_name: 'Precision', config: { name: 'p', dtype: 'float32', thresholds: 0.85, top_k: null, class_id: null }, registered_name: null },
      { module: 'keras.metrics', class_name: 'AUC', config: { name: 'auc', num_thresholds: 200, curve: 'ROC', summation_method: 'interpolation', multi_label: false, num_labels: null, label_weights: null, from_logits: false } },
    ]);
    const warnings: string[] = [];
    const loaded = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
    const source = identity();
    const weights = source.getWeights();
    loaded.setWeights(weights);
    tf.dispose(weights);
    source.dispose();
    expect(warnings).toEqual([]);
    const [x, y] = [column(P), column(L)];
    const logs = await loaded.evaluate(x, y, { batchSize: 2, verbose: 0 });
    // Threshold 0.85: only 0.9 (label 1) is positive.
    expect(logs['p']).toBeCloseTo(1, 6);
    expect(logs['auc']).toBeCloseTo(EPOCH.auc, 5);
    tf.dispose([x, y]);
    loaded.dispose();
  });

  it('options Ridge refuses (a list of thresholds, label weights) load the model uncompiled, with a warning saying why', () => {
    for (const [metric, text] of [
      [{ class_name: 'Precision', config: { name: 'precision', thresholds: [0.3, 0.7] } }, 'one value per threshold'],
      [{ class_name: 'AUC', config: { name: 'auc', label_weights: [1, 2] } }, 'label_weights'],
    ] as const) {
      const warnings: string[] = [];
      const loaded = modelFromJSON(withMetrics([metric]), { onWarning: (w) => warnings.push(w) });
      expect(loaded.isCompiled).toBe(false);
      expect(warnings.join('\n')).toContain(text);
      loaded.dispose();
    }
  });
});

describe('running values (the progress bar)', () => {
  it('peekLogs gives the value over the batches so far, read the value over the epoch', () => {
    const p = precision();
    // A step's entries for precision: the batch's means of tp and fp per sample.
    const layout: StepLayout = {
      id: 'precision',
      keys: ['precision', `precision${STAT}1`],
      results: [{ kind: 'metric', key: 'precision', finish: p.stateful!.finish }],
      aggregate: (raw) => Array.from(raw),
    };
    const sums = new LogSums();
    // Batch 1, 2 samples: tp 1, fp 0. Batch 2, 2 samples: tp 0, fp 2. Batch 3, 4 samples: tp 3, fp 1.
    sums.add(tf.tensor1d([1 / 2, 0]), layout, 2);
    expect(peekLogs(sums)).toEqual({ precision: 1 });
    sums.add(tf.tensor1d([0, 2 / 2]), layout, 2);
    expect(peekLogs(sums)['precision']).toBeCloseTo(1 / 3, 6);
    sums.add(tf.tensor1d([3 / 4, 1 / 4]), layout, 4);
    // Over the epoch: tp 4, fp 3 (the batches' precisions 1, 0 and 3/4 average to 7/12).
    expect(peekLogs(sums)['precision']).toBeCloseTo(4 / 7, 6);
    const logs = sums.read();
    expect(Object.keys(logs)).toEqual(['precision']);
    expect(logs['precision']).toBeCloseTo(4 / 7, 6);
    sums.dispose();
  });
});
