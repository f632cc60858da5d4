import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectEveryWeightMoved, expectSameTrainingOnWasm, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { conv1dTranspose, cropping1d, dense, depthwiseConv1d, flatten, input, model, separableConv1d, upSampling1d, zeroPadding1d } from '../../index.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Two epochs of SGD with L2 on the kernels on a net of every 1-D layer; returns the weights after them. */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [9, 2] });
  let h = depthwiseConv1d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw', activation: 'tanh' }).apply(inp);
  h = separableConv1d({ filters: 3, kernelSize: 2, strides: 2, name: 'sep', activation: 'tanh', depthMultiplier: 2 }).apply(h);
  h = conv1dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, name: 'up' }).apply(h);
  h = depthwiseConv1d({ kernelSize: 2, dilationRate: 2, name: 'dw2' }).apply(h);
  h = separableConv1d({ filters: 2, kernelSize: 2, dilationRate: 2, padding: 'same', name: 'sep2' }).apply(h);
  h = conv1dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2, name: 'up2' }).apply(h);
  h = zeroPadding1d({ padding: [1, 0] }).apply(h);
  h = upSampling1d({ size: 2 }).apply(h);
  h = cropping1d({ cropping: [0, 3] }).apply(h);
  const out = dense({ units: 2, name: 'out' }).apply(flatten().apply(h));
  const m = model({ inputs: inp, outputs: out });
  seedWeights(m, 41, 0.5);
  m.compile({ optimizer: sgd(0.05), loss: 'mse', regularization: 'l2' });
  const x = tf.tensor3d(values(8 * 9 * 2, 1), [8, 9, 2]);
  const y = tf.tensor2d(values(8 * 2, 2), [8, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

describe('DepthwiseConv1D, SeparableConv1D, Conv1DTranspose (with ZeroPadding1D, UpSampling1D and Cropping1D) train on wasm', () => {
  it('wasm lacks the depthwise and conv backprop kernels that tf.depthwiseConv2d and tf.conv2dTranspose would need', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  });

  it('the same weights after two epochs as on cpu, every weight moved, nothing leaked', async () => {
    const onCpu = await expectSameTrainingOnWasm(trainNet);
    // Weight k started at values(n, 41 + k) * 0.5; every one of them moved on cpu.
    expectEveryWeightMoved(onCpu, 41, 0.5);
  });
});
