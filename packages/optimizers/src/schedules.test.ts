import { initBackend } from '@ridge/backend';
import { deserializeOptimizer } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, rejected, valuesOf, weight } from '../test/helpers.js';
import {
  adam,
  cosineDecay,
  cosineDecayRestarts,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstantDecay,
  polynomialDecay,
  sgd,
  type LearningRateSchedule,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

/** The schedule's rates at `steps`, next to the expected ones (each worked out in the test). */
function expectRates(schedule: LearningRateSchedule, expected: Record<number, number>): void {
  const steps = Object.keys(expected).map(Number);
  expectClose(
    steps.map((s) => schedule.valueAt(s)),
    steps.map((s) => expected[s]!),
    1e-12,
  );
}

describe('the schedules, against Keras 3 formulas worked out by hand', () => {
  it('exponentialDecay: 0.1 * 0.5^(step / 10), and floored with staircase', () => {
    expectRates(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }), {
      0: 0.1,
      5: 0.1 * Math.SQRT1_2,
      10: 0.05,
      20: 0.025,
    });
    expectRates(exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true }), { 9: 0.1, 15: 0.05, 20: 0.025 });
  });

  it('inverseTimeDecay: 0.1 / (1 + 0.5 step / decaySteps), and floored with staircase', () => {
    expectRates(inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }), { 0: 0.1, 2: 0.05, 6: 0.025 });
    // decaySteps 2, step 3: floor(1.5) = 1, so 0.1 / 1.5.
    expectRates(inverseTimeDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }), { 3: 0.1 / 1.5 });
  });

  it('piecewiseConstantDecay: values[0] up to and at the first boundary, the last after the last', () => {
    expectRates(piecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] }), { 0: 1, 10: 1, 11: 0.5, 20: 0.5, 21: 0.1, 1000: 0.1 });
  });

  it('polynomialDecay: (0.1 - 0.01) (1 - min(step, 10) / 10)^0.5 + 0.01, and with cycle', () => {
    expectRates(polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 0.5 }), {
      0: 0.1,
      5: 0.09 * Math.SQRT1_2 + 0.01,
      10: 0.01,
      20: 0.01,
    });
    // With cycle, step 15 decays over 20 steps: (1 - 15/20)^0.5 = 0.5; step 0 over 10.
    expectRates(polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.01, power: 0.5, cycle: true }), {
      0: 0.1,
      15: 0.09 * 0.5 + 0.01,
      20: 0.01,
    });
    // Keras's default end rate is 0.0001 and its power 1: step 5 of 10 is halfway.
    expectRates(polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 }), { 5: (0.1 - 0.0001) / 2 + 0.0001 });
  });

  it('cosineDecay: 0.5 (1 + cos(pi t / T)) scaled to [alpha, 1], and the linear warm-up', () => {
    // alpha 0.1: halfway the cosine term is 0.5, so 0.9 * 0.5 + 0.1 = 0.55; at and after T, alpha.
    expectRates(cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 0.1 }), { 0: 1, 5: 0.55, 10: 0.1, 20: 0.1 });
    // Warm-up 0 -> 1 over 4 steps, then 10 steps of decay from 1: step 9 is t = 5, halfway.
    expectRates(cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 4 }), { 0: 0, 2: 0.5, 4: 1, 9: 0.5, 14: 0, 100: 0 });
    // A target without warm-up steps decays from the target at once, as in Keras.
    expectRates(cosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 2 }), { 0: 2, 5: 1 });
  });

  it('cosineDecayRestarts: periods of 10, 20, 40 steps, each starting at mMul times the last', () => {
    const sgdr = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 0.5 });
    // Period 0 is steps 0-10, period 1 steps 10-30 (starting at 0.5), period 2 steps 30-70 (at 0.25).
    expectRates(sgdr, { 0: 1, 5: 0.5, 10: 0.5, 20: 0.25, 30: 0.25, 50: 0.125, 70: 0.125 });
    // tMul 1: every period is 10 steps; step 15 is halfway through period 1 (rate 0.5 * mMul).
    expectRates(cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 1, mMul: 0.5, alpha: 0 }), { 15: 0.25, 20: 0.25 });
    // At each period start the rate is exactly mMul^i, for many periods (the log formula alone lands a hair low there).
    // With tMul 10, log(1 + 9 * 111) / log(10) is 2.9999999999999996: period 3 would be taken for the end of period 2.
    const ten = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1, tMul: 10 });
    let start = 0;
    for (let i = 0; i < 12; i++) {
      expect(ten.valueAt(start), `period ${i}`).toBeCloseTo(1, 9);
      start += 10 ** i;
    }
  });

  it('refuses bad options, naming them', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), /ExponentialDecay: decaySteps must be a finite number > 0; received 0/],
      [() => exponentialDecay({ initialLearningRate: -1, decaySteps: 10, decayRate: 0.9 }), /initialLearningRate must be a finite number >= 0; received -1/],
      [() => piecewiseConstantDecay({ boundaries: [10], values: [1] }), /values must have one more entry than boundaries; received 1 values for 1 boundaries/],
      [() => piecewiseConstantDecay({ boundaries: [10, 5], values: [1, 2, 3] }), /boundaries must be strictly increasing/],
      [() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpah: 0.1 } as never), /unknown config key "alpah".*alpha/],
      [() => polynomialDecay({ initialLearningRate: 1, decaySteps: 10, cycle: 'yes' as never }), /cycle must be true or false/],
    ];
    for (const [make, message] of cases) expect(rejected(make).message).toMatch(message);
  });
});

