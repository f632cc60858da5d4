import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { RidgeError, registry, serdeTrio, type LayerName } from '@ridge/core';
import { l1, l2, nonNeg } from '@ridge/regularizers';
import { expectConfigRoundTrip, expectResolvable } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import '../../register.js';
import type { Layer } from '../../engine/layer.js';
import {
  AveragePooling3D,
  Conv3D,
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  MaxPooling3D,
  averagePooling3d,
  conv3d,
  globalAveragePooling3d,
  globalMaxPooling3d,
  maxPooling3d,
  upSampling3d,
  type Conv3DArgs,
  type PoolingArgs,
} from './index.js';
import { expectTrainsWithoutLeaks } from '../../../test/conv-fixtures.js';
import { conv3dFilterGradient, conv3dInputGradient } from './conv3d-op.js';
import './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

// ---------------------------------------------------------------------------------------------
// Plain-JS references: nested loops over flat channels-last arrays, by Keras's shape rules.

/** Deterministic values in [-1, 1], two decimals. */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return Math.round(((s / 2147483648) * 2 - 1) * 100) / 100;
  });
}

/** Distinct values (a permutation of i / n, shifted to [-0.5, 0.5)), so every window has one max. */
function distinct(n: number, seed: number): number[] {
  const step = [7, 11, 13, 17, 19, 23, 29, 31].find((p) => n % p !== 0)!;
  return Array.from({ length: n }, (_, i) => ((i * step + seed) % n) / n - 0.5);
}

type Shape5 = readonly [number, number, number, number, number];
type Triple = readonly [number, number, number];
const prod = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);
const triple = (v: number | readonly number[] | null | undefined, fallback: number): Triple =>
  v === undefined || v === null ? [fallback, fallback, fallback] : typeof v === 'number' ? [v, v, v] : [v[0]!, v[1]!, v[2]!];

/** TensorFlow's documented 'same' rule: out = ceil(in / stride), the odd padding goes after. */
function sameBefore(size: number, window: number, stride: number): number {
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2);
}

/** Output size and padding before, along one axis, for a window of effective size `window`. */
function axis(size: number, window: number, stride: number, padding: 'valid' | 'same'): { out: number; before: number } {
  return padding === 'valid' ? { out: Math.floor((size - window) / stride) + 1, before: 0 } : { out: Math.ceil(size / stride), before: sameBefore(size, window, stride) };
}

function refConv3d(a: {
  x: number[];
  xShape: Shape5;
  k: number[];
  /** [kd, kh, kw, channels / groups, filters] */
  kShape: Shape5;
  bias?: number[];
  strides?: Triple;
  dilation?: Triple;
  padding: 'valid' | 'same';
  groups?: number;
}): { data: number[]; shape: number[] } {
  const [B, D, H, W, C] = a.xShape;
  const [KD, KH, KW, CG, F] = a.kShape;
  const s = a.strides ?? [1, 1, 1];
  const dl = a.dilation ?? [1, 1, 1];
  const groups = a.groups ?? 1;
  const [ad, ah, aw] = [D, H, W].map((size, i) => axis(size, (a.kShape[i]! - 1) * dl[i]! + 1, s[i]!, a.padding));
  const perGroup = F / groups;
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < ad!.out; i++)
      for (let j = 0; j < ah!.out; j++)
        for (let l = 0; l < aw!.out; l++)
          for (let f = 0; f < F; f++) {
            const g = Math.floor(f / perGroup);
            let sum = a.bias ? a.bias[f]! : 0;
            for (let p = 0; p < KD; p++)
              for (let q = 0; q < KH; q++)
                for (let r = 0; r < KW; r++) {
                  const z = i * s[0] + p * dl[0] - ad!.before;
                  const y = j * s[1] + q * dl[1] - ah!.before;
                  const xx = l * s[2] + r * dl[2] - aw!.before;
                  if (z < 0 || z >= D || y < 0 || y >= H || xx < 0 || xx >= W) continue;
                  for (let c = 0; c < CG; c++) {
                    sum += a.x[(((b * D + z) * H + y) * W + xx) * C + g * CG + c]! * a.k[((((p * KH + q) * KW + r) * CG + c) * F) + f]!;
                  }
                }
            out.push(sum);
          }
  return { data: out, shape: [B, ad!.out, ah!.out, aw!.out, F] };
}

