/*
 * `@ridge/layers/progress`: what `fit` prints, a progress bar (`verbose: 1`, the default in a
 * terminal) or a line per epoch (`verbose: 2`). Importing this module installs it; `@ridge/layers`
 * imports it for you. Without it, `fit` is silent by default.
 */
import { installFeature } from '../model/features.js';
import { Progress, defaultVerbosity } from '../model/progress.js';

installFeature('progress', {
  defaultVerbosity,
  create: (verbose, epochs, steps, samplesPerStep) => new Progress(verbose, epochs, steps, samplesPerStep),
});
