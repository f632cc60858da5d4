import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, gradient, mean, run } from '../test/helpers.js';
import { Huber, huber } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function reference(e: number, delta: number): number {
  return Math.abs(e) <= delta ? 0.5 * e * e : delta * (Math.abs(e) - 0.5 * delta);
}

describe('Huber', () => {
  it('is quadratic inside delta and linear outside, with delta 1 by default', () => {
    // Errors 0.5 and -2: 0.5 * 0.25 = 0.125 and 1 * (2 - 0.5) = 1.5.
    expectClose(run(huber({ reduction: 'none' }), [[0], [2]], [[0.5], [0]]), [0.125, 1.5]);
    expect(new Huber().delta).toBe(1);
  });

  it('uses the given delta on both sides, and the quadratic branch at |e| = delta', () => {
    const delta = 2;
    const errors = [0.5, -1.5, 2, -2, 3, -7];
    const yTrue = [errors.map(() => 1)];
    const yPred = [errors.map((e) => 1 + e)];
    // 2 -> 0.5 * 4 = 2 (the boundary); 3 -> 2 * (3 - 1) = 4; -7 -> 2 * (7 - 1) = 12.
    expect(reference(2, delta)).toBe(2);
    expect(reference(3, delta)).toBe(4);
    expectClose(run(huber({ delta }), yTrue, yPred), mean(errors.map((e) => reference(e, delta))));
  });

  it('is continuous at delta', () => {
    const delta = 0.75;
    const [inside, outside] = run(huber({ delta, reduction: 'none' }), [[0], [0]], [[delta - 1e-4], [delta + 1e-4]]);
    expect(Math.abs(inside! - outside!)).toBeLessThan(1e-3);
  });

  it('has the gradient e inside delta and delta * sign(e) outside (per element, / n)', () => {
    const delta = 1;
    const errors = [0.3, -0.6, 2.5, -4];
    const expected = errors.map((e) => (Math.abs(e) <= delta ? e : delta * Math.sign(e)) / errors.length);
    expectClose(gradient(huber({ delta }), [errors.map(() => 0)], [errors]), expected);
  });
});