/** Max or mean over each window's real inputs (Keras: 'same' padding never enters a window). */
function refPool3d(x: number[], xShape: Shape5, pool: Triple, strides: Triple, padding: 'valid' | 'same', mode: 'max' | 'avg'): { data: number[]; shape: number[] } {
  const [B, D, H, W, C] = xShape;
  const [ad, ah, aw] = [D, H, W].map((size, i) => axis(size, pool[i]!, strides[i]!, padding));
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < ad!.out; i++)
      for (let j = 0; j < ah!.out; j++)
        for (let l = 0; l < aw!.out; l++)
          for (let c = 0; c < C; c++) {
            const seen: number[] = [];
            for (let p = 0; p < pool[0]; p++)
              for (let q = 0; q < pool[1]; q++)
                for (let r = 0; r < pool[2]; r++) {
                  const z = i * strides[0] + p - ad!.before;
                  const y = j * strides[1] + q - ah!.before;
                  const xx = l * strides[2] + r - aw!.before;
                  if (z >= 0 && z < D && y >= 0 && y < H && xx >= 0 && xx < W) seen.push(x[(((b * D + z) * H + y) * W + xx) * C + c]!);
                }
            out.push(mode === 'max' ? Math.max(...seen) : seen.reduce((s, v) => s + v, 0) / seen.length);
          }
  return { data: out, shape: [B, ad!.out, ah!.out, aw!.out, C] };
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * Math.max(1, Math.abs(expected[i]!))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function read(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Builds the layer for `xShape`, sets its weights, and returns its output on `x`. */
function run(layer: Layer, x: number[], xShape: readonly number[], weights?: { k: number[]; kShape: readonly number[]; bias?: number[] }): tf.Tensor {
  const xt = tf.tensor(x, [...xShape]);
  layer.ensureBuilt([null, ...xShape.slice(1)]);
  const ws = weights ? [tf.tensor(weights.k, [...weights.kShape]), ...(weights.bias ? [tf.tensor(weights.bias)] : [])] : [];
  if (weights) layer.setWeights(ws);
  const y = layer.apply(xt);
  tf.dispose([xt, ...ws]);
  return y;
}

// ---------------------------------------------------------------------------------------------

describe('Conv3D output values (naive loop reference)', () => {
  const cases: { title: string; args: Omit<Conv3DArgs, 'filters' | 'kernelSize'>; xShape: Shape5; kShape: Shape5 }[] = [
    { title: 'valid, kernel [2, 3, 2]', args: {}, xShape: [2, 3, 4, 3, 2], kShape: [2, 3, 2, 2, 3] },
    { title: "'same', strides [2, 1, 2] on odd and even sizes", args: { padding: 'same', strides: [2, 1, 2] }, xShape: [1, 5, 4, 6, 2], kShape: [3, 2, 3, 2, 2] },
    { title: 'valid, strides 2', args: { strides: 2 }, xShape: [1, 5, 5, 4, 1], kShape: [2, 2, 2, 1, 2] },
    { title: "'same', dilation [1, 2, 1]", args: { padding: 'same', dilationRate: [1, 2, 1] }, xShape: [1, 3, 5, 3, 2], kShape: [2, 2, 2, 2, 2] },
    { title: "groups 2, 'same'", args: { padding: 'same', groups: 2 }, xShape: [1, 2, 3, 3, 4], kShape: [2, 2, 2, 2, 4] },
    { title: "'same', kernel 1, strides 2 on even sizes (no padding)", args: { padding: 'same', strides: 2 }, xShape: [2, 4, 4, 6, 2], kShape: [1, 1, 1, 2, 3] },
    { title: "'same', strides [3, 2, 3] above the kernel [2, 1, 2]", args: { padding: 'same', strides: [3, 2, 3] }, xShape: [1, 5, 4, 7, 2], kShape: [2, 1, 2, 2, 2] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const [kd, kh, kw, cg, f] = c.kShape;
      const layer = conv3d({ filters: f, kernelSize: [kd, kh, kw], ...c.args });
      const x = values(prod(c.xShape), 1);
      const k = values(prod(c.kShape), 2);
      const bias = values(f, 3);
      const y = run(layer, x, c.xShape, { k, kShape: c.kShape, bias });
      const ref = refConv3d({
        x,
        xShape: c.xShape,
        k,
        kShape: c.kShape,
        bias,
        strides: triple(c.args.strides, 1),
        dilation: triple(c.args.dilationRate, 1),
        padding: c.args.padding ?? 'valid',
        groups: c.xShape[4] / cg,
      });
      expect(y.shape).toEqual(ref.shape);
      expect(layer.computeOutputShape([null, ...c.xShape.slice(1)])).toEqual([null, ...ref.shape.slice(1)]);
      expectClose(y.dataSync(), ref.data);
      y.dispose();
      layer.dispose();
    });
  }

  it("tf.conv3d's own 'same' (tfjs-core 4.22) shifts the windows where a stride exceeds the kernel; the layer does not", () => {
    // Kernel 1, stride 2, 'same' on a length-2 axis: TensorFlow reads entry 0 (padding
    // max(0, (1 - 1) * 2 + 1 - 2) = 0). tfjs-core computes a padding of -1 and reads entry 1.
    const x = tf.tensor5d([1, 2], [1, 1, 1, 2, 1]);
    const k = tf.tensor5d([1], [1, 1, 1, 1, 1]);
    const theirs = tf.conv3d(x, k, [1, 1, 2], 'same');
    expect(read(theirs)).toEqual([2]);
    const layer = conv3d({ filters: 1, kernelSize: 1, strides: [1, 1, 2], padding: 'same', useBias: false });
    const ours = run(layer, [1, 2], [1, 1, 1, 2, 1], { k: [1], kShape: [1, 1, 1, 1, 1] });
    expect(read(ours)).toEqual([1]);
    tf.dispose([x, k, theirs, ours]);
    layer.dispose();
  });

  it('a 1x1x1 input and kernel by hand: y = x * k + b per filter', () => {
    const layer = conv3d({ filters: 2, kernelSize: 1 });
    const y = run(layer, [3], [1, 1, 1, 1, 1], { k: [2, -1], kShape: [1, 1, 1, 1, 2], bias: [0.5, 1] });
    expect(read(y)).toEqual([3 * 2 + 0.5, 3 * -1 + 1]);
    y.dispose();
    layer.dispose();
  });

  it('applies the activation and leaves out the bias when useBias is false', () => {
    const layer = conv3d({ filters: 2, kernelSize: 2, activation: 'relu', useBias: false });
    const xShape = [1, 3, 3, 3, 1] as const;
    const kShape = [2, 2, 2, 1, 2] as const;
    const x = values(prod(xShape), 4);
    const k = values(prod(kShape), 5);
    const y = run(layer, x, xShape, { k, kShape });
    expect(layer.weights.map((w) => w.name)).toEqual(['kernel']);
    const ref = refConv3d({ x, xShape, k, kShape, padding: 'valid' });
    expect(ref.data.some((v) => v < 0)).toBe(true);
    expectClose(y.dataSync(), ref.data.map((v) => Math.max(0, v)));
    y.dispose();
    layer.dispose();
  });
});

