import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import { checkOptions } from '../engine/errors.js';
import { tf } from '../engine/tfjs.js';
import type { Logs } from './callbacks.js';
import { STAT, WEIGHTS_OF } from './log-sums.js';
import type { Metric } from './metrics.js';

/*
 * Keras 3's stateful metrics: precision, recall, AUC and root mean squared error. Each is computed
 * from sums over the whole epoch (`Metric.stateful`), not as a mean of per-batch values. Kept out of
 * `/base`: `@ridge/layers/metrics` adds them (the root `@ridge/layers` imports it).
 */

/** Keras's `backend.epsilon()`. */
const EPSILON = 1e-7;
/** Keras's `metrics_utils.NEG_INF`: the score top-k filtering gives the predictions outside the top k. */
const NEG_INF = -1e10;

/** Options of `precision` and `recall` (Keras 3's `Precision` and `Recall`). */
export interface PrecisionRecallArgs {
  /** A prediction above it counts as positive; one number in [0, 1]. Default 0.5, or none with `topK`. */
  readonly thresholds?: number;
  /** Only the `topK` largest predictions of each sample (along the last axis) can count as positive. */
  readonly topK?: number;
  /** Only this class (an index along the last axis) is scored, as a binary problem. */
  readonly classId?: number;
  /** The key in logs. Default `'precision'` or `'recall'`. */
  readonly name?: string;
}

/** Options of `auc` (Keras 3's `AUC`). */
export interface AucArgs {
  /** Thresholds to discretize the curve, evenly spaced in [0, 1] (an integer > 1). Default 200. */
  readonly numThresholds?: number;
  /** `'ROC'` (default) or `'PR'` (precision-recall). */
  readonly curve?: 'ROC' | 'PR';
  /** `'interpolation'` (default), `'minoring'` or `'majoring'`. */
  readonly summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** One AUC per label (the last axis of `[batch, labels]` outputs), averaged; otherwise all entries are pooled. */
  readonly multiLabel?: boolean;
  /** Whether the outputs are logits (a sigmoid is applied first). Default false. */
  readonly fromLogits?: boolean;
  /** The key in logs. Default `'auc'`. */
  readonly name?: string;
}

/** Options of `rootMeanSquaredError`. */
export interface RootMeanSquaredErrorArgs {
  /** The key in logs. Default `'root_mean_squared_error'`. */
  readonly name?: string;
}

type Config = NonNullable<Metric['config']>['config'];

/**
 * `Metric.stateful` from the number of columns and what turns the columns' epoch averages into the
 * metric. The averages are the epoch's sums divided by one common number (the samples' count, or
 * their total weight), so `result` must depend on ratios of the columns only: precision is
 * `tp / (tp + fp)`, and a weighted mean carries its own weight column.
 */
export function statefulResult(size: (yTrue: tf.Tensor) => number, result: (means: number[]) => number): NonNullable<Metric['stateful']> {
  return {
    size,
    finish(logs: Logs, key: string) {
      const means = [logs[key]!];
      for (let c = 1, k: string; (k = key + STAT + c) in logs; c++) {
        means.push(logs[k]!);
        delete logs[k];
      }
      delete logs[WEIGHTS_OF + key];
      logs[key] = result(means);
    },
  };
}

const divNoNan = (a: number, b: number) => (b === 0 ? 0 : a / b);

function checkName(call: string, name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name === '') throw mustBeError(`${call}: name`, name, 'a non-empty string', { argument: 'name', received: name });
  return name;
}

function checkInteger(call: string, argument: string, value: unknown, min: number): number | undefined {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
    throw mustBeError(`${call}: ${argument}`, value, `an integer >= ${min}`, { argument, received: value });
  }
  return value as number | undefined;
}

function checkChoice<T extends string>(call: string, argument: string, value: unknown, choices: readonly T[]): T | undefined {
  if (value !== undefined && !choices.includes(value as T)) {
    throw mustBeError(`${call}: ${argument}`, value, `one of ${choices.map((c) => `'${c}'`).join(', ')}`, { argument, received: value });
  }
  return value as T | undefined;
}

