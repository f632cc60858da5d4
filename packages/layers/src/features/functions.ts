/*
 * `@ridge/layers/functions`: plain functions in `compile`, as Keras takes them:
 * `compile({ loss: (yTrue, yPred) => ..., metrics: [fn] })` (Keras's LossFunctionWrapper and
 * MeanMetricWrapper: one value per sample or per element, averaged over the non-batch axes, named
 * by the function). Importing this module lets compile take them; `@ridge/layers` imports it for you.
 */
import { installFeature } from '../model/features.js';
import { functionLoss, functionMetric } from '../model/functions.js';

installFeature('functions', { loss: functionLoss, metric: functionMetric });
