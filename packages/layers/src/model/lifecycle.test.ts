import { adam } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';

/* Re-compiling keeps an optimizer it goes on with; a disposed model refuses every call. */

useCpu();

function small(name: string): Model {
  const inp = input({ shape: [2] });
  return model({ inputs: inp, outputs: dense({ units: 1, name }).apply(inp) });
}

it('compile with the same optimizer instance (adding regularization to a trained model) keeps its state; another one frees it', async () => {
  const m = small('lc_keep');
  const [x, y] = [tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [2]])];
  m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
  await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
  const opt = m.optimizer!;
  expect(opt.iterations).toBe(2);
  const tensors = tf.memory().numTensors;
  m.compile({ optimizer: opt, loss: 'mse', regularization: 'l2' });
  // Same instance: its step count and slots (Adam's moments) are still there.
  expect(m.optimizer).toBe(opt);
  expect(opt.iterations).toBe(2);
  expect(tf.memory().numTensors).toBe(tensors);
  await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  expect(opt.iterations).toBe(3);
  // A new optimizer replaces it: the old one's slots (m and v of kernel and bias) are freed.
  const before = tf.memory().numTensors;
  m.compile({ optimizer: adam(), loss: 'mse' });
  expect(tf.memory().numTensors).toBe(before - 4);
  tf.dispose([x, y]);
  m.dispose();
});

it('a disposed model refuses fit, evaluate, predict, compile, save, toJSON and summary with INVALID_ARGUMENT; dispose twice is fine', async () => {
  const m = small('lc_gone');
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  m.dispose();
  m.dispose();
  const x = tf.ones([2, 2]);
  const calls: [string, () => unknown][] = [
    ['fit()', () => m.fit(x, x, { verbose: 0 })],
    ['evaluate()', () => m.evaluate(x, x)],
    ['predict()', () => m.predict(x)],
    ['compile()', () => m.compile({ optimizer: 'sgd', loss: 'mse' })],
    ['save()', () => m.save('file:///tmp/ridge-never-written')],
    ['toJSON()', () => m.toJSON()],
    ['summary()', () => m.summary(false)],
  ];
  for (const [call, fn] of calls) {
    const error = await caught(fn);
    expect(error, call).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`was disposed; ${call} needs a live model`) });
  }
  x.dispose();
});
