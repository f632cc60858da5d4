import { initBackend } from '@ridge/backend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { adagrad } from './adagrad.js';
import './features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('Adagrad', () => {
  it('two steps: acc starts at 0.1; acc += g^2; w -= lr * g / sqrt(acc + eps)', () => {
    const w = weight([1, -1]);
    const opt = adagrad({ learningRate: 0.1 });
    opt.applyGradients([grad(w, [0.3, -2])]);
    const acc1 = [0.1 + 0.09, 0.1 + 4];
    const w1 = [1 - (0.1 * 0.3) / Math.sqrt(acc1[0]! + 1e-7), -1 - (0.1 * -2) / Math.sqrt(acc1[1]! + 1e-7)];
    expectClose(valuesOf(w), w1);
    opt.applyGradients([grad(w, [1, 0.5])]);
    const acc2 = [acc1[0]! + 1, acc1[1]! + 0.25];
    expectClose(valuesOf(w), [
      w1[0]! - (0.1 * 1) / Math.sqrt(acc2[0]! + 1e-7),
      w1[1]! - (0.1 * 0.5) / Math.sqrt(acc2[1]! + 1e-7),
    ]);
    opt.dispose();
  });

  it('honours initialAccumulatorValue and epsilon (tfjs-core fixes epsilon to the backend epsilon)', () => {
    const w = weight([0]);
    const opt = adagrad({ learningRate: 1, initialAccumulatorValue: 0, epsilon: 3 });
    opt.applyGradients([grad(w, [1])]);
    // acc = 0 + 1; w = 0 - 1 * 1 / sqrt(1 + 3) = -0.5
    expectClose(valuesOf(w), [-0.5]);
    expect(opt.getConfig()).toMatchObject({ initialAccumulatorValue: 0, epsilon: 3 });
    opt.dispose();
  });
});
