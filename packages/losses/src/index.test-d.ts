import { deserializeLoss, getLoss, type ConfigOf, type Loss, type LossName } from '@ridge/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { RegisteredName } from '../test/names.js';
import '@ridge/losses';
import {
  huber,
  type HuberConfig,
  Huber,
  type CategoricalCrossentropyConfig,
  binaryFocalCrossentropy,
  BinaryFocalCrossentropy,
  type BinaryFocalCrossentropyConfig,
  type CategoricalFocalCrossentropyConfig,
  type MeanAbsolutePercentageErrorConfig,
  type MeanSquaredLogarithmicErrorConfig,
} from '@ridge/losses';

describe('importing @ridge/losses types its names', () => {
  it('accepts registered names and { className, config }', () => {
    expectTypeOf(getLoss('mse')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss('categorical_crossentropy')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss({ className: 'Huber', config: { delta: 2 } })).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss({ className: 'CategoricalCrossentropy', config: { fromLogits: true, reduction: 'sum_over_batch_size' } })).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss(huber())).toEqualTypeOf<Loss>();
  });

  it('rejects unknown names and wrong configs at compile time', () => {
    // @ts-expect-error 'mse2' is not a registered loss name
    getLoss('mse2');
    // @ts-expect-error delta is a number
    getLoss({ className: 'Huber', config: { delta: '2' } });
    // @ts-expect-error Huber has no fromLogits option
    getLoss({ className: 'Huber', config: { fromLogits: true } });
    // @ts-expect-error not a reduction
    getLoss({ className: 'mse', config: { reduction: 'avg' } });
    // deserializeLoss reads JSON from outside, so it takes anything.
    expectTypeOf(deserializeLoss).parameter(0).toBeUnknown();
  });

  it('types exactly the registered names, each with its config', () => {
    expectTypeOf<LossName>().toEqualTypeOf<RegisteredName>();
    expectTypeOf<ConfigOf<'loss', 'huber_loss'>>().toEqualTypeOf<HuberConfig>();
    expectTypeOf<ConfigOf<'loss', 'categoricalCrossentropy'>>().toEqualTypeOf<CategoricalCrossentropyConfig>();
  });

  it('gives classes literal class names and factories their class', () => {
    expectTypeOf(huber({ delta: 2 })).toEqualTypeOf<Huber>();
    expectTypeOf(new Huber().className).toEqualTypeOf<'Huber'>();
    expectTypeOf(new Huber().delta).toEqualTypeOf<number>();
  });

  it('types the Keras 3 losses added later, by every name', () => {
    expectTypeOf(getLoss('squared_hinge')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss('categoricalHinge')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss('logcosh')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss('poisson')).toEqualTypeOf<Loss>();
    expectTypeOf(getLoss({ className: 'BinaryFocalCrossentropy', config: { applyClassBalancing: true, alpha: 0.5, gamma: 1 } })).toEqualTypeOf<Loss>();
    expectTypeOf<ConfigOf<'loss', 'mape'>>().toEqualTypeOf<MeanAbsolutePercentageErrorConfig>();
    expectTypeOf<ConfigOf<'loss', 'MSLE'>>().toEqualTypeOf<MeanSquaredLogarithmicErrorConfig>();
    expectTypeOf<ConfigOf<'loss', 'binary_focal_crossentropy'>>().toEqualTypeOf<BinaryFocalCrossentropyConfig>();
    expectTypeOf<ConfigOf<'loss', 'categorical_focal_crossentropy'>>().toEqualTypeOf<CategoricalFocalCrossentropyConfig>();
    expectTypeOf(binaryFocalCrossentropy()).toEqualTypeOf<BinaryFocalCrossentropy>();
    expectTypeOf(new BinaryFocalCrossentropy().className).toEqualTypeOf<'BinaryFocalCrossentropy'>();
    // @ts-expect-error gamma is a number
    getLoss({ className: 'CategoricalFocalCrossentropy', config: { gamma: 'high' } });
    // @ts-expect-error Poisson has no options besides reduction
    getLoss({ className: 'poisson', config: { fromLogits: true } });
    // @ts-expect-error 'msle2' is not a registered loss name
    getLoss('msle2');
  });
});
