import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, expect, it, vi } from 'vitest';
import { caughtRidgeError } from '../../test/fixtures.js';
import { useCpu } from '../../test/setup.js';
import { dense, input, model, type Model } from '../index.js';

/* `evaluate` and `predict` take Keras's `verbose` (0 by default here: silent) and print one line. */

useCpu();
afterEach(() => vi.restoreAllMocks());

function linear(): Model {
  const inp = input({ shape: [2] });
  const m = model({ inputs: inp, outputs: dense({ units: 1, kernelInitializer: 'zeros' }).apply(inp) });
  m.compile({ optimizer: sgd(0.1), loss: 'mse' });
  return m;
}

function captured(): string[] {
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  return out;
}

it('evaluate({ verbose: 1 }) prints one line: steps, then the logs; predict({ verbose: 2 }) the steps; 0 prints nothing', async () => {
  const m = linear();
  const [x, y] = [tf.ones([10, 2]), tf.fill([10, 1], 2)];
  const out = captured();
  const logs = await m.evaluate(x, y, { batchSize: 4, verbose: 1 });
  // zero weights predict 0: the loss is 2^2 = 4, over ceil(10 / 4) = 3 steps
  expect(logs['loss']).toBeCloseTo(4, 6);
  expect(out).toHaveLength(1);
  expect(out[0]).toMatch(/^3\/3 .* - loss: 4\.0000 - data_loss: 4\.0000 - penalty: 0\.0000\n$/);
  tf.dispose(m.predict(x, { batchSize: 5, verbose: 2 }));
  expect(out).toHaveLength(2);
  expect(out[1]).toMatch(/^2\/2 \S+ \S+ samples\/s\n$/);
  await m.evaluate(x, y, { verbose: 0 });
  tf.dispose(m.predict(x));
  expect(out).toHaveLength(2);
  tf.dispose([x, y]);
  m.dispose();
});

it('verbose other than 0, 1 or 2 is INVALID_ARGUMENT naming it, before any work', async () => {
  const m = linear();
  const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
  const before = tf.memory().numTensors;
  const e1 = caughtRidgeError(() => m.predict(x, { verbose: 3 as 0 }));
  expect(e1.message).toMatch(/predict: verbose must be 0, 1 or 2; received 3/);
  const e2 = await m.evaluate(x, y, { verbose: true as never }).catch((e: unknown) => e);
  expect(e2).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/evaluate: verbose must be 0, 1 or 2; received true/) });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([x, y]);
  m.dispose();
});
