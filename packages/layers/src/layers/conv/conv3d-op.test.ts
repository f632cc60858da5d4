import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { conv3dGradientKernels, maxPool3dGradientKernel, tfjsPadding3dRight } from './backend-3d-kernels.js';
import { conv3dOp, conv3dReference } from './conv3d-op.js';
import { maxPool3dReference, pool3d } from './pool3d.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Shape5 = [number, number, number, number, number];
type Triple = [number, number, number];
type Padding = 'valid' | 'same';
const prod = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

/** A seeded stream of integers in [lo, hi], for random shapes that are the same on every run. */
function integers(seed: number): (lo: number, hi: number) => number {
  let s = seed;
  return (lo, hi) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + Math.floor((s / 2147483648) * (hi - lo + 1));
  };
}

interface ConvCase {
  xShape: Shape5;
  kShape: Shape5;
  strides: Triple;
  padding: Padding;
}

/** Random Conv3D cases: windows 1-5 per axis (a dilated kernel is a larger one), strides 1-3 (or 1), 1-3 channels. */
function convCases(count: number, seed: number, stridesOne = false): ConvCase[] {
  const int = integers(seed);
  return Array.from({ length: count }, (): ConvCase => {
    const window: Triple = [int(1, 5), int(1, 5), int(1, 5)];
    const strides: Triple = stridesOne ? [1, 1, 1] : [int(1, 3), int(1, 3), int(1, 3)];
    const padding: Padding = int(0, 1) === 0 ? 'valid' : 'same';
    const sizes = window.map((w) => int(padding === 'valid' ? w : 1, w + 4));
    const channels = int(1, 3);
    return { xShape: [int(1, 2), sizes[0]!, sizes[1]!, sizes[2]!, channels], kShape: [...window, channels, int(1, 3)], strides, padding };
  });
}

type Conv = (x: tf.Tensor5D, k: tf.Tensor5D, strides: Triple, padding: Padding, inputNeedsGradient: boolean) => tf.Tensor5D;

/**
 * The output of `conv`, the gradients of `sum(conv(x, k) * r)` with respect to x and k, and the
 * kernel gradient again with x as data (`inputNeedsGradient` false).
 */
function convResults(c: ConvCase, conv: Conv): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor5d(values(prod(c.xShape), 3), c.xShape);
    const k = tf.tensor5d(values(prod(c.kShape), 5), c.kShape);
    const y = conv(x, k, c.strides, c.padding, true);
    const r = tf.tensor(values(y.size, 7), y.shape);
    const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor5D, b as tf.Tensor5D, c.strides, c.padding, true), r)))([x, k]);
    const dkData = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(conv(x, b as tf.Tensor5D, c.strides, c.padding, false), r)))(k);
    return [y, dx!, dk!, dkData].map((t) => Array.from(t.dataSync()));
  });
}

function expectAllClose(got: readonly number[], want: readonly number[], tol = 1e-4): void {
  expect(got).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > tol * Math.max(1, Math.abs(want[i]!))) throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

/** The kernels one call of `f` runs on the current backend; `f`'s tensors are freed (checked). */
async function kernelsOf(f: () => tf.TensorContainer): Promise<string[]> {
  const before = tf.memory().numTensors;
  const info = await tf.profile(f);
  tf.dispose(info.result);
  expect(tf.memory().numTensors).toBe(before);
  return info.kernelNames;
}

/** The kernels of conv3dOp's forward pass and both gradients for `c`. */
function convKernels(c: ConvCase): Promise<string[]> {
  return kernelsOf(() => {
    const x = tf.ones(c.xShape) as tf.Tensor5D;
    const k = tf.ones(c.kShape) as tf.Tensor5D;
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv3dOp(a as tf.Tensor5D, b as tf.Tensor5D, c.strides, c.padding, true)))([x, k]);
    tf.dispose([x, k]);
    return grads;
  });
}

// ---------------------------------------------------------------------------------------------
// Plain loops, by TensorFlow's documented rules, for the cases that must stay on Ridge's path.

