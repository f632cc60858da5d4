import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { conv2dTranspose, cropping2d, dense, depthwiseConv2d, flatten, input, model, separableConv2d, upSampling2d, zeroPadding2d } from '../../index.js';
import { depthwiseConv2dOp } from './depthwise-conv2d-op.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Case = { x: [number, number, number, number]; k: [number, number, number, number]; strides: [number, number]; padding: 'valid' | 'same' };

const CASES: Case[] = [
  { x: [2, 6, 5, 3], k: [3, 3, 3, 1], strides: [1, 1], padding: 'valid' },
  { x: [2, 6, 5, 3], k: [3, 2, 3, 2], strides: [1, 1], padding: 'same' },
  { x: [1, 7, 6, 2], k: [2, 3, 2, 3], strides: [2, 2], padding: 'same' },
  { x: [3, 5, 8, 2], k: [3, 2, 2, 2], strides: [2, 3], padding: 'valid' },
];

const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

/** Values and gradients of `sum(conv(x, k) * r)` with respect to x and k. */
function gradients(c: Case, conv: (x: tf.Tensor4D, k: tf.Tensor4D) => tf.Tensor4D): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(values(size(c.x), 3), c.x);
    const k = tf.tensor4d(values(size(c.k), 5), c.k);
    const probe = tf.depthwiseConv2d(x, k, c.strides, c.padding);
    const r = tf.tensor(values(probe.size, 7), probe.shape);
    const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, k]);
    return [Array.from(conv(x, k).dataSync()), Array.from(dx!.dataSync()), Array.from(dk!.dataSync())];
  });
}

function expectAllClose(got: number[], want: number[]): void {
  expect(got).toHaveLength(want.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
}

describe('depthwiseConv2dOp: its own gradients, against tfjs-core\'s depthwise backprop kernels on cpu', () => {
  it('on cpu and on wasm (which has no DepthwiseConv2dNativeBackprop kernels), both gradients equal tf.depthwiseConv2d\'s on cpu', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const reference = CASES.map((c) => gradients(c, (x, k) => tf.depthwiseConv2d(x, k, c.strides, c.padding)));
    for (const backend of ['cpu', 'wasm'] as const) {
      await initBackend({ prefer: backend, log: false });
      expect(tf.getBackend()).toBe(backend);
      if (backend === 'wasm') {
        expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeUndefined();
        expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBeUndefined();
      }
      const before = tf.memory().numTensors;
      CASES.forEach((c, i) => {
        const got = gradients(c, (x, k) => depthwiseConv2dOp(x, k, c.strides, c.padding, true));
        got.forEach((g, j) => expectAllClose(g, reference[i]![j]!));
        // With the input marked as data, the kernel's gradient is the same.
        const dk = tf.tidy(() => {
          const x = tf.tensor4d(values(size(c.x), 3), c.x);
          const k = tf.tensor4d(values(size(c.k), 5), c.k);
          const probe = tf.depthwiseConv2d(x, k, c.strides, c.padding);
          const r = tf.tensor(values(probe.size, 7), probe.shape);
          return tf.grad((b: tf.Tensor) => tf.sum(tf.mul(depthwiseConv2dOp(x, b as tf.Tensor4D, c.strides, c.padding, false), r)))(k);
        });
        expectAllClose(Array.from(dk.dataSync()), reference[i]![2]!);
        dk.dispose();
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

/** One epoch of SGD on a net of the three layers; returns the weights after it. */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [8, 7, 2] });
  let h = depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw', activation: 'tanh' }).apply(inp);
  h = separableConv2d({ filters: 3, kernelSize: 2, strides: 2, name: 'sep', activation: 'tanh' }).apply(h);
  h = conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, name: 'up' }).apply(h);
  h = depthwiseConv2d({ kernelSize: 2, dilationRate: 2, name: 'dw2' }).apply(h);
  h = zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(h);
  h = upSampling2d({ size: [1, 2], interpolation: 'bilinear' }).apply(h);
  h = cropping2d({ cropping: [[0, 1], [2, 1]] }).apply(h);
  const out = dense({ units: 2, name: 'out' }).apply(flatten().apply(h));
  const m = model({ inputs: inp, outputs: out });
  seedWeights(m, 31, 0.5);
  m.compile({ optimizer: sgd(0.05), loss: 'mse' });
  const x = tf.tensor4d(values(8 * 8 * 7 * 2, 1), [8, 8, 7, 2]);
  const y = tf.tensor2d(values(8 * 2, 2), [8, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

describe('DepthwiseConv2D, SeparableConv2D, Conv2DTranspose (with ZeroPadding2D, bilinear UpSampling2D and Cropping2D) train on wasm', () => {
  it('the same weights after two epochs as on cpu', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = await trainNet();
    await initBackend({ prefer: 'wasm', log: false });
    const before = tf.memory().numTensors;
    const onWasm = await trainNet();
    expect(tf.memory().numTensors).toBe(before);
    onWasm.forEach((w, i) => expectAllClose(w, onCpu[i]!));
    const start = values(onCpu[0]!.length, 31).map((v) => v * 0.5);
    expect(onCpu[0]!.some((v, j) => Math.abs(v - start[j]!) > 1e-3)).toBe(true);
  });
});
