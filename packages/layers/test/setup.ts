import { initBackend } from '@ridge/backend';
import '@ridge/losses';
import '@ridge/optimizers';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll } from 'vitest';

/** Every layers test runs on the cpu backend with all plugins registered. */
export function useCpu(): void {
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', log: false });
  });
}

export function numbers(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Catches a rejection or throw and returns the error (so tests can assert on code and message). */
export async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}
