/**
 * Concurrency (packages/layers/README.md, "Training"): a second `fit` while one runs is BUSY,
 * and so is `compile`; `predict` (and `evaluate`, `penalties`) while training is safe: it sees
 * the weights between two steps and leaks nothing. JavaScript runs one thing at a time, so
 * "while" means between two batches, where fit yields to the event loop (an async callback, or
 * every 50 ms).
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import { dense, input, model, type Model } from '@ridge/layers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../support/caught.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const X = [[1, 0], [0, 1], [1, 1], [2, 1]];
const Y = [[1], [2], [3], [4]];

let counter = 0;
function linear(): Model {
  const name = `conc_${counter++}`;
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name, kernelRegularizer: 'l2' }).apply(inp) });
  m.compile({ optimizer: sgd(0.05), loss: 'mse' });
  return m;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

/** A fit that yields after every batch, so other calls run while it trains. */
function slowFit(m: Model, epochs = 10) {
  return m.fit(X, Y, { epochs, batchSize: 1, shuffle: false, verbose: 0, callbacks: { onBatchEnd: tick } });
}

/** x W + b from the model's current weights, on the host. */
function expected(m: Model, x: number[][]): number[] {
  const [k, b] = m.getWeights();
  const kv = k!.dataSync();
  const bv = b!.dataSync();
  tf.dispose([k!, b!]);
  return x.map((row) => row[0]! * kv[0]! + row[1]! * kv[1]! + bv[0]!);
}

describe('a second fit while one runs', () => {
  it('is BUSY, calls none of its callbacks, and the running fit finishes untouched', async () => {
    const m = linear();
    await m.fit(X, Y, { epochs: 1, verbose: 0 });
    const baseline = tf.memory().numTensors;
    const running = slowFit(m, 5);
    await tick();
    expect(m.isTraining).toBe(true);
    let secondCalls = 0;
    const error = await caught(() => m.fit(X, Y, { epochs: 1, verbose: 0, callbacks: { onTrainBegin: () => void secondCalls++, onBatchEnd: () => void secondCalls++ } }));
    expect(RidgeError.is(error, 'BUSY')).toBe(true);
    expect((error as Error).message).toContain('fit is already running');
    expect(secondCalls).toBe(0);
    expect(m.isTraining, 'the first fit is still running').toBe(true);
    const h = await running;
    expect(h.history['loss']).toHaveLength(5);
    expect(m.isTraining).toBe(false);
    expect(tf.memory().numTensors).toBe(baseline);
    const again = await m.fit(X, Y, { epochs: 1, verbose: 0 });
    expect(again.history['loss']).toHaveLength(1);
    m.dispose();
  });

  it('is BUSY from inside one of the running fit’s own callbacks', async () => {
    const m = linear();
    let inner: unknown;
    await m.fit(X, Y, {
      epochs: 2,
      verbose: 0,
      callbacks: { onEpochEnd: async (epoch: number) => void (epoch === 0 && (inner = await caught(() => m.fit(X, Y, { verbose: 0 })))) },
    });
    expect(RidgeError.is(inner, 'BUSY')).toBe(true);
    m.dispose();
  });

  it('compile while fit runs is BUSY and leaves the compile state as it was', async () => {
    const m = linear();
    const args = m.compileArgs;
    const running = slowFit(m, 3);
    await tick();
    const optimizer = m.optimizer;
    const error = await caught(() => m.compile({ optimizer: 'adam', loss: 'mae' }));
    expect(RidgeError.is(error, 'BUSY')).toBe(true);
    expect((error as Error).message).toContain('compile');
    expect(m.compileArgs).toBe(args);
    expect(m.optimizer).toBe(optimizer);
    await running;
    m.dispose();
  });

  it('two models train at the same time without touching each other', async () => {
    const a = linear();
    const b = linear();
    await Promise.all([a.fit(X, Y, { epochs: 1, verbose: 0 }), b.fit(X, Y, { epochs: 1, verbose: 0 })]);
    const baseline = tf.memory().numTensors;
    const [ha, hb] = await Promise.all([slowFit(a, 4), slowFit(b, 4)]);
    expect(ha.history['loss']).toHaveLength(4);
    expect(hb.history['loss']).toHaveLength(4);
    // Same data, same optimizer, different initial weights: each trained its own.
    expect(ha.history['loss']).not.toEqual(hb.history['loss']);
    expect(tf.memory().numTensors).toBe(baseline);
    a.dispose();
    b.dispose();
  });

  it('dispose while fit runs is refused (BUSY), or the running fit stops with a RidgeError', async () => {
    const m = linear();
    const running = slowFit(m, 20);
    await tick();
    let refused: unknown;
    try {
      m.dispose();
    } catch (error) {
      refused = error;
    }
    const outcome = await running.then(() => undefined, (error: unknown) => error);
    if (refused !== undefined) {
      expect(RidgeError.is(refused, 'BUSY'), String(refused)).toBe(true);
      expect(outcome).toBeUndefined();
      m.dispose();
    } else {
      expect(RidgeError.is(outcome), `the running fit failed with ${String(outcome)}`).toBe(true);
    }
  });
});

describe('predict while training', () => {
  it('is safe from outside: it sees the weights between two steps and leaks nothing', async () => {
    const m = linear();
    await m.fit(X, Y, { epochs: 1, verbose: 0 });
    const baseline = tf.memory().numTensors;
    const running = slowFit(m, 4);
    const outputs: number[][] = [];
    const wanted: number[][] = [];
    while (m.isTraining) {
      const p = m.predict(X) as tf.Tensor;
      outputs.push(Array.from(p.dataSync()));
      wanted.push(expected(m, X));
      p.dispose();
      await tick();
    }
    await running;
    expect(outputs.length).toBeGreaterThan(2);
    outputs.forEach((o, i) => o.forEach((v, j) => expect(v).toBeCloseTo(wanted[i]![j]!, 5)));
    // The weights moved between the calls: predict saw training progress.
    expect(new Set(outputs.map((o) => o.join())).size).toBeGreaterThan(1);
    expect(tf.memory().numTensors).toBe(baseline);
    m.dispose();
  });

  it('is safe from inside a callback, as are evaluate and penalties', async () => {
    const m = linear();
    await m.fit(X, Y, { epochs: 1, verbose: 0 });
    const baseline = tf.memory().numTensors;
    const seen: { predicted: number[]; wanted: number[]; loss: number; penalty: number }[] = [];
    await m.fit(X, Y, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: {
        onBatchEnd: async () => {
          const p = m.predict(X) as tf.Tensor;
          const logs = await m.evaluate(X, Y);
          seen.push({ predicted: Array.from(p.dataSync()), wanted: expected(m, X), loss: logs['loss']!, penalty: m.penalties().total });
          p.dispose();
        },
      },
    });
    expect(seen).toHaveLength(4);
    for (const s of seen) {
      s.predicted.forEach((v, j) => expect(v).toBeCloseTo(s.wanted[j]!, 5));
      const mse = s.wanted.reduce((acc, v, j) => acc + (v - Y[j]![0]!) ** 2, 0) / X.length;
      expect(s.loss).toBeCloseTo(mse + s.penalty, 4);
    }
    expect(tf.memory().numTensors).toBe(baseline);
    m.dispose();
  });
});
