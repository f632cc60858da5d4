import { initBackend } from '@ridge/backend';
import { deserializeRegularizer, getRegularizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, expectRidgeError, scalarValue } from '../test/support.js';
import './register.js';
import { L1 } from './l1.js';
import { L1L2, l1l2 } from './l1l2.js';
import { L2 } from './l2.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const x = (): tf.Tensor =>
  tf.tensor2d([
    [0.5, -1],
    [2, 0],
  ]);
// sum(|x|) = 0.5 + 1 + 2 = 3.5; sum(x^2) = 0.25 + 1 + 4 = 5.25
const SUM_ABS = 3.5;
const SUM_SQUARES = 5.25;

describe('L1L2', () => {
  it('is l1 * sum(|x|) + l2 * sum(x^2)', () => {
    expectClose(scalarValue(new L1L2(0.1, 0.01).apply(x())), 0.1 * SUM_ABS + 0.01 * SUM_SQUARES);
    expectClose(scalarValue(new L1L2({ l1: 2 }).apply(x())), 2 * SUM_ABS);
    expectClose(scalarValue(new L1L2({ l2: 3 }).apply(x())), 3 * SUM_SQUARES);
  });

  it('equals L1 when l2 = 0 and L2 when l1 = 0', () => {
    expect(scalarValue(new L1L2(0.3, 0).apply(x()))).toBe(scalarValue(new L1(0.3).apply(x())));
    expect(scalarValue(new L1L2(0, 0.3).apply(x()))).toBe(scalarValue(new L2(0.3).apply(x())));
  });

  it('is 0 at 0, and 0 everywhere with both factors 0, with a zero gradient through autodiff', () => {
    expect(scalarValue(new L1L2(0.1, 0.1).apply(tf.zeros([2, 2])))).toBe(0);
    const none = new L1L2();
    expect(scalarValue(none.apply(x()))).toBe(0);
    // A penalty that ignored x would make tf.grad throw; it must give zeros instead.
    expectClose(tf.grad((w: tf.Tensor) => none.apply(w))(x()), [
      [0, 0],
      [0, 0],
    ]);
  });

  it('has the gradient l1 * sign(x) + 2 * l2 * x', () => {
    const g = new L1L2(0.1, 0.5).gradient(tf.tensor1d([2, -1, 0]));
    expectClose(g, [0.1 * 1 + 2 * 0.5 * 2, 0.1 * -1 + 2 * 0.5 * -1, 0]);
  });

  it('the class defaults to Keras 0 and 0; the factory to 0.01 and 0.01', () => {
    expect(new L1L2().getConfig()).toEqual({ l1: 0, l2: 0 });
    expect(l1l2().getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(l1l2({ l1: 0.2 }).getConfig()).toEqual({ l1: 0.2, l2: 0.01 });
    expect(l1l2(0.2).getConfig()).toEqual({ l1: 0.2, l2: 0.01 });
    expect(new L1L2({ l1: 0.2 }).getConfig()).toEqual({ l1: 0.2, l2: 0 });
  });

  it('takes (l1, l2) as numbers or one config, the same either way', () => {
    expect(l1l2(0.2, 0.3).getConfig()).toEqual(l1l2({ l1: 0.2, l2: 0.3 }).getConfig());
    expect(new L1L2(0.2, 0.3).getConfig()).toEqual({ l1: 0.2, l2: 0.3 });
    expect(l1l2(undefined, 0.3).getConfig()).toEqual({ l1: 0.01, l2: 0.3 });
  });

  it('rejects a config object followed by a second argument', () => {
    expectRidgeError(() => l1l2({ l1: 0.1 } as never, 0.2), 'INVALID_ARGUMENT', 'l2', '0.2');
  });

  it("'l1l2' and 'l1_l2' give 0.01/0.01; the class name 'L1L2' gives the class defaults", () => {
    expect(getRegularizer('l1_l2').getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(getRegularizer('l1l2').getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(getRegularizer('L1L2').getConfig()).toEqual({ l1: 0, l2: 0 });
    expect(getRegularizer({ className: 'l1_l2', config: { l2: 0.5 } }).getConfig()).toEqual({ l1: 0.01, l2: 0.5 });
    expect(getRegularizer({ className: 'L1L2', config: { l2: 0.5 } }).getConfig()).toEqual({ l1: 0, l2: 0.5 });
    expect(getRegularizer('l1_l2')).toBeInstanceOf(L1L2);
  });

  it('loads Keras 2, Keras 3 and tfjs-layers JSON', () => {
    const keras2 = deserializeRegularizer({ class_name: 'L1L2', config: { l1: 0.0, l2: 0.01 } });
    expect(keras2).toBeInstanceOf(L1L2);
    expect(keras2.getConfig()).toEqual({ l1: 0, l2: 0.01 });
    const keras3 = deserializeRegularizer({
      module: 'keras.regularizers',
      class_name: 'L1L2',
      config: { l1: 0.001, l2: 0.002 },
      registered_name: null,
    });
    expect(keras3.getConfig()).toEqual({ l1: 0.001, l2: 0.002 });
    const tfjs = deserializeRegularizer({ className: 'L1L2', config: { l1: 0, l2: 0.03 } });
    expect(tfjs.getConfig()).toEqual({ l1: 0, l2: 0.03 });
  });
});
