import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { l1, l2, maxNorm, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model } from '../../base.js';
import '../../register.js';
import { LayerNormalization, layerNormalization } from './index.js';
import './register.js';
import { values, expectClose, setWeight, caughtRidgeError as caught, expectConfigCopies, SCALE_ONLY_CONFIG } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * Plain layer normalization of a row-major tensor: for every combination of the other axes, the
 * elements over `axes` are normalized with their own mean and biased variance; gamma and beta are
 * indexed by the position within the normalized axes (row-major over `axes`, in order).
 */
function reference(x: readonly number[], shape: readonly number[], axes: readonly number[], gamma: readonly number[] | null, beta: readonly number[] | null, eps: number): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const index = (flat: number) => shape.map((d, i) => Math.floor(flat / strides[i]!) % d);
  const groupOf = (idx: number[]) => idx.map((v, i) => (axes.includes(i) ? 0 : v)).join(',');
  const paramOf = (idx: number[]) => axes.reduce((p, a) => p * shape[a]! + idx[a]!, 0);
  const groups = new Map<string, number[]>();
  x.forEach((_, i) => {
    const key = groupOf(index(i));
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const out = new Array<number>(x.length).fill(0);
  for (const members of groups.values()) {
    const mean = members.reduce((s, i) => s + x[i]!, 0) / members.length;
    const variance = members.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / members.length;
    for (const i of members) {
      const p = paramOf(index(i));
      out[i] = ((x[i]! - mean) / Math.sqrt(variance + eps)) * (gamma ? gamma[p]! : 1) + (beta ? beta[p]! : 0);
    }
  }
  return out;
}

describe('LayerNormalization values', () => {
  for (const [label, shape, axis, sortedAxes] of [
    ['rank 2, axis -1', [3, 4], -1, [1]],
    ['rank 3, axis -1', [2, 3, 4], -1, [2]],
    ['rank 3, axis 1 (not last)', [2, 3, 2], 1, [1]],
    ['rank 3, axes [1, 2]', [2, 3, 2], [1, 2], [1, 2]],
    ['rank 4, axes [-1, 1] (given out of order)', [2, 2, 3, 4], [-1, 1], [1, 3]],
  ] as const) {
    it(`${label} matches the reference, in training and inference alike`, () => {
      const layer = layerNormalization({ axis: axis as number | number[], epsilon: 0.01 });
      layer.ensureBuilt([null, ...shape.slice(1)]);
      const paramShape = sortedAxes.map((a) => shape[a]!);
      expect(layer.gamma!.shape).toEqual(paramShape);
      const n = paramShape.reduce((a, b) => a * b, 1);
      const gamma = values(n, 5).map((v) => v + 1.5);
      const beta = values(n, 6);
      setWeight(layer.gamma!, gamma);
      setWeight(layer.beta!, beta);
      const data = values(shape.reduce((a, b) => a * b, 1), 8).map((v) => v * 4 - 1);
      const x = tf.tensor(data, [...shape]);
      const expected = reference(data, shape, sortedAxes, gamma, beta, 0.01);
      const inference = layer.apply(x);
      const training = layer.apply(x, { training: true });
      expectClose(inference, expected, 4);
      expectClose(training, expected, 4);
      tf.dispose([x, inference, training]);
      layer.dispose();
    });
  }

  it('center: false and scale: false: plain standardization, no weights', () => {
    const layer = layerNormalization({ center: false, scale: false });
    const data = [1, 2, 3, 4, -2, 0, 2, 8];
    const x = tf.tensor2d(data, [2, 4]);
    const y = layer.apply(x);
    expect(layer.weights).toHaveLength(0);
    expectClose(y, reference(data, [2, 4], [1], null, null, 1e-3), 4);
    tf.dispose([x, y]);
  });

  it('has Keras defaults: axis -1, epsilon 1e-3, gamma ones, beta zeros', () => {
    const layer = layerNormalization();
    expect([layer.axis, layer.epsilon, layer.center, layer.scale]).toEqual([-1, 1e-3, true, true]);
    layer.ensureBuilt([null, 3]);
    expect(layer.weights.map((w) => [w.name, w.role, w.trainable])).toEqual([
      ['gamma', 'gamma', true],
      ['beta', 'beta', true],
    ]);
    expectClose(layer.gamma!.read(), [1, 1, 1]);
    expectClose(layer.beta!.read(), [0, 0, 0]);
    layer.dispose();
  });
});

describe('LayerNormalization in a model', () => {
  it('computeOutputShape matches a real output; predict leaks nothing', () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [3, 4] });
    const layer = layerNormalization({ axis: [1, 2] });
    const out = layer.apply(inp);
    expect(out.shape).toEqual([null, 3, 4]);
    const m = model({ inputs: inp, outputs: out });
    const x = tf.ones([2, 3, 4]);
    const before = tf.memory().numTensors;
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, ...(layer.computeOutputShape([null, 3, 4]).slice(1) as number[])]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('gamma and beta regularizers are penalty terms with their values', () => {
    const inp = input({ shape: [3] });
    const ln = layerNormalization({ name: 'ln_pen', gammaRegularizer: l2(0.5), betaRegularizer: l1(0.25) });
    const m = model({ inputs: inp, outputs: ln.apply(inp) });
    setWeight(ln.gamma!, [1, -2, 3]);
    setWeight(ln.beta!, [0.5, -1, 2]);
    const { terms } = m.penalties();
    expect(terms.map((t) => t.path)).toEqual(['ln_pen/gamma', 'ln_pen/beta']);
    const gamma = Array.from(ln.gamma!.read().dataSync());
    const beta = Array.from(ln.beta!.read().dataSync());
    expect(terms[0]!.value).toBeCloseTo(0.5 * gamma.reduce((s, v) => s + v * v, 0), 5);
    expect(terms[1]!.value).toBeCloseTo(0.25 * beta.reduce((s, v) => s + Math.abs(v), 0), 5);
    m.dispose();
  });

  it('a fit step moves gamma and beta, applies constraints, and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [3] });
    const ln = layerNormalization({ name: 'ln_fit' });
    const ln2 = layerNormalization({ name: 'ln_fit_con', gammaConstraint: nonNeg(), betaConstraint: maxNorm({ maxValue: 1 }) });
    const out = dense({ units: 2, name: 'ln_fit_head' }).apply(ln2.apply(dense({ units: 3, name: 'ln_fit_mid' }).apply(ln.apply(inp))));
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    setWeight(ln2.gamma!, [-1, 2, -3]);
    setWeight(ln2.beta!, [3, 4, 0]);
    const x = tf.tensor2d(values(15, 9), [5, 3]);
    const y = tf.tensor2d(values(10, 4), [5, 2]);
    const before = ln.getWeights();
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    const after = ln.getWeights();
    for (let i = 0; i < 2; i++) {
      const a = after[i]!.dataSync();
      expect(Array.from(before[i]!.dataSync()).map((v, j) => v !== a[j])).toEqual([true, true, true]);
    }
    const gamma = Array.from(ln2.gamma!.read().dataSync());
    expect(Math.abs(gamma[0]!)).toBe(0);
    expect(Math.abs(gamma[2]!)).toBe(0);
    expect(gamma[1]).toBeGreaterThan(0);
    expect(Math.hypot(...Array.from(ln2.beta!.read().dataSync()))).toBeCloseTo(1, 4);
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([...before, ...after, x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('LayerNormalization config and errors', () => {
  it('getConfig round-trips, directly and through the registry', () => {
    const layer = layerNormalization({ axis: [1, -1], epsilon: 0.01, center: false, gammaRegularizer: l2(0.5), gammaConstraint: nonNeg(), betaInitializer: 'ones' });
    layer.ensureBuilt([null, 2, 3]);
    const config = layer.getConfig();
    expect(config).toMatchObject({ axis: [1, -1], epsilon: 0.01, ...SCALE_ONLY_CONFIG });
    expectConfigCopies(config, 'LayerNormalization', 'ln', (args) => new LayerNormalization(args));
    layer.dispose();
  });

  it.each([
    ['epsilon', { epsilon: -1 }, '-1'],
    ['axis', { axis: 1.5 }, '1.5'],
    ['axis', { axis: [] }, '[]'],
    ['center', { center: 'no' }, 'no'],
  ])('rejects a bad %s', (argument, args, received) => {
    const error = caught(() => new LayerNormalization({ name: 'ln_bad', ...(args as object) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("LayerNormalization 'ln_bad'");
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });

  it('rejects an unknown constraint name', () => {
    const error = caught(() => new LayerNormalization({ name: 'ln_bad_con', betaConstraint: 'nope' as never }));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toContain("LayerNormalization 'ln_bad_con'");
    expect(error.message).toContain('betaConstraint');
  });

  it('rejects the batch axis, a repeated axis, and inputs of another shape', () => {
    const inp = input({ shape: [2, 3] });
    const batch = caught(() => layerNormalization({ name: 'ln_batch', axis: 0 }).apply(inp));
    expect(batch.code).toBe('SHAPE_MISMATCH');
    expect(batch.message).toContain("LayerNormalization 'ln_batch'");
    expect(batch.message).toContain('[null, 2, 3]');
    const twice = caught(() => layerNormalization({ name: 'ln_twice', axis: [2, -1] }).apply(inp));
    expect(twice.code).toBe('SHAPE_MISMATCH');
    expect(twice.message).toContain('same axis twice');
    const layer = layerNormalization({ name: 'ln_other' });
    layer.apply(inp);
    const x = tf.ones([1, 2, 4]);
    const mismatch = caught(() => layer.apply(x));
    expect(mismatch.code).toBe('SHAPE_MISMATCH');
    expect(mismatch.message).toContain('[1, 2, 4]');
    x.dispose();
    layer.dispose();
  });
});
