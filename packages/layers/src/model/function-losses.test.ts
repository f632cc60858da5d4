import { registry, RidgeError, type JsonObject, type Loss } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, input, model, modelFromJSON, sequential, type Model } from '../index.js';
import { compileArgsFromJSON } from '../io/training-config.js';

/*
 * Plain functions as losses and metrics, as Keras's LossFunctionWrapper and MeanMetricWrapper
 * take them. The expected numbers are computed here in plain JavaScript from the formulas.
 */

useCpu();

const K = [
  [0.5, -1],
  [1, 0.25],
  [-0.5, 0.75],
];
const B = [0.1, -0.2];
const X = [[1, 0, 2], [0, 1, -1], [1, 1, 1], [-1, 0.5, 0], [0.5, -1, 1], [2, 1, 0], [-1, -1, 0.5], [0, 0.5, 1], [1, -0.5, -1], [-0.5, 2, 0]];
const Y = X.map((_, i) => [Math.sin(i), Math.cos(i)]);
const W = [1, 0.5, 2, 0, 1, 3, 0.25, 1, 2, 0.5];

const predict = (k: number[][], b: number[]) => X.map((x) => b.map((bj, j) => bj + x.reduce((s, xi, i) => s + xi * k[i]![j]!, 0)));
const PRED = predict(K, B);
const sum = (v: readonly number[]) => v.reduce((a, b) => a + b, 0);
const mean = (v: readonly number[]) => sum(v) / v.length;
/** Per-sample squared error: the mean over the two outputs. */
const SQ = PRED.map((p, i) => mean(p.map((pj, j) => (pj - Y[i]![j]!) ** 2)));

/** A hand-written MSE that returns one value per element: the wrapper means over the last axis. */
function myMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.square(tf.sub(yTrue, yPred));
}
/** The same, one value per sample. */
function perSampleMse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yTrue, yPred)), -1);
}
function maxAbs(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.max(tf.abs(tf.sub(yTrue, yPred)), -1);
}

let xs: tf.Tensor2D;
let ys: tf.Tensor2D;
let sw: tf.Tensor1D;
beforeAll(() => {
  xs = tf.tensor2d(X);
  ys = tf.tensor2d(Y);
  sw = tf.tensor1d(W);
});
afterAll(() => tf.dispose([xs, ys, sw]));

let count = 0;
function regressor(compile: Omit<Parameters<Model['compile']>[0], 'optimizer'>, lr = 0.1): Model {
  const inp = input({ shape: [3] });
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: `fl_${++count}` }).apply(inp) });
  const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
  m.setWeights([k, b]);
  tf.dispose([k, b]);
  m.compile({ optimizer: sgd(lr), ...compile });
  return m;
}

/** Weights after one SGD step (lr 0.1) on the whole data as one batch, with optional sample weights. */
function oneStep(weights?: readonly number[]): number[] {
  const n = X.length;
  const w = weights ?? X.map(() => 1);
  // loss = (1/n) sum_i w_i * (1/2) sum_j (p_ij - y_ij)^2, so dL/dp_ij = w_i * (p_ij - y_ij) / n.
  const g = PRED.map((p, i) => p.map((pj, j) => (w[i]! * (pj - Y[i]![j]!)) / n));
  const gk = K.map((row, r) => row.map((_, j) => sum(X.map((x, i) => x[r]! * g[i]![j]!))));
  const gb = B.map((_, j) => sum(g.map((gi) => gi[j]!)));
  return [...K.flatMap((row, r) => row.map((v, j) => v - 0.1 * gk[r]![j]!)), ...B.map((v, j) => v - 0.1 * gb[j]!)];
}

function weightsOf(m: Model): number[] {
  const ws = m.getWeights();
  const out = ws.flatMap((t) => numbers(t));
  tf.dispose(ws);
  return out;
}

