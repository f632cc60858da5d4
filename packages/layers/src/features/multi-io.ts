/*
 * `@ridge/layers/multi-io`: models with several inputs or outputs. Importing this module lets
 * `fit`, `evaluate` and `predict` take data as a list (one entry per input or output) or a record
 * by name, and `compile` take `loss`, `lossWeights` and `metrics` per output (a list, or a record
 * by output name). `@ridge/layers` imports it for you.
 */
import { installFeature } from '../model/features.js';
import { perMetric, perOutput, sameSamples, split } from '../model/multi-io.js';

installFeature('multiIo', { split, sameSamples, perOutput, perMetric });
