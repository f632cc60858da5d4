import type { Metric } from './metrics.js';

/**
 * The metrics `@ridge/layers/metrics` adds, by their Keras class name (`Precision`, `AUC`, ...),
 * rebuilt with their options from a saved `{ class_name, config }`. Read by loading; empty until
 * that entry is imported (then such a metric loads by its name, with default options).
 */
export const METRIC_CLASSES: Record<string, (config: Readonly<Record<string, unknown>>) => Metric> = {};
