import { initBackend } from '@ridge/backend';
import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_LASSO_EPSILON, GroupLasso, groupLasso } from './base.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function value(t: tf.Tensor): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

function values(t: tf.Tensor): number[] {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
}

/** The smoothed norm of a group in float64: what the penalty is made of. */
const smooth = (norm: number): number => Math.sqrt(norm * norm + GROUP_LASSO_EPSILON) - Math.sqrt(GROUP_LASSO_EPSILON);

function thrown(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (error) {
    if (RidgeError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a RidgeError');
}

// A Dense kernel [in = 3, out = 2]: column 0 is [1, 2, 2] (norm 3), column 1 is [0, 0, 0].
const KERNEL = [
  [1, 0],
  [2, 0],
  [2, 0],
];

describe('GroupLasso', () => {
  it('is factor times the sum of the column norms of a Dense kernel', () => {
    expect(value(new GroupLasso(0.1).apply(tf.tensor2d(KERNEL)))).toBeCloseTo(0.1 * (smooth(3) + 0), 6);
    // columns [3, 4] and [-1, 0] have norms 5 and 1
    expect(value(groupLasso(2).apply(tf.tensor2d([[3, -1], [4, 0]])))).toBeCloseTo(2 * (5 + 1), 4);
    // and the smoothing costs less than 1e-6 per column
    expect(smooth(5)).toBeGreaterThan(5 - 1.1e-6);
  });

  it('axis 1 takes the norm of each row; a list of axes takes one norm per remaining index', () => {
    // rows [1, 0], [2, 0], [2, 0]: norms 1, 2, 2
    expect(value(new GroupLasso({ factor: 1, axis: 1 }).apply(tf.tensor2d(KERNEL)))).toBeCloseTo(5, 5);
    expect(value(new GroupLasso({ factor: 1, axis: -1 }).apply(tf.tensor2d(KERNEL)))).toBeCloseTo(5, 5);
    // a conv kernel [h=1, w=2, in=1, out=2]: filter 0 is [3, 4] (norm 5), filter 1 is [0, 1] (norm 1)
    const conv = tf.tensor4d([3, 0, 4, 1], [1, 2, 1, 2]);
    expect(value(new GroupLasso({ factor: 1, axis: [0, 1, 2] }).apply(conv))).toBeCloseTo(6, 5);
    // a bias is one group: its norm
    expect(value(new GroupLasso(1).apply(tf.tensor1d([3, -4])))).toBeCloseTo(5, 5);
    conv.dispose();
  });

  it('is exactly 0 at 0, for every shape', () => {
    for (const shape of [[3, 2], [4], [1, 2, 3, 4]]) {
      expect(value(new GroupLasso({ factor: 5, axis: 0 }).apply(tf.zeros(shape)))).toBe(0);
    }
  });

  it('has the gradient factor * w / ||w_j||, and 0 (not NaN) for an all-zero column', () => {
    // column 0 / 3 = [1/3, 2/3, 2/3]; column 1 is 0
    const g = values(new GroupLasso(0.3).gradient(tf.tensor2d(KERNEL)));
    const expected = [0.3 / 3, 0, 0.6 / 3, 0, 0.6 / 3, 0];
    g.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    // autodiff through apply agrees, zero column included
    const auto = values(tf.grad((w: tf.Tensor) => new GroupLasso(0.3).apply(w))(tf.tensor2d(KERNEL)));
    auto.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
  });

  it('reads int32 weights as float32', () => {
    expect(value(new GroupLasso(1).apply(tf.tensor2d([[3], [4]], undefined, 'int32')))).toBeCloseTo(5, 5);
  });

  it('defaults to factor 0.01 and axis 0; a number is the factor', () => {
    expect(new GroupLasso().getConfig()).toEqual({ factor: 0.01, axis: 0 });
    expect(groupLasso(0.5).getConfig()).toEqual({ factor: 0.5, axis: 0 });
    expect(groupLasso({ axis: [0, 1, 2] }).getConfig()).toEqual({ factor: 0.01, axis: [0, 1, 2] });
    expect(Object.is(groupLasso(-0).factor, 0)).toBe(true);
  });

  it('getConfig returns a copy of the axes', () => {
    const r = groupLasso({ axis: [0, 1] });
    (r.getConfig().axis as number[]).push(2);
    expect(r.getConfig().axis).toEqual([0, 1]);
  });

  it('rejects bad factors, axes and keys, naming the argument and the value', () => {
    for (const bad of [-1, Number.NaN, Infinity, '0.1']) {
      const e = thrown(() => new GroupLasso({ factor: bad as number }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^factor must be a finite number >= 0; received/);
    }
    expect(thrown(() => groupLasso(-0.5)).message).toBe('factor must be a finite number >= 0; received -0.5.');
    expect(thrown(() => groupLasso({ axis: 1.5 })).message).toContain('axis must be an integer; received 1.5');
    expect(thrown(() => groupLasso({ axis: [] })).message).toContain('axis must be an integer or a non-empty list of integers');
    expect(thrown(() => groupLasso({ axis: [0, 0] })).message).toContain('a list of distinct axes');
    expect(thrown(() => groupLasso({ axis: [0, 'x' as never] })).message).toContain('axis[1] must be an integer');
    const key = thrown(() => groupLasso({ factr: 0.1 } as never));
    expect(key.code).toBe('INVALID_CONFIG');
    expect(key.message).toContain("Did you mean 'factor'?");
    expect(thrown(() => groupLasso('big' as never)).code).toBe('INVALID_ARGUMENT');
  });

  it('an axis that does not fit the weight fails before any tensor is made', () => {
    const w = tf.ones([2, 3]);
    const before = tf.memory().numTensors;
    const e = thrown(() => groupLasso({ axis: 2 }).apply(w));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('axis 2 does not fit a weight of shape [2, 3] (rank 2)');
    expect(thrown(() => groupLasso({ axis: [0, -2] }).gradient(w)).code).toBe('INVALID_ARGUMENT');
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
