import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { square, valued } from '../test/doubles.js';
import { ContractError, expectNonNegative } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('expectNonNegative', () => {
  it('passes a penalty that is >= 0 on every sample, zero included', () => {
    const samples = [tf.tensor2d([[1, -2], [3, -4]]), tf.zeros([3]), tf.tensor1d([-1e-3])];
    expect(() => expectNonNegative(square(), samples)).not.toThrow();
    tf.dispose(samples);
  });

  it('fails a penalty that goes negative, naming the sample and the value', () => {
    const samples = [tf.tensor1d([1, 2]), tf.tensor1d([1, -3])];
    // sum(x): 3 on the first sample, 1 - 3 = -2 on the second
    const r = valued('kit>Sum', (x) => tf.sum(x));
    expect(() => expectNonNegative(r, samples)).toThrow(ContractError);
    expect(() => expectNonNegative(r, samples)).toThrow('sample 1 (shape [2]): the penalty is -2 < 0');
    tf.dispose(samples);
  });

  it('fails NaN and infinite penalties, and non-scalar results', () => {
    const samples = [tf.tensor1d([-4])];
    expect(() => expectNonNegative(valued('kit>Sqrt', (x) => tf.sqrt(tf.sum(x))), samples)).toThrow('the penalty is NaN');
    expect(() => expectNonNegative(valued('kit>Inf', (x) => tf.div(tf.sum(x), 0)), samples)).toThrow('the penalty is -Infinity');
    expect(() => expectNonNegative(valued('kit>Each', (x) => tf.square(x)), samples)).toThrow('apply returned a tensor of shape [1], not a scalar');
    tf.dispose(samples);
  });

  it('refuses to pass vacuously', () => {
    expect(() => expectNonNegative(square(), [])).toThrow('no samples were given');
  });
});
