import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectRidgeError } from '../../test/support.js';
import { MinMaxNorm, minMaxNorm } from './min-max-norm.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const EPS = 1e-7;

// Columns [3, 4] (norm 5) and [0, 1] (norm 1).
const kernel = (): tf.Tensor =>
  tf.tensor2d([
    [3, 0],
    [4, 1],
  ]);

describe('MinMaxNorm', () => {
  it('rate 1 (default): moves each column norm into [minValue, maxValue]', () => {
    // minValue 1.5, maxValue 3: column 0 has 5 -> 3, column 1 has 1 -> 1.5.
    const s0 = 3 / (EPS + 5);
    const s1 = 1.5 / (EPS + 1);
    expectClose(minMaxNorm({ minValue: 1.5, maxValue: 3 }).apply(kernel()), [
      [3 * s0, 0],
      [4 * s0, 1 * s1],
    ]);
  });

  it('rate 0.5 moves half of the way', () => {
    // desired = 0.5 * clip(norm, 1.5, 3) + 0.5 * norm: column 0: 0.5 * 3 + 0.5 * 5 = 4;
    // column 1: 0.5 * 1.5 + 0.5 * 1 = 1.25.
    const s0 = 4 / (EPS + 5);
    const s1 = 1.25 / (EPS + 1);
    expectClose(minMaxNorm({ minValue: 1.5, maxValue: 3, rate: 0.5 }).apply(kernel()), [
      [3 * s0, 0],
      [4 * s0, 1 * s1],
    ]);
  });

  it('the defaults [0, 1] make a unit-norm constraint on columns with norm above 1', () => {
    const s0 = 1 / (EPS + 5);
    const s1 = 1 / (EPS + 1);
    expectClose(new MinMaxNorm().apply(kernel()), [
      [3 * s0, 0],
      [4 * s0, 1 * s1],
    ]);
  });

  it('axis 1: the rows', () => {
    // Rows [3, 0] (norm 3) and [4, 1] (norm sqrt(17)), clipped into [0, 2]: both become 2.
    const s0 = 2 / (EPS + 3);
    const s1 = 2 / (EPS + Math.sqrt(17));
    expectClose(minMaxNorm({ maxValue: 2, axis: 1 }).apply(kernel()), [
      [3 * s0, 0],
      [4 * s1, 1 * s1],
    ]);
  });

  it('has Keras defaults and rejects bad arguments', () => {
    expect(minMaxNorm().getConfig()).toEqual({ minValue: 0, maxValue: 1, rate: 1, axis: 0 });
    expectRidgeError(() => minMaxNorm({ minValue: 2, maxValue: 1 }), 'INVALID_ARGUMENT', 'minValue', 'maxValue (1)', '2');
    expectRidgeError(() => minMaxNorm({ rate: 1.5 }), 'INVALID_ARGUMENT', 'rate must be', '1.5');
    expectRidgeError(() => minMaxNorm({ rate: -0.1 }), 'INVALID_ARGUMENT', 'rate must be', '-0.1');
    expectRidgeError(() => minMaxNorm({ rate: NaN }), 'INVALID_ARGUMENT', 'rate must be', 'NaN');
  });
});