/** TensorFlow's 'same' rule: output ceil(size / stride), padding max(0, ...), the odd one after. */
function axisOf(size: number, window: number, stride: number, padding: Padding): { out: number; before: number } {
  if (padding === 'valid') return { out: Math.floor((size - window) / stride) + 1, before: 0 };
  const out = Math.ceil(size / stride);
  return { out, before: Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2) };
}

function loopConv3d(x: readonly number[], k: readonly number[], c: ConvCase): number[] {
  const [B, D, H, W, C] = c.xShape;
  const [KD, KH, KW, , F] = c.kShape;
  const [ad, ah, aw] = [D, H, W].map((size, i) => axisOf(size, c.kShape[i]!, c.strides[i]!, c.padding)) as [ReturnType<typeof axisOf>, ReturnType<typeof axisOf>, ReturnType<typeof axisOf>];
  const out: number[] = [];
  for (let b = 0; b < B; b++)
    for (let i = 0; i < ad.out; i++)
      for (let j = 0; j < ah.out; j++)
        for (let l = 0; l < aw.out; l++)
          for (let f = 0; f < F; f++) {
            let sum = 0;
            for (let p = 0; p < KD; p++)
              for (let q = 0; q < KH; q++)
                for (let t = 0; t < KW; t++) {
                  const [z, y, w] = [i * c.strides[0] + p - ad.before, j * c.strides[1] + q - ah.before, l * c.strides[2] + t - aw.before];
                  if (z < 0 || z >= D || y < 0 || y >= H || w < 0 || w >= W) continue;
                  for (let ch = 0; ch < C; ch++) sum += x[(((b * D + z) * H + y) * W + w) * C + ch]! * k[(((p * KH + q) * KW + t) * C + ch) * F + f]!;
                }
            out.push(sum);
          }
  return out;
}

/** The loop's output and, by linearity, d sum(conv(x, k) * r) / dx_i = sum(conv(e_i, k) * r), and the same for k. */
function loopResults(c: ConvCase): number[][] {
  const x = values(prod(c.xShape), 3);
  const k = values(prod(c.kShape), 5);
  const y = loopConv3d(x, k, c);
  const r = values(y.length, 7);
  const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0));
  const dot = (v: number[]) => v.reduce((s, a, n) => s + a * r[n]!, 0);
  const dx = x.map((_, i) => dot(loopConv3d(unit(x.length, i), k, c)));
  const dk = k.map((_, i) => dot(loopConv3d(x, unit(k.length, i), c)));
  return [y, dx, dk, dk];
}

// ---------------------------------------------------------------------------------------------

describe('which 3-D gradient kernels of a backend Ridge uses', () => {
  it('cpu: both Conv3D gradients; wasm: the filter gradient with strides 1; any other backend: none', () => {
    expect(conv3dGradientKernels('cpu', [1, 1, 1])).toEqual({ input: true, kernel: true });
    expect(conv3dGradientKernels('cpu', [2, 3, 1])).toEqual({ input: true, kernel: true });
    expect(conv3dGradientKernels('wasm', [1, 1, 1])).toEqual({ input: false, kernel: true });
    expect(conv3dGradientKernels('wasm', [1, 2, 1])).toEqual({ input: false, kernel: false });
    expect(conv3dGradientKernels('webgl', [1, 1, 1])).toEqual({ input: false, kernel: false });
  });

  it("cpu's MaxPool3DGrad for float32 windows of equal height and width, or height 1", () => {
    expect(maxPool3dGradientKernel('cpu', [3, 3, 3], 'float32')).toBe(true);
    expect(maxPool3dGradientKernel('cpu', [1, 2, 2], 'float32')).toBe(true);
    expect(maxPool3dGradientKernel('cpu', [2, 1, 3], 'float32')).toBe(true);
    expect(maxPool3dGradientKernel('cpu', [2, 3, 2], 'float32')).toBe(false);
    expect(maxPool3dGradientKernel('cpu', [2, 2, 1], 'float32')).toBe(false);
    expect(maxPool3dGradientKernel('cpu', [2, 2, 2], 'int32')).toBe(false);
    expect(maxPool3dGradientKernel('wasm', [2, 2, 2], 'float32')).toBe(false);
  });

  it("tfjs-core's own 'same' padding is TensorFlow's unless a stride leaves the last window short of the input", () => {
    // Kernel 1, stride 2 on 4: (2 - 1) * 2 + 1 = 3 < 4, TensorFlow pads max(0, -1) = 0.
    expect(tfjsPadding3dRight([4, 5, 5], [1, 3, 3], [2, 1, 1], 'same')).toBe(false);
    // Kernel 2, stride 3 on 5: (2 - 1) * 3 + 2 = 5, no padding either way.
    expect(tfjsPadding3dRight([5, 5, 5], [2, 2, 2], [3, 3, 3], 'same')).toBe(true);
    expect(tfjsPadding3dRight([4, 4, 4], [1, 1, 1], [2, 2, 2], 'valid')).toBe(true);
  });
});

