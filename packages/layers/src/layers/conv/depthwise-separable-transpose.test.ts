import { registry } from '@ridge/core';
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
  sumSq,
  useCpu,
} from '../../../test/conv-fixtures.js';
import { input, model } from '../../base.js';
import { deconvOutputLength } from './conv-transpose-base.js';
import { conv2dTranspose, depthwiseConv2d, separableConv2d } from './index.js';

useCpu();

type Shape4 = readonly [number, number, number, number];
const at = (shape: Shape4, a: number, b: number, c: number, d: number) => ((a * shape[1] + b) * shape[2] + c) * shape[3] + d;

/**
 * Depthwise convolution by loops: out[n, i, j, c * m + q] = sum over taps of
 * x[n, i * s + a * d - pad, j * s + b * d - pad, c] * k[a, b, c, q].
 */
function refDepthwise(x: number[], xs: Shape4, k: number[], ks: Shape4, strides: readonly [number, number], padding: 'valid' | 'same', dilation: readonly [number, number] = [1, 1]) {
  const [N, H, W, C] = xs;
  const [KH, KW, , M] = ks;
  const eh = (KH - 1) * dilation[0] + 1;
  const ew = (KW - 1) * dilation[1] + 1;
  const OH = padding === 'valid' ? Math.floor((H - eh) / strides[0]) + 1 : Math.ceil(H / strides[0]);
  const OW = padding === 'valid' ? Math.floor((W - ew) / strides[1]) + 1 : Math.ceil(W / strides[1]);
  const ph = padding === 'same' ? sameBefore(H, eh, strides[0]) : 0;
  const pw = padding === 'same' ? sameBefore(W, ew, strides[1]) : 0;
  const os: Shape4 = [N, OH, OW, C * M];
  const out = new Array<number>(N * OH * OW * C * M).fill(0);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let c = 0; c < C; c++)
          for (let q = 0; q < M; q++) {
            let sum = 0;
            for (let a = 0; a < KH; a++)
              for (let b = 0; b < KW; b++) {
                const r = i * strides[0] + a * dilation[0] - ph;
                const s = j * strides[1] + b * dilation[1] - pw;
                if (r < 0 || r >= H || s < 0 || s >= W) continue;
                sum += x[at(xs, n, r, s, c)]! * k[at(ks, a, b, c, q)]!;
              }
            out[at(os, n, i, j, c * M + q)] = sum;
          }
  return { data: out, shape: [...os] };
}

/**
 * Transposed convolution by scattering, from its definition: every input pixel (i, j, c) adds
 * x * k[a, b, f, c] at output (i * s + a - pad, j * s + b - pad, f), where pad is the 'same'
 * padding of the forward convolution on the output size (0 for 'valid').
 */
function refTranspose(x: number[], xs: Shape4, k: number[], ks: Shape4, strides: readonly [number, number], padding: 'valid' | 'same', out: readonly [number, number]) {
  const [N, H, W, C] = xs;
  const [KH, KW, F] = ks;
  const [OH, OW] = out;
  const ph = padding === 'same' ? sameBefore(OH, KH, strides[0]) : 0;
  const pw = padding === 'same' ? sameBefore(OW, KW, strides[1]) : 0;
  const os: Shape4 = [N, OH, OW, F];
  const y = new Array<number>(N * OH * OW * F).fill(0);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++)
          for (let a = 0; a < KH; a++)
            for (let b = 0; b < KW; b++) {
              const r = i * strides[0] + a - ph;
              const s = j * strides[1] + b - pw;
              if (r < 0 || r >= OH || s < 0 || s >= OW) continue;
              for (let f = 0; f < F; f++) y[at(os, n, r, s, f)]! += x[at(xs, n, i, j, c)]! * k[at(ks, a, b, f, c)]!;
            }
  return { data: y, shape: [...os] };
}

