import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { dilateKernel } from './base-conv.js';
import { conv2dOp, forwardInputGradient } from './conv2d-op.js';
import { depthwiseConv2dOp } from './depthwise-conv2d-op.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Shape4 = [number, number, number, number];
/** `k` is `[kh, kw, c, filters]` for a full convolution, `[kh, kw, c, multiplier]` for a depthwise one. */
type Case = { x: Shape4; k: Shape4; strides: [number, number]; dilation: [number, number]; padding: 'valid' | 'same' | 'causal' };
type Kind = 'full' | 'depthwise';

/** A seeded table of cases: kernels 1-5 (rectangular too), dilations 1-3 (strides 1 then, as the layers require), every padding. */
function randomCases(count: number, seed: number): Case[] {
  let s = seed;
  const int = (lo: number, hi: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + Math.floor((s / 2147483648) * (hi - lo + 1));
  };
  const cases: Case[] = [];
  while (cases.length < count) {
    const padding = (['valid', 'same', 'causal'] as const)[int(0, 2)]!;
    const oneD = padding === 'causal' || int(0, 3) === 0;
    const kh = oneD ? 1 : int(1, 5);
    const kw = int(1, 5);
    const dilated = int(0, 2) === 0;
    const dilation: [number, number] = dilated ? [oneD ? 1 : int(1, 3), int(1, 3)] : [1, 1];
    const strides: [number, number] = dilated ? [1, 1] : [oneD ? 1 : int(1, 3), int(1, 3)];
    const h = oneD ? 1 : int(1, 9);
    const w = int(1, 11);
    // 'valid' needs the dilated window to fit.
    if (padding === 'valid' && ((kh - 1) * dilation[0] + 1 > h || (kw - 1) * dilation[1] + 1 > w)) continue;
    cases.push({ x: [int(1, 3), h, w, int(1, 4)], k: [kh, kw, 0, int(1, 4)], strides, dilation, padding });
  }
  return cases.map((c) => ({ ...c, k: [c.k[0], c.k[1], c.x[3], c.k[3]] }));
}

const CASES: Case[] = [
  ...randomCases(40, 7),
  // tfjs-backend-wasm's own 'same' gives zeros here (a stride beyond the window, see forwardPadding).
  { x: [2, 4, 4, 3], k: [1, 1, 3, 2], strides: [2, 2], dilation: [1, 1], padding: 'same' },
  { x: [1, 6, 5, 2], k: [2, 1, 2, 2], strides: [3, 1], dilation: [1, 1], padding: 'same' },
];

/** TensorFlow's padding before, per spatial axis, of a window `(k - 1) * d + 1` wide. */
function padBefore(c: Case, axis: 0 | 1): number {
  const length = c.x[axis + 1]!;
  const window = (c.k[axis]! - 1) * c.dilation[axis]! + 1;
  if (c.padding === 'causal') return axis === 1 ? window - 1 : 0;
  if (c.padding === 'valid') return 0;
  const out = Math.ceil(length / c.strides[axis]!);
  return Math.floor(Math.max((out - 1) * c.strides[axis]! + window - length, 0) / 2);
}

function outLength(c: Case, axis: 0 | 1): number {
  const length = c.x[axis + 1]!;
  const window = (c.k[axis]! - 1) * c.dilation[axis]! + 1;
  if (c.padding === 'same') return Math.ceil(length / c.strides[axis]!);
  // causal: 'valid' after `window - 1` zeros on the left
  if (c.padding === 'causal') return axis === 1 ? Math.floor((length - 1) / c.strides[axis]!) + 1 : Math.floor((length - window) / c.strides[axis]!) + 1;
  return Math.floor((length - window) / c.strides[axis]!) + 1;
}

/**
 * The convolution by its definition, a plain loop: `y[n, o, p, f] = sum x[n, o * s + t * d - before, ...] W[t, u, c, f]`
 * (zero outside x), and for `L = sum(y * r)`: `dx` and `dW` accumulated from the same terms.
 */
