import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, earlyStopping, input, model, terminateOnNaN, type Logs, type Model } from '../index.js';

useCpu();

function linear(name: string, lr = 0.1): Model {
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name, kernelInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: sgd(lr), loss: 'mse' });
  return m;
}

const X = [[1, 0], [0, 1], [1, 1], [2, 1]];
const Y = [[1], [2], [3], [4]];

describe('fit inputs', () => {
  it('takes nested arrays and tensors alike, leaving no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const a = linear('arrays');
    const fromArrays = await a.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false });
    const b = linear('tensors');
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const fromTensors = await b.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false });
    expect(fromTensors.history['loss']).toEqual(fromArrays.history['loss']);
    expect(x.isDisposed).toBe(false);
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes an async iterable of batches, re-iterated every epoch; the same numbers as arrays', async () => {
    const before = tf.memory().numTensors;
    const batches = {
      async *[Symbol.asyncIterator]() {
        yield { xs: tf.tensor2d(X.slice(0, 2)), ys: tf.tensor2d(Y.slice(0, 2)) };
        yield [X.slice(2), Y.slice(2)] as const;
      },
    };
    const it1 = linear('iter');
    const h = await it1.fit(batches, { epochs: 2 });
    const ref = linear('iter_ref');
    const r = await ref.fit(X, Y, { epochs: 2, batchSize: 2, shuffle: false });
    expect(h.history['loss']![0]).toBeCloseTo(r.history['loss']![0]!, 6);
    expect(h.history['loss']![1]).toBeCloseTo(r.history['loss']![1]!, 6);
    expect(h.params.steps).toBe(2);
    it1.dispose();
    ref.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a one-shot generator runs out after the first epoch: a clear error', async () => {
    const m = linear('oneshot');
    async function* once() {
      yield [X, Y] as const;
    }
    const error = await caught(() => m.fit(once(), { epochs: 2 }));
    expect(error).toMatchObject({ code: 'INVALID_DATA', message: expect.stringContaining('gave no batches in epoch 2') });
    m.dispose();
  });

  it('an iterator that fails mid-epoch is INVALID_DATA, and leaves nothing behind', async () => {
    const m = linear('failing');
    await m.fit(X, Y, { epochs: 1 }); // the optimizer creates its constants on the first step
    const before = tf.memory().numTensors;
    const batches = {
      async *[Symbol.asyncIterator]() {
        yield { xs: tf.tensor2d(X), ys: tf.tensor2d(Y) };
        throw new Error('disk on fire');
      },
    };
    const error = await caught(() => m.fit(batches, { epochs: 1 }));
    expect(error).toMatchObject({ code: 'INVALID_DATA', message: expect.stringContaining('disk on fire') });
    expect(tf.memory().numTensors).toBe(before);
    // and the model trains again
    const h = await m.fit(X, Y, { epochs: 1 });
    expect(h.history['loss']).toHaveLength(1);
    m.dispose();
  });

  it('options that only apply to x and y are refused with batches, before the iterable is started', async () => {
    const m = linear('batch_opts');
    const before = tf.memory().numTensors;
    const kernelOf = (): number[] => {
      const weights = m.getLayer('batch_opts').getWeights();
      const values = numbers(weights[0]!);
      tf.dispose(weights);
      return values;
    };
    const kernel = kernelOf();
    let started = 0;
    const batches = {
      // eslint-disable-next-line require-yield
      async *[Symbol.asyncIterator]() {
        started++;
        throw new Error('must not be iterated');
      },
    };
    for (const [option, value, instead] of [
      ['batchSize', 2, 'yield batches of the size you want'],
      ['validationSplit', 0.2, 'validationData'],
      ['sampleWeight', [1, 1, 1, 1], '{ xs, ys, sampleWeight }'],
      ['classWeight', { 0: 2 }, '{ xs, ys, sampleWeight }'],
    ] as const) {
      const error = (await caught(() => m.fit(batches, { epochs: 1, [option]: value }))) as Error;
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: option } });
      expect(error.message).toContain(`fit(batches): ${option}`);
      expect(error.message).toContain(instead);
    }
    expect(started).toBe(0);
    expect(m.optimizer!.iterations).toBe(0);
    expect(kernelOf()).toEqual(kernel);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('sample weights and class weights scale each sample as Keras does', async () => {
    // zero kernel and bias: predictions are 0, so each sample's loss is y^2
    const m = linear('weights', 0);
    const plain = await m.evaluate(X, Y);
    expect(plain['loss']).toBeCloseTo((1 + 4 + 9 + 16) / 4, 5);
    const weighted = await m.fit(X, Y, { epochs: 1, batchSize: 4, sampleWeight: [1, 0, 0, 1], shuffle: false });
    // Keras: sum(w * loss) / batch size
    expect(weighted.history['loss']![0]).toBeCloseTo((1 + 16) / 4, 5);
    const classes = linear('classes', 0);
    classes.compile({ optimizer: sgd(0), loss: 'mse' });
    const byClass = await classes.fit([[1, 0], [0, 1]], [[0], [1]], { epochs: 1, batchSize: 2, classWeight: { 0: 3, 1: 0.5 } });
    // y = [0, 1]: losses [0, 1], weights [3, 0.5] -> (0*3 + 1*0.5) / 2
    expect(byClass.history['loss']![0]).toBeCloseTo(0.25, 5);
    m.dispose();
    classes.dispose();
  });

  it('validationData and validationSplit (the last samples, before shuffling)', async () => {
    const m = linear('val', 0);
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 4, validationSplit: 0.25 });
    // held out: the last sample, y = 4 -> val loss 16; trained on 1,2,3 -> (1+4+9)/3
    expect(h.history['val_loss']![0]).toBeCloseTo(16, 5);
    expect(h.history['loss']![0]).toBeCloseTo(14 / 3, 5);
    const v = await m.fit(X, Y, { epochs: 1, batchSize: 4, validationData: [[[0, 0]], [[2]]] });
    expect(v.history['val_loss']![0]).toBeCloseTo(4, 5);
    m.dispose();
  });

  it("validationSplit rounds as Keras does: floor(n * (1 - split)) samples train, the rest validate", async () => {
    // 4 samples: 0.3 trains on floor(2.8) = 2 (y = 1, 2) and validates on y = 3, 4; 0.1 trains on
    // floor(3.6) = 3 and validates on 1 (rounding the validation part down would leave it empty).
    for (const [split, loss, valLoss] of [[0.3, (1 + 4) / 2, (9 + 16) / 2], [0.1, 14 / 3, 16]] as const) {
      const m = linear(`split_${String(split).replace(".", "_")}`, 0);
      const h = await m.fit(X, Y, { epochs: 1, batchSize: 4, validationSplit: split, verbose: 0 });
      expect(h.history['loss']![0], `split ${split}`).toBeCloseTo(loss, 5);
      expect(h.history['val_loss']![0], `split ${split}`).toBeCloseTo(valLoss, 5);
      m.dispose();
    }
  });
});

