import { initBackend } from '@ridge/backend';
import { dense, embedding, input, lstm, model, timeDistributed, type Model } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, expectClose, TOLERANCE } from '../support/tfjs-layers.js';

/*
 * A masked output's loss and metrics against tfjs-layers 4.22. tfjs-layers does not weigh its
 * losses by masks (its training loop takes the plain mean), so the reference is the same tagger
 * run by tfjs-layers on the sequences trimmed to their true length: Ridge, given the padded
 * sequences and Embedding(maskZero), must leave the padded steps out of the loss, the accuracy and
 * the gradients, as Keras 3 does, and so agree with it.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Three sequences of three tokens, padded to six. */
const TRIMMED = [
  [5, 6, 7],
  [3, 1, 4],
  [9, 2, 8],
];
const PADDED = TRIMMED.map((row) => [...row, 0, 0, 0]);
const LABELS = [
  [0, 2, 1],
  [1, 1, 0],
  [2, 0, 2],
];

function tagger(time: number, maskZero: boolean, head: 'dense' | 'timeDistributed'): Model {
  const inp = input({ shape: [time] });
  const h = lstm({ units: 3, returnSequences: true }).apply(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp));
  const d = dense({ units: 3, activation: 'softmax' });
  const m = model({ inputs: inp, outputs: (head === 'dense' ? d : timeDistributed({ layer: d })).apply(h) });
  m.weights.forEach((w, i) => {
    const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 40 + i);
    w.assign(value);
    value.dispose();
  });
  return m;
}

describe("a masked sequence tagger's loss, accuracy and SGD step, against tfjs-layers on the trimmed sequences", () => {
  for (const head of ['dense', 'timeDistributed'] as const) {
    it(`Embedding(maskZero) -> LSTM(returnSequences) -> ${head}(softmax), categorical crossentropy`, async () => {
      const padded = tagger(6, true, head);
      const trimmed = tagger(3, false, head);
      const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => trimmed.save(h, { format: 'tfjs-layers' }))));
      // Labels at the padded steps are class 0: they would count if the mask did not reach the loss.
      const py = tf.oneHot(tf.tensor2d(LABELS.map((r) => [...r, 0, 0, 0]), undefined, 'int32'), 3);
      const ty = tf.oneHot(tf.tensor2d(LABELS, undefined, 'int32'), 3);
      const [px, tx] = [tf.tensor2d(PADDED), tf.tensor2d(TRIMMED)];
      padded.compile({ optimizer: sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      tm.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });

      const ours = await padded.evaluate(px, py);
      const [theirLoss, theirAccuracy] = (tm.evaluate(tx, ty) as tf.Scalar[]).map((t) => {
        const v = t.dataSync()[0]!;
        t.dispose();
        return v;
      });
      expect(Math.abs(ours['data_loss']! - theirLoss!)).toBeLessThan(TOLERANCE);
      expect(Math.abs(ours['accuracy']! - theirAccuracy!)).toBeLessThan(TOLERANCE);

      await padded.fit(px, py, { epochs: 1, batchSize: 3, verbose: 0 });
      await tm.trainOnBatch(tx, ty);
      const theirs = tm.getWeights();
      padded.weights.forEach((w, i) => expectClose(w.variable, theirs[i]!));

      tf.dispose([px, py, tx, ty]);
      [padded, trimmed].forEach((m) => m.dispose());
      tm.dispose();
    });
  }
});