describe('compile({ loss: fn })', () => {
  it('trains exactly as the same built-in loss: one SGD step, with and without sample weights', async () => {
    const start = tf.memory().numTensors;
    for (const [loss, weighted] of [[myMse, false], [perSampleMse, false], [myMse, true], ['mse', true]] as const) {
      const m = regressor({ loss });
      await m.fit(xs, ys, { epochs: 1, batchSize: 10, shuffle: false, verbose: 0, ...(weighted ? { sampleWeight: sw } : {}) });
      const expected = oneStep(weighted ? W : undefined);
      weightsOf(m).forEach((v, i) => expect(v, `${String(loss)} weight ${i}`).toBeCloseTo(expected[i]!, 5));
      m.dispose();
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it("reduces as Keras's sum_over_batch_size: sum(w * loss) / batch size, batch by batch", async () => {
    const m = regressor({ loss: myMse });
    const whole = await m.evaluate(xs, ys, { batchSize: 10, sampleWeight: sw });
    expect(whole['loss']).toBeCloseTo(sum(SQ.map((l, i) => l * W[i]!)) / 10, 5);
    const plain = await m.evaluate(xs, ys, { batchSize: 10 });
    expect(plain['loss']).toBeCloseTo(mean(SQ), 5);
    m.dispose();
  });

  it('works per output (a record) and logs <output>_loss; the function is saved by its name', async () => {
    const inp = input({ shape: [3] });
    const m = model({ inputs: inp, outputs: [dense({ units: 2, name: 'fa' }).apply(inp), dense({ units: 2, name: 'fb' }).apply(inp)] });
    const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
    m.setWeights([k, b, k, b]);
    m.compile({ optimizer: sgd(0), loss: { fa: myMse, fb: 'mse' }, lossWeights: { fa: 1, fb: 0.5 } });
    const logs = await m.evaluate(xs, [ys, ys], { batchSize: 10 });
    expect(logs['fa_loss']).toBeCloseTo(mean(SQ), 5);
    expect(logs['fb_loss']).toBeCloseTo(0.5 * mean(SQ), 5);
    const json = m.toJSON() as unknown as { training_config: JsonObject };
    expect((json.training_config['loss'] as JsonObject)['fa']).toBe('myMse');
    tf.dispose([k, b]);
    m.dispose();
  });

  it('a sequential model compiled before it has a shape takes a function loss, trains and saves its name', async () => {
    const m = sequential({ layers: [dense({ units: 2 })] });
    m.compile({ optimizer: sgd(0.1), loss: myMse });
    const h = await m.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0 });
    expect(h.history['loss']![0]).toBeGreaterThan(0);
    expect((m.toJSON() as unknown as { training_config: JsonObject }).training_config['loss']).toBe('myMse');
    m.dispose();
  });

  it('a function that returns a non-tensor, a scalar or the wrong batch: RidgeError naming it, weights untouched, no leak', async () => {
    const notTensor = function badLoss() {
      return 3 as unknown as tf.Tensor;
    };
    const scalar = function meanLoss(t: tf.Tensor, p: tf.Tensor) {
      return tf.mean(tf.square(tf.sub(t, p)));
    };
    const wrongBatch = function sliced(t: tf.Tensor, p: tf.Tensor) {
      return tf.slice(tf.sub(t, p), [0, 0], [3, 2]);
    };
    for (const [fn, received] of [[notTensor, 'returned 3'], [scalar, 'shape []'], [wrongBatch, 'shape [3, 2]']] as const) {
      const m = regressor({ loss: fn });
      const before = weightsOf(m);
      const start = tf.memory().numTensors;
      const error = await caught(() => m.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0 }));
      expect(RidgeError.is(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toContain(`loss '${fn.name}'`);
      expect((error as Error).message).toContain(received);
      expect((error as Error).message).toContain('[10]');
      expect(weightsOf(m)).toEqual(before);
      expect(tf.memory().numTensors).toBe(start);
      m.dispose();
    }
  });
});

describe('compile({ metrics: [fn], weightedMetrics: [fn] })', () => {
  it("averages the function's per-sample values over the epoch (batches of 4, 4 and 2), weighted ones by sum(w * v) / sum(w)", async () => {
    const start = tf.memory().numTensors;
    const m = regressor({ loss: 'mse', metrics: [maxAbs, myMse], weightedMetrics: [maxAbs] }, 0);
    const h = await m.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, sampleWeight: sw });
    const maxErr = PRED.map((p, i) => Math.max(...p.map((pj, j) => Math.abs(pj - Y[i]![j]!))));
    expect(h.history['maxAbs']![0]).toBeCloseTo(mean(maxErr), 5);
    expect(h.history['myMse']![0]).toBeCloseTo(mean(SQ), 5);
    expect(h.history['weighted_maxAbs']![0]).toBeCloseTo(sum(maxErr.map((v, i) => v * W[i]!)) / sum(W), 5);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it("names: the function's name, 'lambda' for an anonymous one (as Keras), _1 for a repeat, the output prefix with several outputs", async () => {
    // An arrow function in a list has no name; one assigned to a property or a const takes that name.
    const [anonymous] = [(t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(t, p))];
    expect(anonymous!.name).toBe('');
    const m = regressor({ loss: anonymous!, metrics: [maxAbs, maxAbs, anonymous!] }, 0);
    const logs = await m.evaluate(xs, ys);
    expect(Object.keys(logs).filter((k) => !k.startsWith('penalty') && k !== 'data_loss')).toEqual(['loss', 'maxAbs', 'maxAbs_1', 'lambda']);
    const json = m.toJSON() as unknown as { training_config: JsonObject };
    expect(json.training_config['loss']).toBe('lambda');
    expect(json.training_config['metrics']).toEqual(['maxAbs', 'maxAbs', 'lambda']);
    m.dispose();
    const inp = input({ shape: [3] });
    const two = model({ inputs: inp, outputs: [dense({ units: 2, name: 'ma' }).apply(inp), dense({ units: 2, name: 'mb' }).apply(inp)] });
    two.compile({ optimizer: sgd(0), loss: myMse, metrics: [maxAbs] });
    const l2 = await two.evaluate(xs, [ys, ys]);
    expect(Object.keys(l2).filter((k) => k.endsWith('maxAbs'))).toEqual(['ma_maxAbs', 'mb_maxAbs']);
    two.dispose();
  });

  it('a metric function with a bad return: RidgeError naming the metric; in fit, before the step changes anything', async () => {
    const m = regressor({ loss: 'mse', metrics: [function total(t: tf.Tensor, p: tf.Tensor) { return tf.sum(tf.sub(t, p)); }] }, 0.1);
    const error = await caught(() => m.evaluate(xs, ys));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain("metric 'total'");
    const before = m.getWeights();
    const values = before.map((w) => Array.from(w.dataSync()));
    tf.dispose(before);
    const tensors = tf.memory().numTensors;
    const inFit = await caught(() => m.fit(xs, ys, { epochs: 1, batchSize: 10, verbose: 0 }));
    expect(RidgeError.is(inFit, 'INVALID_ARGUMENT')).toBe(true);
    expect(m.optimizer!.iterations).toBe(0);
    const after = m.getWeights();
    expect(after.map((w) => Array.from(w.dataSync()))).toEqual(values);
    tf.dispose(after);
    expect(tf.memory().numTensors).toBe(tensors);
    m.dispose();
  });
});

describe('saving function losses and metrics', () => {
  it('loads uncompiled with a warning naming the function when nothing is registered under its name', () => {
    const m = regressor({ loss: myMse, metrics: ['mae'] });
    const json = m.toJSON();
    m.dispose();
    const warnings: string[] = [];
    const copy = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
    expect(copy.isCompiled).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"myMse"');
    expect(warnings[0]).toContain('without its compile state');
    copy.dispose();
  });

  it('a function metric has no registry: the model loads uncompiled, the warning names it', () => {
    const m = regressor({ loss: 'mse', metrics: [maxAbs] });
    const json = m.toJSON();
    m.dispose();
    const warnings: string[] = [];
    const copy = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
    expect(copy.isCompiled).toBe(false);
    expect(warnings[0]).toContain('unknown metric "maxAbs"');
    copy.dispose();
  });

  it('compiles with the loss registered under the saved name', async () => {
    const m = regressor({ loss: myMse });
    const json = m.toJSON();
    m.dispose();
    // A loss registered under the function's name: half the squared error, so the reload is visibly it.
    const half: Loss = {
      className: 'myMse',
      reduction: 'mean',
      getConfig: () => ({}),
      apply: (t, p) => tf.tidy(() => tf.mul(tf.mean(tf.square(tf.sub(t, p))), 0.5)),
    };
    registry('loss').register({ kind: 'loss', name: 'myMse', package: 'test-losses', create: () => half });
    try {
      const copy = modelFromJSON(json);
      expect(copy.isCompiled).toBe(true);
      const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
      copy.setWeights([k, b]);
      const logs = await copy.evaluate(xs, ys, { batchSize: 10 });
      expect(logs['loss']).toBeCloseTo(0.5 * mean(SQ), 5);
      tf.dispose([k, b]);
      copy.dispose();
    } finally {
      registry('loss').unregister('myMse');
    }
  });

  it("reads Keras 3's function form, { class_name: 'function', config: name }, for losses and metrics", () => {
    const fn = (name: string) => ({ module: 'keras.losses', class_name: 'function', config: name, registered_name: name });
    const args = compileArgsFromJSON({ optimizer: 'sgd', loss: fn('mean_squared_error'), metrics: [fn('my_metric')] }, ['out']);
    expect(args.loss).toBe('mean_squared_error');
    expect(args.metrics).toEqual(['my_metric']);
    expect(compileArgsFromJSON({ optimizer: 'sgd', loss: [fn('mae'), 'mse'] }, ['a', 'b']).loss).toEqual(['mae', 'mse']);
  });
});