describe('weights must be finite and >= 0', () => {
  const RULE = 'weights must be finite and >= 0; use 0 to leave a sample out';

  it('negative or non-finite weights are refused naming the argument, index and value; nothing changes', async () => {
    const m = linear('negw');
    await m.fit(X, Y, { epochs: 1 }); // the optimizer has state and the model has trained
    const snapshot = () => {
      const ws = m.getWeights();
      const values = ws.map(numbers);
      tf.dispose(ws);
      return values;
    };
    const weights = snapshot();
    const iterations = m.optimizer!.iterations;
    const negTensor = tf.tensor1d([1, 1, -0.5, 1]);
    const infTensor = tf.tensor1d([1, Infinity, 1, 1]);
    const before = tf.memory().numTensors;
    // Class weights are an option (INVALID_ARGUMENT, as they always were); the rest is data.
    const cases: [string, () => unknown, string, Record<string, unknown>][] = [
      ['fit sampleWeight arrays', () => m.fit(X, Y, { sampleWeight: [1, -1, 1, 1] }), 'fit: sampleWeight[1] is -1;', { argument: 'sampleWeight', index: 1, received: -1 }],
      ['fit sampleWeight tensor', () => m.fit(X, Y, { sampleWeight: negTensor }), 'fit: sampleWeight[2] is -0.5;', { argument: 'sampleWeight', index: 2, received: -0.5 }],
      ['fit sampleWeight Infinity', () => m.fit(X, Y, { sampleWeight: infTensor }), 'fit: sampleWeight[1] is Infinity;', { argument: 'sampleWeight', index: 1, received: Infinity }],
      ['fit classWeight', () => m.fit(X, Y, { classWeight: { 1: 1, 3: -2 } }), 'fit: classWeight[3] is -2;', { argument: 'classWeight', index: 3, received: -2 }],
      ['fit classWeight -Infinity', () => m.fit(X, Y, { classWeight: { 2: -Infinity } }), 'fit: classWeight[2] is -Infinity;', { argument: 'classWeight', index: 2, received: -Infinity }],
      ['fit classWeight beyond float32', () => m.fit(X, Y, { classWeight: { 1: 1e39 } }), 'fit: classWeight[1] is 1e+39 (Infinity in float32);', { argument: 'classWeight', index: 1, received: 1e39 }],
      [
        'fit sampleWeight times classWeight beyond float32',
        () => m.fit(X, Y, { sampleWeight: [1, 1, 1e30, 1], classWeight: { 3: 1e30 } }),
        `fit: sampleWeight[2] (${Math.fround(1e30)}) times its classWeight (${Math.fround(1e30)}) is Infinity in float32;`,
        { argument: 'sampleWeight', index: 2 },
      ],
      ['fit validationData weights', () => m.fit(X, Y, { validationData: [X, Y, [1, 1, 1, -3]] }), 'fit: validationData[2][3] is -3;', { argument: 'validationData[2]', index: 3, received: -3 }],
      ['evaluate sampleWeight', () => m.evaluate(X, Y, { sampleWeight: [0, 0, -0.25, 1] }), 'evaluate: sampleWeight[2] is -0.25;', { argument: 'sampleWeight', index: 2, received: -0.25 }],
    ];
    for (const [label, call, message, details] of cases) {
      const error = (await caught(call)) as Error & { details: unknown };
      expect(error, label).toMatchObject({ code: label.startsWith('fit classWeight') ? 'INVALID_ARGUMENT' : 'INVALID_DATA', details });
      expect(error.message, label).toContain(message);
      expect(error.message, label).toContain(RULE);
      expect(tf.memory().numTensors, label).toBe(before);
      expect(m.optimizer!.iterations, label).toBe(iterations);
      expect(snapshot(), label).toEqual(weights);
    }
    expect(negTensor.isDisposed).toBe(false);
    tf.dispose([negTensor, infTensor]);
    m.dispose();
  });

  it('fit(batches) checks each batch\'s weights before its step (tensors and arrays); zero passes', async () => {
    const m = linear('negbatches');
    await m.fit(X, Y, { epochs: 1 });
    const before = tf.memory().numTensors;
    for (const [bad, message, received] of [
      [() => tf.tensor1d([-2, 1]), 'fit: batch 1 sampleWeight[0] is -2;', -2],
      [() => [1, -0.5], 'fit: batch 1 sampleWeight[1] is -0.5;', -0.5],
      [() => new Float32Array([Number.POSITIVE_INFINITY, 1]), 'fit: batch 1 sampleWeight[0] is Infinity;', Number.POSITIVE_INFINITY],
      [() => tf.tensor1d([1, Number.NaN]), 'fit: batch 1 sampleWeight[1] is NaN;', Number.NaN],
    ] as const) {
      const iterations = m.optimizer!.iterations;
      const batches = {
        *[Symbol.iterator]() {
          yield { xs: tf.tensor2d(X.slice(0, 2)), ys: tf.tensor2d(Y.slice(0, 2)), sampleWeight: [0, 1] };
          yield { xs: tf.tensor2d(X.slice(2)), ys: tf.tensor2d(Y.slice(2)), sampleWeight: bad() };
        },
      };
      const error = (await caught(() => m.fit(batches, { epochs: 1 }))) as Error;
      expect(error, message).toMatchObject({ code: 'INVALID_DATA', details: { argument: 'batch 1 sampleWeight', received } });
      expect(error.message).toContain(message);
      expect(error.message).toContain(RULE);
      // the first batch (a zero weight included) took its step; the bad one did not
      expect(m.optimizer!.iterations).toBe(iterations + 1);
      expect(tf.memory().numTensors, message).toBe(before);
    }
    m.dispose();
  });

  it('zero weights leave samples out of fit, validation and evaluate', async () => {
    // four samples, batch of 4, weights [1, 0, 0, 0]: sum(w * loss) / 4 is the loss of the first
    // sample alone with a quarter of the learning rate
    const masked = linear('masked', 0.1);
    const alone = linear('alone', 0.025);
    const h = await masked.fit(X, Y, { epochs: 3, batchSize: 4, shuffle: false, sampleWeight: [1, 0, 0, 0] });
    await alone.fit(X.slice(0, 1), Y.slice(0, 1), { epochs: 3, batchSize: 1, shuffle: false });
    expect(masked.optimizer!.iterations).toBe(3);
    const [a, b] = [masked.getWeights(), alone.getWeights()];
    a.forEach((w, i) => numbers(w).forEach((v, j) => expect(v).toBeCloseTo(numbers(b[i]!)[j]!, 5)));
    expect(numbers(a[0]!).some((v) => v !== 0)).toBe(true);
    tf.dispose([...a, ...b]);
    expect(h.history['loss']).toHaveLength(3);

    // a class weight of 0 (y = 1 is class 1) and zero weights in validationData and evaluate;
    // a zero model predicts 0, so each sample's loss is y^2
    const still = linear('still', 0);
    const byClass = await still.fit(X, Y, { epochs: 1, batchSize: 4, classWeight: { 1: 0 }, validationData: [X, Y, [0, 0, 0, 1]] });
    expect(byClass.history['loss']![0]).toBeCloseTo((4 + 9 + 16) / 4, 5);
    expect(byClass.history['val_loss']![0]).toBeCloseTo(16 / 4, 5);
    const logs = await still.evaluate(X, Y, { sampleWeight: [0, 1, 0, 0] });
    expect(logs['loss']).toBeCloseTo(4 / 4, 5);
    masked.dispose();
    alone.dispose();
    still.dispose();
  });
});

