import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { registry, serdeTrio, type LayerName } from '@ridge/core';
import { l2 } from '@ridge/regularizers';
import { expectResolvable } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model } from '../../base.js';
import '../../register.js';
import '../../features/regularization.js';
import '../../features/summary.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  Cropping2D,
  DepthwiseConv2D,
  Flatten,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  Reshape,
  SeparableConv2D,
  UpSampling2D,
  ZeroPadding2D,
  averagePooling1d,
  conv1d,
  conv2d,
  flatten,
  globalMaxPooling1d,
  maxPooling2d,
} from './index.js';
import { Conv1DTranspose, Cropping1D, DepthwiseConv1D, SeparableConv1D, UpSampling1D, ZeroPadding1D } from './index.js';
import { AveragePooling3D, Conv3D, Cropping3D, GlobalAveragePooling3D, GlobalMaxPooling3D, MaxPooling3D, UpSampling3D, ZeroPadding3D } from './index.js';
import { convLayerEntries } from './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('registry', () => {
  // Keras 3's class names and its registered aliases.
  const names: [LayerName, string, Record<string, unknown>][] = [
    ['Conv1D', 'Conv1D', { filters: 2, kernelSize: 3 }],
    ['Convolution1D', 'Conv1D', { filters: 2, kernelSize: 3 }],
    ['Conv2D', 'Conv2D', { filters: 2, kernelSize: 3 }],
    ['Convolution2D', 'Conv2D', { filters: 2, kernelSize: 3 }],
    ['MaxPooling1D', 'MaxPooling1D', {}],
    ['MaxPool1D', 'MaxPooling1D', {}],
    ['MaxPooling2D', 'MaxPooling2D', {}],
    ['MaxPool2D', 'MaxPooling2D', {}],
    ['AveragePooling1D', 'AveragePooling1D', {}],
    ['AvgPool1D', 'AveragePooling1D', {}],
    ['AveragePooling2D', 'AveragePooling2D', {}],
    ['AvgPool2D', 'AveragePooling2D', {}],
    ['GlobalAveragePooling1D', 'GlobalAveragePooling1D', {}],
    ['GlobalAvgPool1D', 'GlobalAveragePooling1D', {}],
    ['GlobalAveragePooling2D', 'GlobalAveragePooling2D', {}],
    ['GlobalAvgPool2D', 'GlobalAveragePooling2D', {}],
    ['GlobalMaxPooling1D', 'GlobalMaxPooling1D', {}],
    ['GlobalMaxPool1D', 'GlobalMaxPooling1D', {}],
    ['GlobalMaxPooling2D', 'GlobalMaxPooling2D', {}],
    ['GlobalMaxPool2D', 'GlobalMaxPooling2D', {}],
    ['Flatten', 'Flatten', {}],
    ['Reshape', 'Reshape', { targetShape: [2, -1] }],
    ['DepthwiseConv2D', 'DepthwiseConv2D', { kernelSize: 2 }],
    ['SeparableConv2D', 'SeparableConv2D', { filters: 2, kernelSize: 2 }],
    ['SeparableConvolution2D', 'SeparableConv2D', { filters: 2, kernelSize: 2 }],
    ['Conv2DTranspose', 'Conv2DTranspose', { filters: 2, kernelSize: 2 }],
    ['Convolution2DTranspose', 'Conv2DTranspose', { filters: 2, kernelSize: 2 }],
    ['ZeroPadding2D', 'ZeroPadding2D', {}],
    ['UpSampling2D', 'UpSampling2D', {}],
    ['Cropping2D', 'Cropping2D', {}],
    ['ZeroPadding1D', 'ZeroPadding1D', {}],
    ['UpSampling1D', 'UpSampling1D', {}],
    ['Cropping1D', 'Cropping1D', {}],
    ['DepthwiseConv1D', 'DepthwiseConv1D', { kernelSize: 2 }],
    ['SeparableConv1D', 'SeparableConv1D', { filters: 2, kernelSize: 2 }],
    ['SeparableConvolution1D', 'SeparableConv1D', { filters: 2, kernelSize: 2 }],
    ['Conv1DTranspose', 'Conv1DTranspose', { filters: 2, kernelSize: 2 }],
    ['Convolution1DTranspose', 'Conv1DTranspose', { filters: 2, kernelSize: 2 }],
  ];
  for (const [name, className, config] of names) {
    it(`'${name}' builds a ${className}`, () => {
      const layer = registry('layer').get(name).create(config as never);
      expect(layer.className).toBe(className);
      expect(registry('layer').has(className)).toBe(true);
    });
  }

  it('the entries are the Keras class names, with @ridge/layers as their package', () => {
    expect(convLayerEntries.map((e) => e.name)).toEqual([
      'Conv1D',
      'Conv2D',
      'MaxPooling1D',
      'MaxPooling2D',
      'AveragePooling1D',
      'AveragePooling2D',
      'GlobalAveragePooling1D',
      'GlobalAveragePooling2D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
      'Flatten',
      'Reshape',
      'DepthwiseConv2D',
      'SeparableConv2D',
      'Conv2DTranspose',
      'ZeroPadding2D',
      'UpSampling2D',
      'Cropping2D',
      'ZeroPadding1D',
      'UpSampling1D',
      'Cropping1D',
      'DepthwiseConv1D',
      'SeparableConv1D',
      'Conv1DTranspose',
      'Conv3D',
      'MaxPooling3D',
      'AveragePooling3D',
      'GlobalAveragePooling3D',
      'GlobalMaxPooling3D',
      'ZeroPadding3D',
      'UpSampling3D',
      'Cropping3D',
    ]);
    const classes = [
      Conv1D,
      Conv2D,
      MaxPooling1D,
      MaxPooling2D,
      AveragePooling1D,
      AveragePooling2D,
      GlobalAveragePooling1D,
      GlobalAveragePooling2D,
      GlobalMaxPooling1D,
      GlobalMaxPooling2D,
      Flatten,
      Reshape,
      DepthwiseConv2D,
      SeparableConv2D,
      Conv2DTranspose,
      ZeroPadding2D,
      UpSampling2D,
      Cropping2D,
      ZeroPadding1D,
      UpSampling1D,
      Cropping1D,
      DepthwiseConv1D,
      SeparableConv1D,
      Conv1DTranspose,
      Conv3D,
      MaxPooling3D,
      AveragePooling3D,
      GlobalAveragePooling3D,
      GlobalMaxPooling3D,
      ZeroPadding3D,
      UpSampling3D,
      Cropping3D,
    ];
    expect(classes.map((c) => c.className)).toEqual(convLayerEntries.map((e) => e.name));
    for (const e of convLayerEntries) expect(e.package).toBe('@ridge/layers');
  });

  it('names that need no config resolve by name and by { className, config }', () => {
    for (const name of ['MaxPool2D', 'AvgPool1D', 'GlobalAvgPool2D', 'GlobalMaxPool1D', 'Flatten']) expectResolvable('layer', name);
  });

  it('an empty config gives the layer\'s own argument error', () => {
    expect(() => registry('layer').get('Conv2D').create()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('filters') }));
    expect(() => registry('layer').get('Reshape').create()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('targetShape') }));
  });
});

