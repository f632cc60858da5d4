/*
 * `@ridge/optimizers/weight-decay`: decoupled weight decay (`weightDecay` > 0) and
 * `excludeFromWeightDecay` on every optimizer. Importing this module installs it; `@ridge/optimizers`
 * imports it for you, and AdamW always has it. Without it, an optimizer from
 * `@ridge/optimizers/base` given either option throws `FEATURE_NOT_LOADED`.
 */
import { installFeature } from '../features.js';
import { weightDecayFeature } from '../weight-decay-selector.js';

installFeature('weightDecay', weightDecayFeature);

export type { RegExpJson, WeightDecaySelector } from '../weight-decay-selector.js';