describe('conv3dOp on cpu: tfjs-core\'s Conv3D gradient, equal to Ridge\'s', () => {
  it('runs the backend\'s Conv3DBackpropInputV2 and Conv3DBackpropFilterV2 on cpu, neither on Ridge\'s path', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const c: ConvCase = { xShape: [1, 4, 4, 4, 2], kShape: [3, 3, 3, 2, 2], strides: [1, 1, 1], padding: 'same' };
    const fast = await convKernels(c);
    expect(fast).toContain('Conv3DBackpropInputV2');
    expect(fast).toContain('Conv3DBackpropFilterV2');
    const reference = await kernelsOf(() => {
      const x = tf.ones(c.xShape) as tf.Tensor5D;
      const k = tf.ones(c.kShape) as tf.Tensor5D;
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(conv3dReference(a as tf.Tensor5D, b as tf.Tensor5D, c.strides, c.padding, true)))([x, k]);
      tf.dispose([x, k]);
      return grads;
    });
    expect(reference.filter((name) => name.startsWith('Conv3DBackprop'))).toEqual([]);
  });

  it('the same outputs, input and kernel gradients as Ridge\'s path on 60 random cases, nothing leaked', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const before = tf.memory().numTensors;
    const cases = convCases(60, 2024);
    // The table reaches both of tfjs-core's 'same' rules: its own, and explicit padding where its own is wrong.
    expect(cases.some((c) => c.padding === 'same' && !tfjsPadding3dRight(c.xShape.slice(1, 4), c.kShape, c.strides, 'same'))).toBe(true);
    expect(cases.some((c) => c.padding === 'same' && tfjsPadding3dRight(c.xShape.slice(1, 4), c.kShape, c.strides, 'same'))).toBe(true);
    for (const c of cases) {
      const fast = convResults(c, conv3dOp);
      const reference = convResults(c, conv3dReference);
      fast.forEach((got, i) => expectAllClose(got, reference[i]!));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'same' where tfjs-core's own rule is wrong (kernel [1, 2, 1], strides [2, 3, 3]) matches the loop", async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const c: ConvCase = { xShape: [1, 4, 5, 4, 2], kShape: [1, 2, 1, 2, 2], strides: [2, 3, 3], padding: 'same' };
    expect(tfjsPadding3dRight(c.xShape.slice(1, 4), c.kShape, c.strides, 'same')).toBe(false);
    const want = loopResults(c);
    convResults(c, conv3dOp).forEach((got, i) => expectAllClose(got, want[i]!));
  });
});

