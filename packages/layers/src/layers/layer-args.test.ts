/**
 * Every layer refuses argument keys it does not take (a misspelled `kernel_regularizer` would
 * otherwise train without its penalty), before anything is created, and takes every key its own
 * `getConfig()` returns. Plus the related argument checks of input, Dropout and Embedding.
 */
import { initBackend } from '@ridge/backend';
import { closestName } from '@ridge/core';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_ARG_KEYS } from '../engine/arg-keys.js';
import { Layer, type LayerClass } from '../engine/layer.js';
import * as api from '../index.js';
import { caughtRidgeError } from '../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** The smallest valid arguments of each exported layer class, by class name. */
const MINIMAL: Record<string, Record<string, unknown>> = {
  Dense: { units: 2 },
  Activation: { activation: 'relu' },
  Dropout: { rate: 0.5 },
  Conv1D: { filters: 2, kernelSize: 2 },
  Conv2D: { filters: 2, kernelSize: 2 },
  DepthwiseConv2D: { kernelSize: 2 },
  SeparableConv2D: { filters: 2, kernelSize: 2 },
  Conv2DTranspose: { filters: 2, kernelSize: 2 },
  ZeroPadding2D: {},
  UpSampling2D: {},
  Cropping2D: {},
  MaxPooling1D: {},
  MaxPooling2D: {},
  AveragePooling1D: {},
  AveragePooling2D: {},
  GlobalAveragePooling1D: {},
  GlobalAveragePooling2D: {},
  GlobalMaxPooling1D: {},
  GlobalMaxPooling2D: {},
  Flatten: {},
  Reshape: { targetShape: [2] },
  SimpleRNN: { units: 2 },
  LSTM: { units: 2 },
  GRU: { units: 2 },
  BatchNormalization: {},
  LayerNormalization: {},
  GroupNormalization: { groups: 2 },
  UnitNormalization: {},
  Embedding: { inputDim: 3, outputDim: 2 },
  GaussianNoise: { stddev: 0.1 },
  GaussianDropout: { rate: 0.5 },
  AlphaDropout: { rate: 0.5 },
  SpatialDropout1D: { rate: 0.5 },
  ActivityRegularization: { l1: 0.1 },
  Add: {},
  Subtract: {},
  Multiply: {},
  Average: {},
  Maximum: {},
  Minimum: {},
  Concatenate: {},
  Dot: { axes: 1 },
  Bidirectional: { layer: { className: 'LSTM', config: { units: 2 } } },
  TimeDistributed: { layer: { className: 'Dense', config: { units: 2 } } },
  ReLU: {},
  LeakyReLU: {},
  PReLU: {},
  ELU: {},
  Softmax: {},
  ThresholdedReLU: {},
  RepeatVector: { n: 2 },
  Permute: { dims: [1] },
  Masking: {},
  ZeroPadding1D: {},
  UpSampling1D: {},
  Cropping1D: {},
  DepthwiseConv1D: { kernelSize: 2 },
  SeparableConv1D: { filters: 2, kernelSize: 2 },
  Conv1DTranspose: { filters: 2, kernelSize: 2 },
  SpatialDropout2D: { rate: 0.5 },
  Attention: {},
  AdditiveAttention: {},
  MultiHeadAttention: { numHeads: 2, keyDim: 2 },
  Conv3D: { filters: 2, kernelSize: 2 },
  MaxPooling3D: {},
  AveragePooling3D: {},
  GlobalAveragePooling3D: {},
  GlobalMaxPooling3D: {},
  ZeroPadding3D: {},
  UpSampling3D: {},
  Cropping3D: {},
  Rescaling: { scale: 0.5 },
  Normalization: {},
  CategoryEncoding: { numTokens: 3 },
  CenterCrop: { height: 2, width: 2 },
  Resizing: { height: 2, width: 2 },
  // A Keras activation function, which its saved config names so that the config alone rebuilds it.
  Lambda: { function: api.getActivation('tanh') },
  ConvLSTM1D: { filters: 2, kernelSize: 2 },
  ConvLSTM2D: { filters: 2, kernelSize: 2 },
  ConvLSTM3D: { filters: 2, kernelSize: 2 },
  RandomFlip: {},
  RandomCrop: { height: 2, width: 2 },
  RandomContrast: { factor: 0.2 },
  RandomBrightness: { factor: 0.2 },
  RandomTranslation: { heightFactor: 0.1, widthFactor: 0.1 },
  RandomRotation: { factor: 0.1 },
  RandomZoom: { heightFactor: 0.1 },
  Discretization: { binBoundaries: [0] },
  Hashing: { numBins: 2 },
  StringLookup: {},
  IntegerLookup: {},
  TextVectorization: {},
};

type Ctor = (new (args: unknown) => Layer) & LayerClass;

