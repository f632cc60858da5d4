import { initBackend } from '@ridge/backend';
import { deserializeLoss } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../test/cases.js';
import { expectRidgeError } from '../test/helpers.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CosineSimilarity,
  Huber,
  KLDivergence,
  SparseCategoricalCrossentropy,
  huber,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const tensors: tf.Tensor[] = [];
const keep = <T extends tf.Tensor>(t: T): T => {
  tensors.push(t);
  return t;
};
afterAll(() => tf.dispose(tensors));

describe.each(CASES)('$className rejects bad inputs before making any tensor', ({ className, create, yTrue, yPred, trueDtype }) => {
  const t = (): tf.Tensor => keep(tf.tensor(yTrue, undefined, trueDtype));
  const p = (): tf.Tensor => keep(tf.tensor(yPred));

  it('a yTrue/yPred shape mismatch is SHAPE_MISMATCH naming both shapes', () => {
    const sparse = className === 'SparseCategoricalCrossentropy';
    const wrongTrue = keep(sparse ? tf.zeros([2], 'int32') : tf.zeros([3, 4]));
    const yP = p();
    const error = expectRidgeError(() => create().apply(wrongTrue, yP), 'SHAPE_MISMATCH', className, 'yTrue', '[3, 3]');
    expect(error.message).toContain(sparse ? '[2]' : '[3, 4]');
  });

  it('a sampleWeight of the wrong length is SHAPE_MISMATCH naming it and its shape', () => {
    const [yT, yP, w4, w32] = [t(), p(), keep(tf.ones([4])), keep(tf.ones([3, 2]))];
    expectRidgeError(() => create().apply(yT, yP, w4), 'SHAPE_MISMATCH', 'sampleWeight', '[4]', '[3]');
    expectRidgeError(() => create().apply(yT, yP, w32), 'SHAPE_MISMATCH', 'sampleWeight', '[3, 2]');
  });

  it('a sampleWeight that is not a tensor is INVALID_ARGUMENT', () => {
    const [yT, yP] = [t(), p()];
    expectRidgeError(() => create().apply(yT, yP, [1, 1, 1] as unknown as tf.Tensor), 'INVALID_ARGUMENT', 'sampleWeight', '[1, 1, 1]');
  });

  it('a non-tensor yPred is INVALID_ARGUMENT', () => {
    const yT = t();
    expectRidgeError(() => create().apply(yT, yPred as unknown as tf.Tensor), 'INVALID_ARGUMENT', 'yPred');
  });

  it('an unknown reduction is INVALID_ARGUMENT naming it and the value', () => {
    expectRidgeError(() => create({ reduction: 'avg' }), 'INVALID_ARGUMENT', `${className}.reduction`, '"avg"', "'sum_over_batch_size'");
  });

  it('an unknown config key is INVALID_CONFIG naming the key and the value', () => {
    expectRidgeError(() => create({ fromLogit: true }), 'INVALID_CONFIG', className, '"fromLogit"', 'true');
    expectRidgeError(() => deserializeLoss({ className, config: { delat: 2 } }), 'INVALID_CONFIG', '"delat"', '2');
  });

  it('a scalar yPred (no batch axis) is SHAPE_MISMATCH', () => {
    const one = keep(tf.scalar(1));
    expectRidgeError(() => create().apply(one, one), 'SHAPE_MISMATCH', 'yPred');
  });
});

describe('option checks name the argument and the value', () => {
  it.each([
    ['labelSmoothing', 1.5, '1.5'],
    ['labelSmoothing', -0.1, '-0.1'],
    ['labelSmoothing', Number.NaN, 'NaN'],
    ['labelSmoothing', '0.1', '"0.1"'],
  ])('crossentropy %s = %s', (key, value, shown) => {
    for (const C of [CategoricalCrossentropy, BinaryCrossentropy]) {
      expectRidgeError(() => new C({ [key]: value } as never), 'INVALID_ARGUMENT', `${C.name}.${key}`, shown);
    }
  });

  it.each([
    [0, '0'],
    [-1, '-1'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['2', '"2"'],
  ])('Huber delta = %s', (value, shown) => {
    expectRidgeError(() => huber({ delta: value as number }), 'INVALID_ARGUMENT', 'Huber.delta', shown, '> 0');
  });

  it('fromLogits must be a boolean', () => {
    expectRidgeError(() => new CategoricalCrossentropy({ fromLogits: 'yes' as never }), 'INVALID_ARGUMENT', 'fromLogits', '"yes"');
    expectRidgeError(() => new SparseCategoricalCrossentropy({ fromLogits: 1 as never }), 'INVALID_ARGUMENT', 'fromLogits', '1');
  });

  it('axis must be an integer, and a feature axis of yPred when applied', () => {
    expectRidgeError(() => new CosineSimilarity({ axis: 0.5 }), 'INVALID_ARGUMENT', 'CosineSimilarity.axis', '0.5');
    const t = keep(tf.zeros([2, 3]));
    for (const axis of [0, 2, -3]) {
      expectRidgeError(() => new CategoricalCrossentropy({ axis }).apply(t, t), 'INVALID_ARGUMENT', 'CategoricalCrossentropy.axis', String(axis), '[2, 3]');
    }
    expectRidgeError(() => new CosineSimilarity({ axis: -2 }).apply(t, t), 'INVALID_ARGUMENT', 'CosineSimilarity.axis', '-2');
  });

  it('the config itself must be an object', () => {
    expectRidgeError(() => new Huber(2 as never), 'INVALID_ARGUMENT', 'Huber config', '2');
  });

  it("Keras' ignoreClass is refused unless null, with the workaround", () => {
    expectRidgeError(() => deserializeLoss({ class_name: 'SparseCategoricalCrossentropy', config: { ignore_class: 255 } }), 'INVALID_CONFIG', 'ignoreClass', '255', 'sampleWeight');
  });

  it('losses over a class axis need yPred of rank >= 2', () => {
    const v = keep(tf.zeros([3]));
    for (const C of [CategoricalCrossentropy, KLDivergence, CosineSimilarity]) {
      expectRidgeError(() => new C().apply(v, v), 'SHAPE_MISMATCH', C.name, 'rank >= 2', '[3]');
    }
  });
});
