import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { Logs, Model, Sequential, TestOnBatchArgs, TrainOnBatchArgs } from '../index.js';

describe('the batch methods (@ridge/layers/batch, loaded by the package root)', () => {
  it('are typed on every model, with their options', () => {
    const m = {} as Model;
    expectTypeOf(m.trainOnBatch).returns.toEqualTypeOf<Promise<Logs>>();
    expectTypeOf(m.testOnBatch).returns.toEqualTypeOf<Promise<Logs>>();
    expectTypeOf(m.predictOnBatch).returns.toEqualTypeOf<tf.Tensor | tf.Tensor[]>();
    expectTypeOf<Sequential['trainOnBatch']>().toEqualTypeOf<Model['trainOnBatch']>();
    expectTypeOf<TrainOnBatchArgs>().toHaveProperty('classWeight');
    void m.trainOnBatch([[1, 2]], [[3]], { sampleWeight: [1], classWeight: { 0: 2 } });
    // @ts-expect-error batchSize: the batch is what is given
    void m.trainOnBatch([[1, 2]], [[3]], { batchSize: 1 });
    // @ts-expect-error Keras's test_on_batch has no class_weight either
    void m.testOnBatch([[1, 2]], [[3]], { classWeight: { 0: 2 } });
    expectTypeOf<TestOnBatchArgs>().toEqualTypeOf<{ sampleWeight?: TestOnBatchArgs['sampleWeight'] }>();
  });
});
