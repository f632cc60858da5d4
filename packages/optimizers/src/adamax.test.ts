import { initBackend } from '@ridge/backend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, rejected, stateRoundTrip, valuesOf, weight } from '../test/helpers.js';
import { adamax } from './adamax.js';
import './features/clipping.js';
import './features/io.js';
import './features/weight-decay.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

interface Hyper {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  wd?: number;
}

/**
 * Keras 3's Adamax, written out in float64 for a vector (step t from 1), after weight decay
 * w -= lr * wd * w: m += (g - m)(1 - b1); u = max(b2 u, |g|); w -= lr m / ((1 - b1^t)(u + eps)).
 */
function kerasAdamax(w0: number[], grads: readonly number[][], { lr, b1, b2, eps, wd = 0 }: Hyper): number[] {
  const w = [...w0];
  const m = w.map(() => 0);
  const u = w.map(() => 0);
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < w.length; i++) {
      w[i] = w[i]! - lr * wd * w[i]!;
      m[i] = m[i]! + (g[i]! - m[i]!) * (1 - b1);
      u[i] = Math.max(b2 * u[i]!, Math.abs(g[i]!));
      w[i] = w[i]! - (lr * m[i]!) / ((1 - b1 ** t) * (u[i]! + eps));
    }
  });
  return w;
}

const W0 = [1, -2, 0.5, 0];
const GRADS = [
  [0.5, -1, 0, 2],
  [0.25, 2, -3, 1],
  [-0.75, 0.5, 1, -2],
];

describe('Adamax', () => {
  it('three steps follow Keras 3 (defaults: beta1 0.9, beta2 0.999, epsilon 1e-7)', () => {
    const w = weight(W0);
    const opt = adamax({ learningRate: 0.01 });
    opt.applyGradients([grad(w, GRADS[0]!)]);
    // Step 1 by hand, first element: m = 0.05, u = 0.5, w = 1 - 0.01 * 0.05 / (0.1 * (0.5 + 1e-7)).
    expectClose([valuesOf(w)[0]!], [1 - (0.01 * 0.05) / (0.1 * (0.5 + 1e-7))]);
    expectClose(valuesOf(w), kerasAdamax(W0, GRADS.slice(0, 1), { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 }));
    opt.applyGradients([grad(w, GRADS[1]!)]);
    opt.applyGradients([grad(w, GRADS[2]!)]);
    expectClose(valuesOf(w), kerasAdamax(W0, GRADS, { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 }));
    expect(opt.iterations).toBe(3);
    opt.dispose();
  });

  it('keeps the decayed maximum |g| (u = max(beta2 u, |g|)) and adds epsilon to u', () => {
    const w = weight([0]);
    const opt = adamax({ learningRate: 1, beta1: 0, beta2: 0.5, epsilon: 0.25 });
    opt.applyGradients([grad(w, [4])]); // m = 4, u = 4: w = -4 / 4.25
    opt.applyGradients([grad(w, [1])]); // m = 1, u = max(2, 1) = 2: w -= 1 / 2.25
    expectClose(valuesOf(w), [-4 / 4.25 - 1 / 2.25]);
    opt.dispose();
  });

  it('takes non-default betas, weight decay and clipping through the shared options', () => {
    const w = weight(W0);
    const opt = adamax({ learningRate: 0.05, beta1: 0.7, beta2: 0.9, epsilon: 1e-5, weightDecay: 0.2, clipNorm: 1 });
    for (const g of GRADS) opt.applyGradients([grad(w, g)]);
    // clipNorm: g * 1 / max(||g||, 1), each gradient on its own.
    const clipped = GRADS.map((g) => {
      const norm = Math.hypot(...g);
      return g.map((x) => (x * 1) / Math.max(norm, 1));
    });
    expectClose(valuesOf(w), kerasAdamax(W0, clipped, { lr: 0.05, b1: 0.7, b2: 0.9, eps: 1e-5, wd: 0.2 }));
    opt.dispose();
  });

  it("round-trips its state under Keras's slot names, momentum and norm", () => {
    const { names, original, restored } = stateRoundTrip(() => adamax({ learningRate: 0.01 }), W0, GRADS);
    expect(names).toEqual(['iterations', 'dense_1/kernel/momentum', 'dense_1/kernel/norm']);
    expectClose(restored, original, 1e-7);
    expectClose(restored, kerasAdamax(W0, GRADS, { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 }));
  });

  it.each([
    ['beta1', -0.5, 'a number >= 0 and < 1'],
    ['beta2', 1.5, 'a number >= 0 and < 1'],
    ['epsilon', 'small', 'a finite number >= 0'],
    ['learningRate', -1, 'a finite number >= 0'],
  ])('rejects %s = %s with INVALID_ARGUMENT naming it and the value', (key, value, expected) => {
    const error = rejected(() => adamax({ [key]: value }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(key);
    expect(error.message).toContain(String(value));
    expect(error.message).toContain(expected);
  });
});
