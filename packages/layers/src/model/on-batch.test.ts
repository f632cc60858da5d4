/**
 * `trainOnBatch`, `testOnBatch` and `predictOnBatch` (`@ridge/layers/batch`): one step on exactly
 * the given batch, checked against `fit` with the whole batch as its only batch, against
 * `evaluate` and `predict`, and against the loss written out by hand.
 */
import { RidgeError } from '@ridge/core';
import { l2 } from '@ridge/regularizers';
import { adam, sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense, input, model, sequential, type Model } from '../index.js';
import { useCpu } from '../../test/setup.js';
import { expectClose, matrix, seedWeights, vecMat } from '../../test/fixtures.js';

useCpu();

let count = 0;

/** 3 -> Dense(4, tanh, L2 kernel) -> Dense(2) 'out' (L2 kernel), compiled with `optimizer`, mse and mae. */
function twoLayer(optimizer: () => ReturnType<typeof adam> | ReturnType<typeof sgd>, seed = 7): Model {
  const n = ++count;
  const inp = input({ shape: [3] });
  const h = dense({ units: 4, activation: 'tanh', name: `hid_${n}`, kernelRegularizer: l2(0.01) }).apply(inp);
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: `out_${n}`, kernelRegularizer: l2(0.02) }).apply(h) });
  seedWeights(m, seed, 0.5);
  m.compile({ optimizer: optimizer(), loss: 'meanSquaredError', metrics: ['mae'] });
  return m;
}

const X = matrix(5, 3, 11);
const Y = matrix(5, 2, 12);

function weightsOf(m: Model): number[][] {
  return m.getWeights().map((t) => {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  });
}

/** Names and values of the optimizer's state. */
function optimizerState(m: Model): [string, number[]][] {
  const state = (m.optimizer as unknown as { getWeights(): { name: string; tensor: tf.Tensor }[] }).getWeights();
  const out = state.map((s): [string, number[]] => [s.name, Array.from(s.tensor.dataSync())]);
  tf.dispose(state.map((s) => s.tensor));
  return out;
}

