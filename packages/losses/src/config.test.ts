import { initBackend } from '@ridge/backend';
import { deserializeLoss, serializeLoss } from '@ridge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CosineSimilarity,
  Hinge,
  Huber,
  KLDivergence,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('getConfig', () => {
  it('holds every option with its Keras default, in Ridge spelling', () => {
    expect(new CategoricalCrossentropy().getConfig()).toEqual({ reduction: 'mean', fromLogits: false, labelSmoothing: 0, axis: -1 });
    expect(new SparseCategoricalCrossentropy().getConfig()).toEqual({ reduction: 'mean', fromLogits: false });
    expect(new BinaryCrossentropy().getConfig()).toEqual({ reduction: 'mean', fromLogits: false, labelSmoothing: 0, axis: -1 });
    expect(new MeanSquaredError().getConfig()).toEqual({ reduction: 'mean' });
    expect(new MeanAbsoluteError().getConfig()).toEqual({ reduction: 'mean' });
    expect(new Huber().getConfig()).toEqual({ reduction: 'mean', delta: 1 });
    expect(new KLDivergence().getConfig()).toEqual({ reduction: 'mean' });
    expect(new Hinge().getConfig()).toEqual({ reduction: 'mean' });
    expect(new CosineSimilarity().getConfig()).toEqual({ reduction: 'mean', axis: -1 });
  });

  it('echoes given options', () => {
    const cce = new CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1, axis: 1, reduction: 'none' });
    expect(cce.getConfig()).toEqual({ reduction: 'none', fromLogits: true, labelSmoothing: 0.1, axis: 1 });
    expect(cce.reduction).toBe('none');
    expect(serializeLoss(new Huber({ delta: 2.5, reduction: 'sum' }))).toEqual({ className: 'Huber', config: { reduction: 'sum', delta: 2.5 } });
  });
});

describe('Keras JSON', () => {
  it('reads a Keras 3 loss config (module, class_name, snake_case, name, registered_name)', () => {
    const loss = deserializeLoss({
      module: 'keras.losses',
      class_name: 'CategoricalCrossentropy',
      config: { name: 'categorical_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0.1, axis: -1 },
      registered_name: null,
    });
    expect(loss).toBeInstanceOf(CategoricalCrossentropy);
    expect(loss.getConfig()).toEqual({ reduction: 'mean', fromLogits: true, labelSmoothing: 0.1, axis: -1 });
  });

  it("reads Keras 3's reduction null as 'none' and its ignore_class: null", () => {
    const loss = deserializeLoss({
      class_name: 'SparseCategoricalCrossentropy',
      config: { name: 'scce', reduction: null, from_logits: false, ignore_class: null },
    });
    expect(loss.getConfig()).toEqual({ reduction: 'none', fromLogits: false });
  });

  it("reads a Keras 2 config with reduction 'auto' and a dtype", () => {
    const loss = deserializeLoss({ class_name: 'Huber', config: { reduction: 'auto', name: 'huber_loss', delta: 2, dtype: 'float32' } });
    expect(loss.getConfig()).toEqual({ reduction: 'mean', delta: 2 });
  });

  it('resolves the Keras function names', () => {
    expect(deserializeLoss('kullback_leibler_divergence')).toBeInstanceOf(KLDivergence);
    expect(deserializeLoss({ class_name: 'mean_squared_error', config: {} })).toBeInstanceOf(MeanSquaredError);
  });
});
