import { l2 } from '@ridge/regularizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWeights, values } from '../../test/fixtures.js';
import { numbers, useCpu } from '../../test/setup.js';
import { batchNormalization, dense, input, model, type Model } from '../index.js';

/*
 * A model used as a layer of another model (transfer learning's usual shape): it must train as
 * the same layers wired flat into one model do, its layers' activity penalties and addLoss terms
 * must count, and `base.trainable = false` must freeze every layer inside it, as in Keras.
 */

useCpu();

let X: tf.Tensor2D;
let Y: tf.Tensor2D;
beforeAll(() => {
  X = tf.tensor2d(values(6 * 4, 5), [6, 4]);
  Y = tf.tensor2d(values(6 * 2, 9), [6, 2]);
});
afterAll(() => tf.dispose([X, Y]));

/** Three Dense layers, the middle one with an activity regularizer and the first with an addLoss term. */
function stack(prefix: string, x: ReturnType<typeof input>) {
  const d1 = dense({ units: 5, activation: 'tanh', name: `${prefix}_d1` });
  const h1 = d1.apply(x);
  d1.addLoss(() => tf.mul(tf.sum(tf.square(d1.kernel!.read())), 0.01) as tf.Scalar, 'k');
  const h2 = dense({ units: 3, activation: 'tanh', name: `${prefix}_d2`, activityRegularizer: l2(0.1) }).apply(h1);
  return dense({ units: 2, name: `${prefix}_d3` }).apply(h2);
}

/** The three layers inside a model `base`, which the outer model calls as a layer before its head. */
function nested(): { outer: Model; base: Model } {
  const inner = input({ shape: [4] });
  const base = model({ inputs: inner, outputs: stack('n', inner), name: 'n_base' });
  const x = input({ shape: [4] });
  const outer = model({ inputs: x, outputs: dense({ units: 2, name: 'n_head' }).apply(base.apply(x)) });
  return { outer, base };
}

/** The same layers in one flat model. */
function flat(): Model {
  const x = input({ shape: [4] });
  return model({ inputs: x, outputs: dense({ units: 2, name: 'f_head' }).apply(stack('f', x)) });
}

function weightValues(m: Model): number[][] {
  return m.weights.map((w) => numbers(w.variable));
}

async function oneStep(m: Model) {
  seedWeights(m, 21, 0.5);
  m.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
  const before = weightValues(m);
  const history = await m.fit(X, Y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
  return { before, after: weightValues(m), logs: history.history };
}

describe('a model used as a layer', () => {
  it('trains every layer inside it, as the same layers wired flat do, and counts their activity and addLoss terms', async () => {
    const start = tf.memory().numTensors;
    const { outer } = nested();
    const f = flat();
    // The same weights, in the same order: d1, d2, d3 (kernel, bias), then the head.
    expect(outer.weights.map((w) => w.path.replace(/^n_/, ''))).toEqual(f.weights.map((w) => w.path.replace(/^f_/, '')));
    const a = await oneStep(outer);
    const b = await oneStep(f);
    // Every weight moved, the first layer's included (its gradient crosses the nested model).
    a.after.forEach((w, i) => expect(w, outer.weights[i]!.path).not.toEqual(a.before[i]));
    a.after.forEach((w, i) => w.forEach((v, j) => expect(v, outer.weights[i]!.path).toBeCloseTo(b.after[i]![j]!, 6)));
    // The inner layers' penalties are in the logs, with the flat model's values.
    expect(a.logs['penalty/n_d2/activity']![0]).toBeCloseTo(b.logs['penalty/f_d2/activity']![0]!, 6);
    expect(a.logs['penalty/n_d1/k']![0]).toBeCloseTo(b.logs['penalty/f_d1/k']![0]!, 6);
    expect(a.logs['penalty/n_d1/k']![0]).toBeGreaterThan(0);
    expect(a.logs['loss']![0]).toBeCloseTo(b.logs['loss']![0]!, 6);
    // And in the penalty report, given inputs.
    const report = outer.penalties(X);
    expect(report.terms.map((t) => t.path).sort()).toEqual(['n_d1/k', 'n_d2/activity']);
    outer.dispose();
    f.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('is frozen, every layer inside it, by base.trainable = false: no updates, no penalties, batch normalization in inference mode', async () => {
    const start = tf.memory().numTensors;
    const inner = input({ shape: [4] });
    const bn = batchNormalization({ name: 'z_bn' });
    const base = model({ inputs: inner, outputs: dense({ units: 3, name: 'z_d2' }).apply(bn.apply(dense({ units: 3, name: 'z_d1' }).apply(inner))), name: 'z_base' });
    const x = input({ shape: [4] });
    const outer = model({ inputs: x, outputs: dense({ units: 2, name: 'z_head' }).apply(base.apply(x)) });
    base.trainable = false;
    expect(base.layers.every((l) => !l.trainable)).toBe(true);
    expect(outer.trainableWeights.map((w) => w.path)).toEqual(['z_head/kernel', 'z_head/bias']);
    outer.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError', regularization: 'l2' });
    const before = weightValues(outer);
    const history = await outer.fit(X, Y, { epochs: 2, batchSize: 3, verbose: 0 });
    const after = weightValues(outer);
    outer.weights.forEach((w, i) => {
      if (w.owner.name === 'z_head') expect(after[i], w.path).not.toEqual(before[i]);
      else expect(after[i], w.path).toEqual(before[i]); // kernels, biases and the moving statistics
    });
    expect(Object.keys(history.history).filter((k) => k.startsWith('penalty/'))).toEqual(['penalty/z_head/kernel']);
    // Unfreezing sets every layer back.
    base.trainable = true;
    expect(base.layers.every((l) => l.trainable)).toBe(true);
    expect(outer.trainableWeights).toHaveLength(8); // two Dense, gamma and beta, the head
    outer.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
