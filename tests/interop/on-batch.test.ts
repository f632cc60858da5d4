import { initBackend } from '@ridge/backend';
import { dense, input, model } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOLERANCE, artifactsOf, expectClose, randomize } from '../support/tfjs-layers.js';

/*
 * Ridge's trainOnBatch against tfjs-layers 4.22's, on the same weights (the Ridge model saved in
 * the 'tfjs-layers' format and loaded there). tfjs-layers' trainOnBatch returns [loss, ...metrics]
 * for the batch, the loss with the regularizers' penalties added (its makeTrainFunction adds
 * calculateLosses()), computed before the update: Ridge's `loss` is the same sum.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('trainOnBatch against tfjs-layers', () => {
  it('one SGD step on the same batch: the same loss, metric and updated weights, twice in a row', async () => {
    const inp = input({ shape: [3], name: 'ob_in' });
    const h = dense({ units: 4, activation: 'tanh', name: 'ob_hidden', kernelRegularizer: l2(0.05) }).apply(inp);
    const m = model({ inputs: inp, outputs: dense({ units: 2, name: 'ob_out' }).apply(h), name: 'ob_model' });
    randomize(m.weights.map((w) => w.variable), 60);
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((handler) => m.save(handler, { format: 'tfjs-layers' }))));
    m.compile({ optimizer: sgd({ learningRate: 0.2 }), loss: 'meanSquaredError', metrics: ['mae'] });
    tm.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError', metrics: ['mae'] });

    for (const seed of [1, 2]) {
      const x = tf.randomNormal([6, 3], 0, 1, 'float32', seed);
      const y = tf.randomNormal([6, 2], 0, 1, 'float32', seed + 10);
      const ours = await m.trainOnBatch(x, y);
      const [loss, mae] = (await tm.trainOnBatch(x, y)) as number[];
      expect(Math.abs(ours['loss']! - loss!)).toBeLessThan(TOLERANCE);
      expect(Math.abs(ours['mae']! - mae!)).toBeLessThan(TOLERANCE);
      // The penalty tfjs-layers adds is there, and is Ridge's `penalty`.
      expect(ours['penalty']).toBeGreaterThan(0);
      expect(Math.abs(ours['data_loss']! + ours['penalty']! - loss!)).toBeLessThan(TOLERANCE);
      const theirs = tm.getWeights();
      m.weights.forEach((w, i) => expectClose(w.variable, theirs[i]!));
      tf.dispose([x, y]);
    }
    m.dispose();
    tm.dispose();
  });
});
