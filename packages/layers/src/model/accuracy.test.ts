import { sgd } from '@ridge/optimizers';
import '@ridge/losses';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { activation, input, model, type CompileArgs } from '../index.js';

/*
 * `metrics: ['accuracy']` picks its kind as Keras 3 does (keras/src/trainers/compile_utils.py,
 * `is_binary_or_sparse_categorical` and `get_metric`), from the shapes of the labels and the
 * outputs, whatever the loss: binary when the outputs' last axis is 1; sparse categorical when the
 * labels have fewer axes than the outputs, or a last axis of 1; categorical otherwise. The models
 * here return their inputs, so the predictions are the numbers written below, and the expected
 * accuracies are counted by hand.
 */

useCpu();

/** The probabilities (or scores) a model predicts: its inputs, unchanged. */
const P = [
  [0.1, 0.7, 0.2],
  [0.5, 0.3, 0.2],
  [0.2, 0.3, 0.5],
  [0.6, 0.1, 0.3],
];
// argmax per row: 1, 0, 2, 0.

/** A loss given as a plain function: Keras names it by the function, so its name says nothing of the labels. */
function myLoss(_yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(yPred), -1);
}

async function accuracyOf(x: number[][], y: tf.Tensor, loss: CompileArgs['loss'], name = 'accuracy'): Promise<number> {
  const inp = input({ shape: [x[0]!.length] });
  const m = model({ inputs: inp, outputs: activation({ activation: 'linear' }).apply(inp) });
  m.compile({ optimizer: sgd(0), loss, metrics: [name] });
  const xs = tf.tensor2d(x);
  const logs = await m.evaluate(xs, y);
  xs.dispose();
  m.dispose();
  return logs[name]!;
}

describe("'accuracy' from the shapes of y and the outputs (Keras 3)", () => {
  it('sparse categorical for labels [n] or [n, 1] and outputs [n, 3], also with a function loss (which used to get categorical)', async () => {
    const start = tf.memory().numTensors;
    const labels = [1, 2, 2, 0];
    // Hits: row 0 (1 = 1), row 2 (2 = 2), row 3 (0 = 0); row 1 predicts 0, not 2: 3 of 4.
    const sparse = 3 / 4;
    // The old pick, categorical, took the argmax of the one label column (always 0): rows 1 and 3.
    expect(sparse).not.toBe(2 / 4);
    const y1 = tf.tensor1d(labels);
    const y2 = tf.tensor2d(labels.map((l) => [l]));
    expect(await accuracyOf(P, y1, myLoss)).toBeCloseTo(sparse, 6);
    expect(await accuracyOf(P, y2, myLoss)).toBeCloseTo(sparse, 6);
    expect(await accuracyOf(P, y2, 'sparseCategoricalCrossentropy')).toBeCloseTo(sparse, 6);
    expect(await accuracyOf(P, y2, myLoss, 'acc')).toBeCloseTo(sparse, 6);
    tf.dispose([y1, y2]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('categorical for one-hot labels [n, 3]', async () => {
    // Labels 1, 2, 0, 0 as one-hot rows: hits at rows 0 and 3, 2 of 4.
    const oneHot = [
      [0, 1, 0],
      [0, 0, 1],
      [1, 0, 0],
      [1, 0, 0],
    ];
    const y = tf.tensor2d(oneHot);
    expect(await accuracyOf(P, y, myLoss)).toBeCloseTo(2 / 4, 6);
    expect(await accuracyOf(P, y, 'categoricalCrossentropy')).toBeCloseTo(2 / 4, 6);
    // binaryCrossentropy over 3 labels per sample: Keras 3 picks categorical too, from the shapes
    // (binary accuracy would count 10 of the 12 thresholded entries).
    const binaryHits = P.flat().filter((p, i) => (p > 0.5 ? 1 : 0) === oneHot.flat()[i]).length;
    expect(binaryHits).toBe(10);
    expect(binaryHits / 12).not.toBeCloseTo(2 / 4, 2);
    expect(await accuracyOf(P, y, 'binaryCrossentropy')).toBeCloseTo(2 / 4, 6);
    y.dispose();
  });

  it('binary when the outputs have one unit, with labels [n, 1] or [n], whatever the loss', async () => {
    const x = [[0.9], [0.4], [0.6], [0.2], [0.51]];
    // Thresholded at 0.5: 1, 0, 1, 0, 1 against labels 1, 1, 0, 0, 1: rows 0, 3 and 4 hit, 3 of 5.
    const labels = [1, 1, 0, 0, 1];
    const y2 = tf.tensor2d(labels.map((l) => [l]));
    const y1 = tf.tensor1d(labels);
    expect(await accuracyOf(x, y2, myLoss)).toBeCloseTo(3 / 5, 6);
    expect(await accuracyOf(x, y2, 'mse')).toBeCloseTo(3 / 5, 6);
    expect(await accuracyOf(x, y1, 'binaryCrossentropy')).toBeCloseTo(3 / 5, 6);
    tf.dispose([y1, y2]);
  });
});
