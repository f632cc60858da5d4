import { initBackend } from '@ridge/backend';
import type { Optimizer, WeightGradient } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import './features/clipping.js';
import './features/io.js';
import './features/weight-decay.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('gradient clipping (SGD with lr 1 from w = 0, so w ends at -clipped gradient)', () => {
  it('clipNorm scales each gradient to at most that L2 norm, on its own', () => {
    const a = weight([0, 0]);
    const b = weight([0, 0], { path: 'dense_2/kernel' });
    const opt = sgd({ learningRate: 1, clipNorm: 1 });
    opt.applyGradients([grad(a, [3, 4]), grad(b, [0.3, 0.4])]);
    // |[3, 4]| = 5 > 1: scaled by 1/5. |[0.3, 0.4]| = 0.5 <= 1: unchanged.
    expectClose(valuesOf(a), [-3 / 5, -4 / 5]);
    expectClose(valuesOf(b), [-0.3, -0.4]);
  });

  it('globalClipNorm scales all gradients by one factor when their joint norm is larger', () => {
    const a = weight([0, 0]);
    const b = weight([0, 0], { path: 'dense_2/kernel' });
    const opt = sgd({ learningRate: 1, globalClipNorm: 1 });
    opt.applyGradients([grad(a, [3, 4]), grad(b, [0, 12])]);
    // sqrt(9 + 16 + 144) = 13
    expectClose(valuesOf(a), [-3 / 13, -4 / 13]);
    expectClose(valuesOf(b), [0, -12 / 13]);
    const small = sgd({ learningRate: 1, globalClipNorm: 20 });
    small.applyGradients([grad(a, [3, 4]), grad(b, [0, 12])]);
    expectClose(valuesOf(a), [-3 / 13 - 3, -4 / 13 - 4]);
  });

  it('clipNorm: the step keeps the direction of g, with norm min(|g|, clipNorm)', () => {
    const value = fc.double({ min: -10, max: 10, noNaN: true });
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), fc.double({ min: 0.1, max: 5, noNaN: true }), (g, c) => {
        const w = weight(g.map(() => 0));
        const opt = sgd({ learningRate: 1, clipNorm: c });
        opt.applyGradients([grad(w, g)]);
        const norm = Math.hypot(...g);
        const scale = norm > c ? c / norm : 1;
        expectClose(valuesOf(w), g.map((gi) => -gi * scale), 1e-5);
        disposeAll();
      }),
      { numRuns: 50 },
    );
  });

  it('clipValue clips every element to [-clipValue, clipValue]', () => {
    const a = weight([0, 0, 0]);
    const opt = sgd({ learningRate: 1, clipValue: 0.5 });
    opt.applyGradients([grad(a, [-2, 0.3, 0.7])]);
    expectClose(valuesOf(a), [0.5, -0.3, -0.5]);
  });

  it('clips before the weight decay and the update, and ignores frozen weights in the global norm', () => {
    const a = weight([1, 1]);
    const frozen = weight([0], { trainable: false });
    const opt = sgd({ learningRate: 0.5, weightDecay: 0.2, globalClipNorm: 1 });
    opt.applyGradients([grad(a, [0, 2]), grad(frozen, [100])]);
    expectClose(valuesOf(a), [1 * (1 - 0.5 * 0.2) - 0.5 * 0, 1 * (1 - 0.5 * 0.2) - 0.5 * 1]);
  });
});

describe('the shared step', () => {
  it('does not dispose the given gradients', () => {
    const w = weight([1, 2]);
    const opt = adam({ clipNorm: 0.1, weightDecay: 0.1 });
    const pair = grad(w, [1, 1]);
    opt.applyGradients([pair]);
    expect(pair.gradient.isDisposed).toBe(false);
    expect(Array.from(pair.gradient.dataSync())).toEqual([1, 1]);
    opt.dispose();
  });

  it('rejects a gradient whose shape differs from its weight (SHAPE_MISMATCH, naming the path)', () => {
    const w = weight([1, 2]);
    const opt = sgd();
    expect(() => opt.applyGradients([grad(w, [1, 2, 3])])).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('dense_1/kernel') }),
    );
  });

  it('a new learning rate takes effect on the next step', () => {
    const w = weight([0]);
    const opt = sgd(0.1);
    opt.applyGradients([grad(w, [1])]);
    opt.learningRate = 0.5;
    opt.applyGradients([grad(w, [1])]);
    expectClose(valuesOf(w), [-0.1 - 0.5]);
    expect(() => {
      opt.learningRate = -1;
    }).toThrow(/learningRate must be a finite number >= 0; received -1/);
    expect(opt.learningRate).toBe(0.5);
  });

  it('a weight frozen for a while keeps its own momentum when it is trained again', () => {
    const a = weight([0]);
    const b = weight([0], { path: 'dense_2/kernel' });
    const opt = sgd({ learningRate: 1, momentum: 0.5 });
    const frozenB = { ...b, trainable: false };
    opt.applyGradients([grad(a, [1]), grad(b, [10])]); // va = -1, vb = -10
    opt.applyGradients([grad(a, [1]), grad(frozenB, [10])]); // va = -1.5
    opt.applyGradients([grad(a, [1]), grad(b, [0])]); // va = -1.75, vb = -5
    expectClose(valuesOf(a), [-1 - 1.5 - 1.75]);
    expectClose(valuesOf(b), [-10 - 5]);
    opt.dispose();
  });
});

