/*
 * `@ridge/layers/inference`: running a model outside fit. Importing this module adds
 * `model.predict`, `model.evaluate`, `model.penalties` (the penalty terms and their values) and
 * `model.getLayer`. `fit`'s own validation pass does not need it. `@ridge/layers` imports it for
 * you.
 */
import { installFeature } from '../model/features.js';
import { evaluate, getLayer, penalties, predict } from '../model/inference.js';

installFeature('inference', { evaluate, penalties, predict, getLayer });

export type { EvaluateArgs, PenaltyReport, PenaltyTerm, PredictArgs } from '../model/model.js';
