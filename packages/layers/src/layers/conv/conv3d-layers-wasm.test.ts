import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expectEveryWeightMoved, expectSameTrainingOnWasm, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { averagePooling3d, concatenate, conv3d, cropping3d, dense, globalAveragePooling3d, globalMaxPooling3d, input, maxPooling3d, model, upSampling3d, zeroPadding3d } from '../../index.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Two epochs of SGD with L2 on the kernels on a net of every 3-D layer; returns the weights after them. */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [5, 4, 6, 2] });
  let h = conv3d({ filters: 4, kernelSize: [2, 3, 2], strides: [2, 1, 2], padding: 'same', activation: 'tanh', name: 'c1' }).apply(inp);
  h = maxPooling3d({ poolSize: [1, 2, 1] }).apply(h);
  h = zeroPadding3d({ padding: [1, 0, 1] }).apply(h);
  h = cropping3d({ cropping: [[1, 0], [1, 0], 0] }).apply(upSampling3d({ size: [1, 2, 1] }).apply(h));
  h = conv3d({ filters: 4, kernelSize: 2, dilationRate: [1, 2, 1], groups: 2, padding: 'same', activation: 'tanh', name: 'c2' }).apply(h);
  const maxima = maxPooling3d({ poolSize: [2, 3, 2], strides: [1, 2, 1], padding: 'same' }).apply(h);
  const means = averagePooling3d({ poolSize: 2, strides: 1, padding: 'same' }).apply(maxima);
  // The global max reads the max pooling's outputs, not the means: means of equal maxima can tie
  // exactly on one backend and differ in the last bit on the other, and a tie splits the gradient.
  const pooled = concatenate().apply([globalAveragePooling3d().apply(means), globalMaxPooling3d().apply(maxima)]);
  const m1 = model({ inputs: inp, outputs: dense({ units: 2, name: 'out' }).apply(pooled) });
  seedWeights(m1, 51, 0.2);
  m1.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: 'l2' });
  const x = tf.tensor(values(4 * 5 * 4 * 6 * 2, 3), [4, 5, 4, 6, 2]);
  const y = tf.tensor2d(values(4 * 2, 4), [4, 2]);
  return (await fitAndRead(m1, x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 })).weights;
}

describe('Conv3D, the 3-D pooling, padding, upsampling and cropping layers train on wasm as on cpu', () => {
  it("tfjs-core's own Conv3D gradient differs between the backends (wasm's Conv3DBackprop kernels), so the layer computes its own", async () => {
    const grads = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ prefer: backend, log: false });
      const x = tf.tensor5d(values(1 * 3 * 4 * 3 * 2, 5), [1, 3, 4, 3, 2]);
      const k = tf.tensor5d(values(2 * 2 * 2 * 2 * 3, 6), [2, 2, 2, 2, 3]);
      const [dx, dk] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, [1, 2, 1], 'same'))))([x, k]);
      const out = [Array.from(dx!.dataSync()), Array.from(dk!.dataSync())];
      tf.dispose([x, k, dx!, dk!]);
      return out;
    };
    const [cpuDx, cpuDk] = await grads('cpu');
    const [wasmDx, wasmDk] = await grads('wasm');
    expect(tf.getKernel('Conv3DBackpropInputV2', 'wasm')).toBeDefined();
    expect(cpuDx!.some((v, i) => Math.abs(v - wasmDx![i]!) > 0.1)).toBe(true);
    expect(cpuDk!.some((v, i) => Math.abs(v - wasmDk![i]!) > 0.1)).toBe(true);
  });

  it("tfjs-backend-wasm's MaxPool3D disagrees with cpu's for a [2, 1, 2] window, so max pooling reads the windows' patches", async () => {
    const maxima = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ prefer: backend, log: false });
      const x = tf.tensor5d(values(4 * 4 * 4, 7), [1, 4, 4, 4, 1]);
      const y = tf.maxPool3d(x, [2, 1, 2], [2, 1, 2], 'valid');
      const out = Array.from(y.dataSync());
      tf.dispose([x, y]);
      return out;
    };
    const onCpu = await maxima('cpu');
    const onWasm = await maxima('wasm');
    expect(onCpu.some((v, i) => Math.abs(v - onWasm[i]!) > 0.01)).toBe(true);
  });

  it('the same weights after two epochs as on cpu, every weight moved, nothing leaked', async () => {
    const onCpu = await expectSameTrainingOnWasm(trainNet);
    // Weight k started at values(n, 51 + k) * 0.2; every one of them moved on cpu.
    expectEveryWeightMoved(onCpu, 51, 0.2);
  });
});
