/*
 * `@ridge/layers/metrics`: Keras 3's metrics beyond accuracy, mse and mae, by name in
 * `compile({ metrics, weightedMetrics })`: top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
 * binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mape, msle,
 * cosine_similarity and log_cosh_error (and their camelCase forms); and the stateful metrics,
 * computed from sums over the epoch: precision, recall, auc and root_mean_squared_error, by name or
 * with options as `precision({ thresholds })`, `recall(...)`, `auc({ curve: 'PR' })` and
 * `rootMeanSquaredError()`. Importing this module adds them; `@ridge/layers` imports it for you.
 */
import { METRIC_CLASSES } from '../model/metric-classes.js';
import { addMetrics } from '../model/metrics.js';
import { MORE_METRICS } from '../model/more-metrics.js';
import { STATEFUL_CLASSES, STATEFUL_METRICS } from '../model/stateful-metrics.js';

addMetrics({ ...MORE_METRICS, ...STATEFUL_METRICS });
Object.assign(METRIC_CLASSES, STATEFUL_CLASSES);

export { auc, precision, recall, rootMeanSquaredError } from '../model/stateful-metrics.js';
export type { AucArgs, PrecisionRecallArgs, RootMeanSquaredErrorArgs } from '../model/stateful-metrics.js';
