import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAllFinite, expectClose, gradient, mean, run } from '../test/helpers.js';
import { logCosh } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const reference = (t: number[][], p: number[][]): number[] =>
  t.map((row, i) => mean(row.map((y, j) => Math.log(Math.cosh(p[i]![j]! - y)))));

describe('LogCosh', () => {
  it('is mean(log(cosh(yPred - yTrue))) per sample', () => {
    const yTrue = [
      [0, 1, -2],
      [0.5, 0.5, 0.5],
    ];
    const yPred = [
      [0.5, -1, 1],
      [0.5, 3, -0.25],
    ];
    expectClose(run(logCosh({ reduction: 'none' }), yTrue, yPred), reference(yTrue, yPred));
    expectClose(run(logCosh({ reduction: 'sum' }), yTrue, yPred, [0, 2]), 2 * reference(yTrue, yPred)[1]!);
  });

  it('stays finite where cosh overflows float32, close to |e| - log 2', () => {
    const [value] = run(logCosh(), [[0]], [[200]]);
    expect(Number.isFinite(value)).toBe(true);
    expectClose(value!, 200 - Math.LN2);
  });

  it('has the gradient tanh(e) / n', () => {
    const errors = [0.3, -1.2, 4, 0];
    expectClose(gradient(logCosh(), [errors.map(() => 1)], [errors.map((e) => 1 + e)]), errors.map((e) => Math.tanh(e) / 4));
    expectAllFinite(gradient(logCosh(), [[0]], [[-500]]));
  });
});
