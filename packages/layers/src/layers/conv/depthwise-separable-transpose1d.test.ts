import { registry, serdeTrio } from '@ridge/core';
import { l1, l2, nonNeg } from '@ridge/regularizers';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  expectBareL2OnKernels,
  expectShapeMismatch,
  expectTrainsWithoutLeaks,
  expectValues,
  itRejectsArguments,
  refPointwise,
  roundedValues,
  sameBefore,
  size,
  sumSq,
  useCpu,
} from '../../../test/conv-fixtures.js';
import { input, model } from '../../base.js';
import { deconvOutputLength } from './conv-transpose-base.js';
import { Conv1DTranspose, DepthwiseConv1D, SeparableConv1D, conv1dTranspose, depthwiseConv1d, separableConv1d } from './index.js';

useCpu();

type Shape3 = readonly [number, number, number];
const at = (shape: Shape3, a: number, b: number, c: number) => (a * shape[1] + b) * shape[2] + c;

/** Depthwise 1-D convolution by loops: out[n, t, c * m + q] = sum_a x[n, t * s + a * d - pad, c] * k[a, c, q]. */
function refDepthwise(x: number[], xs: Shape3, k: number[], ks: Shape3, stride: number, padding: 'valid' | 'same', dilation = 1) {
  const [N, L, C] = xs;
  const [K, , M] = ks;
  const window = (K - 1) * dilation + 1;
  const T = padding === 'valid' ? Math.floor((L - window) / stride) + 1 : Math.ceil(L / stride);
  const pad = padding === 'same' ? sameBefore(L, window, stride) : 0;
  const os: Shape3 = [N, T, C * M];
  const out = new Array<number>(size(os)).fill(0);
  for (let n = 0; n < N; n++)
    for (let t = 0; t < T; t++)
      for (let c = 0; c < C; c++)
        for (let q = 0; q < M; q++) {
          let sum = 0;
          for (let a = 0; a < K; a++) {
            const r = t * stride + a * dilation - pad;
            if (r >= 0 && r < L) sum += x[at(xs, n, r, c)]! * k[at(ks, a, c, q)]!;
          }
          out[at(os, n, t, c * M + q)] = sum;
        }
  return { data: out, shape: [...os] };
}

/**
 * Transposed 1-D convolution by scattering, from its definition: input step i, channel c adds
 * x * k[a, f, c] at output step i * s + a * d - pad, where pad is the 'same' padding of the
 * forward convolution on the output length (0 for 'valid').
 */
function refTranspose(x: number[], xs: Shape3, k: number[], ks: Shape3, stride: number, padding: 'valid' | 'same', out: number, dilation = 1) {
  const [N, L, C] = xs;
  const [K, F] = ks;
  const window = (K - 1) * dilation + 1;
  const pad = padding === 'same' ? sameBefore(out, window, stride) : 0;
  const os: Shape3 = [N, out, F];
  const y = new Array<number>(size(os)).fill(0);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < L; i++)
      for (let c = 0; c < C; c++)
        for (let a = 0; a < K; a++) {
          const r = i * stride + a * dilation - pad;
          if (r < 0 || r >= out) continue;
          for (let f = 0; f < F; f++) y[at(os, n, r, f)]! += x[at(xs, n, i, c)]! * k[at(ks, a, f, c)]!;
        }
  return { data: y, shape: [...os] };
}

