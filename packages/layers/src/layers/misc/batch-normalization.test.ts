import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { l1, l2, maxNorm, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model } from '../../base.js';
import '../../register.js';
import '../../features/regularization.js';
import { BatchNormalization, batchNormalization, masking } from './index.js';
import { maskSource } from '../../model/masking.js';
import '../../features/masking.js';
import './register.js';
import { values, expectClose, setWeight, caughtRidgeError as caught, expectConfigCopies } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** The feature index of each flat element of a row-major tensor, for features on `axis`. */
function featureOf(shape: readonly number[], axis: number): number[] {
  const size = shape.reduce((a, b) => a * b, 1);
  const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => Math.floor(i / stride) % shape[axis]!);
}

/** Per-feature mean and biased variance over every other axis. */
function batchStats(x: readonly number[], feature: readonly number[], n: number): { mean: number[]; variance: number[] } {
  const sum = new Array<number>(n).fill(0);
  const count = new Array<number>(n).fill(0);
  x.forEach((v, i) => {
    sum[feature[i]!]! += v;
    count[feature[i]!]! += 1;
  });
  const mean = sum.map((s, c) => s / count[c]!);
  const sq = new Array<number>(n).fill(0);
  x.forEach((v, i) => {
    sq[feature[i]!]! += (v - mean[feature[i]!]!) ** 2;
  });
  return { mean, variance: sq.map((s, c) => s / count[c]!) };
}

/** gamma * (x - mean) / sqrt(variance + eps) + beta, per feature. */
function normalize(x: readonly number[], feature: readonly number[], mean: number[], variance: number[], gamma: number[], beta: number[], eps: number): number[] {
  return x.map((v, i) => {
    const c = feature[i]!;
    return (gamma[c]! * (v - mean[c]!)) / Math.sqrt(variance[c]! + eps) + beta[c]!;
  });
}

const GAMMA = [1.5, -0.5, 2];
const BETA = [0.1, -0.2, 0.3];
const MOVING_MEAN = [0.4, -0.3, 1];
const MOVING_VAR = [2, 0.5, 1.5];

function builtLayer(args: ConstructorParameters<typeof BatchNormalization>[0], shape: number[]): BatchNormalization {
  const layer = batchNormalization(args);
  layer.ensureBuilt([null, ...shape.slice(1)]);
  const c = layer.movingMean.shape[0]!;
  const init = [GAMMA, BETA, MOVING_MEAN, MOVING_VAR].map((v) => tf.tensor1d(v.slice(0, c)));
  layer.setWeights(init);
  tf.dispose(init);
  return layer;
}

