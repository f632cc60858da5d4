import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { registry, type JsonObject } from '@ridge/core';
import { expectConfigRoundTrip } from '@ridge/testing';
import { l1, l2, maxNorm, nonNeg } from '@ridge/regularizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model } from '../../base.js';
import '../../register.js';
import { flatten, globalAveragePooling1d } from '../conv/index.js';
import { embedding, GroupNormalization, groupNormalization, layerNormalization, UnitNormalization, unitNormalization } from './index.js';
import './register.js';
import { values, expectClose, setWeight, caughtRidgeError as caught, expectConfigCopies, expectEveryWeightMoved, expectSameTrainingOnWasm, SCALE_ONLY_CONFIG, fitAndRead, seedWeights } from '../../../test/fixtures.js';
import { readObject } from '../../io/keras-json.js';
import { modelFromJSON } from '../../io/model-from-json.js';
import type { Layer } from '../../engine/layer.js';
// layer.getConfig() comes with saving, masks with the masking entry
import '../../features/io.js';
import '../../features/masking.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * Group normalization of a row-major tensor by the definition (Wu & He 2018, as Keras 3): for each
 * sample and each group of `channels / groups` consecutive channels on `axis`, the mean and biased
 * variance over those channels and every other non-batch position; then gamma and beta per channel.
 */
function reference(x: readonly number[], shape: readonly number[], axis: number, groups: number, gamma: readonly number[] | null, beta: readonly number[] | null, eps: number): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const per = shape[axis]! / groups;
  const members = new Map<string, number[]>();
  x.forEach((_, flat) => {
    const idx = shape.map((d, i) => Math.floor(flat / strides[i]!) % d);
    const key = `${idx[0]}/${Math.floor(idx[axis]! / per)}`;
    members.set(key, [...(members.get(key) ?? []), flat]);
  });
  const out = new Array<number>(x.length).fill(0);
  for (const m of members.values()) {
    const mean = m.reduce((s, i) => s + x[i]!, 0) / m.length;
    const variance = m.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / m.length;
    for (const i of m) {
      const c = Math.floor(i / strides[axis]!) % shape[axis]!;
      out[i] = ((x[i]! - mean) / Math.sqrt(variance + eps)) * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0);
    }
  }
  return out;
}

