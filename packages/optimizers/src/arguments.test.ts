import { initBackend } from '@ridge/backend';
import type { WeightGradient } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, grad, rejected, valuesOf, weight } from '../test/helpers.js';
import { adam } from './adam.js';
import './features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

describe('malformed arguments are INVALID_ARGUMENT, naming the argument and index, and change nothing', () => {
  it.each([
    ['a number', 5, 'gradients[1]', 'received 5'],
    ['an empty object', {}, 'gradients[1]', 'received {}'],
    ['null', null, 'gradients[1]', 'received null'],
    ['a pair without a WeightInfo', { weight: 'dense_1/kernel', gradient: null }, 'gradients[1]', 'dense_1/kernel'],
  ])('applyGradients with %s after a good pair', (_, bad, argument, received) => {
    const w = weight([1, 2]);
    const opt = adam({ learningRate: 0.1 });
    opt.applyGradients([grad(w, [1, 1])]);
    const state = opt.getWeights();
    const before = tf.memory().numTensors;
    // The good pair comes first: it must not be stepped when a later one is bad.
    const error = rejected(() => opt.applyGradients([grad(w, [1, 1]), bad as WeightGradient]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${argument} must be { weight, gradient }`);
    expect(error.message).toContain(received);
    expect(tf.memory().numTensors).toBe(before + 1); // the gradient made by grad() above, nothing else
    expect(opt.iterations).toBe(1);
    const after = opt.getWeights();
    after.forEach((s, i) => expect(Array.from(s.tensor.dataSync())).toEqual(Array.from(state[i]!.tensor.dataSync())));
    tf.dispose([...state, ...after].map((s) => s.tensor));
    opt.dispose();
  });

  it('applyGradients with a gradient that is not a tensor', () => {
    const w = weight([1, 2]);
    const opt = adam({ learningRate: 0.1 });
    const error = rejected(() => opt.applyGradients([{ weight: w, gradient: [1, 1] as never }]));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('gradients[0].gradient must be a Tensor');
    expect(error.message).toContain('received [1, 1]');
    expect(valuesOf(w)).toEqual([1, 2]);
    expect(opt.iterations).toBe(0);
  });

  it.each([
    ['a number', 5, 'weights must be a list', 'received 5'],
    ['a list holding a number', [5], 'weights[0] must be { name, tensor }', 'received 5'],
    ['a list holding an object without a tensor', [{ name: 'iterations' }], 'weights[0] must be { name, tensor }', 'received {"name":"iterations"}'],
  ])('setWeights with %s', (_, bad, start, received) => {
    const w = weight([1, 2]);
    const opt = adam({ learningRate: 0.1 });
    opt.applyGradients([grad(w, [1, 1])]);
    const before = tf.memory().numTensors;
    const error = rejected(() => opt.setWeights(bad as never));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(start);
    expect(error.message).toContain(received);
    expect(tf.memory().numTensors).toBe(before);
    expect(opt.iterations).toBe(1);
    opt.dispose();
  });

  it('setWeights checks every entry before restoring any', () => {
    const opt = adam();
    const it5 = tf.scalar(5, 'int32');
    const error = rejected(() => opt.setWeights([{ name: 'iterations', tensor: it5 }, 7 as never]));
    expect(error.message).toContain('weights[1]');
    expect(opt.iterations).toBe(0);
    it5.dispose();
  });
});