function loop(c: Case, kind: Kind, x: Float32Array, k: Float32Array, r: (size: number) => number[]): { y: number[]; dx: number[]; dk: number[] } {
  const [n, h, w, ch] = c.x;
  const [kh, kw, , m] = c.k;
  const filters = kind === 'full' ? m : ch * m;
  const [oh, ow] = [outLength(c, 0), outLength(c, 1)];
  const [bh, bw] = [padBefore(c, 0), padBefore(c, 1)];
  const y = new Array<number>(n * oh * ow * filters).fill(0);
  const rv = r(y.length);
  const dx = new Array<number>(x.length).fill(0);
  const dk = new Array<number>(k.length).fill(0);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < oh; o++) {
      for (let p = 0; p < ow; p++) {
        for (let t = 0; t < kh; t++) {
          for (let u = 0; u < kw; u++) {
            const i = o * c.strides[0] + t * c.dilation[0] - bh;
            const j = p * c.strides[1] + u * c.dilation[1] - bw;
            if (i < 0 || i >= h || j < 0 || j >= w) continue;
            for (let cc = 0; cc < ch; cc++) {
              const xi = ((b * h + i) * w + j) * ch + cc;
              for (let f = 0; f < m; f++) {
                const ki = ((t * kw + u) * ch + cc) * m + f;
                const yi = ((b * oh + o) * ow + p) * filters + (kind === 'full' ? f : cc * m + f);
                y[yi]! += x[xi]! * k[ki]!;
                dx[xi]! += rv[yi]! * k[ki]!;
                dk[ki]! += rv[yi]! * x[xi]!;
              }
            }
          }
        }
      }
    }
  }
  return { y, dx, dk };
}

/** The op as the layers call it: the kernel dilated by `dilateKernel`, causal padding as explicit left padding. */
function viaOp(c: Case, kind: Kind, x: tf.Tensor4D, k: tf.Tensor4D, inputNeedsGradient: boolean): tf.Tensor4D {
  const padded = c.padding === 'causal' ? (tf.pad(x, [[0, 0], [0, 0], [padBefore(c, 1), 0], [0, 0]]) as tf.Tensor4D) : x;
  const padding = c.padding === 'causal' ? 'valid' : c.padding;
  const kernel = dilateKernel(k, c.dilation) as tf.Tensor4D;
  return kind === 'full'
    ? conv2dOp(padded, kernel, c.strides, padding, inputNeedsGradient)
    : depthwiseConv2dOp(padded, kernel, c.strides, padding, inputNeedsGradient);
}

/** Outputs and both gradients of `sum(op(x, k) * r)`, and the kernel gradient with x as data. */
function opResults(c: Case, kind: Kind): { y: number[]; dx: number[]; dk: number[]; dkData: number[] } {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(c.x.reduce((a, b) => a * b, 1), 3), c.x);
    const k = tf.tensor4d(values(c.k.reduce((a, b) => a * b, 1), 5), c.k);
    const y = viaOp(c, kind, x, k, true);
    const r = tf.tensor(values(y.size, 9), y.shape);
    const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(viaOp(c, kind, a as tf.Tensor4D, b as tf.Tensor4D, true), r)))([x, k]);
    const dkData = tf.grad((b: tf.Tensor) => tf.sum(tf.mul(viaOp(c, kind, x, b as tf.Tensor4D, false), r)))(k);
    return { y: Array.from(y.dataSync()), dx: Array.from(dx!.dataSync()), dk: Array.from(dk!.dataSync()), dkData: Array.from(dkData.dataSync()) };
  });
}

function expectAllClose(got: readonly number[], want: readonly number[], what: string): void {
  expect(got, what).toHaveLength(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-4 * Math.max(1, Math.abs(want[i]!))) throw new Error(`${what}, element ${i}: got ${got[i]}, expected ${want[i]}`);
  }
}

