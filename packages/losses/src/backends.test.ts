import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { CASES } from '../test/cases.js';
import { expectAllFinite, expectClose, gradient, run } from '../test/helpers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Values and gradients of every case, computed on the current backend. */
function evaluate(): number[][] {
  return CASES.flatMap(({ create, nonDefault, yTrue, yPred, trueDtype }) =>
    [create(), create(nonDefault)].flatMap((loss) => [
      run(loss, yTrue, yPred, [1, 0.5, 0], trueDtype),
      gradient(create({ ...nonDefault, reduction: 'mean' }), yTrue, yPred, trueDtype),
      // Probabilities of exactly 0 and 1 everywhere.
      gradient(loss.reduction === 'none' ? create() : loss, yTrue, yPred.map((r) => r.map((_, j) => (j === 0 ? 1 : 0))), trueDtype),
    ]),
  );
}

describe('the default Node backend (wasm) agrees with cpu', () => {
  it('on every loss value and gradient', async () => {
    const onCpu = evaluate();
    await initBackend({ prefer: 'wasm', log: false });
    if (tf.getBackend() !== 'wasm') throw new Error(`wasm did not start (running ${tf.getBackend()})`);
    const onWasm = evaluate();
    onWasm.forEach((values, i) => {
      expectAllFinite(values);
      expectClose(values, onCpu[i]!, 1e-4);
    });
  });
});
