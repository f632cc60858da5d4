import { sgd } from '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';

useCpu();

function linear(name: string): Model {
  const inp = input({ shape: [2], name: `${name}_in` });
  const m = model({ inputs: inp, outputs: dense({ units: 1, name, kernelInitializer: 'ones' }).apply(inp) });
  m.compile({ optimizer: sgd({ learningRate: 0.1, momentum: 0.5 }), loss: 'mse' });
  return m;
}

describe('fit(batches): a batch that is not { xs, ys } or [xs, ys]', () => {
  it.each([
    ['undefined', () => undefined, 'received undefined'],
    ['null', () => null, 'received null'],
    ['a number', () => 3, 'received 3'],
    ['a tensor', () => tf.ones([2, 2]), 'received a Tensor of shape [2, 2]'],
    ['{ x, y } instead of { xs, ys }', () => ({ x: tf.ones([1, 2]), y: tf.ones([1, 1]) }), 'received {"x":'],
  ])('%s: INVALID_DATA naming the batch and the value; nothing changed, nothing kept', async (_, make, received) => {
    const m = linear('bad_batch');
    const before = tf.memory().numTensors;
    const weights = m.weights.map((w) => numbers(w.variable));
    const batches = {
      async *[Symbol.asyncIterator]() {
        yield make();
      },
    };
    const error = await caught(() => m.fit(batches as never, { epochs: 1, verbose: 0 }));
    expect(RidgeError.is(error), String(error)).toBe(true);
    expect((error as RidgeError).code).toBe('INVALID_DATA');
    expect((error as RidgeError).message).toContain('fit: batch 0 of epoch 1 must be { xs, ys, sampleWeight? } or [xs, ys, sampleWeight?]');
    expect((error as RidgeError).message).toContain(received);
    expect(tf.memory().numTensors).toBe(before);
    expect(m.weights.map((w) => numbers(w.variable))).toEqual(weights);
    expect(m.optimizer!.iterations).toBe(0);
    // and it trains on good batches afterwards
    await m.fit([[1, 0]], [[1]], { epochs: 1, verbose: 0 });
    expect(m.optimizer!.iterations).toBe(1);
    m.dispose();
  });

  it('names the index of a later batch', async () => {
    const m = linear('late_batch');
    const batches = {
      async *[Symbol.asyncIterator]() {
        yield { xs: [[1, 0]], ys: [[1]] };
        yield undefined;
      },
    };
    const error = await caught(() => m.fit(batches as never, { epochs: 1, verbose: 0 }));
    expect((error as RidgeError).message).toContain('fit: batch 1 of epoch 1 must be');
    expect(m.optimizer!.iterations).toBe(1);
    m.dispose();
  });
});
