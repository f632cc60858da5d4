import { initBackend } from '@ridge/backend';
import type { RidgeError } from '@ridge/core';
import { dense, input, model, sequential, type Callback, type Model } from '@ridge/layers/base';
import { meanSquaredError } from '@ridge/losses/base';
import { sgd } from '@ridge/optimizers/base';
import { l1 } from '@ridge/regularizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caughtRidgeError, rejectedRidgeError } from '../support/caught.js';

/*
 * What `fit` and the rest of a model leave out of `@ridge/layers/base` (data other than x and y
 * tensors, models with several inputs or outputs, callbacks, predict/evaluate/penalties, the fused
 * penalty kernels), and
 * the entries that add them back. The first half imports only side-effect-free entries (each test
 * file runs with its own modules); the second half imports the entries. Expected values come from
 * the formulas of a linear model: p = x K + b, loss = mean over outputs of (y - p)^2 per sample,
 * averaged over samples, plus the kernel's L1 penalty 0.01 * sum |K|.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const K = [
  [0.5, -0.25],
  [0.125, 0.75],
  [-0.5, 0.25],
];
const B = [0.1, -0.2];
const X = [
  [1, 2, 3],
  [0, -1, 2],
  [3, 1, -1],
  [-2, 0.5, 1],
  [1, 1, 1],
];
const Y = [
  [1, 0],
  [0, 1],
  [1, 0],
  [0, 1],
  [1, 0],
];

type Mat = number[][];
const forward = (x: Mat, k: Mat, b: number[]): Mat => x.map((row) => b.map((bj, j) => bj + row.reduce((s, xi, i) => s + xi * k[i]![j]!, 0)));
const perSampleMse = (y: Mat, p: Mat): number[] => y.map((row, i) => row.reduce((s, v, j) => s + (v - p[i]![j]!) ** 2, 0) / row.length);
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
const l1Penalty = (k: Mat): number => 0.01 * k.flat().reduce((s, w) => s + Math.abs(w), 0);
const rows = (t: tf.Tensor): Mat => t.arraySync() as Mat;

/** The kernel and bias of a linear model, read (and the copies disposed). */
function kernelAndBias(m: Model): { k: Mat; b: number[] } {
  const [k, b] = m.getWeights();
  const out = { k: k!.arraySync() as Mat, b: b!.arraySync() as number[] };
  tf.dispose([k!, b!]);
  return out;
}

let count = 0;
/** A linear model 3 -> 2 with an L1 kernel penalty, its weights set to K and B, compiled with SGD and MSE. */
function linear(): Model {
  const inp = input({ shape: [3] });
  const out = dense({ units: 2, name: `out_${++count}`, kernelRegularizer: l1(0.01) }).apply(inp);
  const m = model({ inputs: inp, outputs: out });
  const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
  m.setWeights([k, b]);
  tf.dispose([k, b]);
  m.compile({ optimizer: sgd(0.1), loss: meanSquaredError() });
  return m;
}

/** A model with one input and two outputs (one unit each). */
function twoOutputs(): Model {
  const inp = input({ shape: [3] });
  const n = ++count;
  return model({ inputs: inp, outputs: [dense({ units: 1, name: `a_${n}` }).apply(inp), dense({ units: 1, name: `b_${n}` }).apply(inp)] });
}

function expectMissing(error: RidgeError, call: string, entry: string): void {
  expect(error.code).toBe('FEATURE_NOT_LOADED');
  expect(error.message).toContain(call);
  expect(error.message).toContain(`import '${entry}'`);
  expect(error.details).toMatchObject({ call, entry });
}

function weightValues(m: Model): number[][] {
  return m.getWeights().map((w) => {
    const v = Array.from(w.dataSync());
    w.dispose();
    return v;
  });
}

