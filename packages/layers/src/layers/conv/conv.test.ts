import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import { l1, l2, nonNeg } from '@ridge/regularizers';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import '../../register.js';
import type { Layer } from '../../engine/layer.js';
import { Conv1D, Conv2D, conv1d, conv2d, type Conv1DArgs, type Conv2DArgs } from './index.js';
import './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';
import { expectTrainsWithoutLeaks } from '../../../test/conv-fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

// ---------------------------------------------------------------------------------------------
// Plain-JS reference: a naive nested-loop convolution on flat channels-last arrays.

/** Deterministic values in [-1, 1], two decimals. */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.round(((s / 2147483648) * 2 - 1) * 100) / 100;
  });
}

const prod = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

interface RefConv {
  x: number[];
  /** [batch, height, width, channels] */
  xShape: readonly [number, number, number, number];
  k: number[];
  /** [kh, kw, channels / groups, filters] */
  kShape: readonly [number, number, number, number];
  bias?: number[];
  strides?: readonly [number, number];
  dilation?: readonly [number, number];
  /** 'causal' pads the width axis on the left only. */
  padding: 'valid' | 'same' | 'causal';
  groups?: number;
}

/** TensorFlow's documented 'same' rule: out = ceil(in / stride), the odd padding goes after. */
function sameBefore(size: number, window: number, stride: number): number {
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2);
}

function refConv2d(a: RefConv): { data: number[]; shape: number[] } {
  const [B, H, W, C] = a.xShape;
  const [KH, KW, CG, F] = a.kShape;
  const [sh, sw] = a.strides ?? [1, 1];
  const [dh, dw] = a.dilation ?? [1, 1];
  const groups = a.groups ?? 1;
  const ekh = (KH - 1) * dh + 1;
  const ekw = (KW - 1) * dw + 1;
  let oh: number, ow: number, pt: number, pl: number;
  if (a.padding === 'valid') {
    oh = Math.floor((H - ekh) / sh) + 1;
    ow = Math.floor((W - ekw) / sw) + 1;
    pt = 0;
    pl = 0;
  } else if (a.padding === 'same') {
    oh = Math.ceil(H / sh);
    ow = Math.ceil(W / sw);
    pt = sameBefore(H, ekh, sh);
    pl = sameBefore(W, ekw, sw);
  } else {
    oh = Math.floor((H - ekh) / sh) + 1;
    ow = Math.floor((W - 1) / sw) + 1;
    pt = 0;
    pl = ekw - 1;
  }
  const perGroup = F / groups;
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let f = 0; f < F; f++) {
          const g = Math.floor(f / perGroup);
          let sum = a.bias ? a.bias[f]! : 0;
          for (let p = 0; p < KH; p++) {
            for (let q = 0; q < KW; q++) {
              const r = i * sh + p * dh - pt;
              const c0 = j * sw + q * dw - pl;
              if (r < 0 || r >= H || c0 < 0 || c0 >= W) continue;
              for (let c = 0; c < CG; c++) {
                sum += a.x[((b * H + r) * W + c0) * C + g * CG + c]! * a.k[((p * KW + q) * CG + c) * F + f]!;
              }
            }
          }
          out.push(sum);
        }
      }
    }
  }
  return { data: out, shape: [B, oh, ow, F] };
}

