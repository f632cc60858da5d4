import { RidgeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { checkOptions, who } from '../engine/errors.js';
import type { Logs } from './callbacks.js';
import { IndexBatches, prepare, sameLength, type HostData, type ModelData, type Prepared, type TensorLike } from './data.js';
import { cutBatch, evaluateBatches } from './evaluate.js';
import { feature, type ModelInternals } from './features.js';
import { runGraph } from './graph.js';
import { LogSums } from './log-sums.js';
import type { Model } from './model.js';
import { StepRunner } from './step.js';

/*
 * `model.trainOnBatch`, `model.testOnBatch` and `model.predictOnBatch` (Keras's `train_on_batch`,
 * `test_on_batch`, `predict_on_batch`), for `@ridge/layers/batch`. Each works on exactly the batch
 * it is given: no shuffling, no splitting, no callbacks. Logs are the batch's own: Ridge keeps no
 * metric state between calls (see the README: Keras 3 accumulates until `reset_metrics()`).
 */

export interface TrainOnBatchArgs {
  /** One weight per sample (or per time step of a sequence output), finite and >= 0, as in `fit`. */
  sampleWeight?: TensorLike;
  /** Weight per class index, multiplied into the sample weights, as in `fit` (a model with one output). */
  classWeight?: Readonly<Record<number, number>>;
}

export interface TestOnBatchArgs {
  /** One weight per sample (or per time step of a sequence output), finite and >= 0, as in `evaluate`. */
  sampleWeight?: ModelData;
}

/** The internals a model hands to this feature (after refusing a disposed model). */
function internalsOf(model: Model, method: string): ModelInternals {
  return (model as unknown as { batchInternals(call: string): ModelInternals }).batchInternals(`${method}()`);
}

/** Runs `fn`; a RidgeError from code shared with `fit` names `method` instead of `fit`. */
function renamed<T>(method: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (RidgeError.is(error) && error.message.startsWith('fit: ')) {
      throw new RidgeError(error.code, `${method}: ${error.message.slice('fit: '.length)}`, error.details);
    }
    throw error;
  }
}

/** x and y as host copies (checked finite), as fit reads them; the tensors made are added to `owned`. */
function batchData(model: Model, internals: ModelInternals, x: ModelData, y: ModelData, method: string, owned: tf.Tensor[]): { xs: HostData[]; ys: HostData[]; n: number } {
  const own = (p: Prepared) => {
    owned.push(...p.owned);
    return p.host;
  };
  const xs = own(prepare(x, internals.inputSlots(), 'x', 'host', method));
  const ys = own(prepare(y, internals.outputSlots(), 'y', 'host', method));
  return { xs, ys, n: sameLength(xs, ys, method, 'y', model.outputNames) };
}

/**
 * One optimizer step on exactly this batch, as `fit` takes one (the same tensors as
 * `fit(x, y, { batchSize: n, epochs: 1, shuffle: false })`), without callbacks. Returns the
 * batch's logs, with the keys of fit's epoch logs: the loss computed in the step, before the
 * update. A refused call (bad options or data) changes no weight and no optimizer state.
 */
export function trainOnBatch(model: Model, x: ModelData, y: ModelData, args: TrainOnBatchArgs = {}): Logs {
  const internals = internalsOf(model, 'trainOnBatch');
  checkOptions('trainOnBatch', args, ['sampleWeight', 'classWeight']);
  if (model.isTraining) {
    throw new RidgeError('BUSY', `${who(model)}: trainOnBatch while fit runs; wait for fit to finish.`);
  }
  internals.beforeData(x, 'trainOnBatch');
  const compiled = internals.compiled('trainOnBatch');
  const owned: tf.Tensor[] = [];
  let runner: StepRunner | undefined;
  try {
    const { xs, ys, n } = batchData(model, internals, x, y, 'trainOnBatch', owned);
    let sw: HostData | undefined;
    const given = args.sampleWeight !== undefined ? 'sampleWeight' : args.classWeight !== undefined ? 'classWeight' : undefined;
    if (given) {
      const data = feature('data', `trainOnBatch({ ${given} })`);
      const weights = renamed('trainOnBatch', () => data.fitWeights(args, ys, n, internals));
      owned.push(...weights.owned);
      sw = weights.weights;
    }
    runner = new StepRunner({ graph: internals.graph(), weights: model.weights }, compiled);
    const part = cutBatch(new IndexBatches(n, n), 0, xs, ys, sw);
    owned.push(...part.all);
    const { vector, layout } = runner.run(part.xs, part.ys, part.sw, true);
    const sums = new LogSums();
    try {
      sums.add(vector, layout, n);
      return sums.read();
    } finally {
      sums.dispose();
    }
  } finally {
    runner?.dispose();
    tf.dispose(owned);
  }
}

/**
 * The logs of `evaluate` on exactly this batch (one step, no update): loss, data loss, every
 * penalty term and the metrics, computed as in training.
 */
export function testOnBatch(model: Model, x: ModelData, y: ModelData, args: TestOnBatchArgs = {}): Logs {
  const internals = internalsOf(model, 'testOnBatch');
  checkOptions('testOnBatch', args, ['sampleWeight']);
  internals.beforeData(x, 'testOnBatch');
  const compiled = internals.compiled('testOnBatch');
  const owned: tf.Tensor[] = [];
  let runner: StepRunner | undefined;
  try {
    const { xs, ys, n } = batchData(model, internals, x, y, 'testOnBatch', owned);
    let sw: HostData | undefined;
    if (args.sampleWeight !== undefined) {
      const weights = feature('data', 'testOnBatch({ sampleWeight })').sampleWeight(args.sampleWeight, ys, 'sampleWeight', 'testOnBatch', internals);
      owned.push(...weights.owned);
      sw = weights.host[0];
    }
    runner = new StepRunner({ graph: internals.graph(), weights: model.weights }, compiled);
    return evaluateBatches(runner, xs, ys, sw, n);
  } finally {
    runner?.dispose();
    tf.dispose(owned);
  }
}

/** The model's outputs for exactly this batch, in inference mode: one tensor per output, as `predict` gives. */
export function predictOnBatch(model: Model, x: ModelData): tf.Tensor | tf.Tensor[] {
  const internals = internalsOf(model, 'predictOnBatch');
  internals.beforeData(x, 'predictOnBatch');
  const xs = prepare(x, internals.inputSlots(), 'x', 'none', 'predictOnBatch');
  try {
    const graph = internals.graph();
    // A copy where an output is an input itself (the caller owns the result, not the input).
    const outputs = tf.tidy(() => runGraph(graph, xs.tensors, { training: false }).map((o) => (xs.tensors.includes(o) ? tf.clone(o) : o)));
    return outputs.length === 1 ? outputs[0]! : outputs;
  } finally {
    tf.dispose(xs.owned);
  }
}
