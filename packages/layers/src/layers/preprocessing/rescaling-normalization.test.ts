/**
 * Rescaling and Normalization: values from Keras 3's formulas and docstring examples worked out by
 * hand here, errors, configs, masks and tensor counts.
 */
import { registry } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { Normalization, dense, embedding, globalAveragePooling1d, input, model, normalization, rescaling } from '../../index.js';

useCpu();

describe('Rescaling', () => {
  it('maps [0, 255] to [-1, 1] with scale 1 / 127.5 and offset -1, and int32 images to float32', () => {
    const before = tf.memory().numTensors;
    const layer = rescaling({ scale: 1 / 127.5, offset: -1 });
    const x = tf.tensor2d([[0, 127.5, 255, 51]]);
    const y = layer.apply(x);
    // 0 / 127.5 - 1 = -1, 127.5 / 127.5 - 1 = 0, 255 / 127.5 - 1 = 1, 51 / 127.5 - 1 = -0.6
    expectClose(y, [-1, 0, 1, -0.6]);
    const ints = tf.tensor2d([[0, 255]], [1, 2], 'int32');
    const z = rescaling({ scale: 1 / 255 }).apply(ints);
    expect(z.dtype).toBe('float32');
    expectClose(z, [0, 1]);
    tf.dispose([x, y, ints, z]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('broadcasts per-channel scale and offset on the last axis', () => {
    const x = tf.tensor4d([10, 20, 30, 40, 50, 60], [1, 1, 2, 3], 'int32');
    const y = rescaling({ scale: [1, 2, 3], offset: [0.5, 0, -1] }).apply(x);
    // pixel 1: 10 * 1 + 0.5, 20 * 2 + 0, 30 * 3 - 1; pixel 2: 40 * 1 + 0.5, 50 * 2, 60 * 3 - 1
    expectClose(y, [10.5, 40, 89, 40.5, 100, 179]);
    expect(y.shape).toEqual([1, 1, 2, 3]);
    tf.dispose([x, y]);
  });

  it('refuses bad arguments and a per-channel list of the wrong length', () => {
    for (const scale of [Number.NaN, '2', [], [1, Infinity]]) {
      const error = caught(() => rescaling({ scale: scale as never, name: 'bad_scale' }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain("Rescaling 'bad_scale': scale must be a finite number or a non-empty list of finite numbers");
    }
    expect(caught(() => rescaling(undefined as never)).message).toContain('scale is required');
    const layer = rescaling({ scale: [1, 2], name: 'two_channels' });
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const error = caught(() => layer.apply(x));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toBe(
      "Rescaling 'two_channels': scale has 2 values, one per channel, but the inputs of shape [2, 3] have 3 channels on the last axis; give one value, or one per channel.",
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(caught(() => layer.apply(input({ shape: [4] }))).code).toBe('SHAPE_MISMATCH');
    x.dispose();
  });

  it('saves scale and offset as Keras does, numbers or lists', () => {
    expect(rescaling({ scale: 0.5 }).getConfig()).toMatchObject({ scale: 0.5, offset: 0 });
    expect(rescaling({ scale: [1, 2], offset: [3, 4] }).getConfig()).toMatchObject({ scale: [1, 2], offset: [3, 4] });
    const made = registry('layer').resolve('Rescaling').create({ scale: 2, offset: 1 });
    expect(made.className).toBe('Rescaling');
  });
});

/** The Keras docstring's adapt data: two rows, each twice. */
const KERAS_DATA = [
  [0, 7, 4],
  [2, 9, 6],
  [0, 7, 4],
  [2, 9, 6],
];

describe('Normalization', () => {
  it('axis null: one mean and variance for everything (Keras docstring example 1)', () => {
    const layer = normalization({ axis: null });
    layer.adapt([1, 2, 3, 4, 5]);
    // mean (1 + 2 + 3 + 4 + 5) / 5 = 3; variance (4 + 1 + 0 + 1 + 4) / 5 = 2 (the population variance)
    const x = tf.tensor1d([1, 2, 3]);
    const y = layer.apply(x);
    expectClose(y, [(1 - 3) / Math.sqrt(2), (2 - 3) / Math.sqrt(2), 0]);
    expect(layer.getConfig()).toMatchObject({ axis: [], invert: false, mean: null, variance: null });
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('axis -1: a mean and variance per feature (Keras docstring example 2), in the non-trainable weights mean, variance and count', () => {
    const layer = normalization();
    layer.adapt(tf.tensor2d(KERAS_DATA));
    // per column: means 1, 8, 5; variances ((1 + 1 + 1 + 1) / 4 =) 1, 1, 1
    expect(layer.weights.map((w) => [w.name, w.trainable, w.shape, w.variable.dtype])).toEqual([
      ['mean', false, [3], 'float32'],
      ['variance', false, [3], 'float32'],
      ['count', false, [], 'int32'],
    ]);
    expect(layer.trainableWeights).toEqual([]);
    expectClose(layer.mean!.variable, [1, 8, 5]);
    expectClose(layer.variance!.variable, [1, 1, 1]);
    expect(layer.count!.variable.dataSync()[0]).toBe(4);
    const x = tf.tensor2d([[0, 7, 4]]);
    const y = layer.apply(x);
    expectClose(y, [-1, -1, -1]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('given mean and variance (Keras docstring example 3) and invert (example 4)', () => {
    const x = tf.tensor2d([[1], [2], [3]]);
    const y = normalization({ mean: 3, variance: 2 }).apply(x);
    expectClose(y, [-2 / Math.sqrt(2), -1 / Math.sqrt(2), 0]);
    const inverse = normalization({ axis: -1, invert: true });
    inverse.adapt(KERAS_DATA);
    const z = tf.tensor2d([[1, 2, 3]]);
    const back = inverse.apply(z);
    // mean + x * sqrt(variance): 1 + 1 * 1, 8 + 2 * 1, 5 + 3 * 1
    expectClose(back, [2, 10, 8]);
    tf.dispose([x, y, z, back]);
    inverse.dispose();
  });

  it('several kept axes: statistics per [axis 1, axis 2] index, a given mean matched from the right', () => {
    // x[b, i, j] = values; keep axes 1 and 2 ([2, 3]), average over the batch of 2.
    const data = tf.tensor3d([1, 2, 3, 4, 5, 6, 3, 2, 1, 0, -1, -2], [2, 2, 3]);
    const layer = normalization({ axis: [1, 2] });
    layer.adapt(data);
    // means (1 + 3) / 2 = 2, 2, (3 + 1) / 2 = 2, (4 + 0) / 2 = 2, 2, (6 - 2) / 2 = 2; variances 1, 0, 1, 4, 9, 16
    expectClose(layer.mean!.variable, [2, 2, 2, 2, 2, 2]);
    expectClose(layer.variance!.variable, [1, 0, 1, 4, 9, 16]);
    const y = layer.apply(data);
    // (x - 2) / max(sqrt(var), 1e-7): the zero-variance entry divides by 1e-7 (x - mean is 0 there)
    expectClose(y, [-1, 0, 1, 1, 1, 1, 1, 0, -1, -1, -1, -1]);
    // mean [3] given for kept axes [1, 2] of sizes [2, 3]: it goes on axis 2.
    const given = normalization({ axis: [1, 2], mean: [1, 2, 3], variance: [4, 4, 4] });
    const g = given.apply(data);
    expectClose(g, [0, 0, 0, 1.5, 1.5, 1.5, 1, 0, -1, -0.5, -1.5, -2.5]);
    tf.dispose([data, y, g]);
    layer.dispose();
  });

  it("divides by Keras's epsilon 1e-7 where the variance is 0", () => {
    const x = tf.tensor2d([[2e-7, -3e-7]]);
    const y = normalization({ mean: 0, variance: 0 }).apply(x);
    expectClose(y, [2, -3]);
    tf.dispose([x, y]);
  });

  it('refuses a layer used before adapt, naming it and saying what to do; nothing leaks', () => {
    const layer = normalization({ name: 'not_adapted' });
    const x = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const error = caught(() => layer.apply(x));
    expect(error.code).toBe('NOT_COMPILED');
    expect(error.message).toBe(
      "Normalization 'not_adapted' has no mean and variance yet: call layer.adapt(data) with your training data before using it, or create it with mean and variance.",
    );
    // Refused before the build: no weights either.
    expect(tf.memory().numTensors).toBe(before);
    expect(layer.built).toBe(false);
    // Built in a model before adapt (as Keras allows), then called: refused the same way.
    const inp = input({ shape: [3] });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const built = tf.memory().numTensors;
    expect(built).toBe(before + 3);
    expect(caught(() => m.predict(x)).message).toBe(error.message);
    expect(tf.memory().numTensors).toBe(built);
    layer.adapt(KERAS_DATA);
    const y = m.predict(x) as tf.Tensor;
    // (1 - 1) / 1, (1 - 8) / 1, (1 - 5) / 1 for each of the two rows of ones
    expectClose(y, [0, -7, -4, 0, -7, -4]);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
  });

  it('keeps the tensor count flat around apply and adapt (tensor and nested lists)', () => {
    const layer = normalization();
    const data = tf.tensor2d(KERAS_DATA);
    layer.adapt(data);
    const x = tf.tensor2d([[1, 2, 3]]);
    const start = tf.memory().numTensors;
    tf.dispose(layer.apply(x));
    layer.adapt(data);
    layer.adapt(KERAS_DATA);
    tf.dispose(layer.apply(x));
    expect(tf.memory().numTensors).toBe(start);
    expect(data.isDisposed).toBe(false);
    tf.dispose([data, x]);
    layer.dispose();
  });

  it('refuses bad arguments and bad adapt data, changing nothing', () => {
    const refused = (args: object) => caught(() => normalization({ name: 'refused', ...args }));
    expect(refused({ mean: 1 }).message).toContain("Normalization 'refused': variance must be given with mean");
    expect(refused({ variance: 1 }).message).toContain('mean must be given with variance');
    expect(refused({ mean: [1, 2], variance: [1] }).message).toContain('variance must be of the shape of mean, [2] (received shape [1])');
    expect(refused({ mean: [[1]], variance: [[1]] }).message).toContain('mean must be of rank at most 1');
    expect(refused({ mean: 0, variance: -1 }).code).toBe('INVALID_ARGUMENT');
    expect(refused({ axis: 1.5 }).message).toContain('axis must be an integer, a list of integers, or null; received 1.5.');

    const layer = normalization({ name: 'adapt_checks' });
    layer.adapt([[1, 2], [3, 4]]);
    const mean = Array.from(layer.mean!.variable.dataSync());
    const before = tf.memory().numTensors;
    const wrongWidth = caught(() => layer.adapt([[1, 2, 3]]));
    expect(wrongWidth.code).toBe('SHAPE_MISMATCH');
    expect(wrongWidth.message).toBe("Normalization 'adapt_checks': expected inputs of shape [?, 2] (? = any); received shape [1, 3].");
    for (const bad of [[[1, 2], [3]], [['a', 'b']], [[1, Number.NaN]], 7]) {
      const error = caught(() => layer.adapt(bad as never));
      expect(error.code).toBe('INVALID_DATA');
      expect(error.message).toContain("Normalization 'adapt_checks': adapt(data) must be");
    }
    const nan = tf.tensor2d([[1, Number.NaN]]);
    expect(caught(() => layer.adapt(nan)).message).toContain('it holds NaN or Infinity');
    nan.dispose();
    const empty = tf.zeros([0, 2]);
    expect(caught(() => layer.adapt(empty)).message).toContain('which has no values to average');
    empty.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(layer.mean!.variable.dataSync())).toEqual(mean);
    const given = normalization({ mean: 1, variance: 1, name: 'given' });
    expect(caught(() => given.adapt([1, 2])).message).toContain("Normalization 'given': adapt() computes mean and variance, which this layer was given");
    expect(caught(() => normalization({ axis: 3 }).apply(input({ shape: [2] }))).message).toContain('axis 3 is out of range for inputs of rank 2');
    expect(caught(() => normalization({ axis: [1, -1] }).apply(input({ shape: [2] }))).message).toContain('axis [1, -1] names the same axis twice');
    const wrongShape = tf.ones([2, 5]);
    expect(caught(() => layer.apply(wrongShape)).code).toBe('SHAPE_MISMATCH');
    wrongShape.dispose();
    layer.dispose();
  });

  it('in a model: adapted before the model is built, copied with the weights, gradients pass to the inputs', () => {
    const norm = normalization({ name: 'feat_norm' });
    norm.adapt(KERAS_DATA);
    const inp = input({ shape: [3] });
    const out = dense({ units: 1, useBias: false, name: 'norm_dense' }).apply(norm.apply(inp));
    const m = model({ inputs: inp, outputs: out });
    expect(m.nonTrainableWeights.map((w) => w.path)).toEqual(['feat_norm/mean', 'feat_norm/variance', 'feat_norm/count']);
    const x = tf.tensor2d([[2, 9, 6]]);
    const kernel = tf.tensor2d([[1], [2], [3]]);
    m.getLayer('norm_dense').setWeights([kernel]);
    const y = m.predict(x) as tf.Tensor;
    // normalized [1, 1, 1], times [1, 2, 3]
    expectClose(y, [6]);
    // d(sum y)/dx = kernel / std = [1, 2, 3]
    const g = tf.grad((v: tf.Tensor) => tf.sum(norm.apply(v) as tf.Tensor))(x);
    expectClose(g, [1, 1, 1]);
    const copy = new Normalization({ name: 'copy_norm' });
    copy.apply(input({ shape: [3] }));
    expect(copy.adapted).toBe(false);
    const weights = norm.getWeights();
    copy.setWeights(weights);
    tf.dispose(weights);
    expect(copy.adapted).toBe(true);
    const z = copy.apply(x);
    expectClose(z, [1, 1, 1]);
    tf.dispose([x, kernel, y, g, z]);
    m.dispose();
    copy.dispose();
  });
});

describe('masks', () => {
  it('Rescaling and Normalization pass a mask on, as Keras 3: the pooling after them averages the unmasked steps only', () => {
    const inp = input({ shape: [3], dtype: 'int32' });
    const emb = embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const scaled = rescaling({ scale: 2, offset: 1 });
    const norm = normalization({ mean: [1, -1], variance: [4, 1] });
    const m = model({ inputs: inp, outputs: globalAveragePooling1d().apply(norm.apply(scaled.apply(emb.apply(inp)))) });
    const ids = [[4, 2, 0]];
    const x = tf.tensor2d(ids, [1, 3], 'int32');
    const y = m.predict(x) as tf.Tensor;
    const table = emb.weights[0]!.variable.arraySync() as number[][];
    // each kept step: ((2 * e + 1) - mean) / sqrt(variance), averaged over the ids 4 and 2 only
    const f = (e: number[]) => [(2 * e[0]! + 1 - 1) / 2, (2 * e[1]! + 1 + 1) / 1];
    const [a, b] = [f(table[4]!), f(table[2]!)];
    expectClose(y, [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2]);
    tf.dispose([x, y]);
    m.dispose();
  });
});