describe('Conv3D gradients (the op is linear in x and in the kernel)', () => {
  // d sum(conv(x, k) * g) / d k_i = sum(conv(x, e_i) * g), and the same for x: exact references
  // from the loop, for the kernel and input gradients the layer computes itself.
  const cases: { title: string; xShape: Shape5; kShape: Shape5; strides: Triple; padding: 'valid' | 'same' }[] = [
    { title: 'valid, several channels', xShape: [2, 3, 4, 3, 2], kShape: [2, 2, 2, 2, 3], strides: [1, 1, 1], padding: 'valid' },
    { title: "'same', strides [2, 1, 2]", xShape: [1, 5, 4, 6, 2], kShape: [2, 3, 2, 2, 3], strides: [2, 1, 2], padding: 'same' },
    { title: 'valid, strides [2, 2, 1] leaving inputs out', xShape: [1, 4, 5, 3, 1], kShape: [2, 2, 2, 1, 2], strides: [2, 2, 1], padding: 'valid' },
    { title: "'same', strides [3, 2, 3] above the kernel [2, 1, 2] (inputs no window reads)", xShape: [2, 5, 4, 7, 2], kShape: [2, 1, 2, 2, 3], strides: [3, 2, 3], padding: 'same' },
    { title: 'valid, strides 2, kernel 3', xShape: [1, 7, 6, 5, 2], kShape: [3, 3, 3, 2, 2], strides: [2, 2, 2], padding: 'valid' },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const before = tf.memory().numTensors;
      const xv = values(prod(c.xShape), 61);
      const kv = values(prod(c.kShape), 62);
      const y = refConv3d({ x: xv, xShape: c.xShape, k: kv, kShape: c.kShape, strides: c.strides, padding: c.padding });
      const gv = values(y.data.length, 63);
      const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
      const dot = (r: { data: number[] }) => r.data.reduce((a, v, n) => a + v * gv[n]!, 0);
      const wantK = kv.map((_, i) => dot(refConv3d({ x: xv, xShape: c.xShape, k: unit(kv.length, i), kShape: c.kShape, strides: c.strides, padding: c.padding })));
      const wantX = xv.map((_, i) => dot(refConv3d({ x: unit(xv.length, i), xShape: c.xShape, k: kv, kShape: c.kShape, strides: c.strides, padding: c.padding })));
      const [x, k, g] = [tf.tensor5d(xv, [...c.xShape]), tf.tensor5d(kv, [...c.kShape]), tf.tensor5d(gv, y.shape as [number, number, number, number, number])];
      const dk = conv3dFilterGradient(x, g, c.kShape, c.strides, c.padding);
      const dx = conv3dInputGradient(g, k, c.xShape, c.strides, c.padding);
      expectClose(read(dk), wantK);
      expectClose(read(dx), wantX);
      // The same through the layer, with autodiff.
      const layer = conv3d({ filters: c.kShape[4], kernelSize: [c.kShape[0], c.kShape[1], c.kShape[2]], strides: [...c.strides], padding: c.padding, useBias: false });
      layer.ensureBuilt([null, ...c.xShape.slice(1)]);
      layer.setWeights([k]);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, g)) as tf.Scalar, [layer.kernel.variable]);
      expectClose(read(grads[layer.kernel.variable.name]!), wantK);
      const dxLayer = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, g)))(x);
      expectClose(read(dxLayer), wantX);
      tf.dispose([x, k, g, dk, dx, value, dxLayer, ...Object.values(grads)]);
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('3-D pooling output values (naive loop reference)', () => {
  const cases: { title: string; mode: 'max' | 'avg'; args: PoolingArgs; xShape: Shape5 }[] = [
    { title: 'MaxPooling3D defaults (pool 2, strides = pool)', mode: 'max', args: {}, xShape: [2, 4, 4, 5, 2] },
    { title: "MaxPooling3D 'same', pool [2, 3, 2], strides 2", mode: 'max', args: { poolSize: [2, 3, 2], strides: 2, padding: 'same' }, xShape: [1, 3, 4, 5, 2] },
    { title: "MaxPooling3D 'same', strides = pool [2, 3, 2] (windows tile the padded input)", mode: 'max', args: { poolSize: [2, 3, 2], padding: 'same' }, xShape: [2, 3, 4, 5, 3] },
    { title: 'MaxPooling3D pool 1, strides [2, 1, 2] (one-entry windows)', mode: 'max', args: { poolSize: 1, strides: [2, 1, 2] }, xShape: [1, 3, 2, 4, 2] },
    { title: 'MaxPooling3D valid, overlapping windows', mode: 'max', args: { poolSize: 2, strides: [1, 2, 1] }, xShape: [1, 3, 4, 3, 1] },
    { title: 'AveragePooling3D defaults', mode: 'avg', args: {}, xShape: [2, 4, 2, 4, 3] },
    { title: "AveragePooling3D 'same', pool [1, 2, 1], strides [2, 3, 2] (strides above the pool)", mode: 'avg', args: { poolSize: [1, 2, 1], strides: [2, 3, 2], padding: 'same' }, xShape: [1, 4, 5, 4, 2] },
    { title: "MaxPooling3D 'same', pool [1, 2, 1], strides [2, 3, 2] (strides above the pool)", mode: 'max', args: { poolSize: [1, 2, 1], strides: [2, 3, 2], padding: 'same' }, xShape: [1, 4, 5, 4, 2] },
    { title: "AveragePooling3D 'same' (border windows average their real inputs)", mode: 'avg', args: { poolSize: [3, 2, 2], strides: [2, 2, 1], padding: 'same' }, xShape: [1, 4, 3, 3, 2] },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const layer = c.mode === 'max' ? maxPooling3d(c.args) : averagePooling3d(c.args);
      const x = c.mode === 'max' ? distinct(prod(c.xShape), 3) : values(prod(c.xShape), 4);
      const y = run(layer, x, c.xShape);
      const pool = triple(c.args.poolSize, 2);
      const ref = refPool3d(x, c.xShape, pool, c.args.strides == null ? pool : triple(c.args.strides, 1), c.args.padding ?? 'valid', c.mode);
      expect(y.shape).toEqual(ref.shape);
      expect(layer.computeOutputShape([null, ...c.xShape.slice(1)])).toEqual([null, ...ref.shape.slice(1)]);
      expectClose(y.dataSync(), ref.data);
      y.dispose();
    });
  }

  it("AveragePooling3D 'same' by hand: [1, 2, 3] along width, pool 2, stride 2 gives [1.5, 3]", () => {
    const y = run(averagePooling3d({ poolSize: [1, 1, 2], padding: 'same' }), [1, 2, 3], [1, 1, 1, 3, 1]);
    expect(read(y)).toEqual([1.5, 3]);
    y.dispose();
  });

  it("MaxPooling3D 'same' on int32 inputs: the padding never wins a border window, as MaxPooling2D's", () => {
    // Depth 3, pool 2, stride 2: the second window is [x2, padding], so its maximum is x2 = -5.
    const x = tf.tensor5d([-3, -7, -5], [1, 3, 1, 1, 1], 'int32');
    const y = maxPooling3d({ poolSize: [2, 1, 1], padding: 'same' }).apply(x) as tf.Tensor;
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([-3, -5]);
    // And with windows that overlap (pool 3, stride 1): [pad, -3, -7], [-3, -7, -5], [-7, -5, pad].
    const z = maxPooling3d({ poolSize: [3, 1, 1], strides: 1, padding: 'same' }).apply(x) as tf.Tensor;
    expect(Array.from(z.dataSync())).toEqual([-3, -3, -5]);
    tf.dispose([x, y, z]);
  });

  it('GlobalMaxPooling3D and GlobalAveragePooling3D: max and mean over depth, height and width', () => {
    const xShape = [2, 2, 3, 2, 3] as const;
    const x = values(prod(xShape), 7);
    const perChannel = (b: number, c: number) => Array.from({ length: 12 }, (_, p) => x[(b * 12 + p) * 3 + c]!);
    const wantMax = [0, 1].flatMap((b) => [0, 1, 2].map((c) => Math.max(...perChannel(b, c))));
    const wantMean = [0, 1].flatMap((b) => [0, 1, 2].map((c) => perChannel(b, c).reduce((s, v) => s + v, 0) / 12));
    const gmp = run(globalMaxPooling3d(), x, xShape);
    const gap = run(globalAveragePooling3d(), x, xShape);
    const kept = run(globalAveragePooling3d({ keepdims: true }), x, xShape);
    expect(gmp.shape).toEqual([2, 3]);
    expect(kept.shape).toEqual([2, 1, 1, 1, 3]);
    expect(globalMaxPooling3d({ keepdims: true }).computeOutputShape([null, 4, 5, 6, 3])).toEqual([null, 1, 1, 1, 3]);
    expect(globalAveragePooling3d().computeOutputShape([null, 4, 5, 6, 3])).toEqual([null, 3]);
    expectClose(gmp.dataSync(), wantMax);
    expectClose(gap.dataSync(), wantMean);
    expectClose(kept.dataSync(), wantMean);
    tf.dispose([gmp, gap, kept]);
  });
});