function checkBoolean(call: string, argument: string, value: unknown): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw mustBeError(`${call}: ${argument}`, value, 'true or false', { argument, received: value });
  return value === true;
}

/** Labels in the outputs' shape: labels [batch] against outputs [batch, 1] (Keras's squeeze_or_expand_to_same_rank). */
const sameShape = (t: tf.Tensor, p: tf.Tensor) => (t.rank === p.rank ? t : tf.reshape(t, p.shape));

/** `[rows, -1]`: every entry of a sample on one row. */
const rows = (x: tf.Tensor) => tf.reshape(x, [x.shape[0]!, -1]);

/** Labels as 0 and 1: Keras casts them to bool, so any nonzero label is positive. */
const positive = (t: tf.Tensor) => tf.cast(tf.notEqual(t, 0), 'float32');

/** Keras's `_filter_top_k`: the `k` largest scores along the last axis are kept, the others become NEG_INF. */
function filterTopK(call: string, p: tf.Tensor, k: number): tf.Tensor {
  const classes = p.shape[p.rank - 1]!;
  if (k > classes) {
    throw new RidgeError('INVALID_ARGUMENT', `${call}: topK is ${k}, but the outputs have ${classes} entries along their last axis; give a topK of at most ${classes}.`, {
      argument: 'topK',
      received: k,
    });
  }
  const kept = tf.sum(tf.oneHot(tf.topk(p, k).indices, classes), -2);
  return tf.add(tf.mul(p, kept), tf.mul(tf.sub(1, kept), NEG_INF));
}

/**
 * Keras 3's `Precision` and `Recall` (`keras/src/metrics/confusion_metrics.py`, counting with
 * `metrics_utils.update_confusion_matrix_variables`): a prediction is positive when it is strictly
 * greater than the threshold (0.5 by default; with `topK` and no threshold, any prediction among
 * the top k); with `topK` the others are set to NEG_INF first, and `classId` then keeps that one
 * entry of the last axis. Every entry counts, each weighted by its sample's weight. Precision is
 * `tp / (tp + fp)`, recall `tp / (tp + fn)`, over the epoch's sums (0 when the sum is 0,
 * `divide_no_nan`). Keras also takes a list of thresholds and returns one value per threshold; a
 * log entry holds one number, so Ridge takes one threshold per metric.
 */
