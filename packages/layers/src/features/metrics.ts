/*
 * `@ridge/layers/metrics`: Keras 3's metrics beyond accuracy, mse and mae, by name in
 * `compile({ metrics, weightedMetrics })`: top_k_categorical_accuracy, sparse_top_k_categorical_accuracy,
 * binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mape, msle,
 * cosine_similarity and log_cosh_error (and their camelCase forms). Importing this module adds
 * them; `@ridge/layers` imports it for you.
 */
import { addMetrics } from '../model/metrics.js';
import { MORE_METRICS } from '../model/more-metrics.js';

addMetrics(MORE_METRICS);