describe('GroupNormalization values', () => {
  it('a hand calculation: 4 channels in 2 groups, 2 samples', () => {
    const layer = groupNormalization({ groups: 2 });
    // Sample 0: group [1, 3] has mean 2, variance 1; group [2, 6] mean 4, variance 4.
    // Sample 1: group [0, 0] has mean 0, variance 0 (stays 0); group [-1, 5] mean 2, variance 9.
    const x = tf.tensor2d([
      [1, 3, 2, 6],
      [0, 0, -1, 5],
    ]);
    const y = layer.apply(x);
    const e = 1e-3;
    expectClose(y, [-1 / Math.sqrt(1 + e), 1 / Math.sqrt(1 + e), -2 / Math.sqrt(4 + e), 2 / Math.sqrt(4 + e), 0, 0, -3 / Math.sqrt(9 + e), 3 / Math.sqrt(9 + e)], 5);
    // gamma and beta per channel: out = norm * gamma + beta.
    setWeight(layer.gamma!, [2, 1, 0.5, -1]);
    setWeight(layer.beta!, [0, 1, 0, 10]);
    const z = layer.apply(x);
    expectClose(z, [-2 / Math.sqrt(1 + e), 1 + 1 / Math.sqrt(1 + e), -1 / Math.sqrt(4 + e), 10 - 2 / Math.sqrt(4 + e), 0, 1, -1.5 / Math.sqrt(9 + e), 10 - 3 / Math.sqrt(9 + e)], 5);
    tf.dispose([x, y, z]);
    layer.dispose();
  });

  for (const [label, shape, axis, groups] of [
    ['rank 4 [b, h, w, c], axis -1, 6 channels in 3 groups', [2, 2, 3, 6], -1, 3],
    ['rank 4 channels first, axis 1, 4 channels in 2 groups', [2, 4, 3, 2], 1, 2],
    ['rank 3, axis 2 given as a positive index, groups -1 (instance normalization)', [2, 5, 3], 2, -1],
    ['rank 3, axis -2, one group', [2, 4, 3], -2, 1],
  ] as const) {
    it(`${label}: the reference, in training and inference alike`, () => {
      const layer = groupNormalization({ axis, groups, epsilon: 0.01 });
      layer.ensureBuilt([null, ...shape.slice(1)]);
      const rank = shape.length;
      const a = axis < 0 ? axis + rank : axis;
      const channels = shape[a]!;
      expect(layer.gamma!.shape).toEqual([channels]);
      expect(layer.groups).toBe(groups === -1 ? channels : groups);
      const gamma = values(channels, 5).map((v) => v + 1.5);
      const beta = values(channels, 6);
      setWeight(layer.gamma!, gamma);
      setWeight(layer.beta!, beta);
      const data = values(shape.reduce((p, d) => p * d, 1), 8).map((v) => v * 4 - 1);
      const x = tf.tensor(data, [...shape]);
      const expected = reference(data, shape, a, groups === -1 ? channels : groups, gamma, beta, 0.01);
      const inference = layer.apply(x);
      const training = layer.apply(x, { training: true });
      expectClose(inference, expected, 4);
      expectClose(training, expected, 4);
      tf.dispose([x, inference, training]);
      layer.dispose();
    });
  }

  it('one group is layer normalization over every non-batch axis (without weights)', () => {
    const data = values(2 * 3 * 4, 3);
    const x = tf.tensor3d(data, [2, 3, 4]);
    const g = groupNormalization({ groups: 1, center: false, scale: false }).apply(x);
    const ln = layerNormalization({ axis: [1, 2], center: false, scale: false }).apply(x);
    expectClose(g, Array.from(ln.dataSync()), 5);
    tf.dispose([x, g, ln]);
  });

  it('has Keras defaults: groups 32, axis -1, epsilon 1e-3, gamma ones, beta zeros, roles gamma and beta', () => {
    const layer = groupNormalization();
    expect([layer.groups, layer.axis, layer.epsilon, layer.center, layer.scale]).toEqual([32, -1, 1e-3, true, true]);
    layer.ensureBuilt([null, 64]);
    expect(layer.weights.map((w) => [w.name, w.role, w.shape, w.trainable])).toEqual([
      ['gamma', 'gamma', [64], true],
      ['beta', 'beta', [64], true],
    ]);
    expectClose(layer.gamma!.read(), new Array<number>(64).fill(1));
    expectClose(layer.beta!.read(), new Array<number>(64).fill(0));
    layer.dispose();
  });

  it('both pass a mask on, as Keras 3 (supports_masking): the pooling after them averages the unmasked steps only', () => {
    const inp = input({ shape: [4], dtype: 'int32' });
    const emb = embedding({ inputDim: 6, outputDim: 4, maskZero: true });
    const gn = groupNormalization({ groups: 2 });
    const un = unitNormalization();
    const m = model({ inputs: inp, outputs: globalAveragePooling1d().apply(un.apply(gn.apply(emb.apply(inp)))) });
    const ids = [
      [3, 1, 0, 0],
      [5, 0, 2, 4],
    ];
    const x = tf.tensor2d(ids, [2, 4], 'int32');
    const y = m.predict(x) as tf.Tensor;
    // The same layers without masks, then the mean over the nonzero ids' steps by hand.
    const steps = tf.tidy(() => un.apply(gn.apply(emb.apply(x))));
    const v = Array.from(steps.dataSync());
    const expected = ids.flatMap((row, b) => {
      const kept = row.map((id, t) => (id !== 0 ? t : -1)).filter((t) => t >= 0);
      return [0, 1, 2, 3].map((c) => kept.reduce((s, t) => s + v[(b * 4 + t) * 4 + c]!, 0) / kept.length);
    });
    expectClose(y, expected, 5);
    tf.dispose([x, y, steps]);
    m.dispose();
  });
});