function checkAgainstLoop(kind: Kind): void {
  const before = tf.memory().numTensors;
  CASES.forEach((c, index) => {
    const xData = Float32Array.from(values(c.x.reduce((a, b) => a * b, 1), 3));
    const kData = Float32Array.from(values(c.k.reduce((a, b) => a * b, 1), 5));
    const want = loop(c, kind, xData, kData, (n) => Array.from(Float32Array.from(values(n, 9))));
    const got = opResults(c, kind);
    const what = `${tf.getBackend()} ${kind} case ${index} ${JSON.stringify(c)}`;
    expectAllClose(got.y, want.y, `${what}: output`);
    expectAllClose(got.dx, want.dx, `${what}: input gradient`);
    expectAllClose(got.dk, want.dk, `${what}: kernel gradient`);
    expectAllClose(got.dkData, want.dk, `${what}: kernel gradient, input as data`);
  });
  expect(tf.memory().numTensors).toBe(before);
}

describe('conv2dOp and depthwiseConv2dOp: outputs and both gradients against a plain loop', () => {
  it('the table reaches every padding, dilation, stride and kernel size', () => {
    expect(new Set(CASES.map((c) => c.padding))).toEqual(new Set(['valid', 'same', 'causal']));
    expect(CASES.some((c) => c.dilation[1] === 3) && CASES.some((c) => c.dilation[0] === 2)).toBe(true);
    expect(CASES.some((c) => c.strides[0] * c.strides[1] === 2) && CASES.some((c) => c.strides[0] * c.strides[1] > 2)).toBe(true);
    expect(new Set(CASES.flatMap((c) => [c.k[0], c.k[1]]))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(CASES.some((c) => c.k[0] !== c.k[1] && c.k[0] > 1)).toBe(true);
    expect(CASES.some((c) => c.x[0] > 1) && CASES.some((c) => c.k[3] > 1)).toBe(true);
  });

  it.each(['cpu', 'wasm'])('on %s', async (backend) => {
    await initBackend({ prefer: backend, log: false });
    expect(tf.getBackend()).toBe(backend);
    checkAgainstLoop('full');
    checkAgainstLoop('depthwise');
  });
});

describe('forwardInputGradient: equal to tfjs\'s Conv2DBackpropInput and depthwise backprop on cpu', () => {
  it('for the table (kernels dilated as the layers do)', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      if (c.padding === 'causal') continue;
      const padding = c.padding;
      tf.tidy(() => {
        const kernel = dilateKernel(tf.tensor4d(values(c.k.reduce((a, b) => a * b, 1), 5), c.k), c.dilation) as tf.Tensor4D;
        const probe = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, kernel, c.strides, padding);
        const dy = tf.tensor4d(values(probe.size, 9), probe.shape);
        const flipped = tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        const got = forwardInputGradient(dy, c.x, flipped, c.strides, padding, tf.conv2d);
        expectAllClose(Array.from(got.dataSync()), Array.from(tf.conv2dTranspose(dy, kernel, c.x, c.strides, padding).dataSync()), `full ${JSON.stringify(c)}`);
        const [kh, kw, ch, m] = kernel.shape;
        const dyDepth = tf.tensor4d(values(c.x[0] * probe.shape[1] * probe.shape[2] * ch * m, 9), [c.x[0], probe.shape[1], probe.shape[2], ch * m]);
        const depth = forwardInputGradient(dyDepth, c.x, tf.reshape(tf.reverse(kernel, [0, 1]), [kh, kw, ch * m, 1]) as tf.Tensor4D, c.strides, padding, tf.depthwiseConv2d);
        const summed = tf.sum(tf.reshape(depth, [...c.x, m]), -1);
        // tfjs-core's own gradient of depthwiseConv2d: DepthwiseConv2dNativeBackpropInput on cpu.
        const reference = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, kernel, c.strides, padding), dyDepth)))(tf.zeros(c.x));
        expectAllClose(Array.from(summed.dataSync()), Array.from(reference.dataSync()), `depthwise ${JSON.stringify(c)}`);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The kernels that the forward pass and both gradients of `op` run on the current backend. */
async function kernelsOf(op: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D, x: Shape4, k: Shape4): Promise<string[]> {
  const before = tf.memory().numTensors;
  const info = await tf.profile(() => {
    const xs = tf.ones(x) as tf.Tensor4D;
    const ks = tf.ones(k) as tf.Tensor4D;
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(op(a as tf.Tensor4D, b as tf.Tensor4D)))([xs, ks]);
    tf.dispose([xs, ks]);
    return grads;
  });
  tf.dispose(info.result);
  expect(tf.memory().numTensors).toBe(before);
  return info.kernels.map((kernel) => kernel.name);
}