describe('MaxPooling3D gradient', () => {
  it("goes to each window's maximum, also for a 2x3x2 window where tfjs-backend-cpu's MaxPool3DGrad does not", () => {
    const xShape = [1, 3, 4, 5, 2] as const;
    const pool = [2, 3, 2] as const;
    const xv = distinct(prod(xShape), 5);
    const ref = refPool3d(xv, xShape, pool, [2, 2, 2], 'same', 'max');
    const gv = values(ref.data.length, 9);
    // d sum(y * g) / dx_i = sum of g over the windows whose maximum is x_i.
    const want = xv.map((v, i) => ref.data.reduce((s, m, o) => s + (m === v && (o % 2) === (i % 2) ? gv[o]! : 0), 0));
    const x = tf.tensor5d(xv, [...xShape]);
    const g = tf.tensor5d(gv, ref.shape as [number, number, number, number, number]);
    const layer = maxPooling3d({ poolSize: [...pool], strides: 2, padding: 'same' });
    const ours = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(layer.apply(xi) as tf.Tensor, g)))(x);
    expectClose(read(ours), want, 1e-6);
    const theirs = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.maxPool3d(xi as tf.Tensor5D, [2, 3, 2], 2, 'same'), g)))(x);
    expect(read(theirs).some((v, i) => Math.abs(v - want[i]!) > 0.1)).toBe(true);
    tf.dispose([x, g, ours, theirs]);
  });
});