describe('Keras 3 JSON', () => {
  const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
  const layers = serdeTrio('layer');

  it('reads a Keras 3 Conv2D config (snake_case, nested initializers and regularizers)', () => {
    const layer = layers.deserialize({
      module: 'keras.layers',
      class_name: 'Conv2D',
      config: {
        name: 'keras_conv2d',
        trainable: true,
        dtype,
        filters: 8,
        kernel_size: [3, 3],
        strides: [1, 1],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        groups: 1,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
        bias_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      registered_name: null,
    }) as Conv2D;
    expect(layer).toBeInstanceOf(Conv2D);
    expect(layer.getConfig()).toMatchObject({
      name: 'keras_conv2d',
      filters: 8,
      kernelSize: [3, 3],
      padding: 'same',
      activation: 'relu',
      kernelRegularizer: { className: 'L2', config: { l2: 0.01 } },
    });
  });

  it('reads Keras 3 pooling, flatten and reshape configs', () => {
    const pool = layers.deserialize({
      module: 'keras.layers',
      class_name: 'MaxPooling2D',
      config: { name: 'keras_pool', trainable: true, dtype, pool_size: [3, 3], padding: 'valid', strides: [2, 2], data_format: 'channels_last' },
      registered_name: null,
    }) as MaxPooling2D;
    expect([pool.poolSize, pool.strides, pool.padding]).toEqual([[3, 3], [2, 2], 'valid']);
    const gap = layers.deserialize({ class_name: 'GlobalAveragePooling2D', config: { name: 'keras_gap', data_format: 'channels_last', keepdims: true } }) as GlobalAveragePooling2D;
    expect(gap.keepdims).toBe(true);
    const c1 = layers.deserialize({ class_name: 'Conv1D', config: { filters: 4, kernel_size: [2], padding: 'causal', dilation_rate: [2] } }) as Conv1D;
    expect([c1.kernelSize, c1.padding, c1.dilationRate]).toEqual([[2], 'causal', [2]]);
    expect(layers.deserialize({ class_name: 'Flatten', config: { data_format: 'channels_last' } })).toBeInstanceOf(Flatten);
    expect((layers.deserialize({ class_name: 'Reshape', config: { target_shape: [4, 4] } }) as Reshape).targetShape).toEqual([4, 4]);
  });

  it('reads Keras 3 DepthwiseConv2D, SeparableConv2D and Conv2DTranspose configs', () => {
    const init = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
    const l2json = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null };
    const common = { trainable: true, dtype, strides: [1, 1], padding: 'same', data_format: 'channels_last', dilation_rate: [1, 1], activation: 'linear', use_bias: true, bias_initializer: { class_name: 'Zeros', config: {} }, bias_regularizer: null, activity_regularizer: null, bias_constraint: null };
    const dw = layers.deserialize({
      module: 'keras.layers',
      class_name: 'DepthwiseConv2D',
      config: { ...common, name: 'keras_dw', kernel_size: [3, 3], depth_multiplier: 2, depthwise_initializer: init, depthwise_regularizer: l2json, depthwise_constraint: null },
      registered_name: null,
    }) as DepthwiseConv2D;
    expect([dw.kernelSize, dw.depthMultiplier, dw.padding]).toEqual([[3, 3], 2, 'same']);
    expect(dw.getConfig()['depthwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.01 } });
    const sc = layers.deserialize({
      class_name: 'SeparableConv2D',
      config: { ...common, name: 'keras_sc', filters: 4, kernel_size: [2, 2], depth_multiplier: 1, depthwise_initializer: init, pointwise_initializer: init, depthwise_regularizer: null, pointwise_regularizer: l2json, depthwise_constraint: null, pointwise_constraint: null },
    }) as SeparableConv2D;
    expect([sc.filters, sc.kernelSize]).toEqual([4, [2, 2]]);
    expect(sc.getConfig()['pointwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.01 } });
    // Keras 3's Conv2DTranspose writes dilation_rate but not output_padding.
    const ct = layers.deserialize({
      class_name: 'Conv2DTranspose',
      config: { ...common, name: 'keras_ct', filters: 3, kernel_size: [3, 3], strides: [2, 2], kernel_initializer: init, kernel_regularizer: null, kernel_constraint: null },
    }) as Conv2DTranspose;
    expect([ct.filters, ct.strides, ct.outputPadding]).toEqual([3, [2, 2], null]);
    expect(ct.computeOutputShape([null, 4, 5, 2])).toEqual([null, 8, 10, 3]);
  });

  it('reads Keras 3 ZeroPadding2D, UpSampling2D and Cropping2D configs (tuples of tuples)', () => {
    const pad = layers.deserialize({ module: 'keras.layers', class_name: 'ZeroPadding2D', config: { name: 'keras_pad', trainable: true, dtype, padding: [[1, 2], [3, 4]], data_format: 'channels_last' }, registered_name: null }) as ZeroPadding2D;
    expect(pad.computeOutputShape([null, 5, 5, 2])).toEqual([null, 5 + 1 + 2, 5 + 3 + 4, 2]);
    const up = layers.deserialize({ class_name: 'UpSampling2D', config: { name: 'keras_up', dtype, size: [2, 3], data_format: 'channels_last', interpolation: 'bilinear' } }) as UpSampling2D;
    expect([up.size, up.interpolation]).toEqual([[2, 3], 'bilinear']);
    const crop = layers.deserialize({ class_name: 'Cropping2D', config: { name: 'keras_crop', dtype, cropping: [[0, 1], [2, 0]], data_format: 'channels_last' } }) as Cropping2D;
    expect(crop.computeOutputShape([null, 5, 5, 2])).toEqual([null, 4, 3, 2]);
  });

  it('tfjs-layers configs (camelCase) read too', () => {
    const layer = layers.deserialize({
      className: 'Conv2D',
      config: { filters: 2, kernelSize: [2, 2], strides: [1, 1], padding: 'valid', dataFormat: 'channels_last', dilationRate: [1, 1], activation: 'linear', useBias: true, name: 'tfjs_conv' },
    });
    expect(layer).toBeInstanceOf(Conv2D);
  });
});

describe('convnets end to end', () => {
  it('a 2-D convnet trains, reports its penalties, and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [6, 6, 1] });
    const c = conv2d({ name: 'e2e_conv', filters: 3, kernelSize: 3, activation: 'relu', padding: 'same', kernelRegularizer: l2(0.01), biasRegularizer: 'l2' });
    let h = c.apply(inp);
    h = maxPooling2d({}).apply(h);
    h = flatten({}).apply(h);
    expect(h.shape).toEqual([null, 27]);
    const d = dense({ name: 'e2e_dense', units: 2, activation: 'softmax' });
    const m = model({ inputs: inp, outputs: d.apply(h) });
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.randomUniform([8, 6, 6, 1], -1, 1, 'float32', 7);
    const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0].map((c) => (c === 0 ? [1, 0] : [0, 1])));
    const before = c.kernel.read().dataSync().slice();
    const history = await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(history.history['penalty/e2e_conv/kernel']).toHaveLength(2);
    expect(history.history['penalty/e2e_conv/bias']).toHaveLength(2);
    expect(Array.from(c.kernel.read().dataSync())).not.toEqual(Array.from(before));
    const afterFirst = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(m.summary(false)).toContain('e2e_conv');
    const beforePredict = tf.memory().numTensors;
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(beforePredict);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a 1-D causal convnet trains with model-level regularization on its kernels', async () => {
    const inp = input({ shape: [8, 2] });
    const c = conv1d({ name: 'e2e_conv1d', filters: 4, kernelSize: 2, padding: 'causal', dilationRate: 2 });
    let h = c.apply(inp);
    h = averagePooling1d({ padding: 'same', poolSize: 3 }).apply(h);
    h = globalMaxPooling1d({}).apply(h);
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(h) });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: l2(0.5) });
    const terms = m.penalties().terms.filter((t) => t.path === 'e2e_conv1d/kernel');
    expect(terms).toHaveLength(1);
    expect(terms[0]!.source).toBe('model');
    const k = Array.from(c.kernel.read().dataSync());
    expect(terms[0]!.value).toBeCloseTo(0.5 * k.reduce((a, w) => a + w * w, 0), 4);
    const x = tf.randomUniform([6, 8, 2], -1, 1, 'float32', 3);
    const y = tf.zeros([6, 1]);
    await m.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    expect(Array.from(c.kernel.read().dataSync())).not.toEqual(k);
    const afterFirst = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([x, y]);
    m.dispose();
  });
});
