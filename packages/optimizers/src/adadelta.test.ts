import { initBackend } from '@ridge/backend';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, rejected, stateRoundTrip, valuesOf, weight } from '../test/helpers.js';
import { adadelta } from './adadelta.js';
import './features/clipping.js';
import './features/io.js';
import './features/weight-decay.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

interface Hyper {
  lr: number;
  rho: number;
  eps: number;
  wd?: number;
}

/**
 * Keras 3's Adadelta, written out in float64 for a vector, after weight decay w -= lr * wd * w:
 * a = rho a + (1 - rho) g^2; d = -sqrt(b + eps) g / sqrt(a + eps); b = rho b + (1 - rho) d^2;
 * w += lr d.
 */
function kerasAdadelta(w0: number[], grads: readonly number[][], { lr, rho, eps, wd = 0 }: Hyper): number[] {
  const w = [...w0];
  const a = w.map(() => 0);
  const b = w.map(() => 0);
  for (const g of grads) {
    for (let i = 0; i < w.length; i++) {
      w[i] = w[i]! - lr * wd * w[i]!;
      a[i] = rho * a[i]! + (1 - rho) * g[i]! ** 2;
      const d = -(Math.sqrt(b[i]! + eps) * g[i]!) / Math.sqrt(a[i]! + eps);
      b[i] = rho * b[i]! + (1 - rho) * d ** 2;
      w[i] = w[i]! + lr * d;
    }
  }
  return w;
}

const W0 = [1, -2, 0.5, 0];
const GRADS = [
  [0.5, -1, 0, 2],
  [0.25, 2, -3, 1],
  [-0.75, 0.5, 1, -2],
];

describe('Adadelta', () => {
  it('three steps follow Keras 3 (defaults: learningRate 0.001, rho 0.95, epsilon 1e-7)', () => {
    // The default steps are about 1e-6: starting at 0 keeps them resolvable in float32, and the
    // comparison is made in units of 1e-6.
    const zeros = [0, 0, 0, 0];
    const micro = (xs: readonly number[]): number[] => xs.map((x) => x * 1e6);
    const w = weight(zeros);
    const opt = adadelta();
    // Step 1 by hand, first element: a = 0.05 * 0.25, d = -sqrt(1e-7) * 0.5 / sqrt(0.0125 + 1e-7).
    opt.applyGradients([grad(w, GRADS[0]!)]);
    expectClose(micro([valuesOf(w)[0]!]), micro([0.001 * (-(Math.sqrt(1e-7) * 0.5) / Math.sqrt(0.0125 + 1e-7))]), 1e-5);
    opt.applyGradients([grad(w, GRADS[1]!)]);
    opt.applyGradients([grad(w, GRADS[2]!)]);
    expectClose(micro(valuesOf(w)), micro(kerasAdadelta(zeros, GRADS, { lr: 0.001, rho: 0.95, eps: 1e-7 })), 1e-5);
    expect(opt.iterations).toBe(3);
    opt.dispose();
  });

  it('accumulates the unscaled delta: the learning rate multiplies only the step', () => {
    // With lr 1 and lr 0.5 from the same start, the accumulators (and so the second delta) agree.
    for (const lr of [1, 0.5]) {
      const w = weight([0]);
      const opt = adadelta({ learningRate: lr, rho: 0.5, epsilon: 0.01 });
      opt.applyGradients([grad(w, [1])]);
      opt.applyGradients([grad(w, [1])]);
      expectClose(valuesOf(w), kerasAdadelta([0], [[1], [1]], { lr, rho: 0.5, eps: 0.01 }));
      // By hand: a1 = 0.5, d1 = -0.1 / sqrt(0.51), b1 = 0.5 d1^2; a2 = 0.75, d2 = -sqrt(b1 + 0.01) / sqrt(0.76).
      const d1 = -0.1 / Math.sqrt(0.51);
      const d2 = -Math.sqrt(0.5 * d1 * d1 + 0.01) / Math.sqrt(0.76);
      expectClose(valuesOf(w), [lr * (d1 + d2)]);
      opt.dispose();
    }
  });

  it('takes weight decay and clipping through the shared options', () => {
    const w = weight(W0);
    const opt = adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6, weightDecay: 0.05, globalClipNorm: 2 });
    opt.applyGradients([grad(w, GRADS[0]!)]);
    opt.applyGradients([grad(w, GRADS[1]!)]);
    // globalClipNorm over the one weight: g * 2 / max(||g||, 2).
    const clipped = GRADS.slice(0, 2).map((g) => g.map((x) => (x * 2) / Math.max(Math.hypot(...g), 2)));
    expectClose(valuesOf(w), kerasAdadelta(W0, clipped, { lr: 1, rho: 0.9, eps: 1e-6, wd: 0.05 }));
    opt.dispose();
  });

  it('round-trips its state (accumulatedGrad, accumulatedDeltaVar)', () => {
    const { names, original, restored } = stateRoundTrip(() => adadelta({ learningRate: 1 }), W0, GRADS);
    expect(names).toEqual(['iterations', 'dense_1/kernel/accumulatedGrad', 'dense_1/kernel/accumulatedDeltaVar']);
    expectClose(restored, original, 1e-7);
    expectClose(restored, kerasAdadelta(W0, GRADS, { lr: 1, rho: 0.95, eps: 1e-7 }));
  });

  it.each([
    ['rho', 1, 'a number >= 0 and < 1'],
    ['epsilon', -1e-7, 'a finite number >= 0'],
    ['learningRate', Number.POSITIVE_INFINITY, 'a finite number >= 0'],
  ])('rejects %s = %s with INVALID_ARGUMENT naming it and the value', (key, value, expected) => {
    const error = rejected(() => adadelta({ [key]: value }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(key);
    expect(error.message).toContain(String(value));
    expect(error.message).toContain(expected);
  });
});
