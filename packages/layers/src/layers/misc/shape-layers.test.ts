import { registry } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caughtRidgeError as caught } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { dense, input, model } from '../../index.js';
import type { Layer } from '../../engine/layer.js';
import { permute, repeatVector } from './index.js';

useCpu();

describe('RepeatVector', () => {
  it('[batch, features] -> [batch, n, features], every row repeated n times', () => {
    const layer = repeatVector({ n: 3 });
    expect(layer.apply(input({ shape: [2] })).shape).toEqual([null, 3, 2]);
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.arraySync()).toEqual([
      [[1, 2], [1, 2], [1, 2]],
      [[3, 4], [3, 4], [3, 4]],
    ]);
    tf.dispose([x, y]);
  });

  it('refuses an n that is not an integer >= 1, and inputs of another rank', () => {
    for (const n of [0, 1.5, -2, '3']) {
      const error = caught(() => repeatVector({ n: n as number }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details['argument']).toBe('n');
      expect(error.message).toContain('n must be an integer >= 1');
    }
    const error = caught(() => repeatVector({ n: 2 }).apply(input({ shape: [3, 2] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('[null, 3, 2]');
  });
});

describe('Permute', () => {
  it('dims are 1-based: [2, 1] swaps time and features; the output shape follows', () => {
    const layer = permute({ dims: [2, 1] });
    expect(layer.apply(input({ shape: [3, 4] })).shape).toEqual([null, 4, 3]);
    const x = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]); // [1, 3, 2]
    const y = layer.apply(x) as tf.Tensor;
    expect(y.arraySync()).toEqual([[[1, 3, 5], [2, 4, 6]]]);
    tf.dispose([x, y]);
  });

  it('a rank-4 permutation: entry [b, i, j, k] of the input is entry [b, k, i, j] of the output for dims [3, 1, 2]', () => {
    const x = tf.tensor4d(Array.from({ length: 24 }, (_, i) => i), [1, 2, 3, 4]);
    const y = permute({ dims: [3, 1, 2] }).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 4, 2, 3]);
    const [xs, ys] = [x.arraySync() as number[][][][], y.arraySync() as number[][][][]];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) expect(ys[0]![k]![i]![j]).toBe(xs[0]![i]![j]![k]);
    tf.dispose([x, y]);
  });

  it('refuses dims that are not a 1-based permutation, and inputs of another rank', () => {
    for (const dims of [[0, 1], [1, 1], [1, 3], [], 'all', [2, 1.5]]) {
      const error = caught(() => permute({ dims: dims as number[] }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details['argument']).toBe('dims');
      expect(error.message).toContain('dims must be a permutation of the input axes');
    }
    const error = caught(() => permute({ dims: [2, 1] }).apply(input({ shape: [4] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('rank 3');
  });
});

describe('RepeatVector and Permute in a model', () => {
  it('config round trip through the registry; fit and predict leave tf.memory() as it was', async () => {
    const inp = input({ shape: [3] });
    const rep = repeatVector({ n: 4 });
    const per = permute({ dims: [2, 1] });
    const out = dense({ units: 1 }).apply(per.apply(rep.apply(inp)));
    for (const layer of [rep, per] as Layer[]) {
      const config = layer.getConfig();
      const copy = registry('layer').get(layer.className as 'RepeatVector').create(JSON.parse(JSON.stringify(config))) as Layer;
      expect(copy.getConfig()).toEqual({ ...config, name: copy.name });
    }
    const m = model({ inputs: inp, outputs: out });
    expect(m.outputs[0]!.shape).toEqual([null, 3, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const y = tf.zeros([5, 3, 1]);
    await m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 });
    const before = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });
});