describe('GroupNormalization in a model', () => {
  it('gamma and beta regularizers are penalty terms with their formula values', () => {
    const inp = input({ shape: [4] });
    const gn = groupNormalization({ groups: 2, name: 'gn_pen', gammaRegularizer: l2(0.5), betaRegularizer: l1(0.25) });
    const m = model({ inputs: inp, outputs: gn.apply(inp) });
    setWeight(gn.gamma!, [1, -2, 3, 0.5]);
    setWeight(gn.beta!, [0.5, -1, 2, -4]);
    const { terms, total } = m.penalties();
    expect(terms.map((t) => [t.path, t.source])).toEqual([
      ['gn_pen/gamma', 'layer'],
      ['gn_pen/beta', 'layer'],
    ]);
    expect(terms[0]!.value).toBeCloseTo(0.5 * (1 + 4 + 9 + 0.25), 5);
    expect(terms[1]!.value).toBeCloseTo(0.25 * (0.5 + 1 + 2 + 4), 5);
    expect(total).toBeCloseTo(0.5 * 14.25 + 0.25 * 7.5, 5);
    m.dispose();
  });

  it("a bare compile({ regularization: 'l2' }) leaves gamma and beta alone (kernels only); include: 'gamma' picks gamma", () => {
    const inp = input({ shape: [4] });
    const gn = groupNormalization({ groups: 2, name: 'gn_sel' });
    const d = dense({ units: 2, name: 'gn_sel_dense', useBias: false });
    const m = model({ inputs: inp, outputs: d.apply(gn.apply(inp)) });
    setWeight(gn.gamma!, [1, -2, 3, 0.5]);
    setWeight(gn.beta!, [0.5, -1, 2, -4]);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    expect(m.penalties().terms.map((t) => t.path)).toEqual(['gn_sel_dense/kernel']);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: l2(0.1), include: 'gamma' } });
    const { terms } = m.penalties();
    expect(terms.map((t) => [t.path, t.source])).toEqual([['gn_sel/gamma', 'model']]);
    expect(terms[0]!.value).toBeCloseTo(0.1 * 14.25, 5);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: l1(0.1), include: 'beta' } });
    expect(m.penalties().terms[0]!.value).toBeCloseTo(0.1 * 7.5, 5);
    m.dispose();
  });

  it('a fit step moves gamma and beta, applies constraints, and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [2, 4] });
    const gn = groupNormalization({ groups: 2, name: 'gn_fit' });
    const gn2 = groupNormalization({ groups: 4, name: 'gn_fit_con', gammaConstraint: nonNeg(), betaConstraint: maxNorm({ maxValue: 1 }) });
    const mid = dense({ units: 4, name: 'gn_fit_mid' }).apply(gn.apply(inp));
    const out = dense({ units: 2, name: 'gn_fit_head' }).apply(flatten().apply(gn2.apply(mid)));
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    setWeight(gn2.gamma!, [-1, 2, -3, 1]);
    setWeight(gn2.beta!, [3, 4, 0, 0]);
    const x = tf.tensor3d(values(40, 9), [5, 2, 4]);
    const y = tf.tensor2d(values(10, 4), [5, 2]);
    const before = gn.getWeights();
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    const after = gn.getWeights();
    for (let i = 0; i < 2; i++) {
      const a = after[i]!.dataSync();
      expect(Array.from(before[i]!.dataSync()).every((v, j) => v !== a[j])).toBe(true);
    }
    const gamma = Array.from(gn2.gamma!.read().dataSync());
    expect(Math.abs(gamma[0]!)).toBe(0);
    expect(Math.abs(gamma[2]!)).toBe(0);
    expect(Math.hypot(...Array.from(gn2.beta!.read().dataSync()))).toBeCloseTo(1, 4);
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([...before, ...after, x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

/** Two epochs of SGD on a small net with both layers and a regularized gamma; the weights after them. */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [3, 6] });
  let h = groupNormalization({ groups: 3, name: 'gn', gammaRegularizer: l2(0.01) }).apply(inp);
  h = dense({ units: 4, activation: 'tanh', name: 'mid' }).apply(h);
  h = unitNormalization({ axis: [1, 2], name: 'un' }).apply(h);
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: 'out' }).apply(flatten().apply(h)) });
  seedWeights(m, 71, 0.5);
  m.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: { regularizer: 'l2', include: 'beta' } });
  const x = tf.tensor3d(values(8 * 18, 1), [8, 3, 6]);
  const y = tf.tensor2d(values(16, 2), [8, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

describe('GroupNormalization and UnitNormalization train on cpu and wasm', () => {
  it('the same weights after two epochs on both backends, every weight moved, nothing leaked', async () => {
    const onCpu = await expectSameTrainingOnWasm(trainNet);
    // Weight k started at values(n, 71 + k) * 0.5; every one of them moved on cpu.
    expectEveryWeightMoved(onCpu, 71, 0.5);
    await initBackend({ prefer: 'cpu', log: false });
  });
});

/** What Keras 3 writes for every layer: its name, trainable, and a dtype policy. */
const kerasBase = (name: string): JsonObject => ({
  name,
  trainable: true,
  dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
});

function fromKeras(className: 'GroupNormalization' | 'UnitNormalization', config: JsonObject): Layer {
  return registry('layer').get(className).create(readObject(config)) as Layer;
}

describe('GroupNormalization and UnitNormalization configs', () => {
  it('a Keras 3 GroupNormalization config loads with its settings', () => {
    const layer = fromKeras('GroupNormalization', {
      ...kerasBase('group_normalization'),
      groups: 2,
      axis: -1,
      epsilon: 0.01,
      center: true,
      scale: true,
      beta_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
      gamma_initializer: { module: 'keras.initializers', class_name: 'Constant', config: { value: 2.0 }, registered_name: null },
      beta_regularizer: null,
      gamma_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.05 }, registered_name: null },
      beta_constraint: null,
      gamma_constraint: { module: 'keras.constraints', class_name: 'NonNeg', config: {}, registered_name: null },
    }) as GroupNormalization;
    expect(layer).toBeInstanceOf(GroupNormalization);
    expect([layer.name, layer.groups, layer.axis, layer.epsilon]).toEqual(['group_normalization', 2, -1, 0.01]);
    const x = tf.tensor2d([[1, 3, 2, 6]]);
    const y = layer.apply(x);
    // gamma = 2 everywhere: twice the normalized values of the hand calculation above.
    expectClose(y, [-2 / Math.sqrt(1.01), 2 / Math.sqrt(1.01), -4 / Math.sqrt(4.01), 4 / Math.sqrt(4.01)], 5);
    expect(layer.gamma!.regularizer?.getConfig()).toEqual({ l2: 0.05 });
    expect(layer.gamma!.constraint?.className).toBe('NonNeg');
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('a Keras 3 functional text model with both layers loads: Embedding(mask_zero) -> GroupNormalization -> UnitNormalization -> GlobalAveragePooling1D', () => {
    const tensor = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
    const layer = (className: string, name: string, config: JsonObject, from: string, shape: (number | null)[]) => ({
      module: 'keras.layers',
      class_name: className,
      config: { ...kerasBase(name), ...config },
      registered_name: null,
      name,
      inbound_nodes: [{ args: [tensor(from, shape)], kwargs: {} }],
    });
    const keras3 = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'k3_text',
        trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, null], dtype: 'int32', sparse: false, name: 'k3_ids' }, registered_name: null, name: 'k3_ids', inbound_nodes: [] },
          layer('Embedding', 'k3_emb', { input_dim: 7, output_dim: 4, mask_zero: true }, 'k3_ids', [null, null]),
          layer('GroupNormalization', 'k3_gn', { groups: 2, axis: -1, epsilon: 0.001, center: true, scale: true }, 'k3_emb', [null, null, 4]),
          layer('UnitNormalization', 'k3_un', { axis: -1 }, 'k3_gn', [null, null, 4]),
          layer('GlobalAveragePooling1D', 'k3_gap', { data_format: 'channels_last', keepdims: false }, 'k3_un', [null, null, 4]),
          layer('Dense', 'k3_out', { units: 1, activation: 'linear', use_bias: true }, 'k3_gap', [null, 4]),
        ],
        input_layers: [['k3_ids', 0, 0]],
        output_layers: [['k3_out', 0, 0]],
      },
      registered_name: 'Functional',
    };
    const m = modelFromJSON(keras3);
    expect(m.layers.map((l) => l.className)).toEqual(['InputLayer', 'Embedding', 'GroupNormalization', 'UnitNormalization', 'GlobalAveragePooling1D', 'Dense']);
    seedWeights(m, 31, 0.5);
    // GroupNormalization's statistics span the steps of a sample, padding included (Keras 3 ignores the
    // mask there), so compare padded and unpadded through UnitNormalization only: the pooling must
    // average the two real steps of the padded row.
    const x = tf.tensor2d([[3, 5, 0, 0]], undefined, 'int32');
    const y = m.predict(x) as tf.Tensor;
    const [, emb, gn, un, , out] = m.layers;
    const steps = tf.tidy(() => un!.apply(gn!.apply(emb!.apply(x))) as tf.Tensor);
    const v = Array.from(steps.dataSync());
    const pooled = tf.tensor2d([[0, 1, 2, 3].map((c) => (v[c]! + v[4 + c]!) / 2)]);
    const expected = tf.tidy(() => out!.apply(pooled) as tf.Tensor);
    expectClose(y, Array.from(expected.dataSync()), 5);
    tf.dispose([x, y, steps, pooled, expected]);
    m.dispose();
  });

  it('a Keras 3 UnitNormalization config loads, with an int axis and with a list', () => {
    const one = fromKeras('UnitNormalization', { ...kerasBase('unit_normalization'), axis: -1 }) as UnitNormalization;
    const two = fromKeras('UnitNormalization', { ...kerasBase('unit_normalization_1'), axis: [1, 2] }) as UnitNormalization;
    expect([one.axis, two.axis]).toEqual([-1, [1, 2]]);
    const x = tf.tensor3d([[[3, 4], [0, 12]]]);
    const y1 = one.apply(x);
    const y2 = two.apply(x);
    expectClose(y1, [0.6, 0.8, 0, 1], 6);
    // Norm over both axes: sqrt(9 + 16 + 144) = 13.
    expectClose(y2, [3 / 13, 4 / 13, 0, 12 / 13], 6);
    tf.dispose([x, y1, y2]);
  });

  it('getConfig round-trips, directly and through the registry; groups -1 is saved as the channel count once built', () => {
    const layer = groupNormalization({ groups: -1, axis: 1, epsilon: 0.01, center: false, gammaRegularizer: l2(0.5), gammaConstraint: nonNeg(), betaInitializer: 'ones' });
    expect(layer.getConfig()['groups']).toBe(-1);
    layer.ensureBuilt([null, 6, 2]);
    const config = layer.getConfig();
    expect(config).toMatchObject({ groups: 6, axis: 1, epsilon: 0.01, ...SCALE_ONLY_CONFIG });
    expectConfigCopies(config, 'GroupNormalization', 'gn', (args) => new GroupNormalization(args));
    // @ridge/testing's contract: the config survives JSON and serializing by name.
    expectConfigRoundTrip(layer, 'layer');
    expectConfigRoundTrip(groupNormalization({ groups: 4, gammaRegularizer: 'l2' }), 'layer');
    expectConfigRoundTrip(unitNormalization({ axis: [1, 2] }), 'layer');
    const unit = unitNormalization({ axis: [2, -1], name: 'un_cfg' });
    const unitCopy = registry('layer').get('UnitNormalization').create({ ...unit.getConfig(), name: 'un_copy' }) as UnitNormalization;
    expect(unitCopy.axis).toEqual([2, -1]);
    layer.dispose();
  });
});