describe('callbacks', () => {
  it('onEpochEnd and onBatchEnd see the logs; stopTraining stops', async () => {
    const m = linear('cb');
    const epochs: number[] = [];
    const batchLosses: number[] = [];
    const h = await m.fit(X, Y, {
      epochs: 10,
      batchSize: 2,
      shuffle: false,
      callbacks: {
        onBatchEnd: (_b: number, logs: Logs) => void batchLosses.push(logs['loss']!),
        onEpochEnd: (epoch: number) => {
          epochs.push(epoch);
          if (epoch === 2) m.stopTraining = true;
        },
      },
    });
    expect(epochs).toEqual([0, 1, 2]);
    expect(h.history['loss']).toHaveLength(3);
    expect(batchLosses).toHaveLength(6);
    // the epoch's loss is the sample-weighted mean of its batches (equal batches: the mean)
    expect(h.history['loss']![0]).toBeCloseTo((batchLosses[0]! + batchLosses[1]!) / 2, 5);
    m.dispose();
  });

  it('early stopping restores the best weights', async () => {
    const m = linear('early', 0.1);
    let calls = 0;
    const stopper = earlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    // make epoch 2 onwards worse by sabotaging the weights after epoch 1
    const h = await m.fit(X, Y, {
      epochs: 20,
      batchSize: 4,
      callbacks: [
        stopper,
        {
          onEpochEnd: (epoch: number) => {
            calls++;
            if (epoch >= 1) (m.getLayer('early') as ReturnType<typeof dense>).kernel.assign(tf.fill([2, 1], 100 + epoch));
          },
        },
      ],
    });
    // patience 1: the first epoch without improvement (epoch 2, after the sabotage) stops training
    expect(stopper.bestEpoch).toBe(1);
    expect(stopper.stoppedEpoch).toBe(2);
    expect(h.history['loss']).toHaveLength(3);
    expect(calls).toBe(3);
    // restored: not the sabotaged 100+ values
    expect(Math.max(...numbers((m.getLayer('early') as ReturnType<typeof dense>).kernel.read()))).toBeLessThan(50);
    m.dispose();
  });

  it('terminateOnNaN stops at the first NaN loss; a throwing callback leaks nothing and the model trains again', async () => {
    const m = linear('nan', 1e6);
    const stop = terminateOnNaN();
    const big = [[1e6, 1e6], [1e6, -1e6]];
    const h = await m.fit(big, [[1], [2]], { epochs: 50, batchSize: 1, callbacks: [stop] });
    expect(stop.stoppedAtBatch).toBeGreaterThanOrEqual(0);
    expect(h.history['loss']!.length).toBeLessThan(50);
    const before = tf.memory().numTensors;
    const error = await caught(() =>
      m.fit(X, Y, { epochs: 3, callbacks: { onEpochEnd: (e: number) => { if (e === 1) throw new Error('callback boom'); } } }),
    );
    expect((error as Error).message).toBe('callback boom');
    expect(tf.memory().numTensors).toBe(before);
    expect(m.isTraining).toBe(false);
    m.dispose();
  });
});

