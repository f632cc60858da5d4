import { initBackend } from '@ridge/backend';
import { dense, input, model, type Model } from '@ridge/layers/base';
import { meanSquaredError } from '@ridge/losses/base';
import { sgd } from '@ridge/optimizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

/*
 * `@ridge/layers/batch` adds trainOnBatch, testOnBatch and predictOnBatch to models; a `/base`
 * bundle without it has none of them (this file runs with its own modules). The expected values
 * are a linear model's, by hand: p = x K + b, loss = mean over samples and outputs of (y - p)^2,
 * and one SGD step K -= lr * 2/(n*2) * x^T (p - y), b -= lr * 2/(n*2) * sum(p - y).
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const K = [
  [0.5, -0.25],
  [0.125, 0.75],
];
const B = [0.1, -0.2];
const X = [
  [1, 2],
  [0, -1],
  [3, 1],
];
const Y = [
  [1, 0],
  [0, 1],
  [2, -1],
];

function linear(): Model {
  const inp = input({ shape: [2] });
  const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
  const init = [tf.tensor2d(K), tf.tensor1d(B)];
  m.setWeights(init);
  tf.dispose(init);
  m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: meanSquaredError() });
  return m;
}

describe('@ridge/layers/batch', () => {
  it('without it, a /base model has no batch methods', () => {
    const m = linear();
    for (const name of ['trainOnBatch', 'testOnBatch', 'predictOnBatch']) expect(name in m).toBe(false);
    m.dispose();
  });

  it('imported, trainOnBatch takes one step by hand-computed numbers and returns the loss before it', async () => {
    await import('@ridge/layers/batch');
    const m = linear();
    const p = X.map((row) => [0, 1].map((j) => row[0]! * K[0]![j]! + row[1]! * K[1]![j]! + B[j]!));
    const d = p.map((row, i) => row.map((v, j) => v - Y[i]![j]!));
    const n = X.length * 2;
    const loss = d.flat().reduce((s, v) => s + v * v, 0) / n;
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(Y);
    const logs = await m.trainOnBatch(x, y);
    expect(logs['loss']).toBeCloseTo(loss, 5);
    expect(logs['data_loss']).toBeCloseTo(loss, 5);
    expect(logs['penalty']).toBe(0);
    const kernel = K.map((row, r) => row.map((k, j) => k - 0.1 * (2 / n) * X.reduce((s, xi, i) => s + xi[r]! * d[i]![j]!, 0)));
    const bias = B.map((b, j) => b - 0.1 * (2 / n) * d.reduce((s, di) => s + di[j]!, 0));
    const [k, b] = m.getWeights();
    Array.from(k!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(kernel.flat()[i]!, 5));
    Array.from(b!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(bias[i]!, 5));
    const tested = await m.testOnBatch(x, y);
    expect(tested['loss']).toBeLessThan(loss);
    const out = m.predictOnBatch(x) as tf.Tensor;
    expect(out.shape).toEqual([3, 2]);
    tf.dispose([k!, b!, x, y, out]);
    m.dispose();
  });
});
