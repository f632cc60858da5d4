/**
 * Faults in the middle of training: a callback that throws, a loss that turns NaN, a plugin
 * (regularizer, loss, optimizer) that throws, an async data iterator that fails. After each, the
 * model trains again, the step that failed changed no weight, and `tf.memory()` is back to the
 * baseline taken after a first, warm-up fit (the optimizer makes its constants on its first step).
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError, type Loss, type Optimizer, type Regularizer, type WeightGradient } from '@ridge/core';
import { dense, earlyStopping, input, model, terminateOnNaN, type BatchSource, type Callback, type Logs, type Model } from '@ridge/layers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caught } from '../support/caught.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const X = [[1, 0], [0, 1], [1, 1], [2, 1], [0.5, -1], [-1, 2]];
const Y = [[1], [2], [3], [4], [-1], [3]];

let counter = 0;
function linear(regularization?: Regularizer, lr = 0.05): Model {
  const name = `fault_${counter++}`;
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name }).apply(inp) });
  m.compile({ optimizer: sgd(lr), loss: 'mse', ...(regularization ? { regularization: { regularizer: regularization, include: 'kernel' } } : {}) });
  return m;
}

function values(m: Model): number[][] {
  const ws = m.getWeights();
  const out = ws.map((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return out;
}

/** Warm up (first step), take the baseline; `after` checks the model trains again and nothing leaked. */
async function warm(m: Model): Promise<{ tensors: number; bytes: number }> {
  await m.fit(X, Y, { epochs: 1, verbose: 0 });
  return { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes };
}

async function trainsAgainAndNothingLeaked(m: Model, baseline: { tensors: number; bytes: number }): Promise<void> {
  expect(m.isTraining, 'fit is over').toBe(false);
  expect(tf.memory().numTensors, 'tensors back to the baseline').toBe(baseline.tensors);
  expect(tf.memory().numBytes, 'bytes back to the baseline').toBe(baseline.bytes);
  const before = values(m);
  const h = await m.fit(X, Y, { epochs: 2, batchSize: 3, verbose: 0 });
  expect(h.history['loss']).toHaveLength(2);
  expect(h.history['loss']!.every(Number.isFinite)).toBe(true);
  expect(values(m), 'the weights moved').not.toEqual(before);
  expect(tf.memory().numTensors, 'and training again leaks nothing').toBe(baseline.tensors);
}

describe('a callback that throws', () => {
  const hooks = ['onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'] as const;
  for (const hook of hooks) {
    for (const async of [false, true]) {
      it(`${hook} (${async ? 'rejects' : 'throws'}): fit rejects with that error, no step is half-applied, nothing leaks`, async () => {
        const m = linear();
        const baseline = await warm(m);
        const boom = new Error(`boom in ${hook}`);
        let calls = 0;
        const seen: number[][][] = [];
        const callback: Callback = {
          onBatchEnd: () => void seen.push(values(m)),
          [hook]: (...args: unknown[]) => {
            void args;
            if (hook === 'onBatchEnd') seen.push(values(m));
            calls++;
            // Fail on the second call where there is one (mid-epoch, mid-fit).
            if (calls === 2 || hook === 'onTrainBegin' || hook === 'onTrainEnd') {
              if (async) return Promise.reject(boom);
              throw boom;
            }
            return undefined;
          },
        };
        const error = await caught(() => m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, callbacks: [callback] }));
        expect(error).toBe(boom);
        // The weights are those after the last completed step: no step was half-applied.
        if (seen.length > 0) expect(values(m)).toEqual(seen[seen.length - 1]);
        await trainsAgainAndNothingLeaked(m, baseline);
        m.dispose();
      });
    }
  }

  it('alongside terminateOnNaN({ restoreLastGood: true }): its weight snapshots are freed too', async () => {
    const m = linear();
    const stop = terminateOnNaN({ restoreLastGood: true });
    const baseline = await warm(m);
    const error = await caught(() =>
      m.fit(X, Y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [stop, { onBatchEnd: (b: number) => { if (b === 1) throw new Error('boom'); } }] }),
    );
    expect((error as Error).message).toBe('boom');
    expect(tf.memory().numTensors, 'no snapshot of the weights is left behind').toBe(baseline.tensors);
    m.dispose();
  });

  it('alongside earlyStopping({ restoreBestWeights: true }): its copy of the best weights is freed too', async () => {
    const m = linear();
    const stopper = earlyStopping({ monitor: 'loss', restoreBestWeights: true, patience: 5 });
    const baseline = await warm(m);
    const error = await caught(() =>
      m.fit(X, Y, { epochs: 4, batchSize: 2, verbose: 0, callbacks: [stopper, { onEpochEnd: (e: number) => { if (e === 1) throw new Error('boom'); } }] }),
    );
    expect((error as Error).message).toBe('boom');
    expect(tf.memory().numTensors, 'no copy of the best weights is left behind').toBe(baseline.tensors);
    m.dispose();
  });
});