describe('DepthwiseConv1D output values (loop reference)', () => {
  const cases = [
    { title: 'valid, multiplier 2', xs: [2, 6, 3], k: 3, m: 2, stride: 1, padding: 'valid', dilation: 1 },
    { title: 'same, stride 2', xs: [1, 7, 2], k: 2, m: 1, stride: 2, padding: 'same', dilation: 1 },
    { title: 'same, dilation 2, multiplier 3', xs: [1, 6, 2], k: 2, m: 3, stride: 1, padding: 'same', dilation: 2 },
    { title: 'valid, dilation 3', xs: [2, 8, 1], k: 2, m: 2, stride: 1, padding: 'valid', dilation: 3 },
  ] as const;
  for (const c of cases) {
    it(c.title, () => {
      const before = tf.memory().numTensors;
      const channels = c.xs[2];
      const ks: Shape3 = [c.k, channels, c.m];
      const k = roundedValues(size(ks), 3);
      const bias = roundedValues(channels * c.m, 4);
      const xv = roundedValues(size(c.xs), 5);
      const layer = depthwiseConv1d({ kernelSize: c.k, depthMultiplier: c.m, strides: c.stride, padding: c.padding, dilationRate: c.dilation, activation: 'tanh' });
      layer.ensureBuilt([null, c.xs[1], channels]);
      expect(layer.depthwiseKernel.shape).toEqual([...ks]);
      expect(layer.bias!.shape).toEqual([channels * c.m]);
      tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(bias)]));
      const ref = refDepthwise(xv, c.xs, k, ks, c.stride, c.padding, c.dilation);
      const x = tf.tensor(xv, [...c.xs]);
      const y = layer.apply(x) as tf.Tensor;
      expectValues(y, ref.shape, ref.data.map((v, i) => Math.tanh(v + bias[i % (channels * c.m)]!)));
      expect(layer.computeOutputShape([null, c.xs[1], channels])).toEqual([null, ...ref.shape.slice(1)]);
      tf.dispose([x, y]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("Keras 3's example: kernel 3, multiplier 3, strides 2 on (4, 10, 12) gives (4, 4, 36)", () => {
    const layer = depthwiseConv1d({ kernelSize: 3, depthMultiplier: 3, strides: 2, activation: 'relu' });
    expect(layer.apply(input({ shape: [10, 12], batchSize: 4 })).shape).toEqual([4, 4, 36]);
    expect(layer.computeOutputShape([null, null, 12])).toEqual([null, null, 36]);
  });
});

describe('SeparableConv1D output values (loop reference)', () => {
  it('depthwise (same, stride 2, multiplier 2) then pointwise, with bias', () => {
    const before = tf.memory().numTensors;
    const xs: Shape3 = [2, 7, 3];
    const ks: Shape3 = [3, 3, 2];
    const k = roundedValues(size(ks), 11);
    const pk = roundedValues(6 * 4, 12);
    const bias = [0.1, -0.2, 0.3, 0.05];
    const xv = roundedValues(size(xs), 13);
    const layer = separableConv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 });
    layer.ensureBuilt([null, 7, 3]);
    expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
      ['depthwise_kernel', 'depthwiseKernel', [3, 3, 2]],
      ['pointwise_kernel', 'pointwiseKernel', [1, 6, 4]],
      ['bias', 'bias', [4]],
    ]);
    tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(pk, [1, 6, 4]), tf.tensor(bias)]));
    const dw = refDepthwise(xv, xs, k, ks, 2, 'same');
    const expected = refPointwise(dw.data, 6, pk, 4).map((v, i) => v + bias[i % 4]!);
    const x = tf.tensor(xv, [...xs]);
    const y = layer.apply(x) as tf.Tensor;
    // 'same', stride 2: ceil(7 / 2) = 4 steps.
    expectValues(y, [2, 4, 4], expected);
    expect(layer.computeOutputShape([null, 7, 3])).toEqual([null, 4, 4]);
    tf.dispose([x, y]);
    layer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('dilation 2, valid: (7 - ((3 - 1) * 2 + 1)) + 1 = 3 steps', () => {
    const xs: Shape3 = [1, 7, 2];
    const ks: Shape3 = [3, 2, 1];
    const k = roundedValues(size(ks), 14);
    const pk = roundedValues(2 * 3, 15);
    const xv = roundedValues(size(xs), 16);
    const layer = separableConv1d({ filters: 3, kernelSize: 3, dilationRate: 2, useBias: false });
    layer.ensureBuilt([null, 7, 2]);
    tf.tidy(() => {
      layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(pk, [1, 2, 3])]);
      const dw = refDepthwise(xv, xs, k, ks, 1, 'valid', 2);
      expectValues(layer.apply(tf.tensor(xv, [...xs])) as tf.Tensor, [1, 3, 3], refPointwise(dw.data, 2, pk, 3));
    });
    layer.dispose();
  });
});

