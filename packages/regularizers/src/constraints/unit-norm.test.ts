import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../../test/support.js';
import { UnitNorm, unitNorm } from './unit-norm.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const EPS = 1e-7;

describe('UnitNorm', () => {
  // Columns [3, 4] (norm 5) and [0, 2] (norm 2); rows [3, 0] (norm 3) and [4, 2] (norm sqrt(20)).
  const w = (): tf.Tensor =>
    tf.tensor2d([
      [3, 0],
      [4, 2],
    ]);

  it('axis 0 (default): divides each column by its norm', () => {
    expectClose(new UnitNorm().apply(w()), [
      [3 / (EPS + 5), 0],
      [4 / (EPS + 5), 2 / (EPS + 2)],
    ]);
  });

  it('axis 1: divides each row by its norm', () => {
    const r1 = Math.sqrt(20);
    expectClose(unitNorm({ axis: 1 }).apply(w()), [
      [3 / (EPS + 3), 0],
      [4 / (EPS + r1), 2 / (EPS + r1)],
    ]);
  });

  it('gives columns of norm 1 (to float32 precision)', () => {
    const out = unitNorm().apply(tf.tensor2d([[1, -2, 0.5], [2, 7, -0.5], [-2, 0.1, 3]]));
    const norms = tf.sqrt(tf.sum(tf.square(out), 0));
    expectClose(norms, [1, 1, 1], { rtol: 1e-6, atol: 0 });
  });

  it('has Keras defaults', () => {
    expect(unitNorm().getConfig()).toEqual({ axis: 0 });
    expect(unitNorm({ axis: [0, 1, 2] }).getConfig()).toEqual({ axis: [0, 1, 2] });
  });
});