/** A loss plugin that turns NaN (or throws) from its n-th call on, until switched off. */
class FlakyLoss implements Loss {
  readonly className = 'reliability>FlakyLoss';
  readonly reduction = 'mean' as const;
  calls = 0;
  failFrom = Number.POSITIVE_INFINITY;
  mode: 'nan' | 'throw' = 'nan';
  apply(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    this.calls++;
    return tf.tidy(() => {
      const mse = tf.mean(tf.squaredDifference(yTrue, yPred));
      // A plugin that validates its result after computing it (ops already on the tape).
      if (this.calls >= this.failFrom && this.mode === 'throw') throw new Error('loss plugin failed');
      return this.calls >= this.failFrom ? tf.mul(mse, Number.NaN) : mse;
    });
  }
  getConfig() {
    return {};
  }
}

function withLoss(loss: Loss): Model {
  const name = `fault_${counter++}`;
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name }).apply(inp) });
  m.compile({ optimizer: sgd(0.05), loss });
  return m;
}

describe('a loss that turns NaN', () => {
  it('terminateOnNaN({ restoreLastGood: true }) stops at that batch and puts back the weights of the last finite loss', async () => {
    const loss = new FlakyLoss();
    const m = withLoss(loss);
    const baseline = await warm(m);
    const stop = terminateOnNaN({ restoreLastGood: true });
    const atBatchBegin: number[][][] = [];
    const losses: number[] = [];
    loss.calls = 0;
    loss.failFrom = 4; // the fourth step of this fit gives NaN
    const h = await m.fit(X, Y, {
      epochs: 5,
      batchSize: 1,
      shuffle: false,
      verbose: 0,
      callbacks: [{ onBatchBegin: () => void atBatchBegin.push(values(m)), onBatchEnd: (_b: number, logs: Logs) => void losses.push(logs['loss']!) }, stop],
    });
    expect(stop.stoppedAtBatch).toBe(3);
    expect(stop.restored).toBe(true);
    expect(losses.slice(0, 3).every(Number.isFinite)).toBe(true);
    expect(Number.isNaN(losses[3])).toBe(true);
    expect(h.history['loss']).toHaveLength(1);
    // Batch 2 gave the last finite loss, computed with the weights seen at its start.
    expect(values(m)).toEqual(atBatchBegin[2]);
    loss.failFrom = Number.POSITIVE_INFINITY;
    await trainsAgainAndNothingLeaked(m, baseline);
    m.dispose();
  });

  it('terminateOnNaN() without restoreLastGood stops at that batch and leaks nothing', async () => {
    const loss = new FlakyLoss();
    const m = withLoss(loss);
    const baseline = await warm(m);
    const stop = terminateOnNaN();
    loss.calls = 0;
    loss.failFrom = 2;
    const h = await m.fit(X, Y, { epochs: 5, batchSize: 2, shuffle: false, verbose: 0, callbacks: [stop] });
    expect(stop.stoppedAtBatch).toBe(1);
    expect(stop.restored).toBe(false);
    expect(h.history['loss']).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(baseline.tensors);
    m.dispose();
  });

  it('a loss plugin that throws after computing part of the loss: fit rejects with its error, the failed step changed nothing, the model trains again', async () => {
    const loss = new FlakyLoss();
    const m = withLoss(loss);
    const baseline = await warm(m);
    const seen: number[][][] = [];
    loss.calls = 0;
    loss.failFrom = 3;
    loss.mode = 'throw';
    const error = await caught(() => m.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: () => void seen.push(values(m)) } }));
    expect((error as Error).message).toBe('loss plugin failed');
    expect(seen).toHaveLength(2);
    expect(values(m)).toEqual(seen[1]);
    loss.failFrom = Number.POSITIVE_INFINITY;
    await trainsAgainAndNothingLeaked(m, baseline);
    m.dispose();
  });
});

