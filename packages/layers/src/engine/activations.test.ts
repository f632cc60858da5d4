import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { numbers, useCpu } from '../../test/setup.js';
import { activation, dense, lstm } from '../index.js';
import { activationNames, canonicalActivation, getActivation } from './activations.js';

useCpu();

// Points on both sides of every kink (+-2.5 for the clip form, +-3 for Keras 3's), none on one.
const xs = [-4, -3.2, -2.7, -2.4, -1, -0.3, 0, 0.3, 1, 2, 2.4, 2.7, 3.2, 4];
const legacy = (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5));
const legacySlope = (x: number): number => (x > -2.5 && x < 2.5 ? 0.2 : 0);
const keras3 = (x: number): number => Math.min(6, Math.max(0, x + 3)) / 6;
const keras3Slope = (x: number): number => (x > -3 && x < 3 ? 1 / 6 : 0);

function valuesAndSlopes(name: string): { values: number[]; slopes: number[] } {
  const fn = getActivation(name);
  const x = tf.tensor1d(xs);
  const y = fn(x);
  // d/dx of sum(f(x)) is f'(x) at each point.
  const dx = tf.grad((t: tf.Tensor) => tf.sum(fn(t)))(x);
  const out = { values: numbers(y), slopes: numbers(dx) };
  tf.dispose([x, y, dx]);
  return out;
}

describe("'hard_sigmoid_legacy': tfjs-layers' and Keras 2's hard_sigmoid", () => {
  it('is clip(0.2 x + 0.5, 0, 1), with slope 0.2 inside (-2.5, 2.5) and 0 outside', () => {
    const { values, slopes } = valuesAndSlopes('hard_sigmoid_legacy');
    values.forEach((v, i) => expect(v).toBeCloseTo(legacy(xs[i]!), 6));
    slopes.forEach((g, i) => expect(g).toBeCloseTo(legacySlope(xs[i]!), 6));
    // Saturated at both ends before Keras 3's form is.
    expect(values[2]).toBe(0);
    expect(values[11]).toBe(1);
  });

  it("differs from Ridge's (Keras 3's) 'hard_sigmoid', relu6(x + 3) / 6, which is unchanged", () => {
    const { values, slopes } = valuesAndSlopes('hard_sigmoid');
    values.forEach((v, i) => expect(v).toBeCloseTo(keras3(xs[i]!), 6));
    slopes.forEach((g, i) => expect(g).toBeCloseTo(keras3Slope(xs[i]!), 6));
    // At x = 1: 0.7 against 2/3.
    const legacyAt1 = valuesAndSlopes('hard_sigmoid_legacy').values[8]!;
    expect(legacyAt1 - values[8]!).toBeCloseTo(0.7 - 4 / 6, 6);
  });

  it('has a camelCase alias, is listed, and keeps its own canonical name', () => {
    expect(activationNames()).toEqual(expect.arrayContaining(['hard_sigmoid', 'hard_sigmoid_legacy', 'hardSigmoid', 'hardSigmoidLegacy']));
    expect(canonicalActivation('hardSigmoidLegacy')).toBe('hard_sigmoid_legacy');
    expect(canonicalActivation('hard_sigmoid_legacy')).toBe('hard_sigmoid_legacy');
    expect(canonicalActivation('hardSigmoid')).toBe('hard_sigmoid');
    expect(getActivation('hardSigmoidLegacy')).toBe(getActivation('hard_sigmoid_legacy'));
  });

  it('works wherever an activation name does: Dense, Activation, LSTM gates', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([[1, -2]]);
    const d = dense({ units: 1, activation: 'hardSigmoidLegacy', kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const a = activation({ activation: 'hard_sigmoid_legacy' });
    const r = lstm({ units: 2, recurrentActivation: 'hard_sigmoid_legacy' });
    expect([d.activation, a.activation, r.recurrentActivation]).toEqual(['hard_sigmoid_legacy', 'hard_sigmoid_legacy', 'hard_sigmoid_legacy']);
    expect(d.getConfig()['activation']).toBe('hard_sigmoid_legacy');
    const y = d.apply(x) as tf.Tensor;
    expect(numbers(y)[0]).toBeCloseTo(legacy(1 - 2), 6);
    const z = a.apply(x) as tf.Tensor;
    expect(numbers(z)).toEqual([legacy(1), legacy(-2)].map((v) => expect.closeTo(v, 6)));
    tf.dispose([x, y, z]);
    d.dispose();
    a.dispose();
    r.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("an unknown name, or an Object property such as 'constructor', is UNKNOWN_NAME", () => {
    for (const name of ['hard_sigmoid_v2', 'constructor', 'toString']) {
      let error: unknown;
      try {
        getActivation(name);
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error) && error.code).toBe('UNKNOWN_NAME');
      expect((error as Error).message).toContain('hard_sigmoid_legacy');
    }
  });
});