describe('MaxPooling3D gradient with repeated inputs', () => {
  it('goes to one maximum per window, as TensorFlow: UpSampling3D(2) then MaxPooling3D(2) is the identity, and so is its gradient', () => {
    const xShape = [2, 2, 3, 2, 2] as const;
    const x = tf.tensor5d(values(prod(xShape), 13), [...xShape]);
    const g = tf.tensor5d(values(prod(xShape), 14), [...xShape]);
    const up = upSampling3d({ size: 2 });
    for (const pool of [maxPooling3d({ poolSize: 2 }), maxPooling3d({ poolSize: 2, padding: 'same' })]) {
      const y = pool.apply(up.apply(x) as tf.Tensor) as tf.Tensor;
      expect(read(y)).toEqual(read(x));
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(pool.apply(up.apply(xi) as tf.Tensor) as tf.Tensor, g)))(x);
      expectClose(read(dx), read(g), 1e-6);
      tf.dispose([y, dx]);
    }
    tf.dispose([x, g]);
  });
});

describe('weights, regularizers and training', () => {
  it('Conv3D kernel [kd, kh, kw, in / groups, filters] with role kernel, bias [filters] with role bias', () => {
    const layer = conv3d({ filters: 4, kernelSize: [3, 2, 1], groups: 2 });
    layer.ensureBuilt([null, 5, 5, 5, 6]);
    expect(layer.kernel.shape).toEqual([3, 2, 1, 3, 4]);
    expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
      ['kernel', 'kernel', [3, 2, 1, 3, 4]],
      ['bias', 'bias', [4]],
    ]);
    expect(layer.countParams()).toBe(3 * 2 * 1 * 3 * 4 + 4);
    // Keras's fans for a conv kernel: receptive field * in and receptive field * out.
    const limit = Math.sqrt(6 / (6 * 3 + 6 * 4));
    expect(Math.max(...read(layer.kernel.read()).map(Math.abs))).toBeLessThanOrEqual(limit);
    layer.dispose();
  });

  it('kernelRegularizer, and compile({ regularization }) selects the kernel and not the bias', () => {
    const inp = input({ shape: [3, 3, 3, 2] });
    const c = conv3d({ name: 'c3_reg', filters: 2, kernelSize: 2, kernelRegularizer: l2(0.5), biasRegularizer: l1(0.25) });
    const c2 = conv3d({ name: 'c3_model', filters: 1, kernelSize: 2 });
    const m = model({ inputs: inp, outputs: c2.apply(c.apply(inp)) });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: l2(0.125) });
    const k1 = read(c.kernel.read());
    const k2 = read(c2.kernel.read());
    const terms = Object.fromEntries(m.penalties().terms.map((t) => [t.path, t]));
    expect(Object.keys(terms).sort()).toEqual(['c3_model/kernel', 'c3_reg/bias', 'c3_reg/kernel']);
    expect(terms['c3_reg/kernel']!.value).toBeCloseTo(0.5 * k1.reduce((a, w) => a + w * w, 0), 5);
    expect(terms['c3_model/kernel']!.value).toBeCloseTo(0.125 * k2.reduce((a, w) => a + w * w, 0), 5);
    expect(terms['c3_model/kernel']!.source).toBe('model');
    m.dispose();
  });

  it('one SGD step with L2 on the kernel equals the hand-computed step', async () => {
    // One Conv3D, no bias, mse against zeros: loss = mean(y^2) + l2 * sum(k^2), so
    // dk = 2 / N * conv3d-filter-gradient(x, y) + 2 * l2 * k, with y from the loop reference.
    const xShape = [2, 3, 3, 2, 1] as const;
    const kShape = [2, 2, 1, 1, 2] as const;
    const lr = 0.1;
    const factor = 0.05;
    const inp = input({ shape: xShape.slice(1) });
    const layer = conv3d({ filters: 2, kernelSize: [2, 2, 1], useBias: false, kernelRegularizer: l2(factor) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const xv = values(prod(xShape), 71);
    const kv = values(prod(kShape), 72);
    const kt = tf.tensor(kv, [...kShape]);
    layer.setWeights([kt]);
    m.compile({ optimizer: sgd(lr), loss: 'mse' });
    const y = refConv3d({ x: xv, xShape, k: kv, kShape, padding: 'valid' });
    const n = y.data.length;
    const want = kv.map((kValue, i) => {
      const e = kv.map((_, j) => (i === j ? 1 : 0));
      const de = refConv3d({ x: xv, xShape, k: e, kShape, padding: 'valid' }).data;
      const grad = (2 / n) * y.data.reduce((s, v, o) => s + v * de[o]!, 0) + 2 * factor * kValue;
      return kValue - lr * grad;
    });
    const x = tf.tensor(xv, [...xShape]);
    const target = tf.zeros(y.shape);
    const h = await m.fit(x, target, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h.history['loss']![0]).toBeCloseTo(y.data.reduce((s, v) => s + v * v, 0) / n + factor * kv.reduce((s, v) => s + v * v, 0), 5);
    expectClose(read(layer.kernel.read()), want, 1e-5);
    tf.dispose([kt, x, target]);
    m.dispose();
  });

  it('constraints apply after a step, and predict and fit leak nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [4, 4, 4, 1] });
    const c = conv3d({ filters: 2, kernelSize: 2, padding: 'same', dilationRate: 2, kernelConstraint: nonNeg(), activityRegularizer: l1(0.01) });
    let h = c.apply(inp);
    h = maxPooling3d({ poolSize: [2, 2, 1], padding: 'same' }).apply(h);
    h = averagePooling3d({ poolSize: 2, strides: 1, padding: 'same' }).apply(h);
    const out = globalAveragePooling3d().apply(globalMaxPooling3d({ keepdims: true }).apply(h));
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomUniform([4, 4, 4, 4, 1], -1, 1, 'float32', 3);
    const y = tf.ones([4, 2]);
    await expectTrainsWithoutLeaks(m, x, y, () => expect(Math.min(...read(c.kernel.read()))).toBeGreaterThanOrEqual(0));
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('config', () => {
  it('Conv3D writes Keras 3 fields, triples for sizes, and round-trips before and after build', () => {
    const layer = conv3d({ name: 'c3_cfg', filters: 4, kernelSize: 3 });
    expect(layer.getConfig()).toMatchObject({
      name: 'c3_cfg',
      filters: 4,
      kernelSize: [3, 3, 3],
      strides: [1, 1, 1],
      padding: 'valid',
      dataFormat: 'channels_last',
      dilationRate: [1, 1, 1],
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
    const full = conv3d({ name: 'c3_full', filters: 2, kernelSize: [1, 2, 3], strides: [2, 1, 1], padding: 'same', activation: 'relu', kernelRegularizer: l2(0.25), biasConstraint: nonNeg() });
    const copy = new Conv3D({ ...(full.getConfig() as unknown as Conv3DArgs), name: 'c3_copy' });
    expect({ ...copy.getConfig(), name: 'c3_full' }).toEqual(full.getConfig());
    expectConfigRoundTrip(full, 'layer');
    full.ensureBuilt([null, 4, 4, 4, 2]);
    expectConfigRoundTrip(full, 'layer');
    full.dispose();
  });

  it('the pooling layers write Keras 3 fields and round-trip', () => {
    expect(maxPooling3d({ name: 'mp3_cfg' }).getConfig()).toMatchObject({ poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', dataFormat: 'channels_last' });
    expect(averagePooling3d({ name: 'ap3_cfg', poolSize: [1, 2, 3], strides: null }).getConfig()).toMatchObject({ poolSize: [1, 2, 3], strides: [1, 2, 3] });
    expect(globalMaxPooling3d({ name: 'gmp3_cfg' }).getConfig()).toMatchObject({ dataFormat: 'channels_last', keepdims: false });
    for (const layer of [
      maxPooling3d({ poolSize: [2, 1, 2], strides: 1, padding: 'same' }),
      averagePooling3d({ poolSize: 3, strides: [1, 2, 3] }),
      globalAveragePooling3d({ keepdims: true }),
      globalMaxPooling3d(),
    ]) {
      expectConfigRoundTrip(layer, 'layer');
    }
  });
});

describe('registry and Keras 3 JSON', () => {
  const names: [LayerName, string, Record<string, unknown>][] = [
    ['Conv3D', 'Conv3D', { filters: 2, kernelSize: 3 }],
    ['Convolution3D', 'Conv3D', { filters: 2, kernelSize: 3 }],
    ['MaxPooling3D', 'MaxPooling3D', {}],
    ['MaxPool3D', 'MaxPooling3D', {}],
    ['AveragePooling3D', 'AveragePooling3D', {}],
    ['AvgPool3D', 'AveragePooling3D', {}],
    ['GlobalAveragePooling3D', 'GlobalAveragePooling3D', {}],
    ['GlobalAvgPool3D', 'GlobalAveragePooling3D', {}],
    ['GlobalMaxPooling3D', 'GlobalMaxPooling3D', {}],
    ['GlobalMaxPool3D', 'GlobalMaxPooling3D', {}],
  ];
  for (const [name, className, config] of names) {
    it(`'${name}' builds a ${className}`, () => {
      expect(registry('layer').get(name).create(config as never).className).toBe(className);
    });
  }

  it('names that need no config resolve by name and by { className, config }', () => {
    for (const name of ['MaxPool3D', 'AvgPool3D', 'GlobalAvgPool3D', 'GlobalMaxPooling3D'] as const) expectResolvable('layer', name);
  });

  const layers = serdeTrio('layer');
  const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

  it('reads a Keras 3 Conv3D config (snake_case, nested initializers and regularizers)', () => {
    const layer = layers.deserialize({
      module: 'keras.layers',
      class_name: 'Conv3D',
      config: {
        name: 'keras_conv3d',
        trainable: true,
        dtype,
        filters: 8,
        kernel_size: [3, 3, 2],
        strides: [1, 2, 1],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1, 1],
        groups: 2,
        activation: 'relu',
        use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
      },
      registered_name: null,
    }) as Conv3D;
    expect(layer).toBeInstanceOf(Conv3D);
    expect(layer.getConfig()).toMatchObject({ name: 'keras_conv3d', filters: 8, kernelSize: [3, 3, 2], strides: [1, 2, 1], groups: 2, padding: 'same', activation: 'relu', kernelRegularizer: { className: 'L2', config: { l2: 0.01 } } });
    // Keras's example: Conv3D(32, 3) on (10, 10, 10, 128) gives (8, 8, 8, 32).
    expect(conv3d({ filters: 32, kernelSize: 3 }).computeOutputShape([4, 10, 10, 10, 128])).toEqual([4, 8, 8, 8, 32]);
  });

  it('reads Keras 3 MaxPooling3D, AveragePooling3D and global 3-D pooling configs', () => {
    const pool = layers.deserialize({
      module: 'keras.layers',
      class_name: 'MaxPooling3D',
      config: { name: 'keras_mp3', trainable: true, dtype, pool_size: [3, 3, 3], padding: 'valid', strides: [2, 2, 2], data_format: 'channels_last' },
      registered_name: null,
    }) as MaxPooling3D;
    expect([pool.poolSize, pool.strides, pool.padding]).toEqual([[3, 3, 3], [2, 2, 2], 'valid']);
    // Keras's example: MaxPooling3D(pool_size=3) on (30, 30, 30, 3) gives (10, 10, 10, 3).
    expect(maxPooling3d({ poolSize: 3 }).computeOutputShape([null, 30, 30, 30, 3])).toEqual([null, 10, 10, 10, 3]);
    const avg = layers.deserialize({ class_name: 'AveragePooling3D', config: { name: 'keras_ap3', pool_size: [2, 1, 2], padding: 'same', strides: null, data_format: 'channels_last' } }) as AveragePooling3D;
    expect([avg.poolSize, avg.strides, avg.padding]).toEqual([[2, 1, 2], [2, 1, 2], 'same']);
    const gap = layers.deserialize({ class_name: 'GlobalAveragePooling3D', config: { name: 'keras_gap3', data_format: 'channels_last', keepdims: true } }) as GlobalAveragePooling3D;
    expect(gap.keepdims).toBe(true);
    // Keras's example: GlobalAveragePooling3D on (2, 4, 5, 4, 3) gives (2, 3).
    expect(globalAveragePooling3d().computeOutputShape([2, 4, 5, 4, 3])).toEqual([2, 3]);
    expect(layers.deserialize({ class_name: 'GlobalMaxPooling3D', config: { name: 'keras_gmp3', data_format: 'channels_last', keepdims: false } })).toBeInstanceOf(GlobalMaxPooling3D);
  });
});

describe('argument and shape errors name the layer, the argument and the value', () => {
  const cases: { make: () => unknown; layer: string; argument: string; received: string; also?: string }[] = [
    { make: () => conv3d({ name: 'c3_a', filters: 0, kernelSize: 3 }), layer: "Conv3D 'c3_a'", argument: 'filters', received: '0' },
    { make: () => conv3d({ name: 'c3_b', filters: 2, kernelSize: [3, 3] }), layer: "Conv3D 'c3_b'", argument: 'kernelSize', received: '[3, 3]', also: 'a list of 3 such integers' },
    { make: () => conv3d({ name: 'c3_c', filters: 2, kernelSize: 3, strides: [1, 0, 1] }), layer: "Conv3D 'c3_c'", argument: 'strides', received: '[1, 0, 1]' },
    { make: () => conv3d({ name: 'c3_d', filters: 2, kernelSize: 3, padding: 'causal' as 'same' }), layer: "Conv3D 'c3_d'", argument: 'padding', received: '"causal"', also: 'only for Conv1D' },
    { make: () => conv3d({ name: 'c3_e', filters: 2, kernelSize: 3, dataFormat: 'channels_first' as 'channels_last' }), layer: "Conv3D 'c3_e'", argument: 'dataFormat', received: '"channels_first"', also: 'channels-last' },
    { make: () => conv3d({ name: 'c3_f', filters: 2, kernelSize: 3, strides: 2, dilationRate: [1, 2, 1] }), layer: "Conv3D 'c3_f'", argument: 'strides', received: '2', also: 'dilationRate' },
    { make: () => conv3d({ name: 'c3_g', filters: 3, kernelSize: 3, groups: 2 }), layer: "Conv3D 'c3_g'", argument: 'groups', received: '2' },
    { make: () => maxPooling3d({ name: 'mp3_a', poolSize: [2, 2] }), layer: "MaxPooling3D 'mp3_a'", argument: 'poolSize', received: '[2, 2]' },
    { make: () => averagePooling3d({ name: 'ap3_a', strides: 0 }), layer: "AveragePooling3D 'ap3_a'", argument: 'strides', received: '0' },
    { make: () => averagePooling3d({ name: 'ap3_b', padding: 'full' as 'same' }), layer: "AveragePooling3D 'ap3_b'", argument: 'padding', received: '"full"' },
    { make: () => maxPooling3d({ name: 'mp3_b', dataFormat: 'channels_first' as 'channels_last' }), layer: "MaxPooling3D 'mp3_b'", argument: 'dataFormat', received: '"channels_first"' },
    { make: () => globalMaxPooling3d({ name: 'gmp3_a', keepdims: 1 as unknown as boolean }), layer: "GlobalMaxPooling3D 'gmp3_a'", argument: 'keepdims', received: '1' },
    { make: () => globalAveragePooling3d({ name: 'gap3_a', dataFormat: 'channels_first' as 'channels_last' }), layer: "GlobalAveragePooling3D 'gap3_a'", argument: 'dataFormat', received: '"channels_first"' },
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
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(c.layer);
      expect(e.message).toContain(c.argument);
      expect(e.message).toContain(c.received);
      if (c.also) expect(e.message).toContain(c.also);
    });
  }

  function shapeError(fn: () => unknown): RidgeError {
    try {
      fn();
    } catch (e) {
      if (RidgeError.is(e, 'SHAPE_MISMATCH')) return e;
      throw e;
    }
    throw new Error('expected a SHAPE_MISMATCH error');
  }

  it('rank other than 5, with the 3-D layout in the message', () => {
    for (const make of [() => conv3d({ name: 'c3_rank', filters: 1, kernelSize: 2 }), () => maxPooling3d({ name: 'mp3_rank' }), () => globalAveragePooling3d({ name: 'gap3_rank' })]) {
      const layer = make();
      const e = shapeError(() => layer.apply(input({ shape: [5, 5, 2] })));
      expect(e.message).toContain(layer.name);
      expect(e.message).toContain('rank 5');
      expect(e.message).toContain('[batch, depth, height, width, channels]');
      expect(e.message).toContain('[null, 5, 5, 2]');
    }
  });

  it("inputs smaller than a 'valid' window, and channels that differ from the built kernel", () => {
    const e = shapeError(() => conv3d({ name: 'c3_small', filters: 1, kernelSize: [2, 3, 2], dilationRate: [1, 2, 1] }).apply(input({ shape: [4, 4, 4, 1] })));
    expect(e.message).toContain('[null, 4, 4, 4, 1]');
    expect(e.message).toContain('[2, 5, 2]');
    const p = shapeError(() => maxPooling3d({ name: 'mp3_small', poolSize: 3 }).apply(input({ shape: [3, 2, 3, 1] })));
    expect(p.message).toContain('[3, 3, 3]');
    const layer = conv3d({ name: 'c3_chan', filters: 1, kernelSize: 1 });
    layer.ensureBuilt([null, 2, 2, 2, 2]);
    const x = tf.ones([1, 2, 2, 2, 3]);
    const before = tf.memory().numTensors;
    const c = shapeError(() => layer.apply(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(c.message).toContain('2 channels');
    x.dispose();
    layer.dispose();
  });
});
