/*
 * `@ridge/layers/masking`: Keras-style masking. `embedding({ maskZero: true })` gives the mask
 * `inputs != 0` and `layer.apply(x, { mask })` takes one; SimpleRNN, LSTM and GRU skip the masked
 * time steps, Dense, Dropout, Activation and models used as layers pass the mask on, other layers
 * refuse it, and `compile` refuses masked outputs (model/masking.ts). Importing this module
 * installs it; `@ridge/layers` imports it for you. Without it, `@ridge/layers/base` makes no mask:
 * both ways to make one throw FEATURE_NOT_LOADED naming this entry.
 */
import { installFeature } from '../model/features.js';
import { applyMasked, applySymbolic, checkOutputs, runGraphMasked, stepMasks } from '../model/masking.js';

installFeature('masking', {
  apply: applyMasked,
  symbolic: applySymbolic,
  runGraph: (graph, inputs, ctx, observe, inputsAreData) => runGraphMasked(graph, inputs, ctx, observe, inputsAreData).outputs,
  checkOutputs,
  stepMasks,
});