describe('stop on NaN with restoreLastGood', () => {
  it('puts back the weights that gave the last finite loss, and trains again from them', async () => {
    const m = linear('restore', 0.01);
    const layer = m.getLayer('restore') as ReturnType<typeof dense>;
    const losses: number[] = [];
    const weightsSeen: number[][] = [];
    const stop = terminateOnNaN({ restoreLastGood: true });
    // a fault after batch 1 (a misbehaving plugin, say) poisons the kernel: batch 2's loss is NaN
    await m.fit(X, Y, {
      epochs: 1,
      batchSize: 1,
      shuffle: false,
      callbacks: [
        {
          onBatchBegin: () => void weightsSeen.push(numbers(layer.kernel.read())),
          onBatchEnd: (b: number, logs: Logs) => {
            losses.push(logs['loss']!);
            if (b === 1) layer.kernel.assign(tf.fill([2, 1], Number.NaN));
          },
        },
        stop,
      ],
    });
    expect(stop.stoppedAtBatch).toBe(2);
    expect(Number.isNaN(losses[2])).toBe(true);
    expect(stop.restored).toBe(true);
    // batch 1's loss (the last finite one) was computed with the weights seen at its start
    expect(numbers(layer.kernel.read())).toEqual(weightsSeen[1]);
    expect(numbers(layer.kernel.read()).every(Number.isFinite)).toBe(true);
    const again = await m.fit(X, Y, { epochs: 2 });
    expect(again.history['loss']!.every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it("a non-finite loss on the fit's first batch puts back the weights from before the fit", async () => {
    const m = linear('first_nan', 0.01);
    const layer = m.getLayer('first_nan') as ReturnType<typeof dense>;
    layer.kernel.assign(tf.tensor2d([[0.5], [-0.25]]));
    const before = numbers(layer.kernel.read());
    const stop = terminateOnNaN({ restoreLastGood: true });
    // a finite but huge input: 0.5 * 1e30 squared is 2.5e59, beyond float32, so batch 0's loss is
    // Infinity, and its gradient sends the kernel to +-Infinity
    const h = await m.fit([[1e30, 1], [1, 1]], [[1], [2]], { epochs: 3, batchSize: 1, shuffle: false, callbacks: [stop] });
    expect(stop.stoppedAtBatch).toBe(0);
    expect(Number.isFinite(h.history['loss']![0])).toBe(false);
    expect(stop.restored).toBe(true);
    expect(numbers(layer.kernel.read())).toEqual(before);
    m.dispose();
  });
});

describe('refused calls leave the model as it was', () => {
  it('a second fit while one runs is BUSY; predict while training is safe', async () => {
    const m = linear('busy');
    const running = m.fit(X, Y, { epochs: 30, batchSize: 1, callbacks: { onBatchEnd: () => new Promise((r) => setTimeout(r, 1)) } });
    await new Promise((r) => setTimeout(r, 5));
    expect(m.isTraining).toBe(true);
    const error = await caught(() => m.fit(X, Y));
    expect(error).toMatchObject({ code: 'BUSY', message: expect.stringContaining('fit is already running') });
    const p = m.predict(X) as tf.Tensor;
    expect(p.shape).toEqual([4, 1]);
    p.dispose();
    await running;
    expect(m.isTraining).toBe(false);
    m.dispose();
  });

  it('bad data and options: RidgeErrors naming the argument and value; weights and tensors unchanged', async () => {
    const m = linear('badin');
    await m.fit(X, Y, { epochs: 1 });
    const weights = m.getWeights();
    const infinite = tf.tensor2d([[Infinity, 1]]);
    const before = tf.memory().numTensors;
    const cases: [() => unknown, string, RegExp][] = [
      [() => m.fit([[1, 2, 3]], [[1]]), 'SHAPE_MISMATCH', /x has shape \[1, 3\]; 'badin_in' expects \[null, 2\]/],
      [() => m.fit(X, [[1]]), 'INVALID_DATA', /x has 4 samples but y has 1/],
      [() => m.fit([[1, Number.NaN]], [[1]]), 'INVALID_DATA', /x holds NaN/],
      [() => m.fit(infinite, [[1]]), 'INVALID_DATA', /x holds NaN or Infinity/],
      [() => m.fit([], []), 'INVALID_DATA', /x is empty|x has shape \[0\]/],
      [() => m.fit([[1, 'a']] as never, [[1]]), 'INVALID_DATA', /x must hold only numbers; found "a"/],
      [() => m.fit(X, Y, { epochs: 0 }), 'INVALID_ARGUMENT', /epochs must be an integer >= 1; received 0/],
      [() => m.fit(X, Y, { batchSize: 1.5 }), 'INVALID_ARGUMENT', /batchSize must be an integer >= 1; received 1.5/],
      [() => m.fit(X, Y, { validationSplit: 1 }), 'INVALID_ARGUMENT', /validationSplit must be a number in \(0, 1\); received 1/],
      [() => m.fit(X, Y, { epoch: 3 } as never), 'INVALID_ARGUMENT', /unknown option "epoch" \(did you mean 'epochs'\?\); options: epochs, batchSize/],
      [() => m.fit(X, Y, { batch_size: 2 } as never), 'INVALID_ARGUMENT', /^fit: unknown option "batch_size" \(did you mean 'batchSize'\?\)/],
      [() => m.evaluate(X, Y, { batchSize: 0 }), 'INVALID_ARGUMENT', /batchSize must be an integer >= 1; received 0/],
      [() => m.evaluate(X, Y, { batch_size: 2 } as never), 'INVALID_ARGUMENT', /^evaluate: unknown option "batch_size" \(did you mean 'batchSize'\?\); options: batchSize, sampleWeight, verbose\.$/],
      [() => m.evaluate(X, Y, null as never), 'INVALID_ARGUMENT', /^evaluate: options must be an object; received null\.$/],
      [() => m.predict(X, { batch_size: 2 } as never), 'INVALID_ARGUMENT', /^predict: unknown option "batch_size" \(did you mean 'batchSize'\?\); options: batchSize, verbose\.$/],
      [() => m.predict(X, 8 as never), 'INVALID_ARGUMENT', /^predict: options must be an object; received 8\.$/],
      [() => m.predict([[1, 2, 3]]), 'SHAPE_MISMATCH', /expects \[null, 2\]/],
    ];
    for (const [fn, code, message] of cases) {
      const error = await caught(fn);
      expect(error, String(message)).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(tf.memory().numTensors, String(message)).toBe(before);
    }
    const now = m.getWeights();
    now.forEach((w, i) => expect(numbers(w)).toEqual(numbers(weights[i]!)));
    tf.dispose([...weights, ...now, infinite]);
    m.dispose();
  });

  it('bad layer arguments name the layer, the argument and the value', () => {
    expect(() => dense({ units: 0, name: 'zero_units' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: "Dense 'zero_units': units must be an integer >= 1; received 0." }));
    expect(() => dense({ units: 2, name: 'bad_act', activation: 'relux' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NAME', message: expect.stringMatching(/^Dense 'bad_act': activation: Unknown activation "relux"/) }),
    );
    expect(() => dense({ units: 2, name: 'bad_reg', kernelRegularizer: 'l3' as never })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NAME', message: expect.stringMatching(/^Dense 'bad_reg': kernelRegularizer: Unknown regularizer "l3"\. Did you mean/) }),
    );
  });

  it('a wrong input shape for a layer names the layer and both shapes', () => {
    const inp = input({ shape: [3] });
    const d = dense({ units: 2, name: 'shape_check' });
    d.apply(inp);
    expect(() => d.apply(tf.ones([2, 4]))).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', message: "Dense 'shape_check': expected inputs of rank >= 2 whose last dimension is 3; received shape [2, 4]." }),
    );
    d.dispose();
  });
});

describe('multiple inputs and outputs', () => {
  it('trains with a loss per output and logs each output', async () => {
    const a = input({ shape: [2], name: 'in_a' });
    const b = input({ shape: [3], name: 'in_b' });
    const ha = dense({ units: 2, name: 'head_a' }).apply(a);
    const hb = dense({ units: 1, name: 'head_b', activation: 'sigmoid' }).apply(b);
    const m = model({ inputs: [a, b], outputs: [ha, hb] });
    m.compile({ optimizer: 'adam', loss: { head_a: 'mse', head_b: 'binaryCrossentropy' }, metrics: { head_b: ['accuracy'] } });
    const h = await m.fit({ in_a: tf.ones([4, 2]), in_b: tf.ones([4, 3]) }, [tf.zeros([4, 2]), tf.ones([4, 1])], { epochs: 2, batchSize: 2 });
    expect(Object.keys(h.history).sort()).toEqual(['data_loss', 'head_a_loss', 'head_b_accuracy', 'head_b_loss', 'loss', 'penalty']);
    expect(h.history['data_loss']![0]).toBeCloseTo(h.history['head_a_loss']![0]! + h.history['head_b_loss']![0]!, 5);
    const out = m.predict([tf.ones([1, 2]), tf.ones([1, 3])]) as tf.Tensor[];
    expect(out.map((t) => t.shape)).toEqual([[1, 2], [1, 1]]);
    tf.dispose(out);
    m.dispose();
  });
});

describe('callbacks are checked before the first step', () => {
  it('a hook that is not a function, or an unknown on... hook, is INVALID_ARGUMENT naming it; nothing trains', async () => {
    const m = linear('hooks', 0.1);
    const before = m.getWeights().map((w) => numbers(w));
    const cases: [unknown, RegExp][] = [
      [[{ onEpochEnd: 5 }], /^fit: callbacks\[0\]\.onEpochEnd must be a function; received 5\.$/],
      [{ onBatchEnd: 'x' }, /^fit: callbacks\.onBatchEnd must be a function; received "x"\.$/],
      [[{}, { onEpochEnds: () => {} }], /^fit: callbacks\[1\] has an unknown hook "onEpochEnds" \(did you mean 'onEpochEnd'\?\)/],
    ];
    for (const [callbacks, message] of cases) {
      const error = await caught(() => m.fit(X, Y, { epochs: 2, verbose: 0, callbacks: callbacks as never }));
      expect(error, String(message)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    }
    expect(m.optimizer!.iterations).toBe(0);
    expect(m.getWeights().map((w) => numbers(w))).toEqual(before);
    // Built-in callbacks (classes, whose hooks are methods) pass.
    const h = await m.fit(X, Y, { epochs: 2, verbose: 0, callbacks: [earlyStopping({ monitor: 'loss', patience: 5 }), terminateOnNaN()] });
    expect(h.epoch).toEqual([0, 1]);
    m.dispose();
  });
});

describe('earlyStopping follows Keras 3', () => {
  /** Runs the callback over monitored values, one per epoch, as fit would; returns what it did. */
  function run(values: readonly number[], args: Parameters<typeof earlyStopping>[0]) {
    const stopper = earlyStopping({ monitor: 'val_loss', ...args });
    // The model's "weights" are the epoch they were read at, so restoring shows which epoch's came back.
    let epochNow = -1;
    let restored: number | undefined;
    const fake = {
      stopTraining: false,
      getWeights: () => [tf.scalar(epochNow)],
      setWeights: (w: readonly tf.Tensor[]) => void (restored = w[0]!.dataSync()[0]),
    };
    stopper.setModel(fake);
    stopper.onTrainBegin();
    let epochs = 0;
    for (let e = 0; e < values.length && !fake.stopTraining; e++, epochs++) {
      epochNow = e;
      stopper.onEpochEnd(e, { val_loss: values[e]! });
    }
    stopper.onTrainEnd();
    return { epochs, stopped: stopper.stoppedEpoch, best: stopper.bestEpoch, restored };
  }

  const LOSSES = [1.0, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99];

  it('patience p stops after p epochs without improvement (0 as 1), never at the first epoch', () => {
    // Best at epoch 1; epochs 2, 3, ... do not improve. Keras: wait counts epochs since the last
    // improvement and stops once wait >= patience.
    expect([0, 1, 2, 3].map((patience) => run(LOSSES, { patience }).stopped)).toEqual([2, 2, 3, 4]);
    expect(run([5, 6], { patience: 0 }).stopped).toBe(1);
    expect(run([5], { patience: 0 }).stopped).toBe(-1);
    // minDelta: 0.9 is not an improvement on 1.0 by more than 0.2, so epoch 1 already counts.
    expect(run(LOSSES, { patience: 1, minDelta: 0.2 }).stopped).toBe(1);
  });

  it('baseline: improvements that do not beat it still count towards patience', () => {
    const values = [0.5, 0.45, 0.46, 0.47];
    expect(run(values, { patience: 2 }).stopped).toBe(3); // best 0.45 at epoch 1; 2 epochs without improvement
    // With baseline 0.4 no epoch beats it, so the count never restarts: epoch 2 is the third epoch counted.
    expect(run(values, { patience: 2, baseline: 0.4 }).stopped).toBe(2);
    // A baseline the values beat changes nothing.
    expect(run(values, { patience: 2, baseline: 0.6 }).stopped).toBe(3);
  });

  it('startFromEpoch: the epochs before it are not watched', () => {
    const rising = [1, 2, 3, 4, 5];
    expect(run(rising, { patience: 0 }).stopped).toBe(1);
    expect(run(rising, { patience: 0, startFromEpoch: 2 }).stopped).toBe(3);
  });

  it('restoreBestWeights restores the best epoch when training ends, stopped early or not', () => {
    expect(run(LOSSES, { patience: 1, restoreBestWeights: true })).toMatchObject({ stopped: 2, best: 1, restored: 1 });
    // Not stopped (patience longer than the run): still restored, as Keras 3 does.
    expect(run(LOSSES, { patience: 50, restoreBestWeights: true })).toMatchObject({ stopped: -1, best: 1, restored: 1, epochs: LOSSES.length });
    expect(run(LOSSES, { patience: 50 }).restored).toBeUndefined();
  });

  it('a monitor missing from the logs warns once and lets training go on, as Keras does', async () => {
    const m = linear('early_missing', 0.1);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const h = await m.fit(X, Y, { epochs: 3, verbose: 0, callbacks: [earlyStopping({ patience: 0 })] });
      expect(h.epoch).toEqual([0, 1, 2]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/monitor 'val_loss' is not in the logs.*available: loss.*validationSplit/);
    } finally {
      warn.mockRestore();
      m.dispose();
    }
  });

  it('refuses unknown options (naming the closest) and bad values, as fit does', () => {
    const cases: [Parameters<typeof earlyStopping>[0], RegExp][] = [
      [{ patiense: 2 } as never, /earlyStopping: unknown option "patiense" \(did you mean 'patience'\?\)/],
      [{ baseline: Number.NaN }, /earlyStopping: baseline must be a finite number; received NaN/],
      [{ startFromEpoch: -1 }, /earlyStopping: startFromEpoch must be an integer >= 0; received -1/],
      [{ verbose: 2 as 0 }, /earlyStopping: verbose must be 0 or 1; received 2/],
      [{ restoreBestWeights: 'yes' as never }, /earlyStopping: restoreBestWeights must be true or false; received "yes"/],
    ];
    for (const [args, message] of cases) {
      let error: unknown;
      try {
        earlyStopping(args);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(args)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
    }
  });
});
