import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { conv1d, conv2d, dense, flatten, input, model } from '../../index.js';
import { conv2dOp, filterGradient } from './conv2d-op.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Case = { x: [number, number, number, number]; k: [number, number, number, number]; strides: [number, number]; padding: 'valid' | 'same' };

const CASES: Case[] = [
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], strides: [1, 1], padding: 'valid' },
  { x: [2, 7, 6, 3], k: [3, 3, 3, 4], strides: [1, 1], padding: 'same' },
  { x: [2, 7, 6, 3], k: [2, 3, 3, 2], strides: [2, 2], padding: 'same' },
  { x: [3, 8, 5, 2], k: [3, 2, 2, 5], strides: [2, 1], padding: 'valid' },
  { x: [1, 5, 5, 4], k: [1, 1, 4, 3], strides: [1, 1], padding: 'valid' },
  { x: [2, 6, 9, 1], k: [4, 4, 1, 3], strides: [3, 2], padding: 'same' },
];

/** Gradients of `sum(conv(x, k) * r)` with respect to x and k, by `conv` on the current backend. */
function gradients(c: Case, conv: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D): number[][] {
  return tf.tidy(() => {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(values(size(c.x), 3), c.x);
    const k = tf.tensor4d(values(size(c.k), 5), c.k);
    const probe = tf.conv2d(x, k, c.strides, c.padding);
    const r = tf.tensor(values(probe.size, 7), probe.shape);
    const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, k]);
    return [Array.from(conv(x, k).dataSync()), Array.from(dx!.dataSync()), Array.from(dk!.dataSync())];
  });
}

function expectAllClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
}

describe('conv2dOp: its own filter gradient, on cpu and on wasm (which has no Conv2DBackpropFilter)', () => {
  it('filterGradient (im2col) equals tfjs-core\'s Conv2DBackpropFilter on cpu', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const before = tf.memory().numTensors;
    for (const c of CASES) {
      const [, , want] = gradients(c, (x, k) => tf.conv2d(x, k, c.strides, c.padding));
      const got = tf.tidy(() => {
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const x = tf.tensor4d(values(size(c.x), 3), c.x);
        const y = tf.conv2d(x, tf.zeros(c.k) as tf.Tensor4D, c.strides, c.padding);
        const dy = tf.tensor(values(y.size, 7), y.shape) as tf.Tensor4D;
        return Array.from(filterGradient(x, dy, c.k, c.strides, c.padding).dataSync());
      });
      expectAllClose(got, want!);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on wasm, its values and both gradients equal tf.conv2d\'s on cpu', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = CASES.map((c) => gradients(c, (x, k) => tf.conv2d(x, k, c.strides, c.padding)));
    await initBackend({ prefer: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = gradients(c, (x, k) => conv2dOp(x, k, c.strides, c.padding, true));
      got.forEach((g, j) => expectAllClose(g, onCpu[i]![j]!));
      // With the input marked as data, the kernel's gradient is the same.
      const dk = tf.tidy(() => {
        const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
        const x = tf.tensor4d(values(size(c.x), 3), c.x);
        const k = tf.tensor4d(values(size(c.k), 5), c.k);
        const probe = tf.conv2d(x, k, c.strides, c.padding);
        const r = tf.tensor(values(probe.size, 7), probe.shape);
        return tf.grad((b: tf.Tensor) => tf.sum(tf.mul(conv2dOp(x, b as tf.Tensor4D, c.strides, c.padding, false), r)))(k);
      });
      expectAllClose(Array.from(dk.dataSync()), onCpu[i]![2]!);
      dk.dispose();
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** One epoch of SGD on a small conv net; returns the weights after it. */
async function trainConvNet(): Promise<number[][]> {
  const inp = input({ shape: [9, 8, 2] });
  let h = conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1', activation: 'tanh' }).apply(inp);
  h = conv2d({ filters: 4, kernelSize: [2, 3], strides: 2, dilationRate: 1, groups: 2, name: 'c2', activation: 'relu' }).apply(h);
  h = conv2d({ filters: 3, kernelSize: 2, dilationRate: 2, name: 'c3' }).apply(h);
  const out = dense({ units: 2, name: 'out' }).apply(flatten().apply(h));
  const m = model({ inputs: inp, outputs: out });
  seedWeights(m, 11, 0.5);
  m.compile({ optimizer: sgd(0.05), loss: 'mse' });
  const x = tf.tensor4d(values(12 * 9 * 8 * 2, 1), [12, 9, 8, 2]);
  const y = tf.tensor2d(values(12 * 2, 2), [12, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

async function trainConv1DNet(): Promise<number[][]> {
  const inp = input({ shape: [10, 3] });
  let h = conv1d({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2, name: 'k1', activation: 'tanh' }).apply(inp);
  h = conv1d({ filters: 2, kernelSize: 2, strides: 2, name: 'k2' }).apply(h);
  const out = dense({ units: 1, name: 'out' }).apply(flatten().apply(h));
  const m = model({ inputs: inp, outputs: out });
  seedWeights(m, 21, 0.5);
  m.compile({ optimizer: sgd(0.05), loss: 'mse' });
  const x = tf.tensor3d(values(8 * 10 * 3, 4), [8, 10, 3]);
  const y = tf.tensor2d(values(8, 5), [8, 1]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

describe('Conv1D and Conv2D layers train on wasm', () => {
  it.each([
    ['Conv2D (same padding, strides, groups, dilation)', trainConvNet],
    ['Conv1D (causal, dilated, strided)', trainConv1DNet],
  ])('%s: the same weights after two epochs as on cpu', async (_, train) => {
    // The op's gradients are checked against tfjs-core's above, and every layer's against finite
    // differences in layers.gradcheck.test.ts; this checks that training on wasm works end to end.
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = await train();
    await initBackend({ prefer: 'wasm', log: false });
    const before = tf.memory().numTensors;
    const onWasm = await train();
    expect(tf.memory().numTensors).toBe(before);
    onWasm.forEach((w, i) => expectAllClose(w, onCpu[i]!));
    // and training moved the weights (the comparison is not of two untouched copies)
    const start = values(onCpu[0]!.length, 11).map((v) => v * 0.5);
    expect(onCpu[0]!.some((v, j) => Math.abs(v - start[j]!) > 1e-3)).toBe(true);
  });
});
