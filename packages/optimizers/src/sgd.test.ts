import { initBackend } from '@ridge/backend';
import fc from 'fast-check';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { SGD, sgd } from './sgd.js';
import './features/weight-decay.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('SGD', () => {
  it('plain: w -= lr * g', () => {
    const w = weight([1, -2, 3]);
    const opt = sgd(0.1);
    opt.applyGradients([grad(w, [0.5, 0.25, -1])]);
    expectClose(valuesOf(w), [1 - 0.1 * 0.5, -2 - 0.1 * 0.25, 3 - 0.1 * -1]);
    expect(opt.iterations).toBe(1);
    opt.dispose();
  });

  it('momentum, two steps: velocity = m * velocity - lr * g; w += velocity', () => {
    const w = weight([1, -2, 3]);
    const opt = sgd({ learningRate: 0.1, momentum: 0.9 });
    const g1 = [0.5, 0.25, -1];
    const g2 = [1, -1, 0.5];
    opt.applyGradients([grad(w, g1)]);
    const v1 = [-0.1 * 0.5, -0.1 * 0.25, -0.1 * -1];
    const w1 = [1 + v1[0]!, -2 + v1[1]!, 3 + v1[2]!];
    expectClose(valuesOf(w), w1);
    opt.applyGradients([grad(w, g2)]);
    const v2 = [0.9 * v1[0]! - 0.1 * 1, 0.9 * v1[1]! - 0.1 * -1, 0.9 * v1[2]! - 0.1 * 0.5];
    expectClose(valuesOf(w), [w1[0]! + v2[0]!, w1[1]! + v2[1]!, w1[2]! + v2[2]!]);
    opt.dispose();
  });

  it('nesterov, two steps: w += m * velocity - lr * g', () => {
    const w = weight([1, -2]);
    const opt = sgd({ learningRate: 0.1, momentum: 0.5, nesterov: true });
    opt.applyGradients([grad(w, [2, -4])]);
    const v1 = [-0.1 * 2, -0.1 * -4];
    const w1 = [1 + 0.5 * v1[0]! - 0.1 * 2, -2 + 0.5 * v1[1]! - 0.1 * -4];
    expectClose(valuesOf(w), w1);
    opt.applyGradients([grad(w, [1, 1])]);
    const v2 = [0.5 * v1[0]! - 0.1 * 1, 0.5 * v1[1]! - 0.1 * 1];
    expectClose(valuesOf(w), [w1[0]! + 0.5 * v2[0]! - 0.1 * 1, w1[1]! + 0.5 * v2[1]! - 0.1 * 1]);
    opt.dispose();
  });

  it('weightDecay shrinks the weight by lr * wd before the gradient step', () => {
    const w = weight([1, -2, 3]);
    const opt = sgd({ learningRate: 0.1, weightDecay: 0.5 });
    opt.applyGradients([grad(w, [0.5, 0.25, -1])]);
    // Decay first: w * (1 - lr * wd) - lr * g. Decaying after the step would give
    // (w - lr * g) * (1 - lr * wd), which differs.
    const keep = 1 - 0.1 * 0.5;
    expectClose(valuesOf(w), [1 * keep - 0.1 * 0.5, -2 * keep - 0.1 * 0.25, 3 * keep - 0.1 * -1]);
    opt.dispose();
  });

  it('never touches a non-trainable weight, and a step with nothing to apply is not counted', () => {
    const frozen = weight([1, 2], { trainable: false });
    const w = weight([1, 2]);
    const opt = new SGD({ learningRate: 1, momentum: 0.9, weightDecay: 0.1 });
    opt.applyGradients([grad(frozen, [5, 5])]);
    expect(opt.iterations).toBe(0);
    opt.applyGradients([grad(frozen, [5, 5]), grad(w, [1, 1])]);
    expect(valuesOf(frozen)).toEqual([1, 2]);
    expectClose(valuesOf(w), [1 * (1 - 0.1) - 1, 2 * (1 - 0.1) - 1]);
    expect(opt.iterations).toBe(1);
    opt.dispose();
  });

  it('for plain SGD, weightDecay 2l takes the same step as an L2(l) penalty gradient 2lw', () => {
    const value = fc.double({ min: -5, max: 5, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0.001, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        (pairs, lr, l) => {
          const w0 = pairs.map(([w]) => w);
          const g = pairs.map(([, gi]) => gi);
          const decayed = weight(w0);
          const penalized = weight(w0);
          const a = sgd({ learningRate: lr, weightDecay: 2 * l });
          const b = sgd({ learningRate: lr });
          a.applyGradients([grad(decayed, g)]);
          b.applyGradients([grad(penalized, g.map((gi, i) => gi + 2 * l * w0[i]!))]);
          expectClose(valuesOf(decayed), valuesOf(penalized), 1e-5);
          expectClose(valuesOf(decayed), w0.map((wi, i) => wi - lr * (g[i]! + 2 * l * wi)), 1e-5);
          a.dispose();
          b.dispose();
          disposeAll();
        },
      ),
      { numRuns: 50 },
    );
  });
});