describe('memory', () => {
  const optimizers: [string, () => Optimizer][] = [
    ['SGD', () => sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01, clipNorm: 1 })],
    ['SGD plain', () => sgd()],
    ['Adam', () => adam({ globalClipNorm: 1 })],
    ['AdamW', () => adamw({ clipValue: 1 })],
    ['RMSprop', () => rmsprop({ momentum: 0.5, centered: true, weightDecay: 0.1 })],
    ['Adagrad', () => adagrad()],
  ];
  for (const [name, make] of optimizers) {
    it(`${name}: slots are made once; dispose() frees them`, () => {
      const pairs: WeightGradient[] = [
        grad(weight([1, 2, 3]), [0.1, 0.2, 0.3]),
        grad(weight([1], { path: 'dense_1/bias', role: 'bias' }), [0.5]),
        grad(weight([1], { trainable: false, path: 'bn/moving_mean', role: 'movingMean' }), [1]),
      ];
      const baseline = tf.memory().numTensors;
      const opt = make();
      expect(tf.memory().numTensors).toBe(baseline);
      opt.applyGradients(pairs);
      const afterFirst = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) opt.applyGradients(pairs);
      expect(tf.memory().numTensors).toBe(afterFirst);
      expect(opt.iterations).toBe(6);
      opt.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
      expect(opt.iterations).toBe(0);
    });
  }

  it('frees the slots of weights whose variables were disposed when new weights arrive', () => {
    const opt = adam();
    const old = weight([1, 2]);
    opt.applyGradients([grad(old, [1, 1])]);
    const withOldSlots = tf.memory().numTensors;
    old.variable.dispose(); // 1 tensor
    const fresh = weight([1, 2]); // 1 tensor
    opt.applyGradients([grad(fresh, [1, 1])]); // 1 gradient, 2 new slots, 2 old slots freed
    expect(tf.memory().numTensors).toBe(withOldSlots - 1 + 1 + 1);
    opt.dispose();
  });
});

describe('getWeights / setWeights', () => {
  it('round-trips the slots and iterations into a fresh optimizer, before it has seen the weights', () => {
    const w = weight([1, -2]);
    const twin = weight([1, -2]);
    const a = adam({ learningRate: 0.1 });
    const b = adam({ learningRate: 0.1 });
    a.applyGradients([grad(w, [0.5, 1])]);
    a.applyGradients([grad(w, [-1, 2])]);
    tf.tidy(() => twin.variable.assign(w.variable));
    const state = a.getWeights();
    expect(state.map((s) => s.name)).toEqual(['iterations', 'dense_1/kernel/momentum', 'dense_1/kernel/velocity']);
    b.setWeights(state);
    tf.dispose(state.map((s) => s.tensor));
    expect(b.iterations).toBe(2);
    a.applyGradients([grad(w, [0.25, -0.5])]);
    b.applyGradients([grad(twin, [0.25, -0.5])]);
    expectClose(valuesOf(twin), valuesOf(w), 1e-7);
    a.dispose();
    b.dispose();
  });

  it('rejects names that are not slots of this optimizer', () => {
    const opt = sgd({ momentum: 0.9 });
    const t = tf.tensor1d([1]);
    expect(() => opt.setWeights([{ name: 'dense_1/kernel/velocity', tensor: t }])).toThrow(
      expect.objectContaining({ code: 'INVALID_WEIGHTS', message: expect.stringContaining("'momentum'") }),
    );
    t.dispose();
  });
});