/** 1-D convolution as the 2-D reference with height 1. */
function refConv1d(a: {
  x: number[];
  xShape: readonly [number, number, number];
  k: number[];
  kShape: readonly [number, number, number];
  bias?: number[];
  stride?: number;
  dilation?: number;
  padding: 'valid' | 'same' | 'causal';
  groups?: number;
}): { data: number[]; shape: number[] } {
  const [B, L, C] = a.xShape;
  const [K, CG, F] = a.kShape;
  const r = refConv2d({
    x: a.x,
    xShape: [B, 1, L, C],
    k: a.k,
    kShape: [1, K, CG, F],
    ...(a.bias ? { bias: a.bias } : {}),
    strides: [1, a.stride ?? 1],
    dilation: [1, a.dilation ?? 1],
    padding: a.padding,
    groups: a.groups ?? 1,
  });
  return { data: r.data, shape: [B, r.shape[2]!, F] };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * Math.max(1, Math.abs(expected[i]!))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Builds the layer for `xShape`, sets its weights, and returns its output on `x`. */
function run(layer: Layer, x: number[], xShape: readonly number[], weights: { k: number[]; kShape: readonly number[]; bias?: number[] }): tf.Tensor {
  const xt = tf.tensor(x, [...xShape]);
  layer.ensureBuilt([null, ...xShape.slice(1)]);
  const ws = [tf.tensor(weights.k, [...weights.kShape]), ...(weights.bias ? [tf.tensor(weights.bias)] : [])];
  layer.setWeights(ws);
  const y = layer.apply(xt);
  tf.dispose([xt, ...ws]);
  return y;
}

function readWeight(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

// ---------------------------------------------------------------------------------------------

describe('Conv2D output values (naive loop reference)', () => {
  const cases: { title: string; args: Omit<Conv2DArgs, 'filters' | 'kernelSize'>; xShape: [number, number, number, number]; kShape: [number, number, number, number]; groups?: number }[] = [
    { title: 'valid, rectangular kernel', args: {}, xShape: [2, 4, 5, 3], kShape: [2, 3, 3, 2] },
    { title: "'same', strides 2 on odd and even sizes", args: { padding: 'same', strides: 2 }, xShape: [1, 5, 6, 2], kShape: [3, 3, 2, 3] },
    { title: "'same', strides [1, 2] with a 2x2 kernel (padding after)", args: { padding: 'same', strides: [1, 2] }, xShape: [1, 4, 5, 1], kShape: [2, 2, 1, 2] },
    { title: 'valid, strides [2, 3]', args: { strides: [2, 3] }, xShape: [2, 6, 7, 2], kShape: [2, 2, 2, 2] },
    { title: 'valid, dilation [2, 1]', args: { dilationRate: [2, 1] }, xShape: [1, 6, 4, 2], kShape: [2, 2, 2, 2] },
    { title: "'same', dilation 2", args: { padding: 'same', dilationRate: 2 }, xShape: [2, 5, 5, 1], kShape: [3, 3, 1, 2] },
    { title: "groups 2, 'same'", args: { padding: 'same', groups: 2 }, xShape: [1, 3, 4, 4], kShape: [2, 2, 2, 6], groups: 2 },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const [kh, kw, , f] = c.kShape;
      const layer = conv2d({ filters: f, kernelSize: [kh, kw], ...c.args });
      const x = values(prod(c.xShape), 1);
      const k = values(prod(c.kShape), 2);
      const bias = values(f, 3);
      const y = run(layer, x, c.xShape, { k, kShape: c.kShape, bias });
      const s = c.args.strides;
      const d = c.args.dilationRate;
      const ref = refConv2d({
        x,
        xShape: c.xShape,
        k,
        kShape: c.kShape,
        bias,
        strides: s === undefined ? [1, 1] : typeof s === 'number' ? [s, s] : [s[0]!, s[1]!],
        dilation: d === undefined ? [1, 1] : typeof d === 'number' ? [d, d] : [d[0]!, d[1]!],
        padding: c.args.padding ?? 'valid',
        groups: c.groups ?? 1,
      });
      expect(y.shape).toEqual(ref.shape);
      expectClose(y.dataSync(), ref.data);
      y.dispose();
      layer.dispose();
    });
  }

  it('applies the activation and leaves out the bias when useBias is false', () => {
    const layer = conv2d({ filters: 2, kernelSize: 2, activation: 'relu', useBias: false });
    const xShape = [1, 3, 3, 2] as const;
    const kShape = [2, 2, 2, 2] as const;
    const x = values(prod(xShape), 4);
    const k = values(prod(kShape), 5);
    const y = run(layer, x, xShape, { k, kShape });
    expect(layer.bias).toBeUndefined();
    expect(layer.weights.map((w) => w.name)).toEqual(['kernel']);
    const ref = refConv2d({ x, xShape, k, kShape, padding: 'valid' });
    expect(ref.data.some((v) => v < 0)).toBe(true);
    expectClose(y.dataSync(), ref.data.map((v) => Math.max(0, v)));
    y.dispose();
    layer.dispose();
  });

  it("accepts padding in upper case, as Keras does ('SAME')", () => {
    const layer = conv2d({ filters: 1, kernelSize: 3, padding: 'SAME' as 'same' });
    expect(layer.padding).toBe('same');
  });
});

