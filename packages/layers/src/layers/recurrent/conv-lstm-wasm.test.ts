import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import { expectEveryWeightMoved, expectSameTrainingOnWasm, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { convLstm1d, convLstm2d, convLstm3d, dense, flatten, input, model, reshape } from '../../index.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * Two epochs of SGD with model-level L2 on a ConvLSTM2D (strides 1: the stride-1 input gradient),
 * a ConvLSTM1D (strides 2: conv2dOp) and a ConvLSTM3D (conv3dOp) stacked by reshapes; returns the
 * weights after them.
 */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [3, 4, 4, 2] });
  let h = convLstm2d({ filters: 2, kernelSize: [2, 3], padding: 'same', returnSequences: true }).apply(inp);
  h = reshape({ targetShape: [3, 16, 2] }).apply(h);
  h = convLstm1d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', returnSequences: true, goBackwards: true }).apply(h);
  h = reshape({ targetShape: [3, 2, 2, 2, 2] }).apply(h);
  h = convLstm3d({ filters: 2, kernelSize: 2, padding: 'same' }).apply(h);
  const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(flatten().apply(h)) });
  seedWeights(m, 61, 0.3);
  m.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: 'l2' });
  const x = tf.tensor(values(4 * 3 * 4 * 4 * 2, 5), [4, 3, 4, 4, 2]);
  const y = tf.tensor2d(values(4 * 2, 6), [4, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 })).weights;
}

describe('ConvLSTM1D, ConvLSTM2D and ConvLSTM3D train on wasm as on cpu', () => {
  it('the same weights after two epochs, every weight moved, nothing leaked on wasm', async () => {
    const weights = await expectSameTrainingOnWasm(trainNet);
    expectEveryWeightMoved(weights, 61, 0.3);
  });
});
