/**
 * CategoryEncoding: the expected values are Keras 3's own test cases
 * (keras/src/layers/preprocessing/category_encoding_test.py), counted by hand in the comments.
 */
import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught } from '../../../test/fixtures.js';
import { categoryEncoding, dense, input, model } from '../../index.js';

useCpu();

function encode(args: Parameters<typeof categoryEncoding>[0], data: number[] | number[][], dtype: 'int32' | 'float32' = 'int32'): { shape: number[]; values: unknown } {
  const x = tf.tensor(data, undefined, dtype);
  const y = categoryEncoding(args).apply(x);
  expect(y.dtype).toBe('float32');
  const out = { shape: y.shape, values: y.arraySync() };
  tf.dispose([x, y]);
  return out;
}

describe('CategoryEncoding', () => {
  it("count: how often each token appears, per sample (the last axis); a rank-1 input is one sample", () => {
    // tokens 1, 2, 3, 1: token 1 twice, 2 and 3 once
    expect(encode({ numTokens: 6, outputMode: 'count' }, [1, 2, 3, 1])).toEqual({ shape: [6], values: [0, 2, 1, 1, 0, 0] });
    // row 2: tokens 0, 3, 1, 0: token 0 twice, 1 and 3 once
    expect(encode({ numTokens: 6, outputMode: 'count' }, [[1, 2, 3, 1], [0, 3, 1, 0]])).toEqual({
      shape: [2, 6],
      values: [
        [0, 2, 1, 1, 0, 0],
        [2, 1, 0, 1, 0, 0],
      ],
    });
  });

  it('multi_hot (the default): 1 for each token present', () => {
    expect(encode({ numTokens: 6 }, [3, 2, 0, 1])).toEqual({ shape: [6], values: [1, 1, 1, 1, 0, 0] });
    expect(encode({ numTokens: 6, outputMode: 'multi_hot' }, [[3, 2, 0, 1], [0, 0, 5, 5]])).toEqual({
      shape: [2, 6],
      values: [
        [1, 1, 1, 1, 0, 0],
        [1, 0, 0, 0, 0, 1],
      ],
    });
  });

  it('one_hot: a row per value; a last axis of size 1 is replaced, any other kept', () => {
    const rows = [
      [0, 0, 0, 1, 0, 0],
      [0, 0, 1, 0, 0, 0],
      [1, 0, 0, 0, 0, 0],
      [0, 1, 0, 0, 0, 0],
    ];
    expect(encode({ numTokens: 6, outputMode: 'one_hot' }, [3, 2, 0, 1])).toEqual({ shape: [4, 6], values: rows });
    expect(encode({ numTokens: 6, outputMode: 'one_hot' }, [[3], [2], [0], [1]])).toEqual({ shape: [4, 6], values: rows });
    expect(encode({ numTokens: 6, outputMode: 'one_hot' }, [[3, 2, 0, 1], [3, 2, 0, 1]])).toEqual({ shape: [2, 4, 6], values: [rows, rows] });
    // float32 inputs holding integers (a model's default input dtype) encode the same
    expect(encode({ numTokens: 6, outputMode: 'one_hot' }, [3, 2, 0, 1], 'float32')).toEqual({ shape: [4, 6], values: rows });
  });

  it('computes the same on wasm (int32 one-hots: the wasm float32 OneHot writes denormals for 1)', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    try {
      expect(tf.getBackend()).toBe('wasm');
      expect(encode({ numTokens: 6, outputMode: 'count' }, [[1, 2, 3, 1], [0, 3, 1, 0]]).values).toEqual([
        [0, 2, 1, 1, 0, 0],
        [2, 1, 0, 1, 0, 0],
      ]);
      expect(encode({ numTokens: 4, outputMode: 'one_hot' }, [[3], [0]]).values).toEqual([
        [0, 0, 0, 1],
        [1, 0, 0, 0],
      ]);
      expect(encode({ numTokens: 4 }, [[3, 3], [0, 2]]).values).toEqual([
        [0, 0, 0, 1],
        [1, 0, 1, 0],
      ]);
      const ids = tf.tensor1d([1, 5], 'int32');
      const before = tf.memory().numTensors;
      const error = caught(() => categoryEncoding({ numTokens: 2, name: 'wasm_ce' }).apply(ids));
      expect(error.message).toContain('input value 5 is not a token id in [0, 1]');
      expect(tf.memory().numTensors).toBe(before);
      ids.dispose();
    } finally {
      await initBackend({ prefer: 'cpu', log: false });
    }
  });

  it("symbolic output shapes follow Keras's compute_output_shape", () => {
    const ids = input({ shape: [4], dtype: 'int32' });
    expect(categoryEncoding({ numTokens: 6 }).apply(ids).shape).toEqual([null, 6]);
    expect(categoryEncoding({ numTokens: 6, outputMode: 'count' }).apply(ids).shape).toEqual([null, 6]);
    expect(categoryEncoding({ numTokens: 6, outputMode: 'one_hot' }).apply(ids).shape).toEqual([null, 4, 6]);
    expect(categoryEncoding({ numTokens: 6, outputMode: 'one_hot' }).apply(input({ shape: [1], dtype: 'int32' })).shape).toEqual([null, 6]);
    expect(categoryEncoding({ numTokens: 6, outputMode: 'multi_hot' }).apply(input({ shape: [2, 3], dtype: 'int32' })).shape).toEqual([null, 2, 6]);
  });

  it('refuses token ids outside [0, numTokens) and fractions, naming the value; nothing leaks', () => {
    const layer = categoryEncoding({ numTokens: 4, name: 'tokens' });
    for (const [bad, dtype] of [[4, 'int32'], [-1, 'int32'], [9, 'float32'], [1.5, 'float32']] as const) {
      const x = tf.tensor2d([[0, 3, bad]], [1, 3], dtype);
      const before = tf.memory().numTensors;
      const error = caught(() => layer.apply(x));
      expect(error.code).toBe('INVALID_DATA');
      expect(error.message).toBe(
        `CategoryEncoding 'tokens': input value ${bad} is not a token id in [0, 3] (numTokens 4); token ids must be integers from 0 to numTokens - 1: raise numTokens or fix the data.`,
      );
      expect(error.details).toMatchObject({ layer: 'tokens', received: bad, numTokens: 4 });
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    }
  });

  it('refuses bad arguments, sparse output, and count on rank 3', () => {
    for (const numTokens of [0, -1, 2.5, '3']) {
      const error = caught(() => categoryEncoding({ numTokens: numTokens as never, name: 'ce' }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain("CategoryEncoding 'ce': numTokens must be an integer >= 1");
    }
    expect(caught(() => categoryEncoding({ numTokens: 3, outputMode: 'one-hot' as never })).message).toContain("outputMode must be 'one_hot', 'multi_hot' or 'count'; received \"one-hot\".");
    expect(caught(() => categoryEncoding({ numTokens: 3, sparse: true })).message).toContain('sparse must be false (Ridge computes dense tensors)');
    // Keras's deprecated 'binary' is multi_hot; tfjs-layers' 'oneHot' and 'multiHot' (in its saved models) are read too
    expect(categoryEncoding({ numTokens: 3, outputMode: 'binary' as never }).outputMode).toBe('multi_hot');
    expect(categoryEncoding({ numTokens: 3, outputMode: 'oneHot' as never }).outputMode).toBe('one_hot');
    expect(categoryEncoding({ numTokens: 3, outputMode: 'multiHot' as never }).getConfig()).toMatchObject({ outputMode: 'multi_hot' });
    const error = caught(() => categoryEncoding({ numTokens: 3, outputMode: 'count', name: 'deep' }).apply(input({ shape: [2, 2], dtype: 'int32' })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("CategoryEncoding 'deep': outputMode 'count' takes inputs of rank 1 or 2, [batch, values]; received shape [null, 2, 2].");
  });

  it('feeds a dense layer in a model trained on int32 token ids', async () => {
    const ids = input({ shape: [3], dtype: 'int32' });
    const out = dense({ units: 1, useBias: false, kernelInitializer: 'zeros' }).apply(categoryEncoding({ numTokens: 4, outputMode: 'count' }).apply(ids));
    const m = model({ inputs: ids, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d([[0, 0, 1], [3, 3, 3]], [2, 3], 'int32');
    const y = tf.tensor2d([[1], [2]]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    // One SGD step (lr 0.01) from a zero kernel: grad = 2 / n * sum over samples of (0 - y) * counts.
    // counts [2, 1, 0, 0] (y 1) and [0, 0, 0, 3] (y 2): grad = [-2, -1, 0, -6], kernel = -0.01 * grad.
    expect(Array.from((m.weights[0]!.variable as tf.Tensor).dataSync()).map((v) => Number(v.toFixed(6)))).toEqual([0.02, 0.01, 0, 0.06]);
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });
});