/** A regularizer plugin that throws from its n-th training use on. Its probe (at compile) passes. */
class FlakyRegularizer implements Regularizer {
  readonly className = 'reliability>FlakyRegularizer';
  uses = 0;
  failFrom = Number.POSITIVE_INFINITY;
  constructor(readonly where: 'apply' | 'gradient') {
    if (where === 'gradient') (this as Regularizer).gradient = (x: tf.Tensor) => this.grad(x);
  }
  apply(x: tf.Tensor): tf.Scalar {
    if (this.where === 'apply' && ++this.uses >= this.failFrom) throw new Error('regularizer plugin failed in apply');
    return tf.tidy(() => tf.mul(tf.sum(tf.square(x)), 0.01) as tf.Scalar);
  }
  private grad(x: tf.Tensor): tf.Tensor {
    if (++this.uses >= this.failFrom) throw new Error('regularizer plugin failed in gradient');
    return tf.tidy(() => tf.mul(x, 0.02));
  }
  getConfig() {
    return {};
  }
}

describe('a plugin regularizer that throws mid-training', () => {
  for (const where of ['apply', 'gradient'] as const) {
    it(`in ${where}(): fit rejects with its error, the failed step changed nothing, the model trains again`, async () => {
      const reg = new FlakyRegularizer(where);
      const m = linear(reg);
      const baseline = await warm(m);
      const seen: number[][][] = [];
      reg.uses = 0;
      reg.failFrom = 3;
      const error = await caught(() => m.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: () => void seen.push(values(m)) } }));
      expect((error as Error).message).toBe(`regularizer plugin failed in ${where}`);
      expect(seen).toHaveLength(2);
      expect(values(m)).toEqual(seen[1]);
      reg.failFrom = Number.POSITIVE_INFINITY;
      await trainsAgainAndNothingLeaked(m, baseline);
      m.dispose();
    });
  }

  it('in penalties(): the error reaches the caller and nothing leaks', async () => {
    const reg = new FlakyRegularizer('apply');
    const m = linear(reg);
    const baseline = await warm(m);
    reg.uses = 0;
    reg.failFrom = 1;
    expect(() => m.penalties(X)).toThrow('regularizer plugin failed in apply');
    expect(tf.memory().numTensors).toBe(baseline.tensors);
    reg.failFrom = Number.POSITIVE_INFINITY;
    await trainsAgainAndNothingLeaked(m, baseline);
    m.dispose();
  });
});

describe('an optimizer plugin that throws mid-training', () => {
  it('fit rejects with its error, no weight changed in the failed step, nothing leaks', async () => {
    const inner = sgd(0.05);
    let steps = 0;
    let failAt = Number.POSITIVE_INFINITY;
    const flaky: Optimizer = {
      className: 'reliability>FlakyOptimizer',
      get learningRate() {
        return inner.learningRate;
      },
      set learningRate(value: number) {
        inner.learningRate = value;
      },
      get iterations() {
        return inner.iterations;
      },
      applyGradients(gradients: readonly WeightGradient[]) {
        if (++steps === failAt) throw new Error('optimizer plugin failed');
        inner.applyGradients(gradients);
      },
      getConfig: () => ({}),
      dispose: () => inner.dispose(),
    };
    const name = `fault_${counter++}`;
    const inp = input({ shape: [2], name: `${name}_in` });
    const m = model({ inputs: inp, outputs: dense({ units: 1, name }).apply(inp) });
    m.compile({ optimizer: flaky, loss: 'mse' });
    const baseline = await warm(m);
    const seen: number[][][] = [];
    failAt = steps + 2;
    const error = await caught(() => m.fit(X, Y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: () => void seen.push(values(m)) } }));
    expect((error as Error).message).toBe('optimizer plugin failed');
    expect(values(m)).toEqual(seen[0]);
    await trainsAgainAndNothingLeaked(m, baseline);
    m.dispose();
  });
});

