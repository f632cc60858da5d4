import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, scalarValue } from '../test/support.js';
import { L2, l2 } from './l2.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('L2', () => {
  it('is l2 * sum(x^2), with no factor 1/2', () => {
    const x = tf.tensor2d([
      [1, -2],
      [3, -4],
    ]);
    // 1 + 4 + 9 + 16 = 30
    expectClose(scalarValue(new L2(0.01).apply(x)), 0.01 * 30);
    // 0.5^2 + 1.5^2 = 0.25 + 2.25 = 2.5
    expectClose(scalarValue(new L2(2).apply(tf.tensor1d([0.5, -1.5]))), 2 * 2.5);
    x.dispose();
  });

  it('is 0 at 0', () => {
    expect(scalarValue(new L2(0.7).apply(tf.zeros([4])))).toBe(0);
  });

  it('has the gradient 2 * l2 * x', () => {
    const g = new L2(0.5).gradient(tf.tensor1d([1, -2, 0, 0.25]));
    // 2 * 0.5 = 1, so the gradient equals x
    expectClose(g, [1, -2, 0, 0.25]);
    expectClose(new L2(0.1).gradient(tf.tensor1d([3])), [2 * 0.1 * 3]);
  });

  it('defaults to 0.01, and number and config are the same', () => {
    expect(new L2().l2).toBe(0.01);
    expect(l2().l2).toBe(0.01);
    expect(l2(0.001).getConfig()).toEqual({ l2: 0.001 });
    expect(l2({ l2: 0.001 }).getConfig()).toEqual(l2(0.001).getConfig());
    expect(l2(0.001)).toBeInstanceOf(L2);
  });

  it('stores -0 as 0', () => {
    expect(Object.is(l2(-0).l2, 0)).toBe(true);
  });
});