describe('Conv1D output values (naive loop reference)', () => {
  const cases: { title: string; args: Omit<Conv1DArgs, 'filters' | 'kernelSize'>; xShape: [number, number, number]; kShape: [number, number, number] }[] = [
    { title: 'valid', args: {}, xShape: [2, 6, 3], kShape: [3, 3, 2] },
    { title: "'same', stride 2 on an odd length", args: { padding: 'same', strides: 2 }, xShape: [1, 7, 2], kShape: [3, 2, 3] },
    { title: 'valid, dilation 3', args: { dilationRate: 3 }, xShape: [1, 9, 2], kShape: [3, 2, 2] },
    { title: "'causal', dilation 2", args: { padding: 'causal', dilationRate: 2 }, xShape: [2, 6, 2], kShape: [2, 2, 3] },
    { title: "'causal', stride 2", args: { padding: 'causal', strides: [2] }, xShape: [1, 7, 1], kShape: [3, 1, 2] },
    { title: 'groups 3', args: { groups: 3 }, xShape: [1, 5, 3], kShape: [2, 1, 3] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const [kk, , f] = c.kShape;
      const layer = conv1d({ filters: f, kernelSize: kk, ...c.args });
      const x = values(prod(c.xShape), 11);
      const k = values(prod(c.kShape), 12);
      const bias = values(f, 13);
      const y = run(layer, x, c.xShape, { k, kShape: c.kShape, bias });
      const s = c.args.strides;
      const d = c.args.dilationRate;
      const ref = refConv1d({
        x,
        xShape: c.xShape,
        k,
        kShape: c.kShape,
        bias,
        stride: s === undefined ? 1 : typeof s === 'number' ? s : s[0]!,
        dilation: d === undefined ? 1 : typeof d === 'number' ? d : d[0]!,
        padding: c.args.padding ?? 'valid',
        groups: c.args.groups ?? 1,
      });
      expect(y.shape).toEqual(ref.shape);
      expectClose(y.dataSync(), ref.data);
      y.dispose();
      layer.dispose();
    });
  }

  it("'causal': the output at step t does not depend on inputs after t", () => {
    const layer = conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2 });
    const xShape = [1, 8, 1] as const;
    const x = values(8, 21);
    const changed = [...x.slice(0, 5), 9, -9, 9];
    const k = values(6, 22);
    const a = run(layer, x, xShape, { k, kShape: [3, 1, 2], bias: [0, 0] });
    const bt = tf.tensor(changed, [...xShape]);
    const b = layer.apply(bt);
    expect(a.shape).toEqual([1, 8, 2]);
    expectClose(b.dataSync().slice(0, 10), Array.from(a.dataSync().slice(0, 10)));
    expect(b.dataSync()[10]).not.toBeCloseTo(a.dataSync()[10]!, 3);
    tf.dispose([a, b, bt]);
    layer.dispose();
  });
});

describe('kernel shape, weight names and roles', () => {
  it('Conv2D: [kh, kw, in / groups, filters] and [filters]', () => {
    const layer = conv2d({ filters: 6, kernelSize: [3, 2], groups: 2 });
    layer.ensureBuilt([null, 8, 8, 4]);
    expect(layer.kernel.shape).toEqual([3, 2, 2, 6]);
    expect(layer.bias!.shape).toEqual([6]);
    expect(layer.weights.map((w) => [w.name, w.role])).toEqual([
      ['kernel', 'kernel'],
      ['bias', 'bias'],
    ]);
    expect(layer.kernel.path).toBe(`${layer.name}/kernel`);
    expect(layer.countParams()).toBe(3 * 2 * 2 * 6 + 6);
    layer.dispose();
  });

  it('Conv1D: [k, in, filters]', () => {
    const layer = conv1d({ filters: 5, kernelSize: 4 });
    layer.ensureBuilt([null, 10, 3]);
    expect(layer.kernel.shape).toEqual([4, 3, 5]);
    expect(layer.bias!.shape).toEqual([5]);
    layer.dispose();
  });

  it('default initializers: GlorotUniform kernel within its limit, zero bias', () => {
    const layer = conv2d({ filters: 4, kernelSize: 3 });
    layer.ensureBuilt([null, 5, 5, 2]);
    // Keras's fans for a conv kernel: receptive field * in and receptive field * out.
    const limit = Math.sqrt(6 / (9 * 2 + 9 * 4));
    const k = readWeight(layer.kernel.read());
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(limit / 2);
    expect(readWeight(layer.bias!.read())).toEqual([0, 0, 0, 0]);
    layer.dispose();
  });
});

