import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectRidgeError } from '../../test/support.js';
import { NonNeg, nonNeg } from './non-neg.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('NonNeg', () => {
  it('sets negative weights to 0 and keeps the others', () => {
    const w = tf.tensor2d([
      [-1, 2],
      [0, -0.5],
    ]);
    expectClose(nonNeg().apply(w), [
      [0, 2],
      [0, 0],
    ]);
  });

  it('takes no arguments', () => {
    expect(new NonNeg().getConfig()).toEqual({});
    expect(new NonNeg({}).getConfig()).toEqual({});
    expectRidgeError(() => new NonNeg({ axis: 0 } as never), 'INVALID_CONFIG', '"axis"', 'Known keys: none');
  });
});
