import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, grad, rejected, valuesOf, weight } from '../test/helpers.js';
import { adamw } from './adamw.js';
import { sgd } from './sgd.js';
import type { WeightDecaySelector } from './weight-decay-selector.js';
import './features/weight-decay.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('excludeFromWeightDecay refuses strings that match no weight, as compile({ regularization }) does', () => {
  it.each([
    ['a misspelt role', () => adamw({ excludeFromWeightDecay: 'kernal' as never }), 'excludeFromWeightDecay is "kernal"', "did you mean 'kernel'?"],
    ['a misspelt role in a list', () => sgd({ weightDecay: 0.1, excludeFromWeightDecay: ['bias', 'gama'] as never }), 'excludeFromWeightDecay[1] is "gama"', "did you mean 'gamma'?"],
    ['a misspelt group', () => adamw({ excludeFromWeightDecay: 'kernals' as never }), 'excludeFromWeightDecay is "kernals"', "did you mean 'kernels'?"],
    ['a role far from every known one', () => adamw({ excludeFromWeightDecay: 'lnorm' as never }), 'excludeFromWeightDecay is "lnorm"', "a path glob such as '*/lnorm'"],
    ['a glob without /', () => adamw({ excludeFromWeightDecay: 'bias*' as never }), 'excludeFromWeightDecay is "bias*"', "Use '*/bias*'"],
  ])('%s', (_, make, named, hint) => {
    const before = tf.memory().numTensors;
    const error = rejected(make);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(named);
    expect(error.message).toContain('matches no weight');
    expect(error.message).toContain(hint);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('roles, groups, path globs, RegExps (also as JSON) and predicates still select what they say', () => {
    const k = weight([1], { path: 'dense_1/kernel' });
    const b = weight([1], { path: 'dense_1/bias', role: 'bias' });
    const g = weight([1], { path: 'norm/gamma', role: 'gamma' });
    // SGD with lr 0.5, weight decay 0.2 and a zero gradient: a decayed weight goes 1 -> 1 - 0.5 * 0.2 = 0.9.
    const kept = (exclude: WeightDecaySelector): boolean[] => {
      for (const w of [k, b, g]) tf.tidy(() => w.variable.assign(tf.onesLike(w.variable)));
      const opt = sgd({ learningRate: 0.5, weightDecay: 0.2, excludeFromWeightDecay: exclude });
      opt.applyGradients([k, b, g].map((w) => grad(w, [0])));
      opt.dispose();
      return [k, b, g].map((w) => valuesOf(w)[0] === 1);
    };
    expect(kept('kernel')).toEqual([true, false, false]);
    expect(kept('kernels')).toEqual([true, false, false]);
    expect(kept('all')).toEqual([true, true, true]);
    expect(kept(['bias', 'gamma'])).toEqual([false, true, true]);
    expect(kept('*/bias')).toEqual([false, true, false]);
    expect(kept('**/gamma')).toEqual([false, false, true]);
    expect(kept('dense_?/*')).toEqual([true, true, false]);
    expect(kept(/^norm\//)).toEqual([false, false, true]);
    expect(kept({ regexp: 'KERNEL$', flags: 'i' })).toEqual([true, false, false]);
    expect(kept((w) => w.path.startsWith('dense'))).toEqual([true, true, false]);
    expect(valuesOf(g)[0]).toBeCloseTo(0.9, 6);
  });
});
