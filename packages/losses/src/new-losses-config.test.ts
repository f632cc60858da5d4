import { initBackend } from '@ridge/backend';
import { deserializeLoss, serializeLoss } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRidgeError } from '../test/helpers.js';
import {
  BinaryFocalCrossentropy,
  CategoricalFocalCrossentropy,
  CategoricalHinge,
  LogCosh,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Poisson,
  SquaredHinge,
  binaryFocalCrossentropy,
  categoricalFocalCrossentropy,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('configs of the Keras 3 losses added after the first nine', () => {
  it('hold every option with its Keras default', () => {
    for (const C of [SquaredHinge, CategoricalHinge, LogCosh, Poisson, MeanAbsolutePercentageError, MeanSquaredLogarithmicError]) {
      expect(new C().getConfig()).toEqual({ reduction: 'mean' });
    }
    expect(new BinaryFocalCrossentropy().getConfig()).toEqual({
      reduction: 'mean',
      applyClassBalancing: false,
      alpha: 0.25,
      gamma: 2,
      fromLogits: false,
      labelSmoothing: 0,
      axis: -1,
    });
    expect(new CategoricalFocalCrossentropy().getConfig()).toEqual({ reduction: 'mean', alpha: 0.25, gamma: 2, fromLogits: false, labelSmoothing: 0, axis: -1 });
  });

  it('serialize under their Keras class names and come back equal', () => {
    const loss = binaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.6, gamma: 3, fromLogits: true, labelSmoothing: 0.05, reduction: 'sum' });
    const json = serializeLoss(loss);
    expect(json).toEqual({ className: 'BinaryFocalCrossentropy', config: loss.getConfig() });
    expect(deserializeLoss(JSON.parse(JSON.stringify(json))).getConfig()).toEqual(loss.getConfig());
    expect(serializeLoss(new Poisson({ reduction: 'none' }))).toEqual({ className: 'Poisson', config: { reduction: 'none' } });
  });

  it('read Keras 3 JSON: BinaryFocalCrossentropy with snake_case keys, name and dtype', () => {
    const loss = deserializeLoss({
      module: 'keras.losses',
      class_name: 'BinaryFocalCrossentropy',
      config: {
        name: 'binary_focal_crossentropy',
        reduction: 'sum_over_batch_size',
        from_logits: true,
        label_smoothing: 0.1,
        axis: -1,
        apply_class_balancing: true,
        alpha: 0.4,
        gamma: 1.5,
        dtype: null,
      },
      registered_name: null,
    });
    expect(loss).toBeInstanceOf(BinaryFocalCrossentropy);
    expect(loss.getConfig()).toEqual({ reduction: 'mean', applyClassBalancing: true, alpha: 0.4, gamma: 1.5, fromLogits: true, labelSmoothing: 0.1, axis: -1 });
  });

  it('read Keras 3 JSON: CategoricalFocalCrossentropy and the plain ones', () => {
    const cfce = deserializeLoss({
      class_name: 'CategoricalFocalCrossentropy',
      config: { name: 'categorical_focal_crossentropy', reduction: null, alpha: 0.5, gamma: 1, from_logits: false, label_smoothing: 0, axis: -1 },
    });
    expect(cfce.getConfig()).toEqual({ reduction: 'none', alpha: 0.5, gamma: 1, fromLogits: false, labelSmoothing: 0, axis: -1 });
    const perClass = deserializeLoss({ class_name: 'CategoricalFocalCrossentropy', config: { alpha: [0.1, 0.3, 0.6], gamma: 2 } });
    expect(perClass.getConfig()).toMatchObject({ alpha: [0.1, 0.3, 0.6] });
    expect(deserializeLoss(JSON.parse(JSON.stringify(serializeLoss(perClass)))).getConfig()).toEqual(perClass.getConfig());
    expect(deserializeLoss({ class_name: 'LogCosh', config: { name: 'log_cosh', reduction: 'sum' } }).getConfig()).toEqual({ reduction: 'sum' });
    expect(deserializeLoss({ class_name: 'MeanSquaredLogarithmicError', config: { name: 'msle', reduction: 'auto' } })).toBeInstanceOf(MeanSquaredLogarithmicError);
  });

  it('resolve the Keras function names and tfjs-layers names', () => {
    expect(deserializeLoss('mape')).toBeInstanceOf(MeanAbsolutePercentageError);
    expect(deserializeLoss('MSLE')).toBeInstanceOf(MeanSquaredLogarithmicError);
    expect(deserializeLoss('logcosh')).toBeInstanceOf(LogCosh);
    expect(deserializeLoss('squared_hinge')).toBeInstanceOf(SquaredHinge);
    expect(deserializeLoss('categoricalHinge')).toBeInstanceOf(CategoricalHinge);
    expect(deserializeLoss('poisson')).toBeInstanceOf(Poisson);
    expect(deserializeLoss('binary_focal_crossentropy')).toBeInstanceOf(BinaryFocalCrossentropy);
    expect(deserializeLoss('categorical_focal_crossentropy')).toBeInstanceOf(CategoricalFocalCrossentropy);
    expect(deserializeLoss('bce').className).toBe('BinaryCrossentropy');
    expect(deserializeLoss('BCE').className).toBe('BinaryCrossentropy');
  });
});

