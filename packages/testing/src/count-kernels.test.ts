import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { countKernels } from './count-kernels.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('counts the kernels an op sequence dispatches, and restores the engine even after a throw', () => {
  const a = tf.tensor1d([1, 2, 3]);
  // add, mul, sum: three kernels; tidy and the scalar's upload dispatch none.
  expect(countKernels(() => tf.tidy(() => tf.sum(tf.mul(tf.add(a, a), tf.scalar(2)))))).toBe(3);
  expect(countKernels(() => undefined)).toBe(0);
  const runKernel = (tf.engine() as unknown as { runKernel: unknown }).runKernel;
  expect(() =>
    countKernels(() => {
      tf.dispose(tf.neg(a));
      throw new Error('boom');
    }),
  ).toThrow('boom');
  expect((tf.engine() as unknown as { runKernel: unknown }).runKernel).toBe(runKernel);
  a.dispose();
});