describe('computeOutputShape agrees with real outputs', () => {
  const cases: { title: string; make: () => Layer; sample: number[]; expected: (number | null)[]; batch: number; concrete?: number[] }[] = [
    { title: 'Conv2D valid', make: () => conv2d({ filters: 3, kernelSize: [2, 3] }), sample: [5, 6, 2], expected: [null, 4, 4, 3], batch: 2 },
    { title: "Conv2D 'same' strides 2", make: () => conv2d({ filters: 2, kernelSize: 3, padding: 'same', strides: 2 }), sample: [5, 6, 1], expected: [null, 3, 3, 2], batch: 3 },
    { title: 'Conv2D dilated', make: () => conv2d({ filters: 2, kernelSize: 3, dilationRate: 2 }), sample: [7, 6, 1], expected: [null, 3, 2, 2], batch: 1 },
    { title: 'Conv2D unknown spatial sizes', make: () => conv2d({ filters: 2, kernelSize: 2 }), sample: [null, null, 1] as never, expected: [null, null, null, 2], batch: 2, concrete: [4, 3, 1] },
    { title: 'Conv1D valid strides 2', make: () => conv1d({ filters: 4, kernelSize: 3, strides: 2 }), sample: [9, 2], expected: [null, 4, 4], batch: 2 },
    { title: "Conv1D 'causal'", make: () => conv1d({ filters: 1, kernelSize: 4, padding: 'causal' }), sample: [5, 2], expected: [null, 5, 1], batch: 2 },
    { title: 'Conv1D unknown length', make: () => conv1d({ filters: 3, kernelSize: 2, padding: 'same' }), sample: [null, 2] as never, expected: [null, null, 3], batch: 2, concrete: [6, 2] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const inp = input({ shape: c.sample });
      const layer = c.make();
      const out = layer.apply(inp);
      expect(out.shape).toEqual(c.expected);
      const m = model({ inputs: inp, outputs: out });
      const x = tf.ones([c.batch, ...(c.concrete ?? c.sample)]);
      const y = m.predict(x) as tf.Tensor;
      const shape = layer.computeOutputShape([c.batch, ...(c.concrete ?? c.sample)]);
      expect(y.shape).toEqual(shape);
      expect(y.shape.every((d, i) => c.expected[i] === null || c.expected[i] === d)).toBe(true);
      tf.dispose([x, y]);
      m.dispose();
    });
  }
});

