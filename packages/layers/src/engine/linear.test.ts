import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { linear } from './linear.js';

useCpu();

describe('linear: x W + b with explicit-transpose gradients', () => {
  let x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D;
  beforeAll(() => {
    x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    w = tf.tensor2d([[1, -1], [0, 2], [3, 1]]);
    b = tf.tensor1d([0.5, -0.5]);
    dy = tf.tensor2d([[1, 0.5], [-2, 1]]);
  });
  // by hand: y = x w + b; dx = dy w^T; dw = x^T dy; db = column sums of dy
  const yExpected = [[1 + 0 + 9 + 0.5, -1 + 4 + 3 - 0.5], [4 + 0 + 18 + 0.5, -4 + 10 + 6 - 0.5]];
  const dxExpected = [[1 - 0.5, 0 + 1, 3 + 0.5], [-2 - 1, 0 + 2, -6 + 1]];
  const dwExpected = [[1 - 8, 0.5 + 4], [2 - 10, 1 + 5], [3 - 12, 1.5 + 6]];
  const dbExpected = [-1, 1.5];

  it('forward, and every gradient when x needs one', async () => {
    expect(await linear(x, w, b, true).array()).toEqual(yExpected);
    const [dx, dw, db] = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(linear(a as tf.Tensor2D, c as tf.Tensor2D, d, true), dy)))([x, w, b]);
    expect(await dx!.array()).toEqual(dxExpected);
    expect(await dw!.array()).toEqual(dwExpected);
    expect(Array.from(await db!.data())).toEqual(dbExpected);
  });

  it('weights only when x is data, and without a bias', async () => {
    const [dw, db] = tf.grads((c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(linear(x, c as tf.Tensor2D, d, false), dy)))([w, b]);
    expect(await dw!.array()).toEqual(dwExpected);
    expect(Array.from(await db!.data())).toEqual(dbExpected);
    const [dw2] = tf.grads((c: tf.Tensor) => tf.sum(tf.mul(linear(x, c as tf.Tensor2D, undefined, false), dy)))([w]);
    expect(await dw2!.array()).toEqual(dwExpected);
    const [dx2] = tf.grads((a: tf.Tensor) => tf.sum(tf.mul(linear(a as tf.Tensor2D, w, undefined, true), dy)))([x]);
    expect(await dx2!.array()).toEqual(dxExpected);
  });
});