describe('an optimizer with a schedule', () => {
  it('SGD takes the rate valueAt(iterations) before each step: 1 - (0.1 + 0.05 + 0.025) after three unit gradients', () => {
    const opt = sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    const w = weight([1]);
    expect(opt.learningRate).toBe(0.1);
    for (let i = 0; i < 3; i++) opt.applyGradients([grad(w, [1])]);
    expectClose(valuesOf(w), [0.825]);
    // The rate the next step will take, as Keras's optimizer.learning_rate reads it.
    expect(opt.learningRate).toBeCloseTo(0.0125, 12);
    opt.dispose();
  });

  it('Adam with a schedule equals Adam whose rate is set by hand to the same values before each step; no tensor kept per step', () => {
    const schedule = cosineDecay({ initialLearningRate: 0.05, decaySteps: 4 });
    const scheduled = adam({ learningRate: schedule });
    const byHand = adam({ learningRate: 0.05 });
    const a = weight([0.5, -1]);
    const b = weight([0.5, -1]);
    scheduled.applyGradients([grad(a, [0.3, -0.2])]);
    byHand.applyGradients([grad(b, [0.3, -0.2])]);
    const before = tf.memory().numTensors;
    for (let step = 1; step < 6; step++) {
      byHand.learningRate = schedule.valueAt(step);
      const gs = [grad(a, [0.3 * step, -0.2]), grad(b, [0.3 * step, -0.2])];
      scheduled.applyGradients([gs[0]!]);
      byHand.applyGradients([gs[1]!]);
      tf.dispose([gs[0]!.gradient, gs[1]!.gradient]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expectClose(valuesOf(a), valuesOf(b), 1e-7);
    scheduled.dispose();
    byHand.dispose();
  });

  it('refuses to set learningRate over a schedule (as Keras), and a schedule value < 0 fails the step before it changes anything', () => {
    const opt = sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    const error = rejected(() => {
      opt.learningRate = 0.5;
    });
    expect(error.message).toMatch(/SGD: learningRate is set by its schedule \(ExponentialDecay\) at every step, so it cannot be set to 0.5/);
    expect(opt.learningRate).toBe(0.1);

    const bad: LearningRateSchedule = { className: 'Bad', valueAt: (s) => (s === 0 ? 0.1 : -1), getConfig: () => ({}) };
    const custom = sgd({ learningRate: bad });
    const w = weight([1]);
    custom.applyGradients([grad(w, [1])]);
    expectClose(valuesOf(w), [0.9]);
    const refused = rejected(() => custom.applyGradients([grad(w, [1])]));
    expect(refused.message).toBe('SGD: learningRate from its schedule Bad at step 1 must be a finite number >= 0; received -1.');
    expect(refused.details).toEqual({ argument: 'learningRate', received: -1, schedule: 'Bad', step: 1 });
    expectClose(valuesOf(w), [0.9]);
    expect(custom.iterations).toBe(1);
    // NaN too, and already at construction (the rate of step 0), naming the schedule.
    const nan: LearningRateSchedule = { className: 'NaNDecay', valueAt: () => Number.NaN, getConfig: () => ({}) };
    expect(rejected(() => adam({ learningRate: nan })).message).toBe('Adam: learningRate from its schedule NaNDecay at step 0 must be a finite number >= 0; received NaN.');
    opt.dispose();
    custom.dispose();
  });

  it('saves the schedule in its config and loads it back, also from Keras 3 JSON', () => {
    const opt = adam({ learningRate: polynomialDecay({ initialLearningRate: 0.1, decaySteps: 10, power: 2 }), beta1: 0.8 });
    const config = opt.getConfig();
    expect(config['learningRate']).toEqual({
      className: 'PolynomialDecay',
      config: { initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.0001, power: 2, cycle: false, name: 'PolynomialDecay' },
    });
    const back = deserializeOptimizer({ className: 'Adam', config });
    expect(back.getConfig()).toEqual(config);
    // Keras 3 writes a schedule as { module, class_name, config, registered_name } with snake_case options.
    const keras = deserializeOptimizer({
      class_name: 'SGD',
      config: {
        learning_rate: {
          module: 'keras.optimizers.schedules',
          class_name: 'ExponentialDecay',
          config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9, staircase: true, name: 'ExponentialDecay' },
          registered_name: null,
        },
        momentum: 0,
      },
    });
    expect(keras.getConfig()['learningRate']).toMatchObject({ className: 'ExponentialDecay', config: { decaySteps: 10, decayRate: 0.9, staircase: true } });
    expect(keras.learningRate).toBe(0.1);
    expect(rejected(() => deserializeOptimizer({ class_name: 'SGD', config: { learning_rate: { class_name: 'OneCycle', config: {} } } })).message).toMatch(
      /unknown learning-rate schedule "OneCycle". Known: ExponentialDecay, InverseTimeDecay/,
    );
    for (const o of [opt, back, keras]) o.dispose();
  });
});