describe('conv3dOp on wasm: Ridge\'s input gradient, and the backend\'s filter gradient only with strides 1', () => {
  it('runs wasm\'s Conv3DBackpropFilterV2 with strides 1, and no Conv3DBackprop kernel with strides 2', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    const one = await convKernels({ xShape: [1, 4, 4, 4, 2], kShape: [2, 2, 2, 2, 3], strides: [1, 1, 1], padding: 'valid' });
    expect(one.filter((name) => name.startsWith('Conv3DBackprop'))).toEqual(['Conv3DBackpropFilterV2']);
    const two = await convKernels({ xShape: [1, 4, 4, 4, 2], kShape: [2, 2, 2, 2, 3], strides: [1, 2, 1], padding: 'valid' });
    expect(two.filter((name) => name.startsWith('Conv3DBackprop'))).toEqual([]);
  });

  it('strides 1: the same outputs and gradients as Ridge\'s path on 40 random cases, nothing leaked', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    const before = tf.memory().numTensors;
    for (const c of convCases(40, 77, true)) {
      const fast = convResults(c, conv3dOp);
      const reference = convResults(c, conv3dReference);
      fast.forEach((got, i) => expectAllClose(got, reference[i]!));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  const bad: { title: string; c: ConvCase }[] = [
    { title: 'strides [2, 1, 2], several channels (wasm\'s filter and input gradients both wrong here)', c: { xShape: [1, 5, 4, 5, 2], kShape: [2, 2, 2, 2, 3], strides: [2, 1, 2], padding: 'same' } },
    { title: 'strides 1, one channel in and out (wasm\'s input gradient wrong here too)', c: { xShape: [2, 4, 3, 5, 1], kShape: [2, 2, 3, 1, 1], strides: [1, 1, 1], padding: 'valid' } },
  ];
  for (const { title, c } of bad) {
    it(`${title}: the loop's outputs and gradients, where tfjs-core's own differ`, async () => {
      await initBackend({ prefer: 'wasm', log: false });
      const want = loopResults(c);
      convResults(c, conv3dOp).forEach((got, i) => expectAllClose(got, want[i]!));
      // The pin: tfjs-core's own gradients on wasm are wrong for this case.
      const theirs = convResults(c, (x, k, s, padding) => tf.conv3d(x, k, s, padding));
      expect([1, 2].some((i) => theirs[i]!.some((v, n) => Math.abs(v - want[i]![n]!) > 0.01))).toBe(true);
    });
  }
});

// ---------------------------------------------------------------------------------------------

interface PoolCase {
  xShape: Shape5;
  window: Triple;
  strides: Triple;
  padding: Padding;
}

/** Max pooling's output and the gradient of `sum(pool(x) * r)`, on distinct inputs (one maximum per window). */
function poolResults(c: PoolCase, pool: (x: tf.Tensor5D) => tf.Tensor5D): number[][] {
  return tf.tidy(() => {
    const n = prod(c.xShape);
    // A permutation of i / n: distinct values.
    const step = [7, 11, 13, 17, 19, 23, 29, 31].find((p) => n % p !== 0)!;
    const x = tf.tensor5d(Array.from({ length: n }, (_, i) => ((i * step) % n) / n - 0.5), c.xShape);
    const y = pool(x);
    const r = tf.tensor(values(y.size, 9), y.shape);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor5D), r)))(x);
    return [Array.from(y.dataSync()), Array.from(dx.dataSync())];
  });
}

/** The loop's max pooling and its gradient: each window's r goes to the window's (single) maximum. */
function loopPoolResults(c: PoolCase): number[][] {
  const [B, D, H, W, C] = c.xShape;
  const n = prod(c.xShape);
  const step = [7, 11, 13, 17, 19, 23, 29, 31].find((p) => n % p !== 0)!;
  const x = Array.from({ length: n }, (_, i) => ((i * step) % n) / n - 0.5);
  const [ad, ah, aw] = [D, H, W].map((size, i) => axisOf(size, c.window[i]!, c.strides[i]!, c.padding)) as [ReturnType<typeof axisOf>, ReturnType<typeof axisOf>, ReturnType<typeof axisOf>];
  const r = values(B * ad.out * ah.out * aw.out * C, 9);
  const y: number[] = [];
  const dx = new Array<number>(n).fill(0);
  for (let b = 0; b < B; b++)
    for (let i = 0; i < ad.out; i++)
      for (let j = 0; j < ah.out; j++)
        for (let l = 0; l < aw.out; l++)
          for (let ch = 0; ch < C; ch++) {
            let at = -1;
            for (let p = 0; p < c.window[0]; p++)
              for (let q = 0; q < c.window[1]; q++)
                for (let t = 0; t < c.window[2]; t++) {
                  const [z, u, w] = [i * c.strides[0] + p - ad.before, j * c.strides[1] + q - ah.before, l * c.strides[2] + t - aw.before];
                  if (z < 0 || z >= D || u < 0 || u >= H || w < 0 || w >= W) continue;
                  const index = (((b * D + z) * H + u) * W + w) * C + ch;
                  if (at < 0 || x[index]! > x[at]!) at = index;
                }
            dx[at] = dx[at]! + r[y.length]!;
            y.push(x[at]!);
          }
  return [y, dx];
}

