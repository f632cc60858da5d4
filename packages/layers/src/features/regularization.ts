/*
 * `@ridge/layers/regularization`: model-level regularization, `compile({ regularization })`
 * (DESIGN.md section 5). Importing this module installs it; `@ridge/layers` imports it for you.
 */
import { compileRegularization } from '../model/compile-regularization.js';
import { installFeature } from '../model/features.js';

installFeature('regularization', compileRegularization);

export type { OnConflict, RegularizationOption, RegularizationRule } from '../model/regularization.js';