describe('DepthwiseConv2D output values (loop reference)', () => {
  const cases = [
    { title: 'valid, multiplier 2', xs: [2, 4, 5, 3], kh: 2, kw: 3, m: 2, strides: [1, 1], padding: 'valid', dilation: [1, 1] },
    { title: 'same, strides [2, 1]', xs: [1, 5, 4, 2], kh: 3, kw: 2, m: 1, strides: [2, 1], padding: 'same', dilation: [1, 1] },
    { title: 'same, dilation 2', xs: [1, 6, 6, 2], kh: 2, kw: 2, m: 3, strides: [1, 1], padding: 'same', dilation: [2, 2] },
    { title: 'valid, dilation [2, 1]', xs: [1, 6, 4, 1], kh: 2, kw: 2, m: 1, strides: [1, 1], padding: 'valid', dilation: [2, 1] },
  ] as const;
  for (const c of cases) {
    it(c.title, () => {
      const before = tf.memory().numTensors;
      const channels = c.xs[3];
      const ks: Shape4 = [c.kh, c.kw, channels, c.m];
      const k = roundedValues(ks.reduce((a: number, d) => a * d, 1), 3);
      const bias = roundedValues(channels * c.m, 4);
      const xv = roundedValues(c.xs.reduce((a: number, d) => a * d, 1), 5);
      const layer = depthwiseConv2d({ kernelSize: [c.kh, c.kw], depthMultiplier: c.m, strides: [...c.strides], padding: c.padding, dilationRate: [...c.dilation], activation: 'tanh' });
      layer.ensureBuilt([null, c.xs[1], c.xs[2], channels]);
      expect(layer.depthwiseKernel.shape).toEqual([...ks]);
      expect(layer.bias!.shape).toEqual([channels * c.m]);
      tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(bias)]));
      const ref = refDepthwise(xv, c.xs, k, ks, c.strides, c.padding, c.dilation);
      const expected = ref.data.map((v, i) => Math.tanh(v + bias[i % (channels * c.m)]!));
      const x = tf.tensor(xv, [...c.xs]);
      const y = layer.apply(x) as tf.Tensor;
      expectValues(y, ref.shape, expected);
      expect(layer.computeOutputShape([null, c.xs[1], c.xs[2], channels])).toEqual([null, ...ref.shape.slice(1)]);
      tf.dispose([x, y]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('SeparableConv2D output values (loop reference)', () => {
  it('depthwise (same, strides 2, multiplier 2) then pointwise, with bias', () => {
    const xs: Shape4 = [2, 5, 5, 3];
    const ks: Shape4 = [3, 3, 3, 2];
    const k = roundedValues(3 * 3 * 3 * 2, 11);
    const pk = roundedValues(6 * 4, 12);
    const bias = [0.1, -0.2, 0.3, 0.05];
    const xv = roundedValues(2 * 5 * 5 * 3, 13);
    const layer = separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 });
    layer.ensureBuilt([null, 5, 5, 3]);
    expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
      ['depthwise_kernel', 'depthwiseKernel', [3, 3, 3, 2]],
      ['pointwise_kernel', 'pointwiseKernel', [1, 1, 6, 4]],
      ['bias', 'bias', [4]],
    ]);
    tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(pk, [1, 1, 6, 4]), tf.tensor(bias)]));
    const dw = refDepthwise(xv, xs, k, ks, [2, 2], 'same');
    const expected = refPointwise(dw.data, 6, pk, 4).map((v, i) => v + bias[i % 4]!);
    const x = tf.tensor(xv, [...xs]);
    const y = layer.apply(x) as tf.Tensor;
    expectValues(y, [2, 3, 3, 4], expected);
    expect(layer.computeOutputShape([null, 5, 5, 3])).toEqual([null, 3, 3, 4]);
    tf.dispose([x, y]);
    layer.dispose();
  });
});