describe('Conv1DTranspose output lengths and values', () => {
  it("the output length is Keras's deconv_output_length, written out by hand", () => {
    // valid, no outputPadding: in * s + max(k - s, 0); same: in * s.
    expect(conv1dTranspose({ filters: 1, kernelSize: 3, strides: 2 }).computeOutputShape([null, 5, 2])).toEqual([null, 5 * 2 + 1, 1]);
    expect(conv1dTranspose({ filters: 1, kernelSize: 1, strides: 3 }).computeOutputShape([null, 5, 2])).toEqual([null, 15, 1]);
    expect(conv1dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 5, 2])).toEqual([null, 10, 1]);
    // With outputPadding: (in - 1) * s + k - 2 * floor(k / 2) ('same') + outputPadding.
    expect(conv1dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 }).computeOutputShape([null, 5, 2])).toEqual([null, 4 * 2 + 3 - 2 + 1, 1]);
    expect(conv1dTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 1 }).computeOutputShape([null, 5, 2])).toEqual([null, 4 * 2 + 3 + 1, 1]);
    // Dilation widens the kernel to (k - 1) * d + 1 = 5: valid, stride 1: 5 + 5 - 1 = 9.
    expect(conv1dTranspose({ filters: 1, kernelSize: 3, dilationRate: 2 }).computeOutputShape([null, 5, 2])).toEqual([null, 9, 1]);
    expect(conv1dTranspose({ filters: 4, kernelSize: 3 }).computeOutputShape([null, null, 2])).toEqual([null, null, 4]);
  });

  const cases = [
    { title: 'valid, stride 2', xs: [2, 4, 2], k: 3, f: 3, stride: 2, padding: 'valid', op: null, dilation: 1 },
    { title: 'same, stride 3', xs: [1, 3, 2], k: 3, f: 2, stride: 3, padding: 'same', op: null, dilation: 1 },
    { title: 'valid, kernel smaller than the stride', xs: [1, 3, 1], k: 2, f: 2, stride: 3, padding: 'valid', op: null, dilation: 1 },
    { title: 'same, even kernel, outputPadding 2', xs: [1, 3, 2], k: 4, f: 2, stride: 3, padding: 'same', op: 2, dilation: 1 },
    { title: 'valid, outputPadding 1', xs: [1, 2, 1], k: 2, f: 1, stride: 2, padding: 'valid', op: 1, dilation: 1 },
    { title: 'same, dilation 2', xs: [1, 4, 2], k: 2, f: 2, stride: 1, padding: 'same', op: null, dilation: 2 },
  ] as const;
  for (const c of cases) {
    it(c.title, () => {
      const before = tf.memory().numTensors;
      const ks: Shape3 = [c.k, c.f, c.xs[2]];
      const k = roundedValues(size(ks), 21);
      const bias = roundedValues(c.f, 22);
      const xv = roundedValues(size(c.xs), 23);
      const layer = conv1dTranspose({ filters: c.f, kernelSize: c.k, strides: c.stride, padding: c.padding, outputPadding: c.op, dilationRate: c.dilation });
      layer.ensureBuilt([null, c.xs[1], c.xs[2]]);
      expect(layer.kernel.shape).toEqual([...ks]);
      tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(bias)]));
      const out = deconvOutputLength(c.xs[1], (c.k - 1) * c.dilation + 1, c.stride, c.padding, c.op)!;
      const ref = refTranspose(xv, c.xs, k, ks, c.stride, c.padding, out, c.dilation);
      const x = tf.tensor(xv, [...c.xs]);
      const y = layer.apply(x) as tf.Tensor;
      expectValues(y, ref.shape, ref.data.map((v, i) => v + bias[i % c.f]!));
      tf.dispose([x, y]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('argument errors name the layer, the argument and the value; nothing is created', () => {
  itRejectsArguments([
    { make: () => depthwiseConv1d({ name: 'dw1_a', kernelSize: 0 }), layer: "DepthwiseConv1D 'dw1_a'", argument: 'kernelSize', received: '0' },
    { make: () => depthwiseConv1d({ name: 'dw1_b', kernelSize: [3, 3] }), layer: "DepthwiseConv1D 'dw1_b'", argument: 'kernelSize', received: '[3, 3]' },
    { make: () => depthwiseConv1d({ name: 'dw1_c', kernelSize: 3, depthMultiplier: 0 }), layer: "DepthwiseConv1D 'dw1_c'", argument: 'depthMultiplier', received: '0' },
    { make: () => depthwiseConv1d({ name: 'dw1_d', kernelSize: 3, padding: 'causal' as 'same' }), layer: "DepthwiseConv1D 'dw1_d'", argument: 'padding', received: '"causal"', also: "Conv1D's only" },
    { make: () => depthwiseConv1d({ name: 'dw1_e', kernelSize: 3, strides: 2, dilationRate: 2 }), layer: "DepthwiseConv1D 'dw1_e'", argument: 'strides', received: '2', also: 'dilationRate' },
    { make: () => depthwiseConv1d({ name: 'dw1_f', kernelSize: 3, dataFormat: 'channels_first' as 'channels_last' }), layer: "DepthwiseConv1D 'dw1_f'", argument: 'dataFormat', received: '"channels_first"' },
    { make: () => separableConv1d({ name: 'sc1_a', filters: 0, kernelSize: 3 }), layer: "SeparableConv1D 'sc1_a'", argument: 'filters', received: '0' },
    { make: () => separableConv1d({ name: 'sc1_b', filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), layer: "SeparableConv1D 'sc1_b'", argument: 'padding', received: '"causal"' },
    { make: () => separableConv1d({ name: 'sc1_c', filters: 2, kernelSize: 3, depthMultiplier: 1.5 }), layer: "SeparableConv1D 'sc1_c'", argument: 'depthMultiplier', received: '1.5' },
    { make: () => separableConv1d({ name: 'sc1_d', filters: 2, kernelSize: 3, useBias: 'yes' as unknown as boolean }), layer: "SeparableConv1D 'sc1_d'", argument: 'useBias', received: '"yes"' },
    { make: () => conv1dTranspose({ name: 'ct1_a', filters: 2, kernelSize: 3, strides: 0 }), layer: "Conv1DTranspose 'ct1_a'", argument: 'strides', received: '0' },
    { make: () => conv1dTranspose({ name: 'ct1_b', filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 }), layer: "Conv1DTranspose 'ct1_b'", argument: 'outputPadding', received: '2', also: 'below the strides' },
    { make: () => conv1dTranspose({ name: 'ct1_c', filters: 2, kernelSize: 3, outputPadding: -1 }), layer: "Conv1DTranspose 'ct1_c'", argument: 'outputPadding', received: '-1' },
    { make: () => conv1dTranspose({ name: 'ct1_d', filters: 2, kernelSize: 2, strides: 2, padding: 'same', outputPadding: 0 }), layer: "Conv1DTranspose 'ct1_d'", argument: 'outputPadding', received: '0', also: 'even' },
    { make: () => conv1dTranspose({ name: 'ct1_e', filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), layer: "Conv1DTranspose 'ct1_e'", argument: 'padding', received: '"causal"' },
    { make: () => conv1dTranspose({ name: 'ct1_f', filters: 2.5, kernelSize: 3 }), layer: "Conv1DTranspose 'ct1_f'", argument: 'filters', received: '2.5' },
  ]);

  it('wrong input rank, unknown channels and too-short inputs are SHAPE_MISMATCH, naming the shape; nothing is built', () => {
    for (const make of [() => depthwiseConv1d({ kernelSize: 2 }), () => separableConv1d({ filters: 1, kernelSize: 2 }), () => conv1dTranspose({ filters: 1, kernelSize: 2 })]) {
      expectShapeMismatch(() => make().apply(input({ shape: [5, 5, 2] })), 'rank 3', '[null, 5, 5, 2]');
      const layer = make();
      expectShapeMismatch(() => layer.apply(input({ shape: [5, null] as never })), '[null, 5, null]');
      expect(layer.weights).toEqual([]);
    }
    expectShapeMismatch(() => separableConv1d({ name: 'sc1_short', filters: 1, kernelSize: 4 }).apply(input({ shape: [3, 2] })), "SeparableConv1D 'sc1_short'");
    const x = tf.ones([1, 5, 3]);
    const layer = depthwiseConv1d({ name: 'dw1_built', kernelSize: 2 });
    layer.ensureBuilt([null, 5, 2]);
    const before = tf.memory().numTensors;
    expectShapeMismatch(() => layer.apply(x), '2 channels');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    layer.dispose();
  });
});

describe('config', () => {
  it('writes Keras 3 fields and round-trips, before and after build; registered under the Keras names and aliases', () => {
    const dw = depthwiseConv1d({ name: 'cfg_dw1', kernelSize: 3, depthMultiplier: 2, depthwiseRegularizer: l2(0.1), biasConstraint: nonNeg() });
    expect(dw.getConfig()).toMatchObject({ kernelSize: [3], strides: [1], padding: 'valid', depthMultiplier: 2, dataFormat: 'channels_last', dilationRate: [1], activation: 'linear', useBias: true });
    expect(dw.getConfig()['depthwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.1 } });
    expectConfigRoundTrip(dw, 'layer');
    dw.ensureBuilt([null, 4, 2]);
    expectConfigRoundTrip(dw, 'layer');
    const sc = separableConv1d({ name: 'cfg_sc1', filters: 3, kernelSize: [2], pointwiseRegularizer: l1(0.2), activation: 'relu', padding: 'SAME' as 'same' });
    expect(sc.getConfig()).toMatchObject({ filters: 3, kernelSize: [2], depthMultiplier: 1, activation: 'relu', padding: 'same' });
    expectConfigRoundTrip(sc, 'layer');
    const ct = conv1dTranspose({ name: 'cfg_ct1', filters: 3, kernelSize: 3, strides: 2, outputPadding: 1, padding: 'same' });
    expect(ct.getConfig()).toMatchObject({ filters: 3, kernelSize: [3], strides: [2], padding: 'same', outputPadding: [1] });
    expect(conv1dTranspose({ filters: 1, kernelSize: 1 }).getConfig()['outputPadding']).toBeNull();
    expectConfigRoundTrip(ct, 'layer');
    for (const l of [dw, sc, ct]) l.dispose();
    expect(registry('layer').resolve('SeparableConvolution1D').name).toBe('SeparableConv1D');
    expect(registry('layer').resolve('Convolution1DTranspose').name).toBe('Conv1DTranspose');
    expect(registry('layer').resolve('DepthwiseConv1D').name).toBe('DepthwiseConv1D');
  });

  it('reads Keras 3 DepthwiseConv1D, SeparableConv1D and Conv1DTranspose configs (snake_case, as their get_config writes them)', () => {
    const layers = serdeTrio('layer');
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const init = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
    const l2json = { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null };
    const common = { trainable: true, dtype, strides: [1], padding: 'same', data_format: 'channels_last', dilation_rate: [1], activation: 'linear', use_bias: true, bias_initializer: { class_name: 'Zeros', config: {} }, bias_regularizer: null, activity_regularizer: null, bias_constraint: null };
    const dw = layers.deserialize({
      module: 'keras.layers',
      class_name: 'DepthwiseConv1D',
      config: { ...common, name: 'keras_dw1', kernel_size: [3], depth_multiplier: 2, depthwise_initializer: init, depthwise_regularizer: l2json, depthwise_constraint: null },
      registered_name: null,
    }) as DepthwiseConv1D;
    expect(dw).toBeInstanceOf(DepthwiseConv1D);
    expect([dw.kernelSize, dw.depthMultiplier, dw.padding]).toEqual([[3], 2, 'same']);
    expect(dw.getConfig()['depthwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.01 } });
    const sc = layers.deserialize({
      module: 'keras.layers',
      class_name: 'SeparableConv1D',
      config: { ...common, name: 'keras_sc1', filters: 4, kernel_size: [2], depth_multiplier: 1, depthwise_initializer: init, pointwise_initializer: init, depthwise_regularizer: null, pointwise_regularizer: l2json, depthwise_constraint: null, pointwise_constraint: null },
      registered_name: null,
    }) as SeparableConv1D;
    expect([sc.filters, sc.kernelSize]).toEqual([4, [2]]);
    expect(sc.getConfig()['pointwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.01 } });
    // Keras 3's base_conv_transpose get_config writes no output_padding.
    const ct = layers.deserialize({
      module: 'keras.layers',
      class_name: 'Conv1DTranspose',
      config: { ...common, name: 'keras_ct1', filters: 3, kernel_size: [3], strides: [2], kernel_initializer: init, kernel_regularizer: null, kernel_constraint: null },
      registered_name: null,
    }) as Conv1DTranspose;
    expect([ct.filters, ct.strides, ct.outputPadding]).toEqual([3, [2], null]);
    expect(ct.computeOutputShape([null, 4, 2])).toEqual([null, 8, 3]);
  });
});

describe('penalties of the depthwise, pointwise and transposed kernels', () => {
  function net() {
    const inp = input({ shape: [6, 2] });
    const dw = depthwiseConv1d({ name: 'pen_dw1', kernelSize: 2, depthMultiplier: 2, biasInitializer: 'ones' });
    const sc = separableConv1d({ name: 'pen_sc1', filters: 3, kernelSize: 2, biasInitializer: 'ones' });
    const ct = conv1dTranspose({ name: 'pen_ct1', filters: 2, kernelSize: 2, strides: 2, biasInitializer: 'ones' });
    const m = model({ inputs: inp, outputs: ct.apply(sc.apply(dw.apply(inp))) });
    return { m, dw, sc, ct };
  }

  it("a bare compile({ regularization: 'l2' }) puts 0.01 * sum(w^2) on every kernel, none on biases", async () => {
    const { m, dw, sc, ct } = net();
    // 6 steps -> 5 -> 4 -> 4 * 2 = 8.
    expect(m.outputs[0]!.shape).toEqual([null, 8, 2]);
    const kernels = { 'pen_ct1/kernel': ct.kernel, 'pen_dw1/depthwise_kernel': dw.depthwiseKernel, 'pen_sc1/depthwise_kernel': sc.depthwiseKernel, 'pen_sc1/pointwise_kernel': sc.pointwiseKernel };
    await expectBareL2OnKernels(m, kernels, tf.randomNormal([2, 6, 2], 0, 1, 'float32', 1), tf.zeros([2, 8, 2]));
  });

  it('per-layer regularizers give penalty/<layer>/<weight> terms with the layer as source', () => {
    const inp = input({ shape: [4, 2] });
    const sc = separableConv1d({ name: 'own_sc1', filters: 2, kernelSize: 2, depthwiseRegularizer: l2(0.5), pointwiseRegularizer: l1(0.25), biasRegularizer: l1(0.3), biasInitializer: 'ones' });
    const dw = depthwiseConv1d({ name: 'own_dw1', kernelSize: 2, depthwiseRegularizer: l2(0.2) });
    const m = model({ inputs: inp, outputs: dw.apply(sc.apply(inp)) });
    const byPath = Object.fromEntries(m.penalties().terms.map((t) => [t.path, t]));
    expect(byPath['own_sc1/depthwise_kernel']!.value).toBeCloseTo(0.5 * sumSq(sc.depthwiseKernel.read()), 5);
    const abs = Array.from(sc.pointwiseKernel.read().dataSync()).reduce((a, v) => a + Math.abs(v), 0);
    expect(byPath['own_sc1/pointwise_kernel']!.value).toBeCloseTo(0.25 * abs, 5);
    expect(byPath['own_sc1/bias']!.value).toBeCloseTo(0.3 * 2, 5);
    expect(byPath['own_dw1/depthwise_kernel']!.value).toBeCloseTo(0.2 * sumSq(dw.depthwiseKernel.read()), 5);
    expect(byPath['own_sc1/depthwise_kernel']!.source).toBe('layer');
    m.dispose();
  });
});

describe('training', () => {
  it('a fit step changes every weight, constraints hold, and nothing leaks in predict, fit and evaluate', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [8, 2] });
    const dw = depthwiseConv1d({ kernelSize: 3, dilationRate: 2, depthMultiplier: 2, padding: 'same', depthwiseRegularizer: l2(0.01), activityRegularizer: l1(0.01), depthwiseConstraint: nonNeg() });
    const sc = separableConv1d({ filters: 3, kernelSize: 2, strides: 2, activation: 'tanh', pointwiseRegularizer: 'l2' });
    const ct = conv1dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 });
    const m = model({ inputs: inp, outputs: ct.apply(sc.apply(dw.apply(inp))) });
    expect(m.outputs[0]!.shape).toEqual([null, 8, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([4, 8, 2], 0, 1, 'float32', 2);
    const y = tf.randomNormal([4, 8, 1], 0, 1, 'float32', 3);
    await expectTrainsWithoutLeaks(m, x, y, () => expect(Math.min(...Array.from(dw.depthwiseKernel.read().dataSync()))).toBeGreaterThanOrEqual(0));
    expect(tf.memory().numTensors).toBe(start);
  });
});