describe('BatchNormalization values', () => {
  for (const [label, shape, axis] of [
    ['rank 2, axis -1', [4, 3], -1],
    ['rank 3, axis 1 (not last)', [2, 3, 2], 1],
    ['rank 4, axis 3', [2, 2, 2, 3], 3],
  ] as const) {
    it(`${label}: training uses batch statistics, inference the moving ones`, () => {
      const layer = builtLayer({ axis, epsilon: 0.01, momentum: 0.5 }, [...shape]);
      const size = shape.reduce((a, b) => a * b, 1);
      const data = values(size, 7).map((v) => v * 3 + 0.5);
      const x = tf.tensor(data, [...shape]);
      const feature = featureOf(shape, axis < 0 ? shape.length + axis : axis);
      const c = shape[axis < 0 ? shape.length + axis : axis]!;
      const g = GAMMA.slice(0, c);
      const b = BETA.slice(0, c);

      const inference = layer.apply(x);
      expectClose(inference, normalize(data, feature, MOVING_MEAN.slice(0, c), MOVING_VAR.slice(0, c), g, b, 0.01));
      // Inference does not move the statistics.
      expectClose(layer.movingMean.read(), MOVING_MEAN.slice(0, c));

      const stats = batchStats(data, feature, c);
      const training = layer.apply(x, { training: true });
      expectClose(training, normalize(data, feature, stats.mean, stats.variance, g, b, 0.01), 4);
      tf.dispose([x, inference, training]);
      layer.dispose();
    });
  }

  it('one training call moves the statistics by the momentum formula', () => {
    const momentum = 0.8;
    const layer = builtLayer({ momentum }, [5, 3]);
    const data = values(15, 3).map((v) => v * 2 - 0.25);
    const x = tf.tensor2d(data, [5, 3]);
    const stats = batchStats(data, featureOf([5, 3], 1), 3);
    tf.dispose(layer.apply(x, { training: true }));
    expectClose(layer.movingMean.read(), MOVING_MEAN.map((m, c) => m * momentum + stats.mean[c]! * (1 - momentum)));
    expectClose(layer.movingVariance.read(), MOVING_VAR.map((v, c) => v * momentum + stats.variance[c]! * (1 - momentum)));
    x.dispose();
    layer.dispose();
  });

  it('a frozen layer runs in inference mode even in training, and keeps its statistics', () => {
    const layer = builtLayer({ trainable: false }, [4, 3]);
    const data = values(12, 11);
    const x = tf.tensor2d(data, [4, 3]);
    const y = layer.apply(x, { training: true });
    expectClose(y, normalize(data, featureOf([4, 3], 1), MOVING_MEAN, MOVING_VAR, GAMMA, BETA, 1e-3));
    expectClose(layer.movingMean.read(), MOVING_MEAN);
    expectClose(layer.movingVariance.read(), MOVING_VAR);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('center: false and scale: false drop beta and gamma', () => {
    const layer = batchNormalization({ center: false, scale: false });
    layer.ensureBuilt([null, 2]);
    expect(layer.weights.map((w) => w.name)).toEqual(['moving_mean', 'moving_variance']);
    expect(layer.gamma).toBeUndefined();
    expect(layer.beta).toBeUndefined();
    const init = [tf.tensor1d([1, -1]), tf.tensor1d([4, 0.25])];
    layer.setWeights(init);
    tf.dispose(init);
    const x = tf.tensor2d([3, 1, -1, 0], [2, 2]);
    const y = layer.apply(x);
    const eps = 1e-3;
    expectClose(y, [(3 - 1) / Math.sqrt(4 + eps), (1 + 1) / Math.sqrt(0.25 + eps), (-1 - 1) / Math.sqrt(4 + eps), (0 + 1) / Math.sqrt(0.25 + eps)]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('has Keras defaults and weights in Keras order with roles and trainability', () => {
    const layer = batchNormalization({});
    expect([layer.axis, layer.momentum, layer.epsilon, layer.center, layer.scale]).toEqual([-1, 0.99, 1e-3, true, true]);
    layer.ensureBuilt([null, 4, 3]);
    expect(layer.weights.map((w) => [w.name, w.role, w.trainable, w.shape])).toEqual([
      ['gamma', 'gamma', true, [3]],
      ['beta', 'beta', true, [3]],
      ['moving_mean', 'movingMean', false, [3]],
      ['moving_variance', 'movingVariance', false, [3]],
    ]);
    expectClose(layer.gamma!.read(), [1, 1, 1]);
    expectClose(layer.beta!.read(), [0, 0, 0]);
    expectClose(layer.movingMean.read(), [0, 0, 0]);
    expectClose(layer.movingVariance.read(), [1, 1, 1]);
    layer.dispose();
  });
});

describe('BatchNormalization in a model', () => {
  it('computeOutputShape matches a real output', () => {
    const inp = input({ shape: [3, 2] });
    const layer = batchNormalization({ axis: 1 });
    const out = layer.apply(inp);
    expect(out.shape).toEqual([null, 3, 2]);
    expect(layer.computeOutputShape([null, 3, 2])).toEqual([null, 3, 2]);
    const m = model({ inputs: inp, outputs: out });
    const x = tf.ones([2, 3, 2]);
    const before = tf.memory().numTensors;
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 2]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('gamma and beta regularizers are penalty terms with their values', () => {
    const inp = input({ shape: [3] });
    const bn = batchNormalization({ name: 'batch_normalization_3', gammaRegularizer: l2(0.5), betaRegularizer: l1(0.25) });
    const m = model({ inputs: inp, outputs: bn.apply(inp) });
    setWeight(bn.gamma!, [1, -2, 3]);
    setWeight(bn.beta!, [0.5, -1, 2]);
    const { terms, total } = m.penalties();
    expect(terms.map((t) => [t.path, t.regularizer, t.source])).toEqual([
      ['batch_normalization_3/gamma', 'L2', 'layer'],
      ['batch_normalization_3/beta', 'L1', 'layer'],
    ]);
    const gamma = Array.from(bn.gamma!.read().dataSync());
    const beta = Array.from(bn.beta!.read().dataSync());
    const expectedGamma = 0.5 * gamma.reduce((s, v) => s + v * v, 0);
    const expectedBeta = 0.25 * beta.reduce((s, v) => s + Math.abs(v), 0);
    expect(terms[0]!.value).toBeCloseTo(expectedGamma, 5);
    expect(terms[1]!.value).toBeCloseTo(expectedBeta, 5);
    expect(total).toBeCloseTo(expectedGamma + expectedBeta, 5);
    m.dispose();
  });

  it("moving statistics carry no penalty, even with model-level include: 'all'", async () => {
    const inp = input({ shape: [3] });
    const bn = batchNormalization({ name: 'bn_all' });
    const m = model({ inputs: inp, outputs: bn.apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'all' } });
    expect(m.penalties().terms.map((t) => t.path)).toEqual(['bn_all/gamma', 'bn_all/beta']);
    expect(bn.movingMean.trainable).toBe(false);
    expect(bn.movingVariance.trainable).toBe(false);
    expect(m.weights.filter((w) => !w.trainable).map((w) => w.path)).toEqual(['bn_all/moving_mean', 'bn_all/moving_variance']);
    const x = tf.tensor2d(values(12, 5), [4, 3]);
    const y = tf.zeros([4, 3]);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const keys = Object.keys(h.history).filter((k) => k.startsWith('penalty/'));
    expect(keys.sort()).toEqual(['penalty/bn_all/beta', 'penalty/bn_all/gamma']);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('fit updates gamma and beta by gradient, moves the statistics, applies constraints, and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [3] });
    const bn = batchNormalization({ name: 'bn_fit', momentum: 0.9, gammaConstraint: nonNeg(), betaConstraint: maxNorm({ maxValue: 1 }) });
    const out = dense({ units: 2, name: 'bn_fit_head' }).apply(bn.apply(inp));
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    setWeight(bn.gamma!, [-1, 2, -3]);
    setWeight(bn.beta!, [3, 4, 0]);
    const data = values(15, 9).map((v) => v * 2 + 1);
    const x = tf.tensor2d(data, [5, 3]);
    const y = tf.tensor2d(values(10, 4), [5, 2]);
    const stats = batchStats(data, featureOf([5, 3], 1), 3);
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    // The statistics are those of the layer's input, the model's input here.
    expectClose(bn.movingMean.read(), stats.mean.map((mu) => 0.1 * mu));
    expectClose(bn.movingVariance.read(), stats.variance.map((v) => 0.9 + 0.1 * v));
    const gamma = Array.from(bn.gamma!.read().dataSync());
    // NonNeg: the two negative entries (a small SGD step away from -1 and -3) are clipped to 0.
    expect(Math.abs(gamma[0]!)).toBe(0);
    expect(Math.abs(gamma[2]!)).toBe(0);
    expect(gamma[1]).not.toBe(2);
    const beta = Array.from(bn.beta!.read().dataSync());
    // MaxNorm(1): a vector of norm about 5 is scaled back to norm 1.
    expect(Math.hypot(...beta)).toBeCloseTo(1, 4);
    // A second step allocates nothing that stays (the first one created the optimizer's state).
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('BatchNormalization gradients', () => {
  it('a fit step moves every trainable weight and none of the moving statistics by gradient', async () => {
    const inp = input({ shape: [3] });
    const bn = batchNormalization({ name: 'bn_grad', momentum: 1 });
    const m = model({ inputs: inp, outputs: dense({ units: 2, name: 'bn_grad_head' }).apply(bn.apply(inp)) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d(values(12, 21), [4, 3]);
    const y = tf.tensor2d(values(8, 22), [4, 2]);
    const before = bn.getWeights();
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const after = bn.getWeights();
    const changed = (i: number) => Array.from(before[i]!.dataSync()).map((v, j) => v !== after[i]!.dataSync()[j]);
    expect(changed(0)).toEqual([true, true, true]);
    expect(changed(1)).toEqual([true, true, true]);
    // momentum 1 keeps the statistics: only the momentum update could have moved them.
    expect(changed(2)).toEqual([false, false, false]);
    expect(changed(3)).toEqual([false, false, false]);
    tf.dispose([...before, ...after, x, y]);
    m.dispose();
  });
});

describe('BatchNormalization config and errors', () => {
  it('getConfig round-trips, directly and through the registry', () => {
    const layer = batchNormalization({ axis: 1, momentum: 0.9, epsilon: 0.01, center: false, gammaRegularizer: l2(0.5), gammaConstraint: nonNeg(), gammaInitializer: 'zeros' });
    layer.ensureBuilt([null, 3, 2]);
    const config = layer.getConfig();
    expect(config).toMatchObject({
      axis: 1,
      momentum: 0.9,
      epsilon: 0.01,
      center: false,
      scale: true,
      gammaInitializer: { className: 'Zeros', config: {} },
      movingVarianceInitializer: { className: 'Ones', config: {} },
      gammaRegularizer: { className: 'L2', config: { l2: 0.5 } },
      gammaConstraint: { className: 'NonNeg', config: {} },
      betaRegularizer: null,
    });
    expectConfigCopies(config, 'BatchNormalization', 'bn', (args) => new BatchNormalization(args));
    layer.dispose();
  });

  it('reads the current regularizer from the built weight', () => {
    const layer = batchNormalization({});
    layer.ensureBuilt([null, 2]);
    layer.gamma!.regularizer = l1(0.3);
    expect(layer.getConfig()['gammaRegularizer']).toEqual({ className: 'L1', config: { l1: 0.3 } });
    layer.dispose();
  });

  it('accepts a one-element axis list (Keras 2 configs)', () => {
    expect(batchNormalization({ axis: [3] }).axis).toBe(3);
  });

  it.each([
    ['momentum', { momentum: 1.5 }, '1.5'],
    ['epsilon', { epsilon: 0 }, '0'],
    ['axis', { axis: 'last' }, 'last'],
    ['axis', { axis: [1, 2] }, '1, 2'],
    ['center', { center: 'yes' }, 'yes'],
    ['scale', { scale: 1 }, '1'],
  ])('rejects a bad %s', (argument, args, received) => {
    const error = caught(() => new BatchNormalization({ name: 'bn_bad', ...(args as object) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("BatchNormalization 'bn_bad'");
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });

  it('rejects an unknown regularizer name', () => {
    const error = caught(() => new BatchNormalization({ name: 'bn_bad_reg', gammaRegularizer: 'nope' as never }));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toContain("BatchNormalization 'bn_bad_reg'");
    expect(error.message).toContain('gammaRegularizer');
    expect(error.message).toContain('nope');
  });

  it('rejects an axis out of range, an unknown feature size, and inputs of another shape', () => {
    const inp = input({ shape: [3] });
    const outOfRange = caught(() => batchNormalization({ name: 'bn_axis', axis: 2 }).apply(inp));
    expect(outOfRange.code).toBe('SHAPE_MISMATCH');
    expect(outOfRange.message).toContain("BatchNormalization 'bn_axis'");
    expect(outOfRange.message).toContain('[null, 3]');
    const unknown = caught(() => batchNormalization({ name: 'bn_unknown' }).apply(input({ shape: [null] })));
    expect(unknown.code).toBe('SHAPE_MISMATCH');
    expect(unknown.message).toContain('[null, null]');
    const layer = batchNormalization({ name: 'bn_other' });
    layer.apply(inp);
    const x = tf.ones([2, 4]);
    const mismatch = caught(() => layer.apply(x));
    expect(mismatch.code).toBe('SHAPE_MISMATCH');
    expect(mismatch.message).toContain("BatchNormalization 'bn_other'");
    expect(mismatch.message).toContain('[2, 4]');
    x.dispose();
    layer.dispose();
  });
});

describe('BatchNormalization with a mask (Keras 3)', () => {
  it('leaves the masked steps out of the batch statistics and the moving statistics, and normalizes every step with them', () => {
    const layer = batchNormalization({ name: 'bn_mask' });
    const x = tf.tensor3d([[[1, 10], [3, 20], [100, -50]]]);
    const mask = tf.tensor2d([[1, 1, 0]]);
    const y = layer.apply(x, { mask, training: true });
    // Unmasked steps: feature 0 is [1, 3] (mean 2, variance 1), feature 1 [10, 20] (mean 15, variance 25).
    // Keras divides by the count + 1e-7: 2 + 1e-7, a relative change of 5e-8, below float32 resolution here.
    const e = 1e-3;
    expectClose(y, [-1 / Math.sqrt(1 + e), -5 / Math.sqrt(25 + e), 1 / Math.sqrt(1 + e), 5 / Math.sqrt(25 + e), 98 / Math.sqrt(1 + e), -65 / Math.sqrt(25 + e)], 4);
    // moving = moving * 0.99 + batch * 0.01, from zeros and ones.
    expectClose(layer.movingMean.read(), [0.02, 0.15], 6);
    expectClose(layer.movingVariance.read(), [0.99 + 0.01, 0.99 + 0.25], 6);
    // In inference the mask changes nothing: the moving statistics are used.
    const inference = layer.apply(x, { mask });
    const plain = layer.apply(x);
    expectClose(inference, Array.from(plain.dataSync()), 6);
    tf.dispose([x, mask, y, inference, plain]);
    layer.dispose();
  });

  it('passes the mask on, and refuses a mask that is not the inputs shape without the last axis', () => {
    const inp = input({ shape: [3, 2] });
    const out = batchNormalization().apply(masking().apply(inp));
    expect(maskSource(out)).toMatch(/^Masking '/);
    const layer = batchNormalization({ name: 'bn_bad_mask' });
    const x = tf.ones([2, 3, 2]);
    const mask = tf.ones([2, 2]);
    const error = caught(() => layer.apply(x, { mask, training: true }));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("BatchNormalization 'bn_bad_mask': the mask must have the shape of the inputs without their last axis, [2, 3]");
    tf.dispose([x, mask]);
    layer.dispose();
  });
});