/** Every concrete layer class @ridge/layers exports, but the input layer and models. */
const classes: Ctor[] = Object.values(api)
  .filter((v): v is Ctor => typeof v === 'function' && (v as unknown as { prototype: unknown }).prototype instanceof Layer)
  .filter((v) => !(v.prototype instanceof api.Model) && v !== (api.Model as unknown) && v !== (api.InputLayer as unknown))
  .filter((v) => ![api.Conv, api.Pooling, api.GlobalPooling, api.RecurrentLayer, api.AttentionBase].includes(v as never));

const caught = caughtRidgeError;

/** A deliberate misspelling of `key`: Keras's snake_case, a dropped letter for one-word keys, a doubled one for one-letter keys (RepeatVector's `n`). */
function misspell(key: string): string {
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  if (key.length === 1) return `${key}${key}`;
  return snake !== key ? snake : `${key.slice(0, -2)}${key.slice(-1)}`;
}

describe('every layer refuses an unknown argument', () => {
  it('knows the minimal arguments of every exported layer class', () => {
    expect(classes.map((c) => c.className).filter((n) => !(n in MINIMAL))).toEqual([]);
    expect(classes.length, 'the 34 layer classes of today').toBeGreaterThanOrEqual(34);
  });

  it.each(classes.map((c) => [c.className, c] as const))('%s: a misspelled key, with the suggestion, and nothing created', (name, cls) => {
    const own = [...cls.argKeys[0], ...cls.argKeys[1]];
    // The class's own last key if it has some (kernel_regularizer-like), else a base key.
    const key = own.length > 0 ? own[own.length - 1]! : 'activityRegularizer';
    const wrong = misspell(key);
    expect(wrong).not.toBe(key);
    const before = tf.memory().numTensors;
    const error = caught(() => new cls({ ...MINIMAL[name], name: `refused_${name}`, [wrong]: 1 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${name} 'refused_${name}': unknown argument "${wrong}" (did you mean '${key}'?)`);
    expect(error.details).toMatchObject({ argument: wrong });
    expect(tf.memory().numTensors).toBe(before);
    // The refused layer took no name: a layer may now be created under it.
    const made = new cls({ ...MINIMAL[name], name: `refused_${name}` });
    expect(made.name).toBe(`refused_${name}`);
    made.dispose();
  });

  it("refuses with the generated name it would have had, and does not take it", () => {
    const error = caught(() => api.dense({ units: 2, kernel_regularizer: 'l2' } as never));
    const [, shown] = /^Dense '([^']+)': unknown argument "kernel_regularizer" \(did you mean 'kernelRegularizer'\?\)/.exec(error.message) ?? [];
    expect(shown).toBeDefined();
    const next = api.dense({ units: 2 });
    expect(next.name).toBe(shown);
  });

  it.each(classes.map((c) => [c.className, c] as const))('%s: takes every key of its own getConfig()', (name, cls) => {
    const layer = new cls({ ...MINIMAL[name], name: `config_${name}` });
    const config = layer.getConfig();
    layer.dispose();
    const copy = new cls({ ...config, name: `config_copy_${name}` });
    expect(copy.getConfig()).toEqual({ ...config, name: `config_copy_${name}` });
    copy.dispose();
    // The declared keys are what the config holds (the constructor-only ones are listed here).
    const declared = [...cls.argKeys[0], ...cls.argKeys[1], ...BASE_ARG_KEYS];
    expect(Object.keys(config).filter((k) => !declared.includes(k as never))).toEqual([]);
    const constructorOnly = new Set(['inputShape', 'batchSize', 'batchInputShape', 'activityRegularizer']);
    if (name === 'Embedding') constructorOnly.add('inputLength');
    if (name === 'SpatialDropout1D') constructorOnly.add('noiseShape');
    // tfjs-layers' and Keras 2's name for negativeSlope: read, never written.
    if (name === 'LeakyReLU') constructorOnly.add('alpha');
    const unreported = declared.filter((k) => !(k in config) && !constructorOnly.has(k));
    expect(unreported, `${name} declares keys its config never reports`).toEqual([]);
  });
});

describe('required arguments and argument objects', () => {
  it('dense() without arguments names units instead of a TypeError', () => {
    const before = tf.memory().numTensors;
    const error = caught(() => (api.dense as (a?: unknown) => unknown)());
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^Dense '[^']+': units is required; received undefined\.$/);
    expect(error.details).toMatchObject({ argument: 'units' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each(classes.filter((c) => c.argKeys[0].length > 0).map((c) => [c.className, c] as const))('%s without its required arguments', (name, cls) => {
    const error = caught(() => new cls(undefined));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${name} '`);
    expect(error.message).toContain(`${cls.argKeys[0][0]} is required`);
  });

  it('arguments that are not an object', () => {
    expect(caught(() => api.dense(42 as never)).message).toMatch(/^Dense '[^']+': arguments must be an object; received 42\./);
  });

  it('the suggestion uses the same closest-name rule as the rest of Ridge', () => {
    const error = caught(() => api.lstm({ units: 2, recurent_dropout: 0.1 } as never));
    expect(error.message).toContain(`(did you mean '${closestName('recurent_dropout', api.LSTM.argKeys[1])}'?)`);
    expect(error.message).toContain("'recurrentDropout'");
  });
});

describe('input()', () => {
  it('refuses an unknown key, shape with batchShape, and dtypes other than float32 and int32', () => {
    const before = tf.memory().numTensors;
    const unknown = caught(() => api.input({ shape: [2], batch_shape: [null, 2] } as never));
    expect(unknown.code).toBe('INVALID_ARGUMENT');
    expect(unknown.message).toContain(`unknown argument "batch_shape" (did you mean 'batchShape'?)`);
    const both = caught(() => api.input({ shape: [3], batchShape: [null, 2] }));
    expect(both.code).toBe('INVALID_ARGUMENT');
    expect(both.message).toBe('input: shape must be absent with batchShape (give one, not both); received [3].');
    expect(both.details).toMatchObject({ argument: 'shape' });
    const withSize = caught(() => api.input({ batchSize: 4, batchShape: [null, 2] }));
    expect(withSize.details).toMatchObject({ argument: 'batchSize' });
    for (const dtype of ['int8', 'bool', 'float16', 'string']) {
      const error = caught(() => api.input({ shape: [2], dtype: dtype as never }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toBe(`input: dtype must be 'float32' or 'int32' (Ridge computes in float32); received "${dtype}".`);
    }
    expect(api.input({ shape: [2], dtype: 'int32' }).dtype).toBe('int32');
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('Dropout', () => {
  it('refuses a negative or fractional seed, as fit does', () => {
    for (const make of [
      (seed: number) => api.dropout({ rate: 0.5, seed }),
      (seed: number) => api.gaussianNoise({ stddev: 0.5, seed }),
      (seed: number) => api.lstm({ units: 2, seed }),
    ]) {
      for (const seed of [-1, 1.5]) {
        const error = caught(() => make(seed));
        expect(error.code).toBe('INVALID_ARGUMENT');
        expect(error.message).toMatch(/seed/);
        expect(error.message).toContain(String(seed));
      }
    }
  });

  it('a noiseShape that does not broadcast to the input is SHAPE_MISMATCH, at build and at call', () => {
    expect(caught(() => api.dropout({ rate: 0.5, noiseShape: [0, 1] })).code).toBe('INVALID_ARGUMENT');
    const symbolic = api.input({ shape: [3, 4] });
    const layer = api.dropout({ rate: 0.5, noiseShape: [null, 2, 4], name: 'ns_build' });
    const atBuild = caught(() => layer.apply(symbolic));
    expect(atBuild.code).toBe('SHAPE_MISMATCH');
    expect(atBuild.message).toContain("Dropout 'ns_build': noiseShape [null, 2, 4]");
    const eager = api.dropout({ rate: 0.5, noiseShape: [null, 1, 4, 1], name: 'ns_call' });
    const x = tf.ones([2, 3, 4]);
    const before = tf.memory().numTensors;
    const atCall = caught(() => eager.apply(x, { training: true }));
    expect(atCall.code).toBe('SHAPE_MISMATCH');
    expect(atCall.message).toContain('[2, 3, 4]');
    expect(tf.memory().numTensors).toBe(before);
    // A shape that broadcasts works: one mask per sample shared over the 3 steps.
    const shared = api.dropout({ rate: 0.5, noiseShape: [null, 1, 4], seed: 3 });
    const y = shared.apply(x, { training: true });
    const rows = y.arraySync() as number[][][];
    for (const sample of rows) expect(sample[1]).toEqual(sample[0]);
    tf.dispose([x, y]);
  });
});

describe('Embedding indices out of range', () => {
  it.each(['cpu', 'wasm'] as const)('on %s: INVALID_DATA naming the layer, inputDim and the value', async (backend) => {
    await initBackend({ prefer: backend, log: false });
    try {
      expect(tf.getBackend()).toBe(backend);
      const layer = api.embedding({ inputDim: 3, outputDim: 2, name: `emb_${backend}` });
      const ok = layer.apply(tf.tensor2d([[0, 2]], [1, 2], 'int32'));
      ok.dispose();
      for (const bad of [7, -1, 3]) {
        const x = tf.tensor2d([[0, bad]], [1, 2], 'int32');
        const before = tf.memory().numTensors;
        const error = caught(() => layer.apply(x));
        expect(error.code).toBe('INVALID_DATA');
        expect(error.message).toBe(
          `Embedding 'emb_${backend}': input index ${bad} is outside [0, 2] (inputDim 3); indices must be integers from 0 to inputDim - 1: raise inputDim or fix the data.`,
        );
        expect(error.details).toMatchObject({ layer: `emb_${backend}`, inputDim: 3, received: bad });
        expect(tf.memory().numTensors).toBe(before);
        x.dispose();
      }
      layer.dispose();
    } finally {
      await initBackend({ prefer: 'cpu', log: false });
    }
  });
});
