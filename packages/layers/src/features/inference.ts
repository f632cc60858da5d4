/*
 * `@ridge/layers/inference`: running a model outside fit. Importing this module adds
 * `model.predict`, `model.evaluate` and `model.penalties` (the penalty terms and their values).
 * `fit`'s own validation pass does not need it. `@ridge/layers` imports it for you.
 */
import { installFeature } from '../model/features.js';
import { evaluate, penalties, predict } from '../model/inference.js';

installFeature('inference', { evaluate, penalties, predict });

export type { EvaluateArgs, PenaltyReport, PenaltyTerm, PredictArgs } from '../model/model.js';
