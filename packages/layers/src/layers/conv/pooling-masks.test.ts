import { initBackend } from '@ridge/backend';
import '@ridge/losses';
import '@ridge/optimizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { batchNormalization, conv1d, dense, embedding, flatten, globalAveragePooling1d, globalMaxPooling1d, input, lstm, masking, maxPooling1d, model, sequential, InputLayer, type Model } from '../../index.js';
import { maskSource } from '../../model/masking.js';
import { caughtRidgeError, expectClose, seedWeights } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function numbers(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Keras 3's masked mean over the steps, written out: sum of the kept steps / their count, per channel. */
function maskedMean(x: number[][][], mask: number[][]): number[] {
  return x.flatMap((row, b) => {
    const kept = row.filter((_, t) => mask[b]![t] !== 0);
    return row[0]!.map((_, c) => kept.reduce((s, step) => s + step[c]!, 0) / kept.length);
  });
}

describe('GlobalAveragePooling1D with a mask', () => {
  it('averages the unmasked steps only (a bool or a 0/1 mask), with keepdims too', () => {
    const rows = [
      [[1, 2], [3, 4], [5, 6]],
      [[-1, 0], [10, 10], [2, 8]],
    ];
    const maskRows = [
      [1, 0, 1],
      [0, 0, 1],
    ];
    const x = tf.tensor3d(rows);
    const expected = maskedMean(rows, maskRows);
    // By hand: row 0 keeps steps 0 and 2, (1 + 5) / 2 = 3 and (2 + 6) / 2 = 4; row 1 keeps step 2.
    expect(expected).toEqual([3, 4, 2, 8]);
    const asFloat = tf.tensor2d(maskRows);
    const asBool = tf.cast(asFloat, 'bool');
    const y = globalAveragePooling1d().apply(x, { mask: asFloat });
    const yb = globalAveragePooling1d().apply(x, { mask: asBool });
    const yk = globalAveragePooling1d({ keepdims: true }).apply(x, { mask: asBool });
    expectClose(y, expected, 6);
    expectClose(yb, expected, 6);
    expect(yk.shape).toEqual([2, 1, 2]);
    expectClose(yk, expected, 6);
    tf.dispose([x, asFloat, asBool, y, yb, yk]);
  });

  it('a NaN at a masked step stays out (where, not multiply, as Keras); a row with every step masked is 0 / 0 = NaN, as Keras', () => {
    const x = tf.tensor3d([[[Number.NaN], [4]], [[1], [2]]]);
    const mask = tf.tensor2d([
      [0, 1],
      [0, 0],
    ]);
    const y = globalAveragePooling1d().apply(x, { mask });
    const [a, b] = numbers(y);
    expect(a).toBe(4);
    expect(b).toBeNaN();
    tf.dispose([x, mask, y]);
  });

  it("the gradient is the formula's: 1 / (unmasked steps) at each unmasked step, 0 at masked ones", () => {
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6], [7, 8]]]);
    const mask = tf.tensor2d([[1, 1, 0, 1]]);
    const r = tf.tensor2d([[2, -1]]);
    const layer = globalAveragePooling1d();
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { mask }) as tf.Tensor, r)))(x);
    // d/dx[t, c] of sum_c r[c] * sum_{kept t} x[t, c] / 3.
    expectClose(g, [2 / 3, -1 / 3, 2 / 3, -1 / 3, 0, 0, 2 / 3, -1 / 3], 6);
    tf.dispose([x, mask, r, g]);
  });

  it('refuses a mask of another shape than [batch, steps]', () => {
    const x = tf.ones([2, 3, 1]);
    const mask = tf.ones([2, 4]);
    const error = caughtRidgeError(() => globalAveragePooling1d({ name: 'gap_bad_mask' }).apply(x, { mask }));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("GlobalAveragePooling1D 'gap_bad_mask': the mask must have the shape [batch, steps]");
    expect(error.message).toContain('[2, 4]');
    tf.dispose([x, mask]);
  });

  it('ends the mask: its output carries none, and no warning is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const inp = input({ shape: [5], dtype: 'int32' });
      const e = embedding({ inputDim: 8, outputDim: 3, maskZero: true }).apply(inp);
      expect(maskSource(e)).toBeDefined();
      const pooled = globalAveragePooling1d().apply(e);
      expect(maskSource(pooled)).toBeUndefined();
      dense({ units: 1 }).apply(pooled);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

/** The usual text classifier: embedding({ maskZero }) -> globalAveragePooling1d -> dense. */
function classifier(steps: number | null, seed: number): Model {
  const m = sequential({
    layers: [
      new InputLayer({ shape: [steps], dtype: 'int32' }),
      embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
      globalAveragePooling1d(),
      dense({ units: 3, activation: 'softmax' }),
    ],
  });
  seedWeights(m, seed, 0.5);
  return m;
}

const PADDED = [
  [5, 6, 7, 0, 0, 0],
  [3, 0, 4, 0, 0, 0],
  [9, 0, 0, 0, 0, 0],
  [1, 2, 3, 4, 5, 6],
];
const TRIMMED = PADDED.map((row) => row.filter((id) => id !== 0));

describe('embedding({ maskZero: true }) -> globalAveragePooling1d -> dense', () => {
  it('padded and unpadded sequences give the same outputs', () => {
    const m = classifier(null, 3);
    const x = tf.tensor2d(PADDED, undefined, 'int32');
    const padded = numbers(m.predict(x) as tf.Tensor);
    TRIMMED.forEach((row, i) => {
      const xi = tf.tensor2d([row], undefined, 'int32');
      const yi = m.predict(xi) as tf.Tensor;
      expectClose(padded.slice(i * 3, i * 3 + 3), numbers(yi), 6);
      tf.dispose([xi, yi]);
    });
    tf.dispose(x);
    m.dispose();
  });

  it('trains: one SGD step on a padded sequence gives the weights of the trimmed one; padding embeddings get no gradient', async () => {
    for (const i of [0, 1, 2]) {
      const padded = classifier(null, 5);
      const trimmed = classifier(null, 5);
      padded.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
      trimmed.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
      const before = numbers(padded.weights[0]!.variable);
      const y = tf.tensor1d([i]);
      const xp = tf.tensor2d([PADDED[i]!], undefined, 'int32');
      const xt = tf.tensor2d([TRIMMED[i]!], undefined, 'int32');
      const hp = await padded.fit(xp, y, { epochs: 1, batchSize: 1, verbose: 0 });
      const ht = await trimmed.fit(xt, y, { epochs: 1, batchSize: 1, verbose: 0 });
      expect(hp.history['loss']![0]).toBeCloseTo(ht.history['loss']![0]!, 6);
      padded.weights.forEach((w, k) => expectClose(numbers(w.variable), numbers(trimmed.weights[k]!.variable), 6));
      // Row 0 of the embeddings (the padding index) did not move.
      expect(numbers(padded.weights[0]!.variable).slice(0, 4)).toEqual(before.slice(0, 4));
      tf.dispose([y, xp, xt]);
      padded.dispose();
      trimmed.dispose();
    }
  });

  it('a padded batch trains on cpu and wasm to the same weights, with nothing leaked', async () => {
    const run = async (): Promise<number[][]> => {
      const m = classifier(6, 7);
      m.compile({ optimizer: sgd({ learningRate: 0.2 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const x = tf.tensor2d(PADDED, undefined, 'int32');
      const y = tf.tensor1d([0, 1, 2, 1]);
      const h = await m.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
      expect(h.history['loss']![2]).toBeLessThan(h.history['loss']![0]!);
      // After the first fit (which sets up the training step), more training and predict leak nothing.
      const before = tf.memory().numTensors;
      await m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
      tf.dispose(m.predict(x));
      expect(tf.memory().numTensors).toBe(before);
      const weights = m.weights.map((w) => numbers(w.variable));
      tf.dispose([x, y]);
      m.dispose();
      return weights;
    };
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = await run();
    await initBackend({ prefer: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await run();
    onWasm.forEach((w, i) => expectClose(w, onCpu[i]!, 4));
    await initBackend({ prefer: 'cpu', log: false });
  });
});

describe('BatchNormalization between them, in a model', () => {
  it('a fit step moves the moving mean by the mean of the unmasked steps only', async () => {
    const bn = batchNormalization({ name: 'masked_bn' });
    const m = sequential({
      layers: [new InputLayer({ shape: [4], dtype: 'int32' }), embedding({ inputDim: 6, outputDim: 2, maskZero: true }), bn, globalAveragePooling1d(), dense({ units: 1 })],
    });
    seedWeights(m, 21, 0.5);
    const table = numbers(m.weights[0]!.variable);
    const ids = [
      [1, 2, 0, 0],
      [3, 0, 0, 0],
    ];
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    const startMean = numbers(bn.movingMean.variable);
    const x = tf.tensor2d(ids, undefined, 'int32');
    const y = tf.tensor2d([[1], [0]]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    // The embeddings before the step, at ids 1, 2 and 3 (not the padding's row 0).
    const kept = [1, 2, 3];
    const mean = [0, 1].map((c) => kept.reduce((s, id) => s + table[id * 2 + c]!, 0) / kept.length);
    expectClose(numbers(bn.movingMean.variable), startMean.map((v, c) => v * 0.99 + mean[c]! * 0.01), 6);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('layers without mask support drop a mask, as Keras 3', () => {
  /** A model `Embedding(maskZero) -> layers`, built with the warnings caught; its weights seeded. */
  function built(layers: (x: ReturnType<typeof input>) => ReturnType<typeof input>, seed: number): { m: Model; warnings: string[] } {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const inp = input({ shape: [5], dtype: 'int32' });
      const e = embedding({ inputDim: 8, outputDim: 3, maskZero: true, name: 'drop_emb' }).apply(inp);
      const m = model({ inputs: inp, outputs: layers(e) });
      seedWeights(m, seed, 0.5);
      return { m, warnings: warn.mock.calls.map((c) => String(c[0])) };
    } finally {
      warn.mockRestore();
    }
  }

  it('GlobalMaxPooling1D takes the max over every step, padding included (the padding embedding is row 0)', () => {
    const { m, warnings } = built((e) => globalMaxPooling1d({ name: 'gmp' }).apply(e), 11);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("GlobalMaxPooling1D 'gmp' does not support masking: its input carries a mask (from Embedding 'drop_emb')");
    const table = numbers(m.weights[0]!.variable);
    const ids = [
      [1, 2, 0, 0, 0],
      [3, 4, 5, 6, 7],
    ];
    const x = tf.tensor2d(ids, undefined, 'int32');
    const y = m.predict(x) as tf.Tensor;
    const expected = ids.flatMap((row) => [0, 1, 2].map((c) => Math.max(...row.map((id) => table[id * 3 + c]!))));
    expectClose(y, expected, 6);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('after Conv1D the mask is gone: a GlobalAveragePooling1D further on averages every step', () => {
    const { m, warnings } = built((e) => globalAveragePooling1d({ name: 'late_gap' }).apply(conv1d({ filters: 2, kernelSize: 1, name: 'drop_conv' }).apply(e)), 12);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Conv1D 'drop_conv'");
    const x = tf.tensor2d([[1, 2, 0, 0, 0]], undefined, 'int32');
    const y = m.predict(x) as tf.Tensor;
    const steps = tf.tidy(() => m.layers[2]!.apply(m.layers[1]!.apply(x) as tf.Tensor) as tf.Tensor);
    const v = numbers(steps);
    expectClose(y, [0, 1].map((c) => [0, 1, 2, 3, 4].reduce((s, t) => s + v[t * 2 + c]!, 0) / 5), 6);
    tf.dispose([x, y, steps]);
    m.dispose();
  });

  it('MaxPooling1D drops the mask (one warning; the Flatten after it sees none); the model predicts and fits without leaks', async () => {
    const { m, warnings } = built((e) => dense({ units: 1 }).apply(flatten({ name: 'drop_flat' }).apply(maxPooling1d({ poolSize: 1, name: 'drop_pool' }).apply(e))), 13);
    expect(warnings.map((w) => w.slice(0, w.indexOf(' does not')))).toEqual(["MaxPooling1D 'drop_pool'"]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d([[1, 2, 0, 0, 0], [3, 0, 0, 0, 0]], undefined, 'int32');
    const y = tf.tensor2d([[1], [0]]);
    // The warning came when the model was built; training and predicting give none.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a Masking layer into an LSTM keeps working; Flatten after a masked sequence drops it with the warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const inp = input({ shape: [3, 2] });
      const seq = lstm({ units: 2, returnSequences: true }).apply(masking().apply(inp));
      expect(maskSource(seq)).toMatch(/^Masking '/);
      const flat = flatten({ name: 'seq_flat' }).apply(seq);
      expect(maskSource(flat)).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});
