import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { feature } from './features.js';
import type { Logs } from './callbacks.js';
import type { LossOrMetricFunction } from './functions.js';

/**
 * A metric: a per-sample value (shape [batch]) that the trainer averages over the epoch: plainly
 * in `compile({ metrics })`, weighted by the sample weights in `compile({ weightedMetrics })`.
 * On an output that carries a mask, `perSample` is given one row per time step (`[batch * time,
 * ...]`) and each row's value is weighted by its mask, as Keras 3 weighs masked metrics.
 */
export interface Metric {
  /** The key in logs: `accuracy`, `mse`, ... */
  readonly name: string;
  perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;
  /**
   * Set for a metric computed from sums over the epoch rather than a mean of per-sample values
   * (Keras's stateful metrics: precision, recall, AUC, root mean squared error). Then `perSample`
   * gives `[rows, size(yTrue)]`: a few numbers per sample (counts, squared errors), one column
   * each. The trainer averages each column over the epoch's samples as it averages a plain metric's values
   * (weighted by the sample weights in `weightedMetrics`, and by the mask on a masked output), and
   * logs them under the metric's key (the first) and hidden keys `key + STAT + i` (with a weight
   * entry `WEIGHTS_OF + key` when weighted); `finish` replaces those entries of the epoch's logs
   * by the metric's value (see `statefulResult` in `stateful-metrics.ts`).
   */
  readonly stateful?: {
    size(yTrue: tf.Tensor): number;
    finish(logs: Logs, key: string): void;
  };
  /** How compile's saved training config writes the metric, when its options are not the defaults of its name. */
  readonly config?: { readonly className: string; readonly config: Readonly<Record<string, number | string | boolean | null>> };
}

/**
 * A metric name, a `Metric`, or a function `(yTrue, yPred) => Tensor` (Keras's
 * `MeanMetricWrapper`): one value per sample or per element, named by the function's name.
 */
export type MetricSpec = string | Metric | LossOrMetricFunction;

/** Mean over every axis but the batch axis, so per-timestep outputs give one value per sample. */
export function perSampleMean(x: tf.Tensor): tf.Tensor {
  return x.rank <= 1 ? x : tf.mean(tf.reshape(x, [x.shape[0]!, -1]), 1);
}

/** The per-sample share of equal entries. */
function matchRate(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return perSampleMean(tf.cast(tf.equal(a, b), 'float32'));
}

/** A metric's values per sample; `resolveMetric` names it by the key it was asked for. */
type PerSample = Metric['perSample'];

const categoricalAccuracy: PerSample = (t, p) => matchRate(tf.argMax(t, -1), tf.argMax(p, -1));

const sparseCategoricalAccuracy: PerSample = (t, p) => {
  const labels = t.rank === p.rank ? tf.squeeze(t, [-1]) : t;
  return matchRate(tf.cast(labels, 'int32'), tf.argMax(p, -1));
};

// Labels [batch] against outputs [batch, 1] are compared in the outputs' shape, as Keras's
// squeeze_or_expand_to_same_rank does (broadcasting would compare every pair).
const binaryAccuracy: PerSample = (t, p) => matchRate(t.rank === p.rank ? t : tf.reshape(t, p.shape), tf.cast(tf.greater(p, 0.5), t.dtype));

const lastAxis = (x: tf.Tensor) => x.shape[x.rank - 1];

/**
 * `'accuracy'` (or `'acc'`) as Keras 3 picks it (`compile_utils.get_metric`), from the shapes of
 * the labels and the outputs, whatever the loss: binary when the outputs' last axis is 1; sparse
 * categorical when the labels have fewer axes than the outputs, or a last axis of 1; categorical
 * otherwise. Keras decides at the first batch; the shapes are the same at every batch.
 */
const accuracy: PerSample = (t, p) =>
  (lastAxis(p) === 1 ? binaryAccuracy : t.rank < p.rank || lastAxis(t) === 1 ? sparseCategoricalAccuracy : categoricalAccuracy)(t, p);

const mse: PerSample = (t, p) => perSampleMean(tf.squaredDifference(t, p));

const mae: PerSample = (t, p) => perSampleMean(tf.abs(tf.sub(t, p)));

const FIXED: Record<string, PerSample> = {
  accuracy,
  acc: accuracy,
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

/** The metrics `@ridge/layers/metrics` adds, by name (kept out of `/base`). */
const MORE: Record<string, (name: string) => Metric> = {};

/** Called by `@ridge/layers/metrics` when it is imported. */
export function addMetrics(table: Readonly<Record<string, (name: string) => Metric>>): void {
  Object.assign(MORE, table);
}

/** What else than a name a metric can be, for the messages that refuse one. */
const METRIC_FORMS = 'a function (yTrue, yPred) => Tensor or { name, perSample }';

/**
 * Resolves a metric (`argument` names it in errors). `'accuracy'` picks its kind from the shapes
 * of the labels and the outputs, as Keras 3 does.
 */
export function resolveMetric(spec: MetricSpec, argument: string): Metric {
  if (typeof spec === 'object' && spec !== null && typeof spec.perSample === 'function' && typeof spec.name === 'string') return spec;
  if (typeof spec === 'function') return feature('functions', `compile({ ${argument.split('[')[0]}: [function] })`).metric(spec);
  if (typeof spec !== 'string') {
    throw mustBeError(`compile: ${argument}`, spec, `a metric name, ${METRIC_FORMS}`, { argument, received: spec });
  }
  if (Object.hasOwn(FIXED, spec)) return { name: spec, perSample: FIXED[spec]! };
  const make = Object.hasOwn(MORE, spec) ? MORE[spec] : undefined;
  if (!make) {
    const more = Object.keys(MORE);
    throw new RidgeError(
      'UNKNOWN_NAME',
      `compile: ${argument}: unknown metric ${describeValue(spec)}. Known metrics: ${[...Object.keys(FIXED), ...more].join(', ')}` +
        `${more.length ? '' : ", and more with import '@ridge/layers/metrics'"}; ` +
        `or pass ${METRIC_FORMS}.`,
      { argument, received: spec },
    );
  }
  return make(spec);
}
