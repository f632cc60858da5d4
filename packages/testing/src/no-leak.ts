import * as tf from '@tensorflow/tfjs-core';
import { ContractError } from './contract-error.js';

/**
 * Runs `fn` and checks that the number of live tensors is the same afterwards (tensors `fn`
 * returns are disposed first). Works for sync and async functions.
 */
export async function expectNoTensorLeak(what: string, fn: () => unknown): Promise<void> {
  const before = tf.memory().numTensors;
  const result = await fn();
  tf.dispose(result as tf.TensorContainer);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new ContractError(`${what} leaked ${after - before} tensor(s): ${before} before, ${after} after.`);
  }
}
