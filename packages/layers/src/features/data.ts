/*
 * `@ridge/layers/data`: data in other forms than tensors. Importing this module lets `fit`,
 * `evaluate` and `predict` take nested arrays, typed arrays and numbers; lets `fit` take an
 * (async) iterable of batches; and adds sample weights (`fit({ sampleWeight, classWeight })`,
 * the third element of `validationData`, `evaluate({ sampleWeight })`), per sample, and per time
 * step of a sequence output when `@ridge/layers/masking` is loaded too (its scoring weighs each
 * step). `@ridge/layers` imports it for you.
 */
import { fitWeights, nestedShape, sampleWeight, tensorFrom, validationData } from '../model/data-forms.js';
import { installFeature } from '../model/features.js';
import { iterableBatches } from '../model/fit-iterable.js';

installFeature('data', { tensorFrom, nestedShape, fitWeights, validationData, sampleWeight, iterableBatches });

export type { ModelData, TensorLike } from '../model/data.js';
export type { BatchSource } from '../model/fit.js';