describe('the input gradient each backend runs (the one measured fastest there, see conv2dInputGradient)', () => {
  const full = (strides: [number, number]) => (x: tf.Tensor4D, k: tf.Tensor4D) => conv2dOp(x, k, strides, 'same', true);
  const depthwise = (strides: [number, number]) => (x: tf.Tensor4D, k: tf.Tensor4D) => depthwiseConv2dOp(x, k, strides, 'same', true);

  it('wasm: forward Conv2D for strides 1, [1, 2] and [2, 1], its Conv2DBackpropInput loop for 2x2; forward DepthwiseConv2dNative for any strides', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    for (const strides of [[1, 1], [1, 2], [2, 1]] as Array<[number, number]>) {
      const kernels = await kernelsOf(full(strides), [2, 6, 6, 3], [3, 3, 3, 4]);
      expect(kernels).not.toContain('Conv2DBackpropInput');
      // the forward pass and the input gradient
      expect(kernels.filter((name) => name === 'Conv2D')).toHaveLength(2);
    }
    expect(await kernelsOf(full([2, 2]), [2, 6, 6, 3], [3, 3, 3, 4])).toContain('Conv2DBackpropInput');
    const dw = await kernelsOf(depthwise([1, 1]), [2, 6, 6, 3], [3, 3, 3, 2]);
    expect(dw).not.toContain('Conv2DBackpropInput');
    // forward, the input gradient, and the kernel gradient's patches
    expect(dw.filter((name) => name === 'DepthwiseConv2dNative')).toHaveLength(3);
    for (const strides of [[1, 2], [2, 2]] as Array<[number, number]>) {
      const strided = await kernelsOf(depthwise(strides), [2, 6, 6, 3], [3, 3, 3, 2]);
      expect(strided).not.toContain('Conv2DBackpropInput');
      expect(strided.filter((name) => name === 'DepthwiseConv2dNative')).toHaveLength(3);
    }
  });

  it('cpu: tfjs\'s Conv2DBackpropInput for full convolutions, and for depthwise ones below 16 channels times multiplier or with strides', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    for (const strides of [[1, 1], [1, 2], [2, 2]] as Array<[number, number]>) {
      expect(await kernelsOf(full(strides), [2, 6, 6, 3], [3, 3, 3, 4])).toContain('Conv2DBackpropInput');
    }
    expect(await kernelsOf(depthwise([1, 1]), [2, 6, 6, 8], [3, 3, 8, 1])).toContain('Conv2DBackpropInput');
    const wide = await kernelsOf(depthwise([1, 1]), [2, 6, 6, 8], [3, 3, 8, 2]);
    expect(wide).not.toContain('Conv2DBackpropInput');
    expect(wide.filter((name) => name === 'DepthwiseConv2dNative')).toHaveLength(3);
    expect(await kernelsOf(depthwise([1, 2]), [2, 6, 6, 8], [3, 3, 8, 2])).toContain('Conv2DBackpropInput');
  });
});