describe('GroupNormalization and UnitNormalization errors', () => {
  it.each([
    ['groups', { groups: 0 }, '0'],
    ['groups', { groups: 1.5 }, '1.5'],
    ['groups', { groups: -2 }, '-2'],
    ['groups', { groups: '4' }, '"4"'],
    ['axis', { axis: [1] }, '[1]'],
    ['axis', { axis: 0.5 }, '0.5'],
    ['epsilon', { epsilon: 0 }, '0'],
    ['scale', { scale: 1 }, '1'],
  ])('GroupNormalization rejects a bad %s', (argument, args, received) => {
    const error = caught(() => new GroupNormalization({ name: 'gn_bad', ...(args as object) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("GroupNormalization 'gn_bad'");
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });

  it('refuses a channel count that groups does not divide, naming both, and creates no weights', () => {
    const inp = input({ shape: [2, 6] });
    const start = tf.memory().numTensors;
    for (const groups of [4, 32]) {
      const layer = groupNormalization({ groups, name: `gn_div_${groups}` });
      const error = caught(() => layer.apply(inp));
      expect(error.code).toBe('SHAPE_MISMATCH');
      expect(error.message).toContain(`GroupNormalization 'gn_div_${groups}'`);
      expect(error.message).toContain('channel count (6');
      expect(error.message).toContain(`groups (${groups})`);
      expect(error.details).toMatchObject({ argument: 'groups', received: groups, channels: 6 });
      expect(layer.weights).toEqual([]);
      expect(layer.built).toBe(false);
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it('refuses the batch axis, an unknown channel count, and inputs of another shape', () => {
    expect(caught(() => groupNormalization({ groups: 1, axis: 0 }).apply(input({ shape: [4] }))).code).toBe('SHAPE_MISMATCH');
    expect(caught(() => groupNormalization({ groups: 1 }).apply(input({ shape: [null] }))).message).toContain('must be known');
    const layer = groupNormalization({ groups: 2, name: 'gn_other' });
    layer.apply(input({ shape: [4] }));
    const x = tf.ones([1, 6]);
    const error = caught(() => layer.apply(x));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('[1, 6]');
    x.dispose();
    layer.dispose();
  });

  it('UnitNormalization rejects a bad axis when created, an axis outside the input when built', () => {
    for (const [axis, shown] of [[1.5, '1.5'], [[], '[]'], ['1', '"1"'], [[1, null], '[1, null]']] as const) {
      const error = caught(() => unitNormalization({ name: 'un_bad', axis: axis as never }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain("UnitNormalization 'un_bad': axis");
      expect(error.message).toContain(shown);
    }
    const out = caught(() => unitNormalization({ axis: 2, name: 'un_range' }).apply(input({ shape: [3] })));
    expect(out.code).toBe('SHAPE_MISMATCH');
    expect(out.message).toContain('axis 2 is out of range for inputs of rank 2');
    expect(caught(() => unitNormalization({ axis: [1, -1] }).apply(input({ shape: [3] }))).message).toContain('same axis twice');
  });

  it('UnitNormalization built for rank 3 and called on rank 2 is SHAPE_MISMATCH about the inputs, naming their shape', () => {
    const layer = unitNormalization({ name: 'un_rank' });
    layer.ensureBuilt([null, 2, 3]);
    const x = tf.ones([4, 3]);
    const start = tf.memory().numTensors;
    const error = caught(() => layer.apply(x));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("UnitNormalization 'un_rank': expected inputs of rank 3");
    expect(error.message).toContain('[4, 3]');
    expect(error.details).toMatchObject({ argument: 'inputs', received: [4, 3] });
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    layer.dispose();
  });
});

describe('UnitNormalization values', () => {
  it("Keras's epsilon: x / sqrt(max(sum x^2, 1e-12)); a zero row stays zero, a tiny row is scaled by 1e6", () => {
    const layer = unitNormalization();
    const x = tf.tensor2d([
      [1, 2, 2],
      [0, 0, 0],
      [1e-8, 0, 0],
      [-3, 0, 4],
    ]);
    const y = layer.apply(x);
    // Row 3: sum x^2 = 1e-16 < 1e-12, so the divisor is sqrt(1e-12) = 1e-6.
    expectClose(y, [1 / 3, 2 / 3, 2 / 3, 0, 0, 0, 1e-2, 0, 0, -0.6, 0, 0.8], 6);
    tf.dispose([x, y]);
  });

  it('axis 1 of a rank 3 input normalizes each column of each sample; the batch axis is allowed, as in Keras', () => {
    const x = tf.tensor3d([[[3, 1], [4, 0]], [[0, 5], [2, 12]]]);
    const y = unitNormalization({ axis: 1 }).apply(x);
    expectClose(y, [0.6, 1, 0.8, 0, 0, 5 / 13, 1, 12 / 13], 6);
    const z = unitNormalization({ axis: 0 }).apply(x);
    // Across the batch: entry [i, j] over both samples.
    expectClose(z, [1, 1 / Math.sqrt(26), 4 / Math.sqrt(20), 0, 0, 5 / Math.sqrt(26), 2 / Math.sqrt(20), 1], 6);
    tf.dispose([x, y, z]);
  });

  it('predict leaks nothing; outputs have the input shape', () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [2, 3] });
    const out = unitNormalization({ axis: [1, 2] }).apply(inp);
    expect(out.shape).toEqual([null, 2, 3]);
    const m = model({ inputs: inp, outputs: out });
    const x = tf.ones([2, 2, 3]);
    const y = m.predict(x) as tf.Tensor;
    expectClose(y, new Array<number>(12).fill(1 / Math.sqrt(6)), 6);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
