import { initBackend } from '@ridge/backend';
import { dense, embedding, globalAveragePooling1d, globalMaxPooling1d, InputLayer, sequential, type Layer, type Model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { expectClose } from '../support/tfjs-layers.js';

/*
 * Masks into pooling, Keras 3's way: GlobalAveragePooling1D averages the unmasked steps only, and
 * GlobalMaxPooling1D (which does not support masking) ignores the mask. tfjs-layers 4.22's global
 * pooling layers ignore the mask, both of them: the max model is compared as it is, the averaging
 * model with tfjs-layers on the sequences trimmed to their true length. Same engine, same float32
 * weights: only rounding differs.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const PADDED = [
  [5, 6, 7, 0, 0, 0],
  [3, 0, 4, 0, 0, 0],
  [9, 0, 0, 0, 0, 0],
  [1, 2, 3, 4, 5, 6],
];
const TRIMMED = PADDED.map((row) => row.filter((id) => id !== 0));

function ridgeModel(pool: () => Layer, seed: number): Model {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const m = sequential({
      layers: [new InputLayer({ shape: [null], dtype: 'int32' }), embedding({ inputDim: 10, outputDim: 4, maskZero: true }), pool(), dense({ units: 3, activation: 'softmax' })],
    });
    m.weights.forEach((w, i) => w.assign(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i)));
    return m;
  } finally {
    warn.mockRestore();
  }
}

/** The same network in tfjs-layers, without a mask, holding the Ridge model's weights. */
function tfjsModel(pool: 'avg' | 'max', weightsOf: Model, maskZero = false): tfl.Sequential {
  const tm = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero, inputShape: [null] }),
      pool === 'avg' ? tfl.layers.globalAveragePooling1d() : tfl.layers.globalMaxPooling1d(),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  tm.setWeights(weightsOf.weights.map((w) => w.variable));
  return tm;
}

describe('Embedding(maskZero) into GlobalAveragePooling1D, against tfjs-layers on the trimmed sequences', () => {
  it('a padded batch predicts what tfjs-layers predicts for each sequence without its padding', () => {
    const m = ridgeModel(globalAveragePooling1d, 30);
    const tm = tfjsModel('avg', m);
    const x = tf.tensor2d(PADDED, undefined, 'int32');
    const ours = m.predict(x) as tf.Tensor;
    TRIMMED.forEach((row, i) => {
      const xi = tf.tensor2d([row], undefined, 'int32');
      const theirs = tm.predict(xi) as tf.Tensor;
      const mine = tf.slice(ours, [i, 0], [1, 3]);
      expectClose(mine, theirs);
      tf.dispose([xi, theirs, mine]);
    });
    tf.dispose([x, ours]);
    m.dispose();
    tm.dispose();
  });

  it("one SGD step on a padded sequence gives tfjs-layers' weights after the trimmed one", async () => {
    for (const i of [0, 1, 2]) {
      const m = ridgeModel(globalAveragePooling1d, 40);
      const tm = tfjsModel('avg', m);
      m.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
      tm.compile({ optimizer: tf.train.sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
      const xp = tf.tensor2d([PADDED[i]!], undefined, 'int32');
      const xt = tf.tensor2d([TRIMMED[i]!], undefined, 'int32');
      const y = tf.tensor2d([[i]]);
      await m.fit(xp, y, { epochs: 1, batchSize: 1, verbose: 0 });
      await tm.trainOnBatch(xt, y);
      const theirs = tm.getWeights();
      m.weights.forEach((w, k) => expectClose(w.variable, theirs[k]!));
      tf.dispose([xp, xt, y]);
      m.dispose();
      tm.dispose();
    }
  });

  it('tfjs-layers with maskZero averages the padding too (its GlobalAveragePooling1D ignores the mask): there Ridge differs, as Keras 3 does', () => {
    const m = ridgeModel(globalAveragePooling1d, 50);
    const masked = tfjsModel('avg', m, true);
    const plain = tfjsModel('avg', m);
    const x = tf.tensor2d(PADDED, undefined, 'int32');
    const theirs = masked.predict(x) as tf.Tensor;
    const unmasked = plain.predict(x) as tf.Tensor;
    const ours = m.predict(x) as tf.Tensor;
    expectClose(theirs, unmasked);
    // The full row (no padding) agrees; the padded rows do not.
    const gapT = tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs)), 1));
    const gap = Array.from(gapT.dataSync());
    expect(gap[3]).toBeLessThan(1e-5);
    expect(Math.min(gap[0]!, gap[1]!, gap[2]!)).toBeGreaterThan(1e-3);
    tf.dispose([x, theirs, unmasked, ours, gapT]);
    for (const model of [m, masked, plain]) model.dispose();
  });
});

describe('Embedding(maskZero) into GlobalMaxPooling1D: the mask is ignored, as Keras 3', () => {
  it('predicts what tfjs-layers predicts, padding included', () => {
    const m = ridgeModel(globalMaxPooling1d, 60);
    const tm = tfjsModel('max', m, true);
    const x = tf.tensor2d(PADDED, undefined, 'int32');
    const ours = m.predict(x) as tf.Tensor;
    const theirs = tm.predict(x) as tf.Tensor;
    expectClose(ours, theirs);
    tf.dispose([x, ours, theirs]);
    m.dispose();
    tm.dispose();
  });
});