/** Random max pooling cases: windows 1-4 per axis, strides 1-4, 'valid' and 'same'. */
function poolCases(count: number, seed: number): PoolCase[] {
  const int = integers(seed);
  return Array.from({ length: count }, () => {
    const window: Triple = [int(1, 4), int(1, 4), int(1, 4)];
    const strides: Triple = [int(1, 4), int(1, 4), int(1, 4)];
    const padding: Padding = int(0, 1) === 0 ? 'valid' : 'same';
    const sizes = window.map((w) => int(padding === 'valid' ? w : 1, w + 4));
    return { xShape: [int(1, 2), sizes[0]!, sizes[1]!, sizes[2]!, int(1, 3)], window, strides, padding };
  });
}

describe('MaxPooling3D on cpu: tfjs-core\'s maxPool3d and its gradient where cpu\'s MaxPool3DGrad is right', () => {
  it('runs MaxPool3DGrad for a 3x3x3 window, and not for [2, 3, 2]', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const kernels = (window: Triple) =>
      kernelsOf(() => {
        const x = tf.randomUniform([1, 6, 6, 6, 2]) as tf.Tensor5D;
        const dx = tf.grad((a: tf.Tensor) => tf.sum(pool3d(a as tf.Tensor5D, window, [2, 2, 2], 'same', 'max')))(x);
        x.dispose();
        return dx;
      });
    expect(await kernels([3, 3, 3])).toContain('MaxPool3DGrad');
    expect(await kernels([2, 3, 2])).not.toContain('MaxPool3DGrad');
  });

  it('the same outputs and gradients as Ridge\'s path on the random cases it takes, nothing leaked', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const before = tf.memory().numTensors;
    // A quarter of random windows have equal height and width or height 1: 240 give about 60.
    const cases = poolCases(240, 31).filter((c) => maxPool3dGradientKernel('cpu', c.window, 'float32'));
    expect(cases.length).toBeGreaterThan(40);
    expect(cases.some((c) => c.window[1] === 1 && c.window[2] > 1)).toBe(true);
    expect(cases.some((c) => c.padding === 'same' && !tfjsPadding3dRight(c.xShape.slice(1, 4), c.window, c.strides, 'same'))).toBe(true);
    for (const c of cases) {
      const fast = poolResults(c, (x) => pool3d(x, c.window, c.strides, c.padding, 'max'));
      const reference = poolResults(c, (x) => maxPool3dReference(x, c.window, c.strides, c.padding));
      fast.forEach((got, i) => expectAllClose(got, reference[i]!, 1e-6));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('windows of unequal height and width stay on Ridge\'s path: the loop\'s gradient, where cpu\'s MaxPool3DGrad differs', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const cases = poolCases(12, 5).filter((c) => !maxPool3dGradientKernel('cpu', c.window, 'float32'));
    expect(cases.length).toBeGreaterThan(4);
    for (const c of cases) {
      const want = loopPoolResults(c);
      poolResults(c, (x) => pool3d(x, c.window, c.strides, c.padding, 'max')).forEach((got, i) => expectAllClose(got, want[i]!, 1e-6));
    }
    const c: PoolCase = { xShape: [1, 4, 5, 6, 2], window: [2, 3, 2], strides: [1, 1, 1], padding: 'valid' };
    const theirs = poolResults(c, (x) => tf.maxPool3d(x, c.window, c.strides, 'valid'));
    expect(theirs[1]!.some((v, i) => Math.abs(v - loopPoolResults(c)[1]![i]!) > 0.01)).toBe(true);
  });

  it('on a window of equal values, one entry gets the whole gradient, on both paths', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const x = tf.ones([1, 2, 2, 2, 1]) as tf.Tensor5D;
    for (const pool of [(a: tf.Tensor5D) => pool3d(a, [2, 2, 2], [2, 2, 2], 'valid', 'max'), (a: tf.Tensor5D) => maxPool3dReference(a, [2, 2, 2], [2, 2, 2], 'valid')]) {
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor5D), 3)))(x);
      const got = Array.from(dx.dataSync());
      expect(got.filter((v) => v !== 0)).toEqual([3]);
      dx.dispose();
    }
    x.dispose();
  });
});