describe('an async data iterator that fails', () => {
  function source(fail: { epoch: number; batch: number; how: 'reject' | 'reject-string' | 'bad-shape' | 'nan' | 'disposed' }) {
    let epoch = -1;
    return {
      [Symbol.asyncIterator]() {
        epoch++;
        let batch = 0;
        return {
          async next(): Promise<IteratorResult<BatchSource>> {
            const b = batch++;
            if (b >= 3) return { done: true, value: undefined };
            if (epoch === fail.epoch && b === fail.batch) {
              if (fail.how === 'reject') throw new Error('disk on fire');
              // eslint-disable-next-line @typescript-eslint/only-throw-error
              if (fail.how === 'reject-string') throw 'network gone';
              if (fail.how === 'bad-shape') return { done: false, value: { xs: tf.ones([2, 3]), ys: tf.ones([2, 1]) } };
              if (fail.how === 'nan') return { done: false, value: { xs: tf.tensor2d([[Number.NaN, 1], [1, 1]]), ys: tf.ones([2, 1]) } };
              const gone = tf.ones([2, 2]);
              gone.dispose();
              return { done: false, value: { xs: gone, ys: tf.ones([2, 1]) } };
            }
            return { done: false, value: { xs: tf.tensor2d(X.slice(2 * b, 2 * b + 2)), ys: tf.tensor2d(Y.slice(2 * b, 2 * b + 2)) } };
          },
        };
      },
    };
  }

  const cases: [string, Parameters<typeof source>[0], string, string[]][] = [
    ['next() rejects in epoch 2', { epoch: 1, batch: 1, how: 'reject' }, 'INVALID_DATA', ['batch 1 of epoch 2', 'disk on fire']],
    ['next() rejects with a string', { epoch: 0, batch: 2, how: 'reject-string' }, 'INVALID_DATA', ['batch 2 of epoch 1', 'network gone']],
    ['a batch of the wrong shape', { epoch: 0, batch: 1, how: 'bad-shape' }, 'SHAPE_MISMATCH', ['batch 1 xs', '[2, 3]', '[null, 2]']],
    ['a batch holding NaN', { epoch: 1, batch: 0, how: 'nan' }, 'INVALID_DATA', ['batch 0 xs', 'NaN']],
    ['a batch holding a disposed tensor', { epoch: 0, batch: 1, how: 'disposed' }, 'INVALID_DATA', ['batch 1 xs', 'disposed']],
  ];

  it.each(cases)('%s: a RidgeError naming the batch; its tensors are freed; the model trains again', async (_label, fail, code, parts) => {
    const m = linear();
    const baseline = await warm(m);
    const error = await caught(() => m.fit(source(fail), { epochs: 3, verbose: 0 }));
    expect(RidgeError.is(error, code as never), String(error)).toBe(true);
    for (const part of parts) expect((error as Error).message).toContain(part);
    await trainsAgainAndNothingLeaked(m, baseline);
    m.dispose();
  });

  function closable() {
    const state = { closed: 0, pending: [] as tf.Tensor[] };
    const iterable = {
      async *[Symbol.asyncIterator]() {
        try {
          for (let b = 0; b < 3; b++) yield { xs: tf.tensor2d(X.slice(2 * b, 2 * b + 2)), ys: tf.tensor2d(Y.slice(2 * b, 2 * b + 2)) };
        } finally {
          state.closed++;
        }
      },
    };
    return { state, iterable };
  }

  it('when fit stops early on an error, it closes the iterator (its finally blocks run)', async () => {
    const m = linear();
    await warm(m);
    const { state, iterable } = closable();
    await caught(() => m.fit(iterable, { epochs: 1, verbose: 0, callbacks: { onBatchEnd: (b: number) => { if (b === 0) throw new Error('boom'); } } }));
    expect(state.closed, 'iterator.return() was called').toBe(1);
    m.dispose();
  });

  it('when fit stops early on stopTraining, it closes the iterator (its finally blocks run)', async () => {
    const m = linear();
    await warm(m);
    const { state, iterable } = closable();
    await m.fit(iterable, { epochs: 1, verbose: 0, callbacks: { onBatchEnd: (b: number) => { if (b === 0) m.stopTraining = true; } } });
    expect(state.closed, 'iterator.return() was called').toBe(1);
    m.dispose();
  });
});
