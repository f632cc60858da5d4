import { RidgeError, describeValue, mustBeError, type Loss } from '@ridge/core';
import { tf } from '../engine/tfjs.js';

/**
 * A metric: a per-sample value (shape [batch]) that the trainer averages over the epoch: plainly
 * in `compile({ metrics })`, weighted by the sample weights in `compile({ weightedMetrics })`.
 */
export interface Metric {
  /** The key in logs: `accuracy`, `mse`, ... */
  readonly name: string;
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
}

export type MetricSpec = string | Metric;

/** Mean over every axis but the batch axis, so per-timestep outputs give one value per sample. */
function perSampleMean(x: tf.Tensor): tf.Tensor {
  return x.rank <= 1 ? x : tf.mean(tf.reshape(x, [x.shape[0]!, -1]), 1);
}

/** The per-sample share of equal entries. */
function matchRate(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return perSampleMean(tf.cast(tf.equal(a, b), 'float32'));
}

const categoricalAccuracy = (name: string): Metric => ({
  name,
  perSample: (t, p) => matchRate(tf.argMax(t, -1), tf.argMax(p, -1)),
});

const sparseCategoricalAccuracy = (name: string): Metric => ({
  name,
  perSample: (t, p) => {
    const labels = t.rank === p.rank ? tf.squeeze(t, [-1]) : t;
    return matchRate(tf.cast(labels, 'int32'), tf.argMax(p, -1));
  },
});

const binaryAccuracy = (name: string): Metric => ({
  name,
  perSample: (t, p) => matchRate(t, tf.cast(tf.greater(p, 0.5), t.dtype)),
});

const mse = (name: string): Metric => ({ name, perSample: (t, p) => perSampleMean(tf.squaredDifference(t, p)) });

const mae = (name: string): Metric => ({ name, perSample: (t, p) => perSampleMean(tf.abs(tf.sub(t, p))) });

const FIXED: Record<string, (name: string) => Metric> = {
  categoricalAccuracy,
  categorical_accuracy: categoricalAccuracy,
  sparseCategoricalAccuracy,
  sparse_categorical_accuracy: sparseCategoricalAccuracy,
  binaryAccuracy,
  binary_accuracy: binaryAccuracy,
  mse,
  mae,
  meanSquaredError: mse,
  mean_squared_error: mse,
  meanAbsoluteError: mae,
  mean_absolute_error: mae,
};

/** Checks a metric spec without a model (for a compile that is finished later). */
export function checkMetricSpec(spec: MetricSpec, argument: string): void {
  if (typeof spec === 'object' && spec !== null && typeof spec.perSample === 'function' && typeof spec.name === 'string') return;
  if (spec === 'accuracy' || spec === 'acc' || (typeof spec === 'string' && spec in FIXED)) return;
  resolveMetric(spec, { className: 'unknown' } as Loss, null, argument);
}

/**
 * Resolves a metric. `'accuracy'` (or `'acc'`) picks the accuracy that fits the loss, as Keras
 * does: sparse categorical for sparse losses, binary for binary losses (and single-unit outputs),
 * categorical otherwise.
 */
export function resolveMetric(spec: MetricSpec, loss: Loss, outputUnits: number | null, argument: string): Metric {
  if (typeof spec === 'object' && spec !== null && typeof spec.perSample === 'function' && typeof spec.name === 'string') return spec;
  if (typeof spec !== 'string') {
    throw mustBeError(`compile: ${argument}`, spec, 'a metric name or { name, perSample }', { argument, received: spec });
  }
  if (spec === 'accuracy' || spec === 'acc') {
    const lossName = loss.className.toLowerCase();
    if (lossName.includes('sparse')) return sparseCategoricalAccuracy(spec);
    if (lossName.includes('binary') || outputUnits === 1) return binaryAccuracy(spec);
    return categoricalAccuracy(spec);
  }
  const make = FIXED[spec];
  if (!make) {
    throw new RidgeError(
      'UNKNOWN_NAME',
      `compile: ${argument}: unknown metric ${describeValue(spec)}. Known metrics: accuracy, ${Object.keys(FIXED).join(', ')}; or pass { name, perSample }.`,
      { argument, received: spec },
    );
  }
  return make(spec);
}
