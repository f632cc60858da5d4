/**
 * `setWeights` with a slot of the wrong shape. Every slot has its weight's shape: against a weight
 * the optimizer has seen, and between the slots of one weight, a misfit is refused and nothing is
 * restored. A weight not seen yet is only met at its first step: a restored slot that does not fit
 * it fails that step (changing no weight), and is dropped so that later steps work.
 */
import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, expectClose, grad, rejected, valuesOf, weight } from '../test/helpers.js';
import { adam } from './adam.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import type { OptimizerBase, OptimizerWeight } from './optimizer-base.js';
import './features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterEach(disposeAll);

/** Names and values of an optimizer's state (its copies freed). */
function stateOf(opt: OptimizerBase): [string, number[]][] {
  const state = opt.getWeights();
  const out = state.map((s): [string, number[]] => [s.name, Array.from(s.tensor.dataSync())]);
  tf.dispose(state.map((s) => s.tensor));
  return out;
}

const OPTIMIZERS = [
  { name: 'Adam', make: () => adam({ learningRate: 0.1 }), slots: ['momentum', 'velocity'] },
  { name: 'SGD with momentum', make: () => sgd({ learningRate: 0.1, momentum: 0.9 }), slots: ['momentum'] },
  { name: 'RMSprop', make: () => rmsprop({ learningRate: 0.1 }), slots: ['velocity'] },
] as const;

describe.each(OPTIMIZERS)('$name: setWeights with a wrongly shaped slot', ({ make, slots }) => {
  it('for a weight it has seen: refused, naming the slot and both shapes; state and later steps unchanged', () => {
    const w = weight([1, -2]);
    const twin = weight([1, -2], { path: 'dense_1/kernel' });
    const opt = make();
    const reference = make();
    opt.applyGradients([grad(w, [0.5, 1])]);
    reference.applyGradients([grad(twin, [0.5, 1])]);
    const before = stateOf(opt);
    const tensorsBefore = tf.memory().numTensors;

    // A good slot and iterations first, so that a partial restore would show.
    const given: OptimizerWeight[] = [
      { name: 'iterations', tensor: tf.scalar(7, 'int32') },
      ...slots.map((slot, i) => ({ name: `dense_1/kernel/${slot}`, tensor: i === slots.length - 1 ? tf.tensor2d([[1, 2, 3]]) : tf.tensor1d([9, 9]) })),
    ];
    const error = rejected(() => opt.setWeights(given));
    tf.dispose(given.map((g) => g.tensor));
    expect(error.code).toBe('INVALID_WEIGHTS');
    expect(error.message).toContain(`the slot 'dense_1/kernel/${slots[slots.length - 1]}' has shape [1, 3], but the weight 'dense_1/kernel' has shape [2]`);
    expect(error.message).toContain('Nothing was restored');
    expect(error.details).toMatchObject({ name: `dense_1/kernel/${slots[slots.length - 1]}`, shape: [1, 3], expected: [2] });
    expect(stateOf(opt)).toEqual(before);
    expect(opt.iterations).toBe(1);
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    // The next step is the one an optimizer that was never given the bad state takes.
    opt.applyGradients([grad(w, [-1, 0.25])]);
    reference.applyGradients([grad(twin, [-1, 0.25])]);
    expectClose(valuesOf(w), valuesOf(twin), 1e-7);
    opt.dispose();
    reference.dispose();
  });

  it('for a weight not seen yet: a slot that does not fit fails the first step only, changing no weight', () => {
    const w = weight([1, -2]);
    const twin = weight([1, -2]);
    const other = weight([0.5], { path: 'dense_2/bias' });
    const otherTwin = weight([0.5], { path: 'dense_2/bias' });
    const opt = make();
    const fresh = make();
    const given = slots.map((slot) => ({ name: `dense_1/kernel/${slot}`, tensor: tf.tensor1d([0.1, 0.2, 0.3]) }));
    opt.setWeights(given);
    tf.dispose(given.map((g) => g.tensor));
    const grads = [grad(other, [1]), grad(w, [0.5, 1])];
    const tensorsBefore = tf.memory().numTensors;

    const error = rejected(() => opt.applyGradients(grads));
    expect(error.code).toBe('INVALID_WEIGHTS');
    expect(error.message).toContain(`The restored slot 'dense_1/kernel/${slots[0]}' has shape [3], but the weight 'dense_1/kernel' has shape [2]`);
    expect(valuesOf(w)).toEqual([1, -2]);
    expect(valuesOf(other)).toEqual([0.5]);
    expect(opt.iterations).toBe(0);
    // The misfits were dropped and freed; the other weight, met first, got its fresh slots.
    const dropped = slots.length;
    const otherSlots = slots.length;
    expect(tf.memory().numTensors).toBe(tensorsBefore - dropped + otherSlots);
    expect(stateOf(opt).map(([name]) => name)).not.toContain(`dense_1/kernel/${slots[0]}`);

    // The next step is a fresh optimizer's first.
    opt.applyGradients([grad(other, [1]), grad(w, [0.5, 1])]);
    fresh.applyGradients([grad(otherTwin, [1]), grad(twin, [0.5, 1])]);
    expectClose(valuesOf(w), valuesOf(twin), 1e-7);
    expectClose(valuesOf(other), valuesOf(otherTwin), 1e-7);
    expect(opt.iterations).toBe(1);
    opt.dispose();
    fresh.dispose();
  });
});

