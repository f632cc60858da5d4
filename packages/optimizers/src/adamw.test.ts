import { initBackend } from '@ridge/backend';
import { NORMALIZATION_ROLES } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { AdamW, adamw } from './adamw.js';
import type { WeightDecaySelector } from './weight-decay-selector.js';
import './features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

/** One Keras Adam step from zero moments: the update that is subtracted from w. */
function firstAdamUpdate(g: number, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): number {
  const m = (1 - b1) * g;
  const v = (1 - b2) * g * g;
  const alpha = (lr * Math.sqrt(1 - b2)) / (1 - b1);
  return (alpha * m) / (Math.sqrt(v) + eps);
}

describe('AdamW', () => {
  it('decays kernels by lr * wd before the Adam step and leaves biases to the Adam step alone', () => {
    const kernel = weight([1, -2]);
    const bias = weight([0.5, 0.5], { path: 'dense_1/bias', role: 'bias' });
    const opt = adamw({ learningRate: 0.01, weightDecay: 0.1 });
    opt.applyGradients([grad(kernel, [0.3, -0.6]), grad(bias, [0.2, 0])]);
    const keep = 1 - 0.01 * 0.1;
    expectClose(valuesOf(kernel), [1 * keep - firstAdamUpdate(0.3, 0.01), -2 * keep - firstAdamUpdate(-0.6, 0.01)]);
    expectClose(valuesOf(bias), [0.5 - firstAdamUpdate(0.2, 0.01), 0.5]);
    opt.dispose();
  });

  it('with a zero gradient, only the decay moves a weight: w * (1 - lr * wd) per step', () => {
    const kernel = weight([2, -4]);
    const gamma = weight([1, 1], { path: 'bn/gamma', role: 'gamma' });
    const opt = adamw({ learningRate: 0.1, weightDecay: 0.5 });
    for (let i = 0; i < 3; i++) opt.applyGradients([grad(kernel, [0, 0]), grad(gamma, [0, 0])]);
    const keep = 1 - 0.1 * 0.5;
    expectClose(valuesOf(kernel), [2 * keep ** 3, -4 * keep ** 3]);
    expect(valuesOf(gamma)).toEqual([1, 1]);
    opt.dispose();
  });

  it('defaults: weightDecay 0.004, biases and normalization weights excluded', () => {
    const opt = new AdamW();
    expect(opt.weightDecay).toBe(0.004);
    expect(opt.getConfig()['excludeFromWeightDecay']).toEqual(['bias', ...NORMALIZATION_ROLES]);
    expect(opt).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
  });

  it('excludeFromWeightDecay takes globs, RegExps, predicates and lists; [] decays everything', () => {
    const k1 = weight([1], { path: 'dense_1/kernel' });
    const k2 = weight([1], { path: 'dense_2/kernel' });
    const b = weight([1], { path: 'dense_1/bias', role: 'bias' });
    const keep = 1 - 0.1 * 0.5;
    const run = (exclude: WeightDecaySelector): boolean[] => {
      for (const w of [k1, k2, b]) tf.tidy(() => w.variable.assign(tf.onesLike(w.variable)));
      const opt = adamw({ learningRate: 0.1, weightDecay: 0.5, excludeFromWeightDecay: exclude });
      opt.applyGradients([k1, k2, b].map((w) => grad(w, [0])));
      opt.dispose();
      return [k1, k2, b].map((w) => valuesOf(w)[0]! === 1);
    };
    expect(run('dense_2/*')).toEqual([false, true, false]);
    expect(run(/dense_1/)).toEqual([true, false, true]);
    expect(run({ regexp: 'DENSE_2', flags: 'i' })).toEqual([false, true, false]);
    expect(run((w) => w.path.endsWith('kernel'))).toEqual([true, true, false]);
    expect(run(['bias', 'dense_1/kernel'])).toEqual([true, false, true]);
    expect(run([])).toEqual([false, false, false]);
    expectClose([k1, k2, b].map((w) => valuesOf(w)[0]!), [keep, keep, keep]);
  });
});
