import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, rejected, stateRoundTrip, valuesOf, weight } from '../test/helpers.js';
import { nadam } from './nadam.js';
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
 * Keras 3's Nadam, written out in float64 for a vector: the optimizer-wide product
 * u_product *= u_t (in _backend_update_step), then per element
 * m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
 * m_hat = u_{t+1} m / (1 - u_product * u_{t+1}) + (1 - u_t) g / (1 - u_product);
 * v_hat = v / (1 - b2^t); w -= lr * m_hat / (sqrt(v_hat) + eps).
 * Weight decay first: w -= lr * wd * w.
 */
class KerasNadam {
  uProduct = 1;
  t = 0;
  readonly m: number[];
  readonly v: number[];
  constructor(
    readonly w: number[],
    readonly hp: Hyper,
  ) {
    this.m = w.map(() => 0);
    this.v = w.map(() => 0);
  }

  step(g: readonly number[]): void {
    const { lr, b1, b2, eps, wd = 0 } = this.hp;
    const localStep = this.t + 1;
    this.uProduct = this.uProduct * b1 * (1 - 0.5 * 0.96 ** localStep);
    const uT = b1 * (1 - 0.5 * 0.96 ** localStep);
    const uT1 = b1 * (1 - 0.5 * 0.96 ** (localStep + 1));
    const uProductT1 = this.uProduct * uT1;
    for (let i = 0; i < this.w.length; i++) {
      this.w[i] = this.w[i]! - lr * wd * this.w[i]!;
      this.m[i] = this.m[i]! + (g[i]! - this.m[i]!) * (1 - b1);
      this.v[i] = this.v[i]! + (g[i]! ** 2 - this.v[i]!) * (1 - b2);
      const mHat = (uT1 * this.m[i]!) / (1 - uProductT1) + ((1 - uT) * g[i]!) / (1 - this.uProduct);
      const vHat = this.v[i]! / (1 - b2 ** localStep);
      this.w[i] = this.w[i]! - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    this.t = localStep;
  }
}

const GRADS = [
  [0.5, -1, 0, 2],
  [0.25, 2, -3, 1],
  [-0.75, 0.5, 1, -2],
];

describe('Nadam', () => {
  it('three steps follow Keras 3 (defaults: beta1 0.9, beta2 0.999, epsilon 1e-7)', () => {
    const w = weight([1, -2, 0.5, 0]);
    const opt = nadam({ learningRate: 0.01 });
    const ref = new KerasNadam([1, -2, 0.5, 0], { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 });
    // Step 1 by hand for the first element: u1 = 0.9 * (1 - 0.5 * 0.96) = 0.468,
    // u2 = 0.9 * (1 - 0.5 * 0.9216) = 0.48528; m = 0.05, v = 0.00025;
    // m_hat = 0.48528 * 0.05 / (1 - 0.468 * 0.48528) + 0.532 * 0.5 / (1 - 0.468); v_hat = 0.25.
    const mHat = (0.48528 * 0.05) / (1 - 0.468 * 0.48528) + (0.532 * 0.5) / (1 - 0.468);
    opt.applyGradients([grad(w, GRADS[0]!)]);
    expectClose([valuesOf(w)[0]!], [1 - (0.01 * mHat) / (0.5 + 1e-7)]);
    ref.step(GRADS[0]!);
    expectClose(valuesOf(w), ref.w);
    for (const g of GRADS.slice(1)) {
      opt.applyGradients([grad(w, g)]);
      ref.step(g);
      expectClose(valuesOf(w), ref.w);
    }
    expect(opt.iterations).toBe(3);
    opt.dispose();
  });

  it('adds epsilon to the bias-corrected sqrt(v_hat), not to sqrt(v) as Adam does', () => {
    const w = weight([0]);
    const opt = nadam({ learningRate: 0.1, epsilon: 0.1 });
    opt.applyGradients([grad(w, [0.5])]);
    const mHat = (0.48528 * 0.05) / (1 - 0.468 * 0.48528) + (0.532 * 0.5) / (1 - 0.468);
    const keras = -(0.1 * mHat) / (Math.sqrt(0.00025 / 0.001) + 0.1);
    // The same m_hat with Adam's placement: lr * sqrt(1 - b2) * m_hat / (sqrt(v) + eps).
    const adamLike = -(0.1 * Math.sqrt(0.001) * mHat) / (Math.sqrt(0.00025) + 0.1);
    expectClose(valuesOf(w), [keras]);
    expect(Math.abs(valuesOf(w)[0]! - adamLike)).toBeGreaterThan(0.01);
    opt.dispose();
  });

  it('takes non-default betas, weight decay and clipping through the shared options', () => {
    const hp = { lr: 0.05, b1: 0.8, b2: 0.95, eps: 1e-6, wd: 0.1 };
    const w = weight([1, -2, 0.5, 0]);
    const opt = nadam({ learningRate: 0.05, beta1: 0.8, beta2: 0.95, epsilon: 1e-6, weightDecay: 0.1, clipValue: 1.5 });
    const ref = new KerasNadam([1, -2, 0.5, 0], hp);
    for (const g of GRADS) {
      opt.applyGradients([grad(w, g)]);
      ref.step(g.map((x) => Math.min(1.5, Math.max(-1.5, x))));
      expectClose(valuesOf(w), ref.w);
    }
    opt.dispose();
  });

  it('round-trips its state: a restored optimizer continues with the same steps (the schedule product follows iterations)', () => {
    const { names, iterations, original, restored } = stateRoundTrip(() => nadam({ learningRate: 0.01 }), [1, -2, 0.5, 0], GRADS);
    expect(names).toEqual(['iterations', 'dense_1/kernel/momentum', 'dense_1/kernel/velocity']);
    expect(iterations).toBe(2);
    expectClose(restored, original, 1e-7);
    const ref = new KerasNadam([1, -2, 0.5, 0], { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 });
    for (const g of GRADS) ref.step(g);
    expectClose(restored, ref.w);
  });

  it('starts its schedule again after dispose', () => {
    const w = weight([1]);
    const opt = nadam({ learningRate: 0.01 });
    opt.applyGradients([grad(w, [1])]);
    opt.applyGradients([grad(w, [1])]);
    opt.dispose();
    tf.tidy(() => w.variable.assign(tf.tensor1d([1])));
    opt.applyGradients([grad(w, [0.5])]);
    const ref = new KerasNadam([1], { lr: 0.01, b1: 0.9, b2: 0.999, eps: 1e-7 });
    ref.step([0.5]);
    expectClose(valuesOf(w), ref.w);
    opt.dispose();
  });

  it.each([
    ['beta1', 1, 'a number >= 0 and < 1'],
    ['beta2', -0.1, 'a number >= 0 and < 1'],
    ['epsilon', -1, 'a finite number >= 0'],
    ['learningRate', Number.NaN, 'a finite number >= 0'],
  ])('rejects %s = %s with INVALID_ARGUMENT naming it and the value', (key, value, expected) => {
    const error = rejected(() => nadam({ [key]: value }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(key);
    expect(error.message).toContain(String(value));
    expect(error.message).toContain(expected);
  });

  it('rejects an unknown option with INVALID_CONFIG', () => {
    const error = rejected(() => nadam({ beta_1: 0.9 } as never));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('beta_1');
  });
});
