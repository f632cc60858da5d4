import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContractError, expectNoTensorLeak } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('expectNoTensorLeak', () => {
  it('passes when the function cleans up (returned tensors are disposed for it)', async () => {
    await expect(expectNoTensorLeak('tidy sum', () => tf.tidy(() => tf.sum(tf.ones([3]))))).resolves.toBeUndefined();
  });

  it('fails, with the count, when a tensor is left behind', async () => {
    const kept: tf.Tensor[] = [];
    await expect(expectNoTensorLeak('leaky', () => void kept.push(tf.ones([2])))).rejects.toThrow(ContractError);
    await expect(expectNoTensorLeak('leaky', () => void kept.push(tf.ones([2])))).rejects.toThrow('leaky leaked 1 tensor(s)');
    tf.dispose(kept);
  });
});
