import { initBackend } from '@ridge/backend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { rmsprop } from './rmsprop.js';
import './features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('RMSprop', () => {
  it('two plain steps: v = rho * v + (1 - rho) * g^2; w -= lr * g / sqrt(v + eps)', () => {
    const w = weight([1, -2]);
    const opt = rmsprop({ learningRate: 0.01 });
    opt.applyGradients([grad(w, [0.5, -1])]);
    const v1 = [0.1 * 0.25, 0.1 * 1];
    const w1 = [1 - (0.01 * 0.5) / Math.sqrt(v1[0]! + 1e-7), -2 - (0.01 * -1) / Math.sqrt(v1[1]! + 1e-7)];
    expectClose(valuesOf(w), w1);
    opt.applyGradients([grad(w, [2, 0.1])]);
    const v2 = [0.9 * v1[0]! + 0.1 * 4, 0.9 * v1[1]! + 0.1 * 0.01];
    expectClose(valuesOf(w), [
      w1[0]! - (0.01 * 2) / Math.sqrt(v2[0]! + 1e-7),
      w1[1]! - (0.01 * 0.1) / Math.sqrt(v2[1]! + 1e-7),
    ]);
    opt.dispose();
  });

  it('centered with momentum, two steps (epsilon added to v - a^2, as in Keras)', () => {
    const w = weight([1]);
    const lr = 0.01;
    const rho = 0.8;
    const eps = 0.01;
    const mom = 0.5;
    const opt = rmsprop({ learningRate: lr, rho, epsilon: eps, momentum: mom, centered: true });
    let v = 0;
    let a = 0;
    let m = 0;
    let expected = 1;
    for (const g of [0.5, -0.25]) {
      opt.applyGradients([grad(w, [g])]);
      v = rho * v + (1 - rho) * g * g;
      a = rho * a + (1 - rho) * g;
      m = mom * m + (lr * g) / Math.sqrt(v - a * a + eps);
      expected -= m;
      expectClose(valuesOf(w), [expected]);
    }
    opt.dispose();
  });

  it('centered: the first step divides by sqrt(v - a^2 + eps), not tfjs-core\'s sqrt(v - a^2 - eps)', () => {
    const w = weight([1]);
    const opt = rmsprop({ learningRate: 0.01, rho: 0.8, epsilon: 0.01, centered: true });
    opt.applyGradients([grad(w, [0.5])]);
    // v = 0.2 * 0.25 = 0.05, a = 0.2 * 0.5 = 0.1, a^2 = 0.01.
    expectClose(valuesOf(w), [1 - (0.01 * 0.5) / Math.sqrt(0.05 - 0.01 + 0.01)]);
    expect(Math.abs(valuesOf(w)[0]! - (1 - (0.01 * 0.5) / Math.sqrt(0.05 - 0.01 - 0.01)))).toBeGreaterThan(1e-3);
    opt.dispose();
  });

  it('keeps only the slots it needs', () => {
    const w = weight([1, 2]);
    const plain = rmsprop();
    const full = rmsprop({ momentum: 0.9, centered: true });
    plain.applyGradients([grad(w, [1, 1])]);
    full.applyGradients([grad(w, [1, 1])]);
    const names = (ws: { name: string }[]) => ws.map((x) => x.name);
    const pw = plain.getWeights();
    const fw = full.getWeights();
    expect(names(pw)).toEqual(['iterations', 'dense_1/kernel/velocity']);
    expect(names(fw)).toEqual([
      'iterations',
      'dense_1/kernel/velocity',
      'dense_1/kernel/momentum',
      'dense_1/kernel/averageGradient',
    ]);
    for (const x of [...pw, ...fw]) x.tensor.dispose();
    plain.dispose();
    full.dispose();
  });
});
