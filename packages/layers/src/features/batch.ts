/*
 * `@ridge/layers/batch`: Keras's batch-level methods. Importing this module adds
 * `model.trainOnBatch(x, y, { sampleWeight, classWeight })` (one optimizer step on exactly that
 * batch), `model.testOnBatch(x, y, { sampleWeight })` and `model.predictOnBatch(x)` to every model.
 * `@ridge/layers` imports it for you. They are added to the model class here, not declared in it,
 * so that a `/base` bundle that does not import this entry carries none of their code.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Logs } from '../model/callbacks.js';
import type { ModelData } from '../model/data.js';
import { Model } from '../model/model.js';
import { predictOnBatch, testOnBatch, trainOnBatch, type TestOnBatchArgs, type TrainOnBatchArgs } from '../model/on-batch.js';

declare module '../model/model.js' {
  interface Model {
    /**
     * One optimizer step on exactly this batch (Keras's `train_on_batch`): no shuffling, no
     * splitting, no callbacks. Resolves to the batch's logs, with the keys of fit's epoch logs
     * (`loss`, `data_loss`, `penalty`, `penalty/<layer>/<weight>`, metrics), computed in the step,
     * before the update. Each call's logs are its own batch's (no running average).
     */
    trainOnBatch(x: ModelData, y: ModelData, args?: TrainOnBatchArgs): Promise<Logs>;
    /** `evaluate` on exactly this batch (Keras's `test_on_batch`): its logs, no update. */
    testOnBatch(x: ModelData, y: ModelData, args?: TestOnBatchArgs): Promise<Logs>;
    /** The outputs for exactly this batch (Keras's `predict_on_batch`), as `predict` gives them. */
    predictOnBatch(x: ModelData): tf.Tensor | tf.Tensor[];
  }
}

const methods: Pick<Model, 'trainOnBatch' | 'testOnBatch' | 'predictOnBatch'> = {
  async trainOnBatch(this: Model, x, y, args) {
    return trainOnBatch(this, x, y, args);
  },
  async testOnBatch(this: Model, x, y, args) {
    return testOnBatch(this, x, y, args);
  },
  predictOnBatch(this: Model, x) {
    return predictOnBatch(this, x);
  },
};

// As class methods are: not enumerable.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Model.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}

export type { TestOnBatchArgs, TrainOnBatchArgs } from '../model/on-batch.js';
