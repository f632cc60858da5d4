import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { quartic, square } from '../test/doubles.js';
import { ContractError, expectGradientMatchesFiniteDifference } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const X = [
  [0.7, -1.3, 0.4],
  [-0.2, 1.8, -0.9],
];

function check(...args: Parameters<typeof expectGradientMatchesFiniteDifference>): void {
  expectGradientMatchesFiniteDifference(...args);
}

function failure(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return (error as Error).message;
  }
  throw new Error('expected a ContractError, nothing was thrown');
}

describe('expectGradientMatchesFiniteDifference', () => {
  it('passes a penalty whose analytic gradient and autodiff are right', () => {
    const x = tf.tensor2d(X);
    expect(() => check(square({ factor: 0.5 }), x)).not.toThrow();
    expect(() => check(square({ factor: 1e-4 }), x)).not.toThrow();
    // no analytic gradient: only autodiff is compared
    expect(() => check(square({ analytic: null }), x)).not.toThrow();
    x.dispose();
  });

  it('passes with the default tolerances where float32 rounding and truncation are largest', () => {
    // sum(x^4) has R''' = 24 x, so the central difference is off by h^2 * 4 x (about 4e-4 x at
    // h = 1e-2): inside rtol = 1e-2, as the step was chosen for.
    const x = tf.tensor2d(X);
    expect(() => check(quartic(1), x)).not.toThrow();
    // A penalty of about 1e4 carries rounding noise of 1e4 * 6e-8 / 2e-2, about 0.03, per entry.
    expect(() => check(square({ factor: 2000 }), x)).not.toThrow();
    // entries above 1 in size take a proportionally larger step
    const big = tf.tensor2d([[150, -320], [75, 40]]);
    expect(() => check(quartic(1e-6), big)).not.toThrow();
    tf.dispose([x, big]);
  });

  it('fails an analytic gradient that misses the factor 2, naming the entries', () => {
    const x = tf.tensor2d(X);
    const message = failure(() => check(square({ factor: 0.5, analytic: 0.5 }), x));
    expect(message).toContain('kit>Square.gradient(x) differs from the central difference at 6 of 6 entries');
    // worst entry first: x = 1.8 at [1, 1], gradient 0.9 instead of 1.8
    expect(message).toMatch(/\[1, 1\]: 0\.900000 vs 1\.80\d+/);
    expect(message).not.toContain('tf.grad of');
    x.dispose();
  });

  it('fails when autodiff of apply is wrong even if the analytic gradient is right', () => {
    const x = tf.tensor2d(X);
    const message = failure(() => check(square({ factor: 0.5, autodiff: -1 }), x));
    expect(message).toContain('tf.grad of kit>Square.apply differs');
    expect(message).not.toContain('.gradient(x) differs');
    x.dispose();
  });

  it('fails a gradient of the wrong shape', () => {
    const x = tf.tensor2d(X);
    const r = square();
    r.gradient = (t) => tf.sum(t, 0);
    expect(failure(() => check(r, x))).toContain('kit>Square.gradient(x) has shape [3], not the input\'s [2, 3]');
    x.dispose();
  });

  it("says how to register tfjs-core's gradients when tf.grad cannot differentiate apply", () => {
    const x = tf.tensor2d(X);
    const plain = { className: 'kit>Plain', apply: (t: tf.Tensor) => tf.sum(tf.square(t)) as tf.Scalar, getConfig: () => ({}) };
    const message = failure(() => check(plain, x));
    expect(message).toContain('tf.grad of kit>Plain.apply threw');
    expect(message).toContain("import '@ridge/backend'");
    x.dispose();
  });

  it('a tight tolerance or a bad option is reported, not ignored', () => {
    const x = tf.tensor2d(X);
    // an analytic gradient 5% short fails the default rtol of 1%, and passes an rtol of 10%
    const short = square({ factor: 0.5, analytic: 0.95 });
    expect(failure(() => check(short, x))).toContain('kit>Square.gradient(x) differs');
    expect(() => check(short, x, { rtol: 0.1 })).not.toThrow();
    expect(failure(() => check(square(), x, { epsilon: 0 }))).toContain('epsilon must be a finite number > 0');
    expect(failure(() => check(square(), x, { rtol: -1 }))).toContain('rtol must be a finite number >= 0');
    x.dispose();
  });

  it('leaves no tensor behind, passing or failing, and reads int32 inputs as float32', () => {
    const x = tf.tensor2d(X);
    const ints = tf.tensor2d([[1, -2], [3, 4]], undefined, 'int32');
    const before = tf.memory().numTensors;
    check(square(), x);
    check(square(), ints);
    failure(() => check(square({ analytic: 0 }), x));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ints]);
  });
});