describe.each([
  { name: 'Adam', make: () => adam({ learningRate: 0.1 }), slots: ['momentum', 'velocity'] },
  { name: 'RMSprop (momentum, centered)', make: () => rmsprop({ learningRate: 0.1, momentum: 0.9, centered: true }), slots: ['velocity', 'momentum', 'average'] },
] as const)('$name: setWeights for a weight not seen yet', ({ make, slots }) => {
  it('refuses slots of one weight that disagree in shape, restoring nothing', () => {
    const opt = make();
    const before = stateOf(opt);
    const given = [
      { name: 'iterations', tensor: tf.scalar(3, 'int32') },
      { name: `dense_1/kernel/${slots[0]}`, tensor: tf.tensor1d([0.1, 0.2]) },
      { name: `dense_1/kernel/${slots[1]}`, tensor: tf.tensor1d([0.1, 0.2, 0.3]) },
    ];
    const error = rejected(() => opt.setWeights(given));
    tf.dispose(given.map((g) => g.tensor));
    expect(error.code).toBe('INVALID_WEIGHTS');
    expect(error.message).toContain(
      `the slot 'dense_1/kernel/${slots[1]}' has shape [3], but its weight's other slot 'dense_1/kernel/${slots[0]}' has shape [2]`,
    );
    expect(stateOf(opt)).toEqual(before);
    expect(opt.iterations).toBe(0);
    opt.dispose();
  });

  it('checks against slots given by an earlier call, unless this call replaces them', () => {
    const opt = make();
    const first = tf.tensor1d([0.1, 0.2]);
    opt.setWeights([{ name: `dense_1/kernel/${slots[0]}`, tensor: first }]);
    const wider = tf.tensor1d([0.1, 0.2, 0.3]);
    const error = rejected(() => opt.setWeights([{ name: `dense_1/kernel/${slots[1]}`, tensor: wider }]));
    expect(error.message).toContain(`but its weight's other slot 'dense_1/kernel/${slots[0]}' has shape [2]`);
    // Both slots replaced together at the new shape: they agree.
    opt.setWeights([
      { name: `dense_1/kernel/${slots[0]}`, tensor: wider },
      { name: `dense_1/kernel/${slots[1]}`, tensor: wider },
    ]);
    expect(stateOf(opt).map(([name, values]) => [name, values.length])).toEqual([
      ['iterations', 1],
      [`dense_1/kernel/${slots[0]}`, 3],
      [`dense_1/kernel/${slots[1]}`, 3],
    ]);
    tf.dispose([first, wider]);
    opt.dispose();
  });
});
