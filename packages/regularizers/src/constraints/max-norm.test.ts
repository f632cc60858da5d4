import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectRidgeError } from '../../test/support.js';
import { MaxNorm, maxNorm } from './max-norm.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const EPS = 1e-7;

// A Dense kernel [in = 2, out = 2]. Column 0 (unit 0's incoming weights) = [3, 4], norm 5;
// column 1 = [0, 1], norm 1. Row 0 = [3, 0], norm 3; row 1 = [4, 1], norm sqrt(17).
const kernel = (): tf.Tensor2D =>
  tf.tensor2d([
    [3, 0],
    [4, 1],
  ]);

describe('MaxNorm', () => {
  it('axis 0 (default): scales each column whose norm exceeds maxValue down to it', () => {
    // Column 0: 5 > 2, scaled by 2 / (eps + 5); column 1: 1 <= 2, scaled by 1 / (eps + 1) (about 1).
    const s0 = 2 / (EPS + 5);
    const s1 = 1 / (EPS + 1);
    expectClose(new MaxNorm().apply(kernel()), [
      [3 * s0, 0 * s1],
      [4 * s0, 1 * s1],
    ]);
  });

  it('axis 1: the norms of the rows', () => {
    // Row 0: 3 > 2, scaled by 2 / 3; row 1: sqrt(17) > 2, scaled by 2 / sqrt(17).
    const s0 = 2 / (EPS + 3);
    const s1 = 2 / (EPS + Math.sqrt(17));
    expectClose(maxNorm({ axis: 1 }).apply(kernel()), [
      [3 * s0, 0],
      [4 * s1, 1 * s1],
    ]);
    expectClose(maxNorm({ axis: -1 }).apply(kernel()), maxNorm({ axis: 1 }).apply(kernel()), { rtol: 0, atol: 0 });
  });

  it('a list of axes takes one norm over all of them', () => {
    // Norm over both axes: sqrt(9 + 16 + 0 + 1) = sqrt(26) > 3, so everything is scaled by 3 / sqrt(26).
    const s = 3 / (EPS + Math.sqrt(26));
    expectClose(maxNorm({ maxValue: 3, axis: [0, 1] }).apply(kernel()), [
      [3 * s, 0],
      [4 * s, 1 * s],
    ]);
  });

  it('per filter of a conv kernel [h, w, in, out] with axis [0, 1, 2]', () => {
    // Two 1x1 filters over 2 input channels: filter 0 = [6, 8] (norm 10), filter 1 = [0.3, 0.4] (norm 0.5).
    const w = tf.tensor4d([
      [
        [
          [6, 0.3],
          [8, 0.4],
        ],
      ],
    ]);
    const s0 = 2 / (EPS + 10);
    const s1 = 0.5 / (EPS + 0.5);
    expectClose(maxNorm({ axis: [0, 1, 2] }).apply(w), [
      [
        [
          [6 * s0, 0.3 * s1],
          [8 * s0, 0.4 * s1],
        ],
      ],
    ]);
  });

  it('leaves a zero column at zero', () => {
    expectClose(maxNorm().apply(tf.zeros([2, 2])), [
      [0, 0],
      [0, 0],
    ]);
  });

  it('has Keras defaults and rejects bad arguments', () => {
    expect(maxNorm().getConfig()).toEqual({ maxValue: 2, axis: 0 });
    expect(maxNorm({ maxValue: 3, axis: [0, 1] }).getConfig()).toEqual({ maxValue: 3, axis: [0, 1] });
    expectRidgeError(() => maxNorm({ axis: 0.5 }), 'INVALID_ARGUMENT', 'axis must be', '0.5');
    expectRidgeError(() => maxNorm({ axis: [] }), 'INVALID_ARGUMENT', 'axis must be', '[]');
    expectRidgeError(() => maxNorm({ axis: [0, 0] }), 'INVALID_ARGUMENT', 'distinct');
    expectRidgeError(() => maxNorm({ axis: [0, 'x' as never] }), 'INVALID_ARGUMENT', 'axis[1] must be', '"x"');
  });

  it('rejects an axis the weight does not have, naming the shape', () => {
    const before = tf.memory().numTensors;
    const w = kernel();
    expectRidgeError(() => maxNorm({ axis: 2 }).apply(w), 'INVALID_ARGUMENT', 'axis 2', '[2, 2]');
    expectRidgeError(() => maxNorm({ axis: -3 }).apply(w), 'INVALID_ARGUMENT', 'axis -3');
    expectRidgeError(() => maxNorm({ axis: [1, -1] }).apply(w), 'INVALID_ARGUMENT', 'axis [1, -1]');
    w.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps its axis when the config is changed afterwards', () => {
    const c = maxNorm({ axis: [0, 1] });
    (c.getConfig().axis as number[]).push(2);
    expect(c.getConfig().axis).toEqual([0, 1]);
  });
});