/** Same keys (up to the numbers that tell two twin models' layers apart) and values, in order. */
function expectLogsClose(actual: Record<string, number>, expected: Record<string, number>, digits = 6): void {
  const unnumbered = (logs: Record<string, number>) => Object.keys(logs).map((k) => k.replace(/_\d+\//g, '/'));
  expect(unnumbered(actual)).toEqual(unnumbered(expected));
  const [a, e] = [Object.values(actual), Object.values(expected)];
  e.forEach((v, i) => expect(a[i], Object.keys(expected)[i]).toBeCloseTo(v, digits));
}

describe('trainOnBatch', () => {
  it('gives the weights and logs of fit with the batch as its only batch (batchSize n, epochs 1, shuffle false), twice in a row', async () => {
    const a = twoLayer(() => adam({ learningRate: 0.05 }));
    const b = twoLayer(() => adam({ learningRate: 0.05 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    for (let step = 0; step < 2; step++) {
      const logs = await a.trainOnBatch(x, y);
      const history = await b.fit(x, y, { batchSize: 5, epochs: 1, shuffle: false, verbose: 0 });
      const epoch = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[0]!]));
      expectLogsClose(logs, epoch);
      weightsOf(a).forEach((w, i) => expectClose(w, weightsOf(b)[i]!, 6));
    }
    expect(Object.keys(await a.trainOnBatch(x, y))).toEqual(['loss', 'data_loss', 'penalty', `penalty/hid_${count - 1}/kernel`, `penalty/out_${count - 1}/kernel`, 'mae']);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('returns the loss computed in the step, before the update: evaluate before it, and the loss written out by hand', async () => {
    const m = twoLayer(() => sgd({ learningRate: 0.1 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const [w1, b1, w2, b2] = weightsOf(m);
    const before = await m.evaluate(x, y, { batchSize: 5 });
    // By hand: mse over the batch and the outputs, plus 0.01 sum(W1^2) + 0.02 sum(W2^2).
    const rows = (w: number[], cols: number) => Array.from({ length: w.length / cols }, (_, i) => w.slice(i * cols, (i + 1) * cols));
    const predictions = X.map((row) => {
      const h = vecMat(row, rows(w1!, 4)).map((v, j) => Math.tanh(v + b1![j]!));
      return vecMat(h, rows(w2!, 2)).map((v, j) => v + b2![j]!);
    });
    const errors = predictions.flatMap((p, i) => p.map((v, j) => v - Y[i]![j]!));
    const mse = errors.reduce((s, e) => s + e * e, 0) / errors.length;
    const mae = errors.reduce((s, e) => s + Math.abs(e), 0) / errors.length;
    const penalty = 0.01 * w1!.reduce((s, v) => s + v * v, 0) + 0.02 * w2!.reduce((s, v) => s + v * v, 0);

    const logs = await m.trainOnBatch(x, y);
    expectLogsClose(logs, before);
    expect(logs['data_loss']).toBeCloseTo(mse, 6);
    expect(logs['penalty']).toBeCloseTo(penalty, 6);
    expect(logs['loss']).toBeCloseTo(mse + penalty, 6);
    expect(logs['mae']).toBeCloseTo(mae, 6);
    // The weights moved: the next evaluation differs from the returned loss.
    expect((await m.evaluate(x, y, { batchSize: 5 }))['loss']).toBeLessThan(logs['loss']!);
    tf.dispose([x, y]);
    m.dispose();
  });

  it("each call's logs are its own batch's: no running average across calls", async () => {
    const m = twoLayer(() => sgd({ learningRate: 0.1 }));
    const first = [tf.tensor2d(X.slice(0, 2)), tf.tensor2d(Y.slice(0, 2))] as const;
    const second = [tf.tensor2d(X.slice(2)), tf.tensor2d(Y.slice(2))] as const;
    await m.trainOnBatch(...first);
    const expected = await m.evaluate(...second, { batchSize: 3 });
    expectLogsClose(await m.trainOnBatch(...second), expected);
    tf.dispose([...first, ...second]);
    m.dispose();
  });

  it('takes sampleWeight and classWeight as fit does, and nested arrays', async () => {
    const a = twoLayer(() => sgd({ learningRate: 0.1 }));
    const b = twoLayer(() => sgd({ learningRate: 0.1 }));
    const sampleWeight = [1, 0.5, 0, 2, 1];
    const logs = await a.trainOnBatch(X, Y, { sampleWeight });
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const history = await b.fit(x, y, { batchSize: 5, epochs: 1, shuffle: false, verbose: 0, sampleWeight: tf.tensor1d(sampleWeight) });
    expect(logs['loss']).toBeCloseTo(history.history['loss']![0]!, 6);
    weightsOf(a).forEach((w, i) => expectClose(w, weightsOf(b)[i]!, 6));
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();

    // classWeight on one-hot labels: class 1 counts 3 times as much.
    const c = twoLayer(() => sgd({ learningRate: 0.1 }));
    const d = twoLayer(() => sgd({ learningRate: 0.1 }));
    const labels = [[1, 0], [0, 1], [0, 1], [1, 0], [0, 1]];
    const cLogs = await c.trainOnBatch(X, labels, { classWeight: { 0: 1, 1: 3 } });
    const dLogs = await d.trainOnBatch(X, labels, { sampleWeight: labels.map((l) => (l[1] === 1 ? 3 : 1)) });
    expectLogsClose(cLogs, dLogs);
    weightsOf(c).forEach((w, i) => expectClose(w, weightsOf(d)[i]!, 6));
    c.dispose();
    d.dispose();
  });

  it('builds a sequential model without an input shape from the batch, as fit does', async () => {
    const m = sequential({ layers: [dense({ units: 2 })] });
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const logs = await m.trainOnBatch(X, Y);
    expect(Object.keys(logs)).toEqual(['loss', 'data_loss', 'penalty']);
    expect(m.built).toBe(true);
    m.dispose();
  });

  it('leaks no tensor, call after call', async () => {
    const m = twoLayer(() => adam({ learningRate: 0.01 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    await m.trainOnBatch(x, y); // makes the optimizer's slots
    const before = tf.memory().numTensors;
    await m.trainOnBatch(x, y, { sampleWeight: [1, 1, 1, 1, 0] });
    await m.trainOnBatch(X, Y);
    await m.testOnBatch(x, y);
    tf.dispose(m.predictOnBatch(x) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('refuses bad input as fit does, and a refused call changes no weight, no optimizer state and no memory', async () => {
    const m = twoLayer(() => adam({ learningRate: 0.05 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    await m.trainOnBatch(x, y);
    const weights = weightsOf(m);
    const state = optimizerState(m);
    const tensors = tf.memory().numTensors;
    const nan = X.map((r) => [...r]);
    nan[2]![1] = Number.NaN;
    const cases: [string, () => Promise<unknown>, string, RegExp][] = [
      ['an unknown option', () => m.trainOnBatch(x, y, { batchSize: 2 } as never), 'INVALID_ARGUMENT', /trainOnBatch: unknown option "batchSize"/],
      ['y with other samples', () => m.trainOnBatch(X, Y.slice(0, 4)), 'INVALID_DATA', /trainOnBatch: x has 5 samples but y has 4/],
      ['NaN in x', () => m.trainOnBatch(nan, Y), 'INVALID_DATA', /NaN/],
      ['a wrong shape', () => m.trainOnBatch(matrix(5, 4, 1), Y), 'SHAPE_MISMATCH', /x has shape \[5, 4\]/],
      ['a negative sample weight', () => m.trainOnBatch(x, y, { sampleWeight: [1, 1, -1, 1, 1] }), 'INVALID_DATA', /sampleWeight/],
      ['classWeight for a class y cannot have', () => m.trainOnBatch(x, y, { classWeight: { 5: 2 } }), 'INVALID_ARGUMENT', /^trainOnBatch: classWeight\[5\]/],
      ['options that are not an object', () => m.trainOnBatch(x, y, 3 as never), 'INVALID_ARGUMENT', /trainOnBatch/],
    ];
    for (const [what, call, code, message] of cases) {
      let error: unknown;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error), what).toBe(true);
      expect((error as RidgeError).code, what).toBe(code);
      expect((error as RidgeError).message, what).toMatch(message);
      expect(weightsOf(m), what).toEqual(weights);
      expect(optimizerState(m), what).toEqual(state);
      expect(tf.memory().numTensors, what).toBe(tensors);
    }
    tf.dispose([x, y]);
    m.dispose();
  });

  it('needs compile, refuses while fit runs, and after dispose', async () => {
    const inp = input({ shape: [3] });
    const bare = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
    await expect(bare.trainOnBatch(X, Y)).rejects.toMatchObject({ code: 'NOT_COMPILED', message: expect.stringContaining('trainOnBatch needs compile() first') });
    await expect(bare.testOnBatch(X, Y)).rejects.toMatchObject({ code: 'NOT_COMPILED' });

    const m = twoLayer(() => sgd({ learningRate: 0.1 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    let during: unknown;
    let predicted: number[] | undefined;
    await m.fit(x, y, {
      epochs: 1,
      batchSize: 1,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (batch) => {
          if (batch !== 0) return;
          during = await m.trainOnBatch(x, y).catch((e: unknown) => e);
          // Reading is fine during fit, as predict is.
          const out = m.predictOnBatch(x) as tf.Tensor;
          predicted = out.shape;
          out.dispose();
        },
      },
    });
    expect(during).toMatchObject({ code: 'BUSY', message: expect.stringContaining('trainOnBatch while fit runs') });
    expect(predicted).toEqual([5, 2]);
    m.dispose();
    await expect(m.trainOnBatch(x, y)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('was disposed; trainOnBatch() needs a live model') });
    expect(() => m.predictOnBatch(x)).toThrow(/was disposed; predictOnBatch\(\) needs a live model/);
    tf.dispose([x, y]);
    bare.dispose();
  });
});

describe('testOnBatch and predictOnBatch', () => {
  it('testOnBatch gives evaluate on the batch (sample weights too) and changes nothing', async () => {
    const m = twoLayer(() => adam({ learningRate: 0.05 }));
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const weights = weightsOf(m);
    expectLogsClose(await m.testOnBatch(x, y), await m.evaluate(x, y, { batchSize: 5 }));
    const sampleWeight = [0, 1, 2, 1, 0.5];
    expectLogsClose(await m.testOnBatch(X, Y, { sampleWeight }), await m.evaluate(x, y, { batchSize: 5, sampleWeight }));
    expect(weightsOf(m)).toEqual(weights);
    expect(m.optimizer!.iterations).toBe(0);
    await expect(m.testOnBatch(x, y, { classWeight: { 0: 1 } } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('testOnBatch: unknown option "classWeight"') });
    tf.dispose([x, y]);
    m.dispose();
  });

  it('predictOnBatch gives predict, one tensor per output, for tensors and nested arrays', () => {
    const n = ++count;
    const inp = input({ shape: [3] });
    const h = dense({ units: 4, activation: 'relu', name: `p_hid_${n}` }).apply(inp);
    const one = model({ inputs: inp, outputs: dense({ units: 2 }).apply(h) });
    seedWeights(one, 3, 0.5);
    const x = tf.tensor2d(X);
    const ours = one.predictOnBatch(x) as tf.Tensor;
    const theirs = one.predict(x) as tf.Tensor;
    expect(ours.shape).toEqual([5, 2]);
    expectClose(Array.from(ours.dataSync()), Array.from(theirs.dataSync()), 7);
    const fromArrays = one.predictOnBatch(X) as tf.Tensor;
    expectClose(Array.from(fromArrays.dataSync()), Array.from(theirs.dataSync()), 7);
    tf.dispose([ours, theirs, fromArrays]);

    const two = model({ inputs: inp, outputs: [dense({ units: 2 }).apply(h), dense({ units: 1 }).apply(h)] });
    const outs = two.predictOnBatch(x) as tf.Tensor[];
    const expected = two.predict(x) as tf.Tensor[];
    expect(outs.map((t) => t.shape)).toEqual([[5, 2], [5, 1]]);
    outs.forEach((t, i) => expectClose(Array.from(t.dataSync()), Array.from(expected[i]!.dataSync()), 7));
    tf.dispose([...outs, ...expected, x]);
    two.dispose();
    one.dispose();
  });

  it('predictOnBatch of a model whose output is its input gives a tensor the caller may dispose', () => {
    const inp = input({ shape: [3] });
    const identity = model({ inputs: inp, outputs: inp });
    const x = tf.tensor2d(X);
    const out = identity.predictOnBatch(x) as tf.Tensor;
    expect(out).not.toBe(x);
    out.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
    identity.dispose();
  });
});
