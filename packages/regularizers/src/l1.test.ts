import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalarValue } from '../test/support.js';
import { L1, l1 } from './l1.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('L1', () => {
  it('is l1 * sum(|x|)', () => {
    const x = tf.tensor2d([
      [1, -2],
      [3, -4],
    ]);
    // |1| + |-2| + |3| + |-4| = 10
    expectClose(scalarValue(new L1(0.1).apply(x)), 0.1 * 10);
    expectClose(scalarValue(new L1(0.5).apply(tf.tensor1d([-0.25, 0.75]))), 0.5 * (0.25 + 0.75));
    x.dispose();
  });

  it('is 0 at 0 and returns a scalar', () => {
    const penalty = new L1(0.3).apply(tf.zeros([3, 2]));
    expect(penalty.shape).toEqual([]);
    expect(scalarValue(penalty)).toBe(0);
  });

  it('casts integer weights to float32', () => {
    const penalty = new L1(0.5).apply(tf.tensor1d([2, -3], 'int32'));
    expect(penalty.dtype).toBe('float32');
    expectClose(scalarValue(penalty), 0.5 * 5);
  });

  it('has the gradient l1 * sign(x), 0 at 0', () => {
    const g = new L1(0.5).gradient(tf.tensor1d([3, -1, 0, 0.001]));
    expectClose(g, [0.5, -0.5, 0, 0.5]);
  });

  it('defaults to 0.01, and number and config are the same', () => {
    expect(new L1().l1).toBe(0.01);
    expect(l1().l1).toBe(0.01);
    expect(l1(0.25).getConfig()).toEqual({ l1: 0.25 });
    expect(l1({ l1: 0.25 }).getConfig()).toEqual(l1(0.25).getConfig());
    expect(l1({}).getConfig()).toEqual({ l1: 0.01 });
    expect(l1(0.25)).toBeInstanceOf(L1);
    expect(l1().className).toBe('L1');
  });
});
