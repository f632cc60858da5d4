import { initBackend } from '@ridge/backend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, valuesOf, weight } from '../test/helpers.js';
import { adam } from './adam.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

/**
 * Keras 3's Adam step for one element, written out: m and v updated in place, then
 * w -= alpha * m / (sqrt(v) + eps) with alpha = lr * sqrt(1 - b2^t) / (1 - b1^t).
 */
function kerasAdamStep(
  state: { w: number; m: number; v: number },
  g: number,
  t: number,
  { lr, b1, b2, eps }: { lr: number; b1: number; b2: number; eps: number },
): void {
  state.m = state.m + (g - state.m) * (1 - b1);
  state.v = state.v + (g * g - state.v) * (1 - b2);
  const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
  state.w = state.w - (alpha * state.m) / (Math.sqrt(state.v) + eps);
}

describe('Adam', () => {
  it('first two steps follow Keras 3 (defaults: beta1 0.9, beta2 0.999, epsilon 1e-7)', () => {
    const w = weight([1, -2, 0.5]);
    const opt = adam({ learningRate: 0.01 });
    const hp = { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 };
    const g1 = [0.5, -1, 0];
    const g2 = [0.25, 2, -3];
    const states = [1, -2, 0.5].map((x) => ({ w: x, m: 0, v: 0 }));

    opt.applyGradients([grad(w, g1)]);
    // Step 1 by hand for the first element: m = 0.1 * 0.5 = 0.05, v = 0.001 * 0.25,
    // alpha = 0.01 * sqrt(0.001) / 0.1; the update is alpha * 0.05 / (sqrt(0.00025) + 1e-7) ~ 0.01.
    const alpha1 = (0.01 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
    expectClose([valuesOf(w)[0]!], [1 - (alpha1 * 0.05) / (Math.sqrt(0.001 * 0.25) + 1e-7)]);
    states.forEach((s, i) => kerasAdamStep(s, g1[i]!, 1, hp));
    expectClose(valuesOf(w), states.map((s) => s.w));

    opt.applyGradients([grad(w, g2)]);
    states.forEach((s, i) => kerasAdamStep(s, g2[i]!, 2, hp));
    expectClose(valuesOf(w), states.map((s) => s.w));
    expect(opt.iterations).toBe(2);
    opt.dispose();
  });

  it("adds epsilon to the uncorrected sqrt(v), as Keras does (tfjs-core adds it after bias correction)", () => {
    const w = weight([0]);
    const opt = adam({ learningRate: 0.1, epsilon: 0.1 });
    opt.applyGradients([grad(w, [0.5])]);
    // Keras: m = 0.05, v = 0.00025, alpha = 0.1 * sqrt(0.001) / 0.1.
    const keras = -((0.1 * Math.sqrt(0.001)) / 0.1) * (0.05 / (Math.sqrt(0.00025) + 0.1));
    // tfjs-core: 0.1 * m_hat / (sqrt(v_hat) + eps) with m_hat = 0.5, v_hat = 0.25.
    const tfjs = -0.1 * (0.5 / (0.5 + 0.1));
    expectClose(valuesOf(w), [keras]);
    expect(Math.abs(valuesOf(w)[0]! - tfjs)).toBeGreaterThan(0.01);
    opt.dispose();
  });

  it('keeps each weight its own moments, whatever the order or subset of the gradient list', () => {
    const a = weight([1]);
    const b = weight([1], { path: 'dense_2/kernel' });
    const opt = adam({ learningRate: 0.1 });
    const hp = { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-7 };
    const sa = { w: 1, m: 0, v: 0 };
    const sb = { w: 1, m: 0, v: 0 };
    opt.applyGradients([grad(a, [1]), grad(b, [-3])]);
    kerasAdamStep(sa, 1, 1, hp);
    kerasAdamStep(sb, -3, 1, hp);
    // b alone, then the list reversed: a position-indexed optimizer would mix up the slots.
    opt.applyGradients([grad(b, [2])]);
    kerasAdamStep(sb, 2, 2, hp);
    opt.applyGradients([grad(b, [0.5]), grad(a, [4])]);
    kerasAdamStep(sb, 0.5, 3, hp);
    kerasAdamStep(sa, 4, 3, hp);
    expectClose(valuesOf(a), [sa.w]);
    expectClose(valuesOf(b), [sb.w]);
    opt.dispose();
  });
});
