import { sgd } from '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';

useCpu();

/** Two classes: a softmax over 2 units. */
function classifier(name: string, loss: 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy'): Model {
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 2, activation: 'softmax', name }).apply(inp) });
  m.compile({ optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }), loss });
  return m;
}

const X = [[1, 0], [0, 1], [1, 1]];

async function refused(m: Model, call: () => Promise<unknown>): Promise<RidgeError> {
  const before = tf.memory().numTensors;
  const weights = m.weights.map((w) => numbers(w.variable));
  const error = await caught(call);
  expect(RidgeError.is(error), String(error)).toBe(true);
  expect((error as RidgeError).code).toBe('INVALID_ARGUMENT');
  expect(tf.memory().numTensors).toBe(before);
  expect(m.weights.map((w) => numbers(w.variable))).toEqual(weights);
  expect(m.optimizer!.iterations).toBe(0);
  return error as RidgeError;
}

describe('fit({ classWeight }) with a class the labels cannot have', () => {
  it('one-hot labels: the classes are their columns', async () => {
    const m = classifier('onehot', 'categoricalCrossentropy');
    const error = await refused(m, () => m.fit(X, [[1, 0], [0, 1], [1, 0]], { classWeight: { 0: 1, 5: 3 }, verbose: 0 }));
    expect(error.message).toContain('fit: classWeight[5] (3) names class 5, but there are 2 classes, 0 to 1: y is one-hot with 2 columns');
    expect(error.details).toMatchObject({ argument: 'classWeight[5]', received: 3, classes: 2 });
    m.dispose();
  });

  it("class indices: the classes are the output's units", async () => {
    const m = classifier('sparse', 'sparseCategoricalCrossentropy');
    for (const y of [[0, 1, 1], [[0], [1], [1]]]) {
      const error = await refused(m, () => m.fit(X, y, { classWeight: { 2: 0.5 }, verbose: 0 }));
      expect(error.message).toContain("fit: classWeight[2] (0.5) names class 2, but there are 2 classes, 0 to 1: y holds class indices and the output 'sparse' has 2 units");
    }
    m.dispose();
  });

  it('classes that exist are weighted as before', async () => {
    // With learning rate 0 the weights stay put, so the per-sample losses can be read from predict.
    const m = classifier('ok', 'categoricalCrossentropy');
    m.compile({ optimizer: sgd(0), loss: 'categoricalCrossentropy' });
    const y = [[1, 0], [0, 1], [0, 1]];
    const plain = await m.fit(X, y, { epochs: 1, batchSize: 3, verbose: 0 });
    const onlyFirst = await m.fit(X, y, { epochs: 1, batchSize: 3, classWeight: { 0: 3, 1: 0 }, verbose: 0 });
    // Per-sample losses l0, l1, l2; plain = (l0 + l1 + l2) / 3, weighted = 3 * l0 / 3 = l0.
    const p = tf.tidy(() => numbers(m.predict(tf.tensor2d(X)) as tf.Tensor));
    const l0 = -Math.log(p[0]!);
    const all = (l0 - Math.log(p[3]!) - Math.log(p[5]!)) / 3;
    expect(plain.history['data_loss']![0]).toBeCloseTo(all, 5);
    expect(onlyFirst.history['data_loss']![0]).toBeCloseTo(l0, 5);
    m.dispose();
  });
});

describe('fit({ classWeight }) on a model with several outputs', () => {
  it('is refused, as in Keras, naming the outputs and saying to use sampleWeight', async () => {
    const inp = input({ shape: [2], name: 'two_in' });
    const a = dense({ units: 2, activation: 'softmax', name: 'head_a' }).apply(inp);
    const b = dense({ units: 3, activation: 'softmax', name: 'head_b' }).apply(inp);
    const m = model({ inputs: inp, outputs: [a, b] });
    m.compile({ optimizer: sgd(0.1), loss: 'categoricalCrossentropy' });
    const error = await refused(m, () =>
      m.fit(X, [[[1, 0], [0, 1], [1, 0]], [[1, 0, 0], [0, 0, 1], [0, 1, 0]]], { classWeight: { 0: 2 }, verbose: 0 }),
    );
    expect(error.message).toContain("fit: classWeight works only for a model with one output, as in Keras; this model has 2 outputs ('head_a', 'head_b')");
    expect(error.message).toContain('sampleWeight');
    expect(error.details).toMatchObject({ argument: 'classWeight', received: { 0: 2 } });
    m.dispose();
  });
});

// classWeight on a sequence output weighs each step by its class: see temporal-weights.test.ts.
