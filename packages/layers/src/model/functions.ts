import { RidgeError, describeValue, type Loss } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { formatShape } from '../engine/shape.js';
import type { Metric } from './metrics.js';

/**
 * A plain function as a loss or a metric, as Keras users pass them to `compile`: one value per
 * sample (shape `[batch]`) or per element (`[batch, ...]`, averaged over the non-batch axes). On
 * an output that carries a mask, it is called with one row per time step (`[batch * time, ...]`).
 */
export type LossOrMetricFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/** A loss made from a function by `compile({ loss: fn })`; saving writes `className`, the function's name. */
export interface FunctionLoss extends Loss {
  readonly fn: LossOrMetricFunction;
}

/**
 * The name Keras gives a function in logs and saved configs: its own, or `'lambda'` for an
 * anonymous one (Keras snake-cases Python's `'<lambda>'`).
 */
export function functionName(fn: { readonly name: string }): string {
  return fn.name || 'lambda';
}

/**
 * What `fn` returns, checked and reduced to one float32 value per sample: the mean over the
 * non-batch axes. A scalar is refused: it cannot be weighted per sample (Keras would take it as
 * already reduced and weigh it by the mean weight).
 */
export function perSampleOf(what: string, fn: LossOrMetricFunction, yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
  const values: unknown = fn(yTrue, yPred);
  const batch = yPred.shape[0]!;
  if (!(values instanceof tf.Tensor) || values.rank === 0 || values.shape[0] !== batch) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${what} '${functionName(fn)}' must return one value per sample, a tensor of shape [${batch}] or [${batch}, ...]; ` +
        `it returned ${values instanceof tf.Tensor ? `shape ${formatShape(values.shape)}` : describeValue(values)}.`,
      { argument: what, name: functionName(fn) },
    );
  }
  const x = tf.cast(values, 'float32');
  return (x.rank === 1 ? x : tf.mean(tf.reshape(x, [batch, -1]), 1)) as tf.Tensor1D;
}

/**
 * Keras's `LossFunctionWrapper` with its default reduction, `sum_over_batch_size`: the per-sample
 * values, times the sample weights, summed and divided by the batch size.
 */
export function functionLoss(fn: LossOrMetricFunction): FunctionLoss {
  return {
    className: functionName(fn),
    reduction: 'mean',
    fn,
    getConfig: () => ({}),
    apply: (yTrue, yPred, sampleWeight) =>
      tf.tidy(() => {
        const values = perSampleOf('loss', fn, yTrue, yPred);
        const batch = values.shape[0];
        return tf.div(tf.sum(sampleWeight ? tf.mul(values, tf.reshape(tf.cast(sampleWeight, 'float32'), [batch])) : values), Math.max(batch, 1));
      }),
  };
}

/** Keras's `MeanMetricWrapper` around a function: its per-sample values, named by the function. */
export function functionMetric(fn: LossOrMetricFunction): Metric {
  return { name: functionName(fn), perSample: (t, p) => perSampleOf('metric', fn, t, p) };
}

/** A spec that is a function made into a loss by compile (the form a deferred compile keeps). */
export function isFunctionLoss(value: unknown): value is FunctionLoss {
  return typeof value === 'object' && value !== null && typeof (value as FunctionLoss).fn === 'function';
}