describe('focal options are checked, naming the option and the value', () => {
  it.each([
    [1.5, '1.5'],
    [-0.1, '-0.1'],
    [Number.NaN, 'NaN'],
    ['0.3', '"0.3"'],
  ])('BinaryFocalCrossentropy alpha = %s (in [0, 1])', (value, shown) => {
    expectRidgeError(() => binaryFocalCrossentropy({ alpha: value as number }), 'INVALID_ARGUMENT', 'BinaryFocalCrossentropy.alpha', shown, 'between 0 (inclusive) and 1 (inclusive)');
  });

  it.each([
    [-1, '-1'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    ['2', '"2"'],
  ])('gamma = %s (finite, >= 0)', (value, shown) => {
    expectRidgeError(() => binaryFocalCrossentropy({ gamma: value as number }), 'INVALID_ARGUMENT', 'BinaryFocalCrossentropy.gamma', shown, '>= 0');
    expectRidgeError(() => categoricalFocalCrossentropy({ gamma: value as number }), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.gamma', shown, '>= 0');
  });

  it('CategoricalFocalCrossentropy alpha: a number >= 0, or one such per class', () => {
    expectRidgeError(() => categoricalFocalCrossentropy({ alpha: -0.5 }), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.alpha', '-0.5');
    expectRidgeError(() => categoricalFocalCrossentropy({ alpha: [0.2, -1] }), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.alpha[1]', '-1');
    expectRidgeError(() => categoricalFocalCrossentropy({ alpha: [] }), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.alpha', '[]');
    const t = tf.zeros([2, 3]);
    expectRidgeError(() => categoricalFocalCrossentropy({ alpha: [0.2, 0.8] }).apply(t, t), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.alpha', '[0.2, 0.8]', 'one weight per class: 3');
    t.dispose();
  });

  it('applyClassBalancing, labelSmoothing and fromLogits', () => {
    expectRidgeError(() => binaryFocalCrossentropy({ applyClassBalancing: 1 as never }), 'INVALID_ARGUMENT', 'BinaryFocalCrossentropy.applyClassBalancing', '1');
    expectRidgeError(() => categoricalFocalCrossentropy({ labelSmoothing: 2 }), 'INVALID_ARGUMENT', 'CategoricalFocalCrossentropy.labelSmoothing', '2');
    expectRidgeError(() => binaryFocalCrossentropy({ fromLogits: 'no' as never }), 'INVALID_ARGUMENT', 'BinaryFocalCrossentropy.fromLogits', '"no"');
  });
});