/** A fit the '/base' path refuses: FEATURE_NOT_LOADED, and the weights, the optimizer and tf.memory() as they were. */
async function expectFitRefused(m: Model, fit: () => Promise<unknown>, call: string, entry: string): Promise<void> {
  const before = weightValues(m);
  const tensors = tf.memory().numTensors;
  expectMissing(await rejectedRidgeError(fit), call, entry);
  expect(tf.memory().numTensors).toBe(tensors);
  expect(weightValues(m)).toEqual(before);
  expect(m.optimizer?.iterations ?? 0).toBe(0);
  expect(m.isTraining).toBe(false);
}

describe('@ridge/layers/base without the fit entries', () => {
  it('fits tensors with validationSplit; the validation pass gives the loss of the final weights on the held-out rows', async () => {
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const history = await m.fit(xs, ys, { epochs: 2, batchSize: 2, validationSplit: 0.4, verbose: 0 });
    expect(history.params.samples).toBe(3);
    const { k, b } = kernelAndBias(m);
    // validationSplit 0.4 of 5 samples holds out the last 2
    const p = forward(X.slice(3), k, b);
    const dataLoss = mean(perSampleMse(Y.slice(3), p));
    expect(history.history['val_data_loss']![1]).toBeCloseTo(dataLoss, 5);
    expect(history.history['val_loss']![1]).toBeCloseTo(dataLoss + l1Penalty(k), 5);
    expect(history.history['loss']).toHaveLength(2);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('predict, evaluate, penalties and getLayer are FEATURE_NOT_LOADED, naming @ridge/layers/inference, and leak nothing', async () => {
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const tensors = tf.memory().numTensors;
    expectMissing(caughtRidgeError(() => m.predict(xs)), 'model.predict()', '@ridge/layers/inference');
    expectMissing(await rejectedRidgeError(() => m.evaluate(xs, ys)), 'model.evaluate()', '@ridge/layers/inference');
    expectMissing(caughtRidgeError(() => m.penalties()), 'model.penalties()', '@ridge/layers/inference');
    expectMissing(caughtRidgeError(() => m.getLayer(1)), 'model.getLayer()', '@ridge/layers/inference');
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('nested arrays, typed arrays, batch iterables, validationData, sampleWeight and classWeight are FEATURE_NOT_LOADED before the first epoch', async () => {
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const entry = '@ridge/layers/data';
    const m = linear();
    await expectFitRefused(m, () => m.fit(X, ys, { verbose: 0 }), 'fit() with x as nested arrays', entry);
    await expectFitRefused(m, () => m.fit(xs, Y, { verbose: 0 }), 'fit() with y as nested arrays', entry);
    await expectFitRefused(m, () => m.fit(new Float32Array(3), ys, { verbose: 0 }), 'fit() with x as a Float32Array', entry);
    await expectFitRefused(m, () => m.fit(xs, ys, { validationData: [xs, ys], verbose: 0 }), 'fit({ validationData })', entry);
    const sw = tf.ones([5]);
    await expectFitRefused(m, () => m.fit(xs, ys, { sampleWeight: sw, verbose: 0 }), 'fit({ sampleWeight })', entry);
    await expectFitRefused(m, () => m.fit(xs, ys, { classWeight: { 0: 2 }, verbose: 0 }), 'fit({ classWeight })', entry);
    // the iterable is not even started
    let started = 0;
    const batches = {
      [Symbol.asyncIterator]: () => {
        started++;
        return { next: async () => ({ done: true as const, value: undefined }) };
      },
    };
    await expectFitRefused(m, () => m.fit(batches, { epochs: 2 }), 'fit(batches)', entry);
    expect(started).toBe(0);
    tf.dispose([xs, ys, sw]);
    m.dispose();
  });

  it('a sequential model without an input shape refuses nested arrays before building its graph', async () => {
    const m = sequential({ layers: [dense({ units: 2 })] });
    m.compile({ optimizer: sgd(), loss: meanSquaredError() });
    expectMissing(await rejectedRidgeError(() => m.fit(X, Y, { verbose: 0 })), 'fit() with x as nested arrays', '@ridge/layers/data');
    // still no graph: the first tensors decide the input shape
    expect(caughtRidgeError(() => m.inputs).code).toBe('NOT_COMPILED');
    m.dispose();
  });

  it('data as lists or records by name and compile arguments per output are FEATURE_NOT_LOADED, naming @ridge/layers/multi-io', async () => {
    const entry = '@ridge/layers/multi-io';
    const two = twoOutputs();
    for (const [args, call] of [
      [{ loss: [meanSquaredError(), meanSquaredError()] }, 'compile({ loss }) per output'],
      [{ loss: meanSquaredError(), lossWeights: [1, 2] }, 'compile({ lossWeights }) per output'],
      [{ loss: { [two.outputNames[0]!]: meanSquaredError(), [two.outputNames[1]!]: meanSquaredError() } }, 'compile({ loss }) per output'],
      [{ loss: meanSquaredError(), metrics: { [two.outputNames[0]!]: ['mae'] } }, 'compile({ metrics }) per output'],
    ] as const) {
      expectMissing(caughtRidgeError(() => two.compile({ optimizer: sgd(), ...args })), call, entry);
      expect(two.isCompiled).toBe(false);
    }
    // one loss for every output needs nothing more; the data for two outputs does
    two.compile({ optimizer: sgd(), loss: meanSquaredError() });
    const [xs, y1, y2] = [tf.tensor2d(X), tf.ones([5, 1]), tf.zeros([5, 1])];
    await expectFitRefused(two, () => two.fit(xs, [y1, y2], { verbose: 0 }), `fit() with y for ${two.outputNames.join(', ')}`, entry);
    const m = linear();
    await expectFitRefused(m, () => m.fit({ [m.inputNames[0]!]: xs }, y1, { verbose: 0 }), 'fit() with x as a record by name', entry);
    tf.dispose([xs, y1, y2]);
    two.dispose();
    m.dispose();
  });

  it('callbacks are FEATURE_NOT_LOADED, naming @ridge/layers/callbacks, and none of their hooks runs', async () => {
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const calls: string[] = [];
    const callback: Callback = {
      setModel: () => calls.push('setModel'),
      onTrainBegin: () => void calls.push('onTrainBegin'),
      onEpochEnd: () => void calls.push('onEpochEnd'),
    };
    await expectFitRefused(m, () => m.fit(xs, ys, { callbacks: [callback], verbose: 0 }), 'fit({ callbacks })', '@ridge/layers/callbacks');
    expect(calls).toEqual([]);
    tf.dispose([xs, ys]);
    m.dispose();
  });
});

describe('the fit entries', () => {
  it('@ridge/layers/fused makes each L1/L2 penalty of a step one kernel, with the same training as the generic ops of /base', async () => {
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    // One step (batch of 5) from K and B, recording the kernels the engine runs.
    const step = async () => {
      const start = tf.memory().numTensors;
      const m = linear();
      const names: string[] = [];
      const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
      const run = engine.runKernel;
      engine.runKernel = (name, ...rest) => (names.push(name), run.call(engine, name, ...rest));
      let history;
      try {
        history = await m.fit(xs, ys, { epochs: 1, batchSize: 5, verbose: 0 });
      } finally {
        engine.runKernel = run;
      }
      const result = { logs: history.history, weights: weightValues(m), names, kernel: `penalty/${m.layers[1]!.name}/kernel` };
      m.dispose();
      // Only the optimizer's state outlives the fit, and the model frees it.
      expect(tf.memory().numTensors).toBe(start);
      return result;
    };
    const base = await step();
    await import('@ridge/layers/fused');
    const fused = await step();
    expect(base.names).not.toContain('RidgeL1L2Penalty');
    expect(fused.names.filter((n) => n === 'RidgeL1L2Penalty')).toHaveLength(1);
    // The generic L1 path: abs and sum for the value, sign, multiply and add for the gradient.
    expect(fused.names.length).toBeLessThanOrEqual(base.names.length - 4);
    // The penalty logged is that of K, the weights before the step: 0.01 * sum |K|.
    expect(base.logs[base.kernel]![0]).toBeCloseTo(l1Penalty(K), 6);
    expect(fused.logs[fused.kernel]![0]).toBeCloseTo(l1Penalty(K), 6);
    expect(fused.logs['loss']![0]).toBeCloseTo(base.logs['loss']![0]!, 6);
    fused.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(base.weights[i]![j]!, 6)));
    tf.dispose([xs, ys]);
  });

  it('@ridge/layers/inference adds predict (x K + b), evaluate (loss = data loss + penalty), penalties and getLayer', async () => {
    await import('@ridge/layers/inference');
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const tensors = tf.memory().numTensors;
    const predicted = m.predict(xs, { batchSize: 2 }) as tf.Tensor;
    const expected = forward(X, K, B);
    rows(predicted).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
    predicted.dispose();
    const logs = await m.evaluate(xs, ys, { batchSize: 2 });
    const dataLoss = mean(perSampleMse(Y, expected));
    expect(logs['data_loss']).toBeCloseTo(dataLoss, 5);
    expect(logs['loss']).toBeCloseTo(dataLoss + l1Penalty(K), 5);
    const report = m.penalties();
    expect(report.terms.map((t) => t.path)).toEqual([`${m.layers[1]!.name}/kernel`]);
    expect(report.total).toBeCloseTo(l1Penalty(K), 6);
    expect(m.getLayer(m.layers[1]!.name)).toBe(m.layers[1]);
    expect(m.getLayer(1)).toBe(m.layers[1]);
    expect(caughtRidgeError(() => m.getLayer('nope')).code).toBe('UNKNOWN_NAME');
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('@ridge/layers/data adds nested arrays and batch iterables (the same training as tensors) and validationData', async () => {
    await import('@ridge/layers/data');
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const byTensors = linear();
    await byTensors.fit(xs, ys, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    const byArrays = linear();
    await byArrays.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expect(weightValues(byArrays)).toEqual(weightValues(byTensors));
    // the same batches, from an iterable iterated once per epoch
    const batches = {
      *[Symbol.iterator]() {
        for (let i = 0; i < X.length; i += 2) yield { xs: tf.tensor2d(X.slice(i, i + 2)), ys: tf.tensor2d(Y.slice(i, i + 2)) };
      },
    };
    const byBatches = linear();
    const history = await byBatches.fit(batches, { epochs: 1, verbose: 0 });
    expect(history.params.steps).toBe(3);
    // fit disposes the batches it is given (the first fit made the optimizer's state)
    const tensors = tf.memory().numTensors;
    await byBatches.fit(batches, { epochs: 2, initialEpoch: 1, verbose: 0 });
    expect(tf.memory().numTensors).toBe(tensors);
    const [a, b] = [weightValues(byBatches), weightValues(byTensors)];
    a.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 6)));
    // validationData: the loss of the final weights on it
    const withVal = linear();
    const [vx, vy] = [tf.tensor2d(X.slice(0, 2)), tf.tensor2d(Y.slice(0, 2))];
    const h = await withVal.fit(xs, ys, { epochs: 1, validationData: [vx, vy], verbose: 0 });
    const { k, b: bias } = kernelAndBias(withVal);
    expect(h.history['val_data_loss']![0]).toBeCloseTo(mean(perSampleMse(Y.slice(0, 2), forward(X.slice(0, 2), k, bias))), 5);
    tf.dispose([xs, ys, vx, vy]);
    for (const m of [byTensors, byArrays, byBatches, withVal]) m.dispose();
  });

  it('@ridge/layers/data adds sample weights (data loss = sum w_i l_i / n) and class weights (a weight per label)', async () => {
    await import('@ridge/layers/data');
    await import('@ridge/layers/inference');
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const w = [1, 0, 2, 0.5, 3];
    const m = linear();
    const logs = await m.evaluate(xs, ys, { sampleWeight: tf.tensor1d(w), batchSize: 2 });
    const losses = perSampleMse(Y, forward(X, K, B));
    expect(logs['data_loss']).toBeCloseTo(losses.reduce((s, l, i) => s + w[i]! * l, 0) / X.length, 5);
    // classWeight { 0: 3 } is the sample weight 3 for every row labelled 0 (one-hot), 1 elsewhere
    const byClass = linear();
    await byClass.fit(xs, ys, { classWeight: { 0: 3 }, epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    const bySample = linear();
    await bySample.fit(xs, ys, { sampleWeight: tf.tensor1d(Y.map((row) => (row[0] === 1 ? 3 : 1))), epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expect(weightValues(byClass)).toEqual(weightValues(bySample));
    tf.dispose([xs, ys]);
    for (const x of [m, byClass, bySample]) x.dispose();
  });

  it('sample weights per time step need @ridge/layers/masking too (FEATURE_NOT_LOADED, nothing changed); with it, data loss = sum w_bt l_bt / (n * time)', async () => {
    await import('@ridge/layers/data');
    await import('@ridge/layers/inference');
    // Dense on [batch, time, 3]: an output [batch, time, 2], one MSE per step. Two samples of two steps.
    const seqX = [X.slice(0, 2), X.slice(2, 4)];
    const seqY = [Y.slice(0, 2), Y.slice(2, 4)];
    const w = [[1, 0], [2, 0.5]];
    const inp = input({ shape: [2, 3] });
    const m = model({ inputs: inp, outputs: dense({ units: 2, name: `seq_${++count}` }).apply(inp) });
    const [k, b] = [tf.tensor2d(K), tf.tensor1d(B)];
    m.setWeights([k, b]);
    tf.dispose([k, b]);
    m.compile({ optimizer: sgd(0.1), loss: meanSquaredError() });
    const [xs, ys, sw] = [tf.tensor3d(seqX), tf.tensor3d(seqY), tf.tensor2d(w)];
    const entry = '@ridge/layers/masking';
    await expectFitRefused(m, () => m.fit(xs, ys, { sampleWeight: sw, verbose: 0 }), 'fit() with sampleWeight of shape [2, 2] (a weight per step)', entry);
    await expectFitRefused(m, () => m.fit(xs, ys, { classWeight: { 0: 3 }, verbose: 0 }), 'fit() with classWeight on a sequence output (a weight per step)', entry);
    const tensors = tf.memory().numTensors;
    expectMissing(await rejectedRidgeError(() => m.evaluate(xs, ys, { sampleWeight: sw })), 'evaluate() with sampleWeight of shape [2, 2] (a weight per step)', entry);
    expect(tf.memory().numTensors).toBe(tensors);
    await import('@ridge/layers/masking');
    const losses = seqX.map((x, i) => perSampleMse(seqY[i]!, forward(x, K, B)));
    const logs = await m.evaluate(xs, ys, { sampleWeight: sw });
    expect(logs['data_loss']).toBeCloseTo(losses.flat().reduce((s, l, i) => s + w.flat()[i]! * l, 0) / 4, 5);
    tf.dispose([xs, ys, sw]);
    m.dispose();
  });

  it('@ridge/layers/multi-io adds data and compile arguments per output (loss = l_a + 2 l_b)', async () => {
    await import('@ridge/layers/multi-io');
    await import('@ridge/layers/inference');
    const two = twoOutputs();
    const [na, nb] = two.outputNames as [string, string];
    two.compile({ optimizer: sgd(), loss: { [na]: meanSquaredError(), [nb]: meanSquaredError() }, lossWeights: [1, 2] });
    const [ka, ba, kb, bb] = two.getWeights().map((t) => {
      const v = t.arraySync();
      t.dispose();
      return v;
    }) as [Mat, number[], Mat, number[]];
    const ya = X.map((r) => [r[0]!]);
    const yb = X.map((r) => [r[1]!]);
    const [xs, tya, tyb] = [tf.tensor2d(X), tf.tensor2d(ya), tf.tensor2d(yb)];
    const la = mean(perSampleMse(ya, forward(X, ka, ba)));
    const lb = mean(perSampleMse(yb, forward(X, kb, bb)));
    const byList = await two.evaluate(xs, [tya, tyb]);
    expect(byList['loss']).toBeCloseTo(la + 2 * lb, 5);
    expect(byList[`${na}_loss`]).toBeCloseTo(la, 5);
    const byRecord = await two.evaluate(xs, { [nb]: tyb, [na]: tya });
    expect(byRecord['loss']).toBeCloseTo(byList['loss']!, 6);
    const history = await two.fit(xs, [tya, tyb], { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(expect.arrayContaining([`${na}_loss`, `${nb}_loss`]));
    tf.dispose([xs, tya, tyb]);
    two.dispose();
  });

  it('@ridge/layers/callbacks adds callbacks: every hook runs, and setting stopTraining ends the fit', async () => {
    const { earlyStopping } = await import('@ridge/layers/callbacks');
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const calls: string[] = [];
    let seen: { stopTraining: boolean } | undefined;
    const batchLosses: number[] = [];
    const callback: Callback = {
      setModel: (model) => (seen = model),
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (epoch) => void calls.push(`epochBegin ${epoch}`),
      onBatchEnd: (_batch, logs) => void batchLosses.push(logs['loss']!),
      onEpochEnd: (epoch) => {
        calls.push(`epochEnd ${epoch}`);
        if (epoch === 1) seen!.stopTraining = true;
      },
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const history = await m.fit(xs, ys, { epochs: 5, batchSize: 2, shuffle: false, callbacks: callback, verbose: 0 });
    expect(seen).toBe(m);
    expect(calls).toEqual(['trainBegin', 'epochBegin 0', 'epochEnd 0', 'epochBegin 1', 'epochEnd 1', 'trainEnd']);
    expect(history.epoch).toEqual([0, 1]);
    // the epoch's loss is the batch losses averaged over samples (batches of 2, 2 and 1)
    expect(batchLosses).toHaveLength(6);
    expect(history.history['loss']![0]).toBeCloseTo((2 * batchLosses[0]! + 2 * batchLosses[1]! + batchLosses[2]!) / 5, 5);
    // and the built-in callbacks come with the entry
    const stopper = earlyStopping({ monitor: 'loss', patience: 0, minDelta: 1e9 });
    const stopped = await m.fit(xs, ys, { epochs: 5, callbacks: [stopper], verbose: 0 });
    expect(stopped.epoch).toEqual([0, 1]);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('@ridge/layers/callbacks brings reduceLROnPlateau and learningRateScheduler, which set the optimizer of a /base model', async () => {
    const { learningRateScheduler, reduceLROnPlateau } = await import('@ridge/layers/callbacks');
    const m = linear();
    const [xs, ys] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const scheduled = await m.fit(xs, ys, { epochs: 3, callbacks: learningRateScheduler((epoch) => 0.1 / 2 ** epoch), verbose: 0 });
    expect(scheduled.history['learning_rate']).toEqual([0.1, 0.05, 0.025]);
    // minDelta 1e9: only the first epoch improves, so with patience 1 the rate drops after epoch 1.
    const reduced = await m.fit(xs, ys, { epochs: 3, callbacks: reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 1e9 }), verbose: 0 });
    expect(reduced.history['learning_rate']).toEqual([0.025, 0.025, 0.0125]);
    expect(m.optimizer!.learningRate).toBe(0.00625);
    tf.dispose([xs, ys]);
    m.dispose();
  });
});