function confusionMetric(call: 'precision' | 'recall', args: PrecisionRecallArgs): Metric {
  if (typeof args !== 'object' || args === null) throw mustBeError(`${call}: options`, args, 'an object like { thresholds, topK, classId, name }', { argument: 'options', received: args });
  checkOptions(call, args, ['thresholds', 'topK', 'classId', 'name']);
  const given = args.thresholds as unknown;
  if (Array.isArray(given)) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: thresholds must be one number in [0, 1]; received the list ${describeValue(given)}. Keras returns one value per threshold, ` +
        `which one log entry cannot hold: add one ${call}({ thresholds: t, name: '${call}_at_t' }) per threshold.`,
      { argument: 'thresholds', received: given },
    );
  }
  if (given !== undefined && (typeof given !== 'number' || !(given >= 0 && given <= 1))) {
    throw mustBeError(`${call}: thresholds`, given, 'one number in [0, 1] (use 0 for logits)', { argument: 'thresholds', received: given });
  }
  const topK = checkInteger(call, 'topK', args.topK, 1);
  const classId = checkInteger(call, 'classId', args.classId, 0);
  const name = checkName(call, args.name, call);
  const threshold = (given as number | undefined) ?? (topK === undefined ? 0.5 : NEG_INF);
  const config: Config = { name, thresholds: (given as number | undefined) ?? null, top_k: topK ?? null, class_id: classId ?? null };
  return {
    name,
    config: { className: call === 'precision' ? 'Precision' : 'Recall', config },
    perSample(t, p) {
      let labels = positive(sameShape(t, p));
      let scores = topK === undefined ? p : filterTopK(call, p, topK);
      if (classId !== undefined) {
        const classes = p.rank < 2 ? 0 : p.shape[p.rank - 1]!;
        if (classId >= classes) {
          throw new RidgeError(
            'INVALID_ARGUMENT',
            `${call}: classId is ${classId}, but the outputs have shape [${p.shape.join(', ')}]: ${p.rank < 2 ? 'classId needs outputs [batch, classes]' : `their classes are 0 to ${classes - 1}`}. Give a classId in range.`,
            { argument: 'classId', received: classId, shape: p.shape },
          );
        }
        const pick = (x: tf.Tensor) => tf.slice(x, [...x.shape.slice(0, -1).map(() => 0), classId], [...x.shape.slice(0, -1), 1]);
        labels = pick(labels);
        scores = pick(scores);
      }
      const predicted = tf.cast(tf.greater(scores, threshold), 'float32');
      const tp = tf.sum(rows(tf.mul(labels, predicted)), 1);
      // Precision needs the false positives, recall the false negatives.
      const other = call === 'precision' ? tf.sum(rows(tf.mul(tf.sub(1, labels), predicted)), 1) : tf.sum(rows(tf.mul(labels, tf.sub(1, predicted))), 1);
      return tf.stack([tp, other], 1);
    },
    stateful: statefulResult(
      () => 2,
      ([tp, other]) => divNoNan(tp!, tp! + other!),
    ),
  };
}

/** Precision over the epoch, `sum(tp) / sum(tp + fp)`, as Keras 3's `keras.metrics.Precision()`. */
export function precision(args: PrecisionRecallArgs = {}): Metric {
  return confusionMetric('precision', args);
}

/** Recall over the epoch, `sum(tp) / sum(tp + fn)`, as Keras 3's `keras.metrics.Recall()`. */
export function recall(args: PrecisionRecallArgs = {}): Metric {
  return confusionMetric('recall', args);
}

/**
 * The area under one ROC or PR curve from confusion counts at each threshold (`tp`, `fp`, `tn`,
 * `fn`, thresholds increasing), as Keras 3's `AUC.result` computes it: for ROC, x is the false
 * positive rate and y the recall; for PR, x is the recall and y the precision; each interval adds
 * `(x[i] - x[i+1]) * height`, the height being the mean of its ends ('interpolation'), the smaller
 * ('minoring') or the larger ('majoring'). PR with 'interpolation' is Keras's `interpolate_pr_auc`
 * (Davis and Goadrich 2006): tp and the predicted positives p vary linearly within an interval, so
 * its area is `slope * (dtp + intercept * log(p[i] / p[i+1])) / (tp + fn)[i+1]`.
 */
function area(curve: 'ROC' | 'PR', method: 'interpolation' | 'minoring' | 'majoring', tp: number[], fp: number[], tn: number[], fn: number[]): number {
  let sum = 0;
  if (curve === 'PR' && method === 'interpolation') {
    for (let i = 0; i + 1 < tp.length; i++) {
      const dtp = tp[i]! - tp[i + 1]!;
      const [pa, pb] = [tp[i]! + fp[i]!, tp[i + 1]! + fp[i + 1]!];
      const slope = divNoNan(dtp, Math.max(pa - pb, 0));
      const intercept = tp[i + 1]! - slope * pb;
      const ratio = pa > 0 && pb > 0 ? divNoNan(pa, Math.max(pb, 0)) : 1;
      sum += divNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1]! + fn[i + 1]!, 0));
    }
    return sum;
  }
  const recall = tp.map((v, i) => divNoNan(v, v + fn[i]!));
  const x = curve === 'ROC' ? fp.map((v, i) => divNoNan(v, v + tn[i]!)) : recall;
  const y = curve === 'ROC' ? recall : tp.map((v, i) => divNoNan(v, v + fp[i]!));
  for (let i = 0; i + 1 < x.length; i++) {
    const [a, b] = [y[i]!, y[i + 1]!];
    const height = method === 'interpolation' ? (a + b) / 2 : method === 'minoring' ? Math.min(a, b) : Math.max(a, b);
    sum += (x[i]! - x[i + 1]!) * height;
  }
  return sum;
}

/**
 * Keras 3's `AUC` (`keras/src/metrics/confusion_metrics.py`): confusion counts at `numThresholds`
 * thresholds `[-epsilon, 1/(n-1), ..., (n-2)/(n-1), 1 + epsilon]` (epsilon 1e-7, so that
 * predictions of exactly 0 and 1 fall inside), a prediction counting as positive above a threshold;
 * summed over the epoch, then integrated (see `area`). With `multiLabel`, one curve per label (the
 * last axis of `[batch, labels]` outputs) and their unweighted mean; otherwise every entry is one
 * point. With `fromLogits`, a sigmoid is applied to the outputs first.
 */
export function auc(args: AucArgs = {}): Metric {
  const call = 'auc';
  if (typeof args !== 'object' || args === null) throw mustBeError(`${call}: options`, args, 'an object like { numThresholds, curve, summationMethod, multiLabel, fromLogits, name }', { argument: 'options', received: args });
  checkOptions(call, args, ['numThresholds', 'curve', 'summationMethod', 'multiLabel', 'fromLogits', 'name']);
  const n = args.numThresholds ?? 200;
  if (!Number.isInteger(n) || n < 2) {
    throw mustBeError(`${call}: numThresholds`, n, 'an integer > 1 (the curve needs at least the two end thresholds)', { argument: 'numThresholds', received: n });
  }
  const curve = checkChoice(call, 'curve', args.curve, ['ROC', 'PR'] as const) ?? 'ROC';
  const method = checkChoice(call, 'summationMethod', args.summationMethod, ['interpolation', 'minoring', 'majoring'] as const) ?? 'interpolation';
  const multiLabel = checkBoolean(call, 'multiLabel', args.multiLabel);
  const fromLogits = checkBoolean(call, 'fromLogits', args.fromLogits);
  const name = checkName(call, args.name, call);
  const thresholds = [-EPSILON, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + EPSILON];
  const labelsOf = (t: tf.Tensor) => (multiLabel && t.rank > 1 ? t.shape[t.rank - 1]! : 1);
  return {
    name,
    config: {
      className: 'AUC',
      config: { name, num_thresholds: n, curve, summation_method: method, multi_label: multiLabel, from_logits: fromLogits },
    },
    // Columns [4, labels, thresholds]: tp, fp, tn, fn of each label (one unless multiLabel) at each threshold.
    perSample(t, p) {
      if (multiLabel && p.rank !== 2) {
        throw new RidgeError('INVALID_ARGUMENT', `auc: multiLabel needs outputs [batch, labels]; received outputs of shape [${p.shape.join(', ')}].`, { argument: 'multiLabel', shape: p.shape });
      }
      const scores = rows(fromLogits ? tf.sigmoid(p) : p);
      const labels = rows(positive(sameShape(t, p)));
      // [rows, entries, thresholds]: 1 where the entry's score is above the threshold.
      const above = tf.cast(tf.greater(tf.expandDims(scores, -1), tf.tensor1d(thresholds)), 'float32');
      const truth = tf.expandDims(labels, -1);
      const tp = tf.mul(above, truth);
      const fp = tf.sub(above, tp);
      const fn = tf.sub(truth, tp);
      const tn = tf.sub(tf.sub(1, truth), fp);
      // Pooled (not multiLabel): every entry of a sample adds into one curve.
      const counts = [tp, fp, tn, fn].map((x) => (multiLabel ? x : tf.sum(x, 1, true)));
      return tf.reshape(tf.stack(counts, 1), [p.shape[0]!, -1]);
    },
    stateful: statefulResult(
      (t) => 4 * labelsOf(t) * n,
      (means) => {
        const labels = means.length / (4 * n);
        const part = (k: number, l: number) => means.slice((k * labels + l) * n, (k * labels + l + 1) * n);
        let sum = 0;
        for (let l = 0; l < labels; l++) sum += area(curve, method, part(0, l), part(1, l), part(2, l), part(3, l));
        return sum / labels;
      },
    ),
  };
}

/**
 * Keras 3's `RootMeanSquaredError` (`keras/src/metrics/regression_metrics.py`): a `Mean` of the
 * squared errors, which Keras reduces to one mean per sample (`reduce_to_samplewise_values`), then
 * the square root of the epoch's (weighted) mean: `sqrt(sum(w * mse) / sum(w))` (0 without weight).
 */
export function rootMeanSquaredError(args: RootMeanSquaredErrorArgs = {}): Metric {
  const call = 'rootMeanSquaredError';
  if (typeof args !== 'object' || args === null) throw mustBeError(`${call}: options`, args, 'an object like { name }', { argument: 'options', received: args });
  checkOptions(call, args, ['name']);
  const name = checkName(call, args.name, 'root_mean_squared_error');
  return {
    name,
    config: { className: 'RootMeanSquaredError', config: { name } },
    // Columns [squared error, 1]: the second sums to the samples' (weighted) count.
    perSample: (t, p) => tf.stack([tf.mean(rows(tf.squaredDifference(sameShape(t, p), p)), 1), tf.ones([p.shape[0]!])], 1),
    stateful: statefulResult(
      () => 2,
      ([sum, count]) => Math.sqrt(divNoNan(sum!, count!)),
    ),
  };
}

const named =
  <A>(make: (args: A & { name?: string }) => Metric) =>
  (name: string): Metric =>
    make({ name } as A & { name?: string });

/**
 * By Keras 3's names (`keras/src/metrics/__init__.py`: the class names and their snake_case; no
 * 'rmse') and Ridge's camelCase. As in Ridge's other metrics, the name given is the log key; a
 * class name gives Keras's default name (`'Precision'` logs `precision`), as Keras does.
 */
export const STATEFUL_METRICS: Readonly<Record<string, (name: string) => Metric>> = {
  precision: named(precision),
  Precision: () => precision(),
  recall: named(recall),
  Recall: () => recall(),
  auc: named(auc),
  AUC: () => auc(),
  root_mean_squared_error: named(rootMeanSquaredError),
  rootMeanSquaredError: named(rootMeanSquaredError),
  RootMeanSquaredError: () => rootMeanSquaredError(),
};

const option = (config: Readonly<Record<string, unknown>>, key: string): never => (config[key] ?? undefined) as never;

/** From a saved `{ class_name, config }` (Ridge's and Keras 3's compile configs). */
export const STATEFUL_CLASSES: Readonly<Record<string, (config: Readonly<Record<string, unknown>>) => Metric>> = {
  Precision: (c) => precision({ name: option(c, 'name'), thresholds: option(c, 'thresholds'), topK: option(c, 'top_k'), classId: option(c, 'class_id') }),
  Recall: (c) => recall({ name: option(c, 'name'), thresholds: option(c, 'thresholds'), topK: option(c, 'top_k'), classId: option(c, 'class_id') }),
  AUC: (c) => {
    // Keras's other AUC options, which Ridge does not have: refused rather than dropped.
    for (const key of ['thresholds', 'label_weights', 'num_labels']) {
      if (c[key] != null) {
        throw new RidgeError('INVALID_ARGUMENT', `auc: the saved AUC has ${key} ${describeValue(c[key])}, which Ridge's auc does not support (it takes numThresholds evenly spaced thresholds, and no label weights).`, {
          argument: key,
          received: c[key],
        });
      }
    }
    return auc({
      name: option(c, 'name'),
      numThresholds: option(c, 'num_thresholds'),
      curve: option(c, 'curve'),
      summationMethod: option(c, 'summation_method'),
      multiLabel: option(c, 'multi_label'),
      fromLogits: option(c, 'from_logits'),
    });
  },
  RootMeanSquaredError: (c) => rootMeanSquaredError({ name: option(c, 'name') }),
};
