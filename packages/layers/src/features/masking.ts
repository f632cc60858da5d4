/*
 * `@ridge/layers/masking`: Keras-style masking. `embedding({ maskZero: true })` gives the mask
 * `inputs != 0` and `layer.apply(x, { mask })` takes one; SimpleRNN, LSTM and GRU skip the masked
 * time steps, GlobalAveragePooling1D averages the unmasked ones, Dense, Dropout, Activation and
 * models used as layers pass the mask on, other layers drop it with a warning (Keras 3; once per
 * layer, to `console.warn` or to `setMaskWarningHandler`'s handler); the losses and metrics of masked outputs leave the masked steps out, as Keras 3 does
 * (model/masking.ts, model/masked-scores.ts), and weigh sample and class weights per time step. Importing this module
 * installs it; `@ridge/layers` imports it for you. Without it, `@ridge/layers/base` makes no mask:
 * both ways to make one throw FEATURE_NOT_LOADED naming this entry.
 */
import { installFeature } from '../model/features.js';
import { maskedScores } from '../model/masked-scores.js';
import { applyMasked, applySymbolic, runGraphMasked, stepMasks } from '../model/masking.js';

export { setMaskWarningHandler, type WarningHandler } from '../model/masking.js';

installFeature('masking', {
  apply: applyMasked,
  symbolic: applySymbolic,
  runGraph: (graph, inputs, ctx, observe, inputsAreData) => runGraphMasked(graph, inputs, ctx, observe, inputsAreData).outputs,
  scores: maskedScores,
  stepMasks,
});