describe('Conv2DTranspose output sizes and values', () => {
  it("deconvOutputLength is Keras's rule, written out by hand", () => {
    // valid, no outputPadding: in * s + max(k - s, 0)
    expect(deconvOutputLength(5, 3, 2, 'valid', null)).toBe(5 * 2 + 1);
    expect(deconvOutputLength(5, 1, 3, 'valid', null)).toBe(15);
    // same, no outputPadding: in * s
    expect(deconvOutputLength(5, 3, 2, 'same', null)).toBe(10);
    // with outputPadding: (in - 1) * s + k - 2 * floor(k / 2) (same) + outputPadding
    expect(deconvOutputLength(5, 3, 2, 'same', 1)).toBe(4 * 2 + 3 - 2 + 1);
    expect(deconvOutputLength(5, 4, 3, 'same', 2)).toBe(4 * 3 + 4 - 4 + 2);
    expect(deconvOutputLength(5, 3, 2, 'valid', 1)).toBe(4 * 2 + 3 + 1);
    expect(deconvOutputLength(null, 3, 2, 'valid', null)).toBeNull();
  });

  const cases = [
    { title: 'valid, strides 2', xs: [2, 3, 4, 2], k: [3, 3], f: 3, strides: [2, 2], padding: 'valid', op: null },
    { title: 'same, strides [2, 3]', xs: [1, 3, 3, 2], k: [3, 2], f: 2, strides: [2, 3], padding: 'same', op: null },
    { title: 'valid, kernel smaller than strides', xs: [1, 2, 3, 1], k: [1, 2], f: 2, strides: [3, 3], padding: 'valid', op: null },
    { title: 'same, outputPadding [1, 2]', xs: [1, 3, 2, 2], k: [3, 4], f: 2, strides: [2, 3], padding: 'same', op: [1, 2] },
    { title: 'valid, outputPadding 1', xs: [1, 2, 2, 1], k: [2, 2], f: 1, strides: [2, 2], padding: 'valid', op: [1, 1] },
  ] as const;
  for (const c of cases) {
    it(c.title, () => {
      const before = tf.memory().numTensors;
      const ks: Shape4 = [c.k[0], c.k[1], c.f, c.xs[3]];
      const k = roundedValues(ks.reduce((a: number, d) => a * d, 1), 21);
      const bias = roundedValues(c.f, 22);
      const xv = roundedValues(c.xs.reduce((a: number, d) => a * d, 1), 23);
      const layer = conv2dTranspose({ filters: c.f, kernelSize: [...c.k], strides: [...c.strides], padding: c.padding, outputPadding: c.op === null ? null : [...c.op] });
      layer.ensureBuilt([null, c.xs[1], c.xs[2], c.xs[3]]);
      expect(layer.kernel.shape).toEqual([...ks]);
      tf.tidy(() => layer.setWeights([tf.tensor(k, [...ks]), tf.tensor(bias)]));
      const out = [0, 1].map((i) => deconvOutputLength(c.xs[i + 1]!, c.k[i]!, c.strides[i]!, c.padding, c.op === null ? null : c.op[i]!)!) as [number, number];
      const ref = refTranspose(xv, c.xs, k, ks, c.strides, c.padding, out);
      const x = tf.tensor(xv, [...c.xs]);
      const y = layer.apply(x) as tf.Tensor;
      expectValues(y, ref.shape, ref.data.map((v, i) => v + bias[i % c.f]!));
      expect(layer.computeOutputShape([null, c.xs[1], null, c.xs[3]])).toEqual([null, out[0], null, c.f]);
      tf.dispose([x, y]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('dilation 2 equals the same layer with the kernel spread by hand (zeros between taps)', () => {
    const k = roundedValues(2 * 2 * 1 * 1, 31);
    const spread = [k[0]!, 0, k[1]!, 0, 0, 0, k[2]!, 0, k[3]!];
    const xv = roundedValues(1 * 3 * 3 * 1, 32);
    const dilated = conv2dTranspose({ filters: 1, kernelSize: 2, dilationRate: 2, useBias: false });
    const plain = conv2dTranspose({ filters: 1, kernelSize: 3, useBias: false });
    dilated.ensureBuilt([null, 3, 3, 1]);
    plain.ensureBuilt([null, 3, 3, 1]);
    tf.tidy(() => {
      dilated.setWeights([tf.tensor(k, [2, 2, 1, 1])]);
      plain.setWeights([tf.tensor(spread, [3, 3, 1, 1])]);
      const x = tf.tensor(xv, [1, 3, 3, 1]);
      const a = dilated.apply(x) as tf.Tensor;
      expect(a.shape).toEqual([1, 5, 5, 1]);
      expectValues(a, [1, 5, 5, 1], Array.from((plain.apply(x) as tf.Tensor).dataSync()));
    });
    dilated.dispose();
    plain.dispose();
  });
});

describe('argument errors name the layer, the argument and the value; nothing is created', () => {
  itRejectsArguments([
    { make: () => depthwiseConv2d({ name: 'dw_a', kernelSize: 0 }), layer: "DepthwiseConv2D 'dw_a'", argument: 'kernelSize', received: '0' },
    { make: () => depthwiseConv2d({ name: 'dw_b', kernelSize: 3, depthMultiplier: 0 }), layer: "DepthwiseConv2D 'dw_b'", argument: 'depthMultiplier', received: '0' },
    { make: () => depthwiseConv2d({ name: 'dw_c', kernelSize: 3, padding: 'causal' as 'same' }), layer: "DepthwiseConv2D 'dw_c'", argument: 'padding', received: '"causal"' },
    { make: () => depthwiseConv2d({ name: 'dw_d', kernelSize: 3, strides: 2, dilationRate: 2 }), layer: "DepthwiseConv2D 'dw_d'", argument: 'strides', received: '2', also: 'dilationRate' },
    { make: () => depthwiseConv2d({ name: 'dw_e', kernelSize: 3, dataFormat: 'channels_first' as 'channels_last' }), layer: "DepthwiseConv2D 'dw_e'", argument: 'dataFormat', received: '"channels_first"' },
    { make: () => separableConv2d({ name: 'sc_a', filters: -1, kernelSize: 3 }), layer: "SeparableConv2D 'sc_a'", argument: 'filters', received: '-1' },
    { make: () => separableConv2d({ name: 'sc_b', filters: 2, kernelSize: [3, 3, 3] }), layer: "SeparableConv2D 'sc_b'", argument: 'kernelSize', received: '[3, 3, 3]' },
    { make: () => separableConv2d({ name: 'sc_c', filters: 2, kernelSize: 3, depthMultiplier: 1.5 }), layer: "SeparableConv2D 'sc_c'", argument: 'depthMultiplier', received: '1.5' },
    { make: () => separableConv2d({ name: 'sc_d', filters: 2, kernelSize: 3, useBias: 1 as unknown as boolean }), layer: "SeparableConv2D 'sc_d'", argument: 'useBias', received: '1' },
    { make: () => conv2dTranspose({ name: 'ct_a', filters: 2, kernelSize: 3, strides: [2, 0] }), layer: "Conv2DTranspose 'ct_a'", argument: 'strides', received: '[2, 0]' },
    { make: () => conv2dTranspose({ name: 'ct_b', filters: 2, kernelSize: 3, strides: 2, outputPadding: 2 }), layer: "Conv2DTranspose 'ct_b'", argument: 'outputPadding', received: '2', also: 'below the strides' },
    { make: () => conv2dTranspose({ name: 'ct_c', filters: 2, kernelSize: 3, outputPadding: -1 }), layer: "Conv2DTranspose 'ct_c'", argument: 'outputPadding', received: '-1' },
    { make: () => conv2dTranspose({ name: 'ct_d', filters: 2, kernelSize: 2, strides: 2, padding: 'same', outputPadding: 0 }), layer: "Conv2DTranspose 'ct_d'", argument: 'outputPadding', received: '0', also: 'even' },
    { make: () => conv2dTranspose({ name: 'ct_e', filters: 2, kernelSize: 3, padding: 'full' as 'same' }), layer: "Conv2DTranspose 'ct_e'", argument: 'padding', received: '"full"' },
  ]);

  it('wrong input rank and unknown channels are SHAPE_MISMATCH, naming the shape', () => {
    for (const make of [() => depthwiseConv2d({ kernelSize: 2 }), () => separableConv2d({ filters: 1, kernelSize: 2 }), () => conv2dTranspose({ filters: 1, kernelSize: 2 })]) {
      expectShapeMismatch(() => make().apply(input({ shape: [5, 2] })), 'rank 4', '[null, 5, 2]');
      expectShapeMismatch(() => make().apply(input({ shape: [5, 5, null] as never })), '[null, 5, 5, null]');
    }
    expectShapeMismatch(() => depthwiseConv2d({ name: 'dw_small', kernelSize: 3 }).apply(input({ shape: [2, 5, 1] })), "DepthwiseConv2D 'dw_small'");
  });
});

describe('config', () => {
  it('writes Keras 3 fields and round-trips, before and after build', () => {
    const dw = depthwiseConv2d({ name: 'cfg_dw', kernelSize: [2, 3], depthMultiplier: 2, depthwiseRegularizer: l2(0.1), biasConstraint: nonNeg() });
    expect(dw.getConfig()).toMatchObject({ kernelSize: [2, 3], strides: [1, 1], padding: 'valid', depthMultiplier: 2, dataFormat: 'channels_last', dilationRate: [1, 1], activation: 'linear', useBias: true });
    expect(dw.getConfig()['depthwiseRegularizer']).toEqual({ className: 'L2', config: { l2: 0.1 } });
    expectConfigRoundTrip(dw, 'layer');
    dw.ensureBuilt([null, 4, 4, 2]);
    expectConfigRoundTrip(dw, 'layer');
    const sc = separableConv2d({ name: 'cfg_sc', filters: 3, kernelSize: 3, pointwiseRegularizer: l1(0.2), activation: 'relu' });
    expect(sc.getConfig()).toMatchObject({ filters: 3, kernelSize: [3, 3], depthMultiplier: 1, activation: 'relu' });
    expectConfigRoundTrip(sc, 'layer');
    const ct = conv2dTranspose({ name: 'cfg_ct', filters: 3, kernelSize: 3, strides: 2, outputPadding: 1, padding: 'same' });
    expect(ct.getConfig()).toMatchObject({ filters: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same', outputPadding: [1, 1] });
    expect(conv2dTranspose({ filters: 1, kernelSize: 1 }).getConfig()['outputPadding']).toBeNull();
    expectConfigRoundTrip(ct, 'layer');
    for (const l of [dw, sc, ct]) l.dispose();
  });

  it('registered under the Keras names and aliases', () => {
    expect(registry('layer').resolve('SeparableConvolution2D').name).toBe('SeparableConv2D');
    expect(registry('layer').resolve('Convolution2DTranspose').name).toBe('Conv2DTranspose');
    expect(registry('layer').resolve('DepthwiseConv2D').name).toBe('DepthwiseConv2D');
  });

  it("reads tfjs-layers 4.22's DepthwiseConv2D config, whose depthwiseConstraint repeats the regularizer", () => {
    const reg = { className: 'L2', config: { l2: 0.01 } };
    const made = registry('layer').get('DepthwiseConv2D').create({ kernelSize: [3, 3], depthwiseRegularizer: reg, depthwiseConstraint: reg });
    const config = (made as ReturnType<typeof depthwiseConv2d>).getConfig();
    expect(config['depthwiseRegularizer']).toEqual(reg);
    expect(config['depthwiseConstraint']).toBeNull();
    // A real constraint is kept.
    const kept = registry('layer').get('DepthwiseConv2D').create({ kernelSize: 3, depthwiseRegularizer: reg, depthwiseConstraint: { className: 'NonNeg', config: {} } });
    expect((kept as ReturnType<typeof depthwiseConv2d>).getConfig()['depthwiseConstraint']).toEqual({ className: 'NonNeg', config: {} });
  });
});

describe('penalties of the depthwise and pointwise kernels', () => {
  function separableModel() {
    const inp = input({ shape: [5, 5, 2] });
    const dw = depthwiseConv2d({ name: 'pen_dw', kernelSize: 2, depthMultiplier: 2, biasInitializer: 'ones' });
    const sc = separableConv2d({ name: 'pen_sc', filters: 3, kernelSize: 2, biasInitializer: 'ones' });
    const ct = conv2dTranspose({ name: 'pen_ct', filters: 2, kernelSize: 2, strides: 2, biasInitializer: 'ones' });
    const m = model({ inputs: inp, outputs: ct.apply(sc.apply(dw.apply(inp))) });
    return { m, dw, sc, ct };
  }

  it("a bare compile({ regularization: 'l2' }) puts 0.01 * sum(w^2) on every kernel, none on biases", async () => {
    const { m, dw, sc, ct } = separableModel();
    const kernels = { 'pen_ct/kernel': ct.kernel, 'pen_dw/depthwise_kernel': dw.depthwiseKernel, 'pen_sc/depthwise_kernel': sc.depthwiseKernel, 'pen_sc/pointwise_kernel': sc.pointwiseKernel };
    await expectBareL2OnKernels(m, kernels, tf.randomNormal([2, 5, 5, 2], 0, 1, 'float32', 1), tf.zeros([2, 6, 6, 2]));
  });

  it("include: 'depthwiseKernel' selects exactly the depthwise kernels; 'pointwiseKernel' the pointwise one", () => {
    const { m } = separableModel();
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'depthwiseKernel' } });
    expect(m.penalties().terms.map((t) => t.path).sort()).toEqual(['pen_dw/depthwise_kernel', 'pen_sc/depthwise_kernel']);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l1', include: 'pointwiseKernel' } });
    expect(m.penalties().terms.map((t) => t.path)).toEqual(['pen_sc/pointwise_kernel']);
    m.dispose();
  });

  it('per-layer regularizers give penalty/<layer>/<weight> terms with the layer as source', () => {
    const inp = input({ shape: [4, 4, 2] });
    const sc = separableConv2d({
      name: 'own_sc',
      filters: 2,
      kernelSize: 2,
      depthwiseRegularizer: l2(0.5),
      pointwiseRegularizer: l1(0.25),
      biasRegularizer: l1(0.3),
      biasInitializer: 'ones',
    });
    const m = model({ inputs: inp, outputs: sc.apply(inp) });
    const byPath = Object.fromEntries(m.penalties().terms.map((t) => [t.path, t]));
    expect(byPath['own_sc/depthwise_kernel']!.value).toBeCloseTo(0.5 * sumSq(sc.depthwiseKernel.read()), 5);
    const abs = Array.from(sc.pointwiseKernel.read().dataSync()).reduce((a, v) => a + Math.abs(v), 0);
    expect(byPath['own_sc/pointwise_kernel']!.value).toBeCloseTo(0.25 * abs, 5);
    expect(byPath['own_sc/bias']!.value).toBeCloseTo(0.3 * 2, 5);
    expect(byPath['own_sc/depthwise_kernel']!.source).toBe('layer');
    m.dispose();
  });
});

describe('training', () => {
  it('a fit step changes every weight, constraints hold, and no tensor leaks in predict and fit', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [6, 6, 2] });
    const dw = depthwiseConv2d({ kernelSize: 3, dilationRate: 2, depthMultiplier: 2, padding: 'same', depthwiseRegularizer: l2(0.01), activityRegularizer: l1(0.01), depthwiseConstraint: nonNeg() });
    const sc = separableConv2d({ filters: 3, kernelSize: 2, strides: 2, activation: 'relu', pointwiseRegularizer: 'l2' });
    const ct = conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1 });
    const m = model({ inputs: inp, outputs: ct.apply(sc.apply(dw.apply(inp))) });
    expect(m.outputs[0]!.shape).toEqual([null, 6, 6, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([4, 6, 6, 2], 0, 1, 'float32', 2);
    const y = tf.randomNormal([4, 6, 6, 1], 0, 1, 'float32', 3);
    await expectTrainsWithoutLeaks(m, x, y, () => expect(Math.min(...Array.from(dw.depthwiseKernel.read().dataSync()))).toBeGreaterThanOrEqual(0));
    expect(tf.memory().numTensors).toBe(start);
  });
});
