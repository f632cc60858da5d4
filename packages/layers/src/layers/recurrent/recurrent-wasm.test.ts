import { initBackend } from '@ridge/backend';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, it } from 'vitest';
import { expectEveryWeightMoved, expectSameTrainingOnWasm, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../../test/setup.js';
import { dense, gru, input, lstm, masking, model, simpleRNN } from '../../index.js';

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * Two epochs of SGD through LSTM (backwards, sequences), GRU (resetAfter false) and SimpleRNN
 * behind a Masking layer, whose products and their gradients are the layers' own; returns the
 * weights after them.
 */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [6, 3] });
  let h = masking({ maskValue: 0 }).apply(inp);
  h = lstm({ units: 4, goBackwards: true, returnSequences: true, name: 'lstm' }).apply(h);
  h = gru({ units: 3, resetAfter: false, returnSequences: true, name: 'gru' }).apply(h);
  h = gru({ units: 3, returnSequences: true, name: 'gru_after' }).apply(h);
  h = simpleRNN({ units: 2, name: 'rnn' }).apply(h);
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: 'out' }).apply(h) });
  seedWeights(m, 23, 0.5);
  m.compile({ optimizer: sgd(0.1), loss: 'mse' });
  const xs = values(8 * 6 * 3, 3);
  // Sample 1's last two steps and sample 4's first step are masked.
  for (const [s, t] of [[1, 4], [1, 5], [4, 0]] as const) xs.fill(0, (s * 6 + t) * 3, (s * 6 + t + 1) * 3);
  const x = tf.tensor3d(xs, [8, 6, 3]);
  const y = tf.tensor2d(values(8 * 2, 4), [8, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 })).weights;
}

describe('LSTM, GRU and SimpleRNN train on wasm', () => {
  it('the same weights after two epochs as on cpu, every weight moved, nothing leaked', async () => {
    const onCpu = await expectSameTrainingOnWasm(trainNet);
    expectEveryWeightMoved(onCpu, 23, 0.5);
  });
});
