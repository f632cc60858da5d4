import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe("tfjs-core's gradients, registered by importing @ridge/backend", () => {
  it('d/dx sum(x^2) = 2x', async () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, -2, 3]));
    expect(Array.from(await g.data())).toEqual([2, -4, 6]);
  });

  it('matMul: d/dW sum(x W) = x^T 1', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const g = tf.grad((w: tf.Tensor) => tf.sum(tf.matMul(x, w as tf.Tensor2D)))(tf.zeros([2, 3]));
    // each column of the gradient is the column sums of x: [1+3, 2+4]
    expect(await g.array()).toEqual([[4, 4, 4], [6, 6, 6]]);
  });

  it('tanh and its derivative 1 - tanh^2 at 0.5', async () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.tanh(x)))(tf.scalar(0.5));
    expect((await g.data())[0]).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 6);
  });

  it('conv2d and maxPool have gradients (ops whose backprop is not public in tfjs-core)', () => {
    const w = tf.variable(tf.ones([2, 2, 1, 1]));
    const { value, grads } = tf.variableGrads(() =>
      tf.sum(tf.maxPool(tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, w as tf.Variable<tf.Rank.R4>, 1, 'valid'), 2, 1, 'valid')),
    );
    // every 2x2 window of a ones image sums to 4, so each output is 4; 3x3 conv output, 2x2 pooled
    expect(value.dataSync()[0]).toBe(16);
    expect(grads[w.name]?.shape).toEqual([2, 2, 1, 1]);
    tf.dispose([w, value, grads[w.name]!]);
  });
});
