/**
 * The core `Optimizer` contract: `learningRate` is settable between steps (the learning-rate
 * callbacks set it), and the setter refuses a value that is not a finite number >= 0, naming
 * `learningRate`, keeping the rate it had. Checked for every registered optimizer class.
 */
import { initBackend } from '@ridge/backend';
import { RidgeError, getOptimizer, registry, type Optimizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { sgd } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

/** One registered name per optimizer class. */
const CLASSES = (() => {
  const byClass = new Map<string, string>();
  for (const name of registry('optimizer').list()) {
    const opt = getOptimizer(name as never);
    if (!byClass.has(opt.className)) byClass.set(opt.className, name);
    opt.dispose();
  }
  return [...byClass].map(([className, name]) => ({ className, name }));
})();

const REFUSED: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, -0.1, '0.1', null, undefined, { schedule: 'exponential' }];

describe('Optimizer.learningRate (settable, checked)', () => {
  it('covers the registered classes', () => {
    expect(CLASSES.map((c) => c.className).sort()).toEqual(['Adadelta', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'Nadam', 'RMSprop', 'SGD']);
  });

  it.each(CLASSES)('$className: a set rate is read back and used by the next step; a refused one changes nothing', ({ className }) => {
    const before = tf.memory().numTensors;
    const opt: Optimizer = getOptimizer(className as never);
    const twin: Optimizer = getOptimizer({ className, config: { learningRate: 0.25 } } as never);
    opt.learningRate = 0.25;
    expect(opt.learningRate).toBe(0.25);
    for (const value of REFUSED) {
      let error: unknown;
      try {
        opt.learningRate = value as number;
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error), `${className} took learningRate ${String(value)}`).toBe(true);
      expect((error as RidgeError).code).toBe('INVALID_ARGUMENT');
      expect((error as RidgeError).message).toContain('learningRate must be a finite number >= 0');
      expect((error as RidgeError).details).toMatchObject({ argument: 'learningRate' });
      expect(opt.learningRate).toBe(0.25);
    }
    // The same step as an optimizer made with that rate.
    const w = weight([1, -2, 0.5]);
    const v = weight([1, -2, 0.5]);
    opt.applyGradients([grad(w, [0.3, -0.6, 0.9])]);
    twin.applyGradients([grad(v, [0.3, -0.6, 0.9])]);
    expectClose(valuesOf(w), valuesOf(v), 1e-7);
    opt.dispose();
    twin.dispose();
    disposeAll();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SGD: a rate set between steps is the next step size, w -= lr * g', () => {
    const opt = sgd({ learningRate: 0.5 });
    const w = weight([1, -2]);
    opt.applyGradients([grad(w, [0.2, 0.4])]);
    expectClose(valuesOf(w), [1 - 0.5 * 0.2, -2 - 0.5 * 0.4]);
    opt.learningRate = 0.1;
    opt.applyGradients([grad(w, [0.2, 0.4])]);
    expectClose(valuesOf(w), [1 - 0.5 * 0.2 - 0.1 * 0.2, -2 - 0.5 * 0.4 - 0.1 * 0.4]);
    opt.learningRate = 0;
    opt.applyGradients([grad(w, [0.2, 0.4])]);
    expectClose(valuesOf(w), [1 - 0.5 * 0.2 - 0.1 * 0.2, -2 - 0.5 * 0.4 - 0.1 * 0.4]);
    opt.dispose();
  });
});