describe('regularizers add the right penalties', () => {
  it('Conv2D: kernel, bias and activity', () => {
    const inp = input({ shape: [4, 4, 2] });
    const layer = conv2d({
      name: 'conv2d_reg',
      filters: 3,
      kernelSize: 2,
      kernelRegularizer: l2(0.5),
      biasRegularizer: l1(0.3),
      activityRegularizer: l2(0.1),
    });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const k = values(2 * 2 * 2 * 3, 31);
    const bias = [0.5, -0.25, 1];
    const kt = tf.tensor(k, [2, 2, 2, 3]);
    const bt = tf.tensor(bias);
    layer.setWeights([kt, bt]);
    const xv = values(2 * 4 * 4 * 2, 32);
    const x = tf.tensor(xv, [2, 4, 4, 2]);
    const report = m.penalties(x);
    const byPath = Object.fromEntries(report.terms.map((t) => [t.path, t]));
    expect(Object.keys(byPath).sort()).toEqual(['conv2d_reg/activity', 'conv2d_reg/bias', 'conv2d_reg/kernel']);
    const kNow = readWeight(layer.kernel.read());
    expect(byPath['conv2d_reg/kernel']!.value).toBeCloseTo(0.5 * kNow.reduce((a, w) => a + w * w, 0), 4);
    expect(byPath['conv2d_reg/kernel']!.regularizer).toBe('L2');
    expect(byPath['conv2d_reg/bias']!.value).toBeCloseTo(0.3 * (0.5 + 0.25 + 1), 5);
    const y = refConv2d({ x: xv, xShape: [2, 4, 4, 2], k, kShape: [2, 2, 2, 3], bias, padding: 'valid' });
    expect(byPath['conv2d_reg/activity']!.value).toBeCloseTo((0.1 * y.data.reduce((a, v) => a + v * v, 0)) / 2, 4);
    expect(byPath['conv2d_reg/activity']!.kind).toBe('activity');
    tf.dispose([kt, bt, x]);
    m.dispose();
  });

  it('Conv1D: kernel, bias and activity', () => {
    const inp = input({ shape: [5, 1] });
    const layer = conv1d({
      name: 'conv1d_reg',
      filters: 2,
      kernelSize: 3,
      padding: 'causal',
      kernelRegularizer: l1(0.2),
      biasRegularizer: l2(0.5),
      activityRegularizer: l1(0.05),
    });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const k = values(6, 41);
    const bias = [0.5, -2];
    const kt = tf.tensor(k, [3, 1, 2]);
    const bt = tf.tensor(bias);
    layer.setWeights([kt, bt]);
    const xv = values(3 * 5, 42);
    const x = tf.tensor(xv, [3, 5, 1]);
    const byPath = Object.fromEntries(m.penalties(x).terms.map((t) => [t.path, t.value]));
    expect(Object.keys(byPath).sort()).toEqual(['conv1d_reg/activity', 'conv1d_reg/bias', 'conv1d_reg/kernel']);
    expect(byPath['conv1d_reg/kernel']).toBeCloseTo(0.2 * readWeight(layer.kernel.read()).reduce((a, w) => a + Math.abs(w), 0), 5);
    expect(byPath['conv1d_reg/bias']).toBeCloseTo(0.5 * (0.25 + 4), 5);
    const y = refConv1d({ x: xv, xShape: [3, 5, 1], k, kShape: [3, 1, 2], bias, padding: 'causal' });
    expect(byPath['conv1d_reg/activity']).toBeCloseTo((0.05 * y.data.reduce((a, v) => a + Math.abs(v), 0)) / 3, 4);
    tf.dispose([kt, bt, x]);
    m.dispose();
  });

  it('a regularizer set on the built weight replaces the constructor one', () => {
    const inp = input({ shape: [3, 3, 1] });
    const layer = conv2d({ name: 'conv2d_rereg', filters: 1, kernelSize: 2, kernelRegularizer: l2(0.5) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    layer.kernel.regularizer = l1(2);
    const [term] = m.penalties().terms;
    expect(term!.path).toBe('conv2d_rereg/kernel');
    expect(term!.value).toBeCloseTo(2 * readWeight(layer.kernel.read()).reduce((a, w) => a + Math.abs(w), 0), 5);
    expect(layer.getConfig()['kernelRegularizer']).toEqual({ className: 'L1', config: { l1: 2 } });
    m.dispose();
  });
});

describe('training', () => {
  async function fitOnce(layer: Layer, sample: number[], outSample: number[]) {
    const inp = input({ shape: sample });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor(values(4 * prod(sample), 51), [4, ...sample]);
    const y = tf.tensor(values(4 * prod(outSample), 52), [4, ...outSample]);
    const before = layer.weights.map((w) => readWeight(w.read()));
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const after = layer.weights.map((w) => readWeight(w.read()));
    tf.dispose([x, y]);
    m.dispose();
    return { before, after };
  }

  const trainable: { title: string; make: () => Layer; sample: number[]; out: number[] }[] = [
    { title: 'Conv2D', make: () => conv2d({ filters: 2, kernelSize: 2 }), sample: [3, 3, 2], out: [2, 2, 2] },
    { title: 'Conv2D dilated (tfjs-core has no gradient for dilated conv2d)', make: () => conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same' }), sample: [4, 4, 1], out: [4, 4, 2] },
    { title: 'Conv2D groups 2', make: () => conv2d({ filters: 2, kernelSize: 2, groups: 2 }), sample: [3, 3, 2], out: [2, 2, 2] },
    { title: 'Conv1D causal dilated', make: () => conv1d({ filters: 2, kernelSize: 2, padding: 'causal', dilationRate: 2 }), sample: [5, 1], out: [5, 2] },
    { title: 'Conv1D same strides 2', make: () => conv1d({ filters: 1, kernelSize: 3, padding: 'same', strides: 2 }), sample: [5, 2], out: [3, 1] },
  ];
  for (const c of trainable) {
    it(`a fit step changes every weight: ${c.title}`, async () => {
      const layer = c.make();
      const { before, after } = await fitOnce(layer, c.sample, c.out);
      expect(before).toHaveLength(2);
      before.forEach((w, i) => expect(after[i]).not.toEqual(w));
    });
  }

  it('the kernel gradient of a dilated convolution matches the reference', () => {
    const layer = conv2d({ filters: 2, kernelSize: 2, dilationRate: [2, 1], padding: 'same', useBias: false });
    const xShape = [2, 4, 3, 2] as const;
    const kShape = [2, 2, 2, 2] as const;
    const xv = values(prod(xShape), 61);
    const k = values(prod(kShape), 62);
    const out = run(layer, xv, xShape, { k, kShape });
    const gv = values(out.size, 63);
    const g = tf.tensor(gv, out.shape);
    const x = tf.tensor(xv, [...xShape]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x), g)) as tf.Scalar, [layer.kernel.variable]);
    const grad = readWeight(grads[layer.kernel.variable.name]!);
    // The output is linear in the kernel: d sum(y * g) / d k_i = sum(conv(x, e_i) * g).
    const expected = k.map((_, i) => {
      const e = k.map((__, j) => (i === j ? 1 : 0));
      const y = refConv2d({ x: xv, xShape, k: e, kShape, dilation: [2, 1], padding: 'same' });
      return y.data.reduce((a, v, n) => a + v * gv[n]!, 0);
    });
    expectClose(grad, expected);
    tf.dispose([out, g, x, value, ...Object.values(grads)]);
    layer.dispose();
  });

  it('constraints are applied after a step (nonNeg on kernel and bias)', async () => {
    for (const layer of [
      conv2d({ filters: 2, kernelSize: 2, kernelConstraint: nonNeg(), biasConstraint: nonNeg() }),
      conv1d({ filters: 2, kernelSize: 2, kernelConstraint: nonNeg(), biasConstraint: nonNeg() }),
    ]) {
      const is2d = layer instanceof Conv2D;
      const sample = is2d ? [3, 3, 1] : [3, 1];
      const out = is2d ? [2, 2, 2] : [2, 2];
      layer.ensureBuilt([null, ...sample]);
      const ws = layer.weights.map((w) => tf.fill(w.shape, -0.5));
      layer.setWeights(ws);
      tf.dispose(ws);
      const { after } = await fitOnce(layer, sample, out);
      for (const w of after) expect(Math.min(...w)).toBeGreaterThanOrEqual(0);
    }
  });

  it('no tensor leaks in predict and fit', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [4, 4, 1] });
    const c1 = conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, kernelRegularizer: l2(0.01), activityRegularizer: l1(0.01) });
    const c2 = conv2d({ filters: 1, kernelSize: 1, groups: 1 });
    const m = model({ inputs: inp, outputs: c2.apply(c1.apply(inp)) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.ones([4, 4, 4, 1]);
    const y = tf.zeros([4, 2, 2, 1]);
    await expectTrainsWithoutLeaks(m, x, y);
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('config', () => {
  it('writes Keras 3 fields, tuples for sizes', () => {
    const layer = conv2d({ name: 'conv2d_cfg', filters: 4, kernelSize: 3 });
    expect(layer.getConfig()).toMatchObject({
      name: 'conv2d_cfg',
      trainable: true,
      filters: 4,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'valid',
      dataFormat: 'channels_last',
      dilationRate: [1, 1],
      groups: 1,
      activation: 'linear',
      useBias: true,
      kernelInitializer: { className: 'GlorotUniform' },
      biasInitializer: { className: 'Zeros' },
      kernelRegularizer: null,
      biasRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
    });
    expect(conv1d({ filters: 1, kernelSize: 5, strides: 2 }).getConfig()).toMatchObject({ kernelSize: [5], strides: [2], dilationRate: [1] });
  });

  const full = {
    filters: 3,
    kernelSize: [2, 3],
    strides: [2, 1],
    padding: 'same' as const,
    activation: 'relu',
    useBias: true,
    kernelRegularizer: l2(0.25),
    biasRegularizer: l1(0.5),
    activityRegularizer: l2(0.125),
    kernelConstraint: nonNeg(),
    biasConstraint: nonNeg(),
    inputShape: [6, 6, 2],
  };

  it('Conv2D round-trips through its config, before and after build', () => {
    const layer = conv2d({ name: 'conv2d_rt', ...full });
    const copy = new Conv2D({ ...(layer.getConfig() as unknown as Conv2DArgs), name: 'conv2d_rt_copy' });
    expect({ ...copy.getConfig(), name: 'conv2d_rt' }).toEqual(layer.getConfig());
    expect(copy.getConfig()['kernelRegularizer']).toEqual({ className: 'L2', config: { l2: 0.25 } });
    expect(copy.getConfig()['activityRegularizer']).toEqual({ className: 'L2', config: { l2: 0.125 } });
    expectConfigRoundTrip(layer, 'layer');
    layer.ensureBuilt([null, 6, 6, 2]);
    expectConfigRoundTrip(layer, 'layer');
    layer.dispose();
  });

  it('Conv1D round-trips through its config', () => {
    const layer = conv1d({ name: 'conv1d_rt', ...full, kernelSize: 3, strides: 1, dilationRate: 2, padding: 'causal', groups: 1, inputShape: [7, 2] });
    const copy = new Conv1D({ ...(layer.getConfig() as unknown as Conv1DArgs), name: 'conv1d_rt_copy' });
    expect({ ...copy.getConfig(), name: 'conv1d_rt' }).toEqual(layer.getConfig());
    expect(copy.padding).toBe('causal');
    expect(copy.dilationRate).toEqual([2]);
    expectConfigRoundTrip(layer, 'layer');
  });
});

describe('argument errors name the layer, the argument and the value', () => {
  const cases: { make: () => unknown; layer: string; argument: string; received: string; code?: string; also?: string }[] = [
    { make: () => conv2d({ name: 'bad_a', filters: 0, kernelSize: 3 }), layer: "Conv2D 'bad_a'", argument: 'filters', received: '0' },
    { make: () => conv2d({ name: 'bad_b', filters: 2.5, kernelSize: 3 }), layer: "Conv2D 'bad_b'", argument: 'filters', received: '2.5' },
    { make: () => conv2d({ name: 'bad_c', filters: 2, kernelSize: [3] }), layer: "Conv2D 'bad_c'", argument: 'kernelSize', received: '[3]' },
    { make: () => conv2d({ name: 'bad_d', filters: 2, kernelSize: 0 }), layer: "Conv2D 'bad_d'", argument: 'kernelSize', received: '0' },
    { make: () => conv1d({ name: 'bad_e', filters: 2, kernelSize: [2, 2] }), layer: "Conv1D 'bad_e'", argument: 'kernelSize', received: '[2, 2]' },
    { make: () => conv2d({ name: 'bad_f', filters: 2, kernelSize: 3, strides: [1, 0] }), layer: "Conv2D 'bad_f'", argument: 'strides', received: '[1, 0]' },
    { make: () => conv2d({ name: 'bad_g', filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), layer: "Conv2D 'bad_g'", argument: 'padding', received: '"causal"', also: 'only for Conv1D' },
    { make: () => conv1d({ name: 'bad_h', filters: 2, kernelSize: 3, padding: 'full' as 'same' }), layer: "Conv1D 'bad_h'", argument: 'padding', received: '"full"' },
    { make: () => conv2d({ name: 'bad_i', filters: 2, kernelSize: 3, dataFormat: 'channels_first' as 'channels_last' }), layer: "Conv2D 'bad_i'", argument: 'dataFormat', received: '"channels_first"', also: 'channels-last' },
    { make: () => conv2d({ name: 'bad_j', filters: 2, kernelSize: 3, dilationRate: 0 }), layer: "Conv2D 'bad_j'", argument: 'dilationRate', received: '0' },
    { make: () => conv2d({ name: 'bad_k', filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), layer: "Conv2D 'bad_k'", argument: 'strides', received: '2', also: 'dilationRate' },
    { make: () => conv2d({ name: 'bad_l', filters: 4, kernelSize: 3, groups: 3 }), layer: "Conv2D 'bad_l'", argument: 'groups', received: '3' },
    { make: () => conv2d({ name: 'bad_m', filters: 4, kernelSize: 3, useBias: 'yes' as unknown as boolean }), layer: "Conv2D 'bad_m'", argument: 'useBias', received: '"yes"' },
    { make: () => conv2d({ name: 'bad_n', filters: 4, kernelSize: 3, activation: 'nope' }), layer: "Conv2D 'bad_n'", argument: 'activation', received: '"nope"', code: 'UNKNOWN_NAME' },
    { make: () => conv1d({ name: 'bad_o', filters: 4, kernelSize: 3, kernelRegularizer: 'nope' as 'l2' }), layer: "Conv1D 'bad_o'", argument: 'kernelRegularizer', received: 'nope', code: 'UNKNOWN_NAME' },
    { make: () => conv1d({ name: 'bad_p', filters: 4, kernelSize: 3, biasConstraint: 'nope' as never }), layer: "Conv1D 'bad_p'", argument: 'biasConstraint', received: 'nope', code: 'UNKNOWN_NAME' },
    { make: () => conv2d({ name: 'bad_q', filters: 4, kernelSize: 3, kernelInitializer: 'nope' as never }), layer: "Conv2D 'bad_q'", argument: 'kernelInitializer', received: 'nope', code: 'UNKNOWN_NAME' },
    { make: () => new Conv2D({ name: 'bad_r' } as Conv2DArgs), layer: "Conv2D 'bad_r'", argument: 'filters', received: 'undefined' },
  ];
  for (const c of cases) {
    it(`${c.layer}: ${c.argument} = ${c.received}`, () => {
      let error: unknown;
      try {
        c.make();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error)).toBe(true);
      const e = error as RidgeError;
      expect(e.code).toBe(c.code ?? 'INVALID_ARGUMENT');
      expect(e.message).toContain(c.layer);
      expect(e.message).toContain(c.argument);
      expect(e.message).toContain(c.received);
      if (c.also) expect(e.message).toContain(c.also);
    });
  }
});

describe('shape errors', () => {
  function shapeError(fn: () => unknown): RidgeError {
    try {
      fn();
    } catch (e) {
      if (RidgeError.is(e, 'SHAPE_MISMATCH')) return e;
      throw e;
    }
    throw new Error('expected a SHAPE_MISMATCH error');
  }

  it('wrong rank', () => {
    const e = shapeError(() => conv2d({ name: 'conv2d_rank', filters: 1, kernelSize: 2 }).apply(input({ shape: [5, 2] })));
    expect(e.message).toContain("Conv2D 'conv2d_rank'");
    expect(e.message).toContain('rank 4');
    expect(e.message).toContain('[null, 5, 2]');
    const e1 = shapeError(() => conv1d({ name: 'conv1d_rank', filters: 1, kernelSize: 2 }).apply(input({ shape: [5, 5, 2] })));
    expect(e1.message).toContain('rank 3');
  });

  it('unknown channels', () => {
    const e = shapeError(() => conv2d({ name: 'conv2d_nochan', filters: 1, kernelSize: 2 }).apply(input({ shape: [5, 5, null] as never })));
    expect(e.message).toContain("Conv2D 'conv2d_nochan'");
    expect(e.message).toContain('[null, 5, 5, null]');
  });

  it('input smaller than the (dilated) kernel', () => {
    const e = shapeError(() => conv2d({ name: 'conv2d_small', filters: 1, kernelSize: 3, dilationRate: 2 }).apply(input({ shape: [4, 9, 1] })));
    expect(e.message).toContain("Conv2D 'conv2d_small'");
    expect(e.message).toContain('[null, 4, 9, 1]');
    expect(e.message).toContain('[5, 5]');
    expect(e.message).toContain('kernelSize, dilated');
  });

  it('channels that do not divide into groups', () => {
    const e = shapeError(() => conv2d({ name: 'conv2d_grp', filters: 4, kernelSize: 1, groups: 2 }).apply(input({ shape: [3, 3, 3] })));
    expect(e.message).toContain('groups (2)');
    expect(e.message).toContain('[null, 3, 3, 3]');
  });

  it('a call whose channels differ from the built kernel', () => {
    const layer = conv1d({ name: 'conv1d_chan', filters: 1, kernelSize: 2 });
    layer.ensureBuilt([null, 4, 2]);
    const x = tf.ones([1, 4, 3]);
    const e = shapeError(() => layer.apply(x));
    expect(e.message).toContain("Conv1D 'conv1d_chan'");
    expect(e.message).toContain('2 channels');
    expect(e.message).toContain('[1, 4, 3]');
    x.dispose();
    layer.dispose();
  });
});
