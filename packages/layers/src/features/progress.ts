/*
 * `@ridge/layers/progress`: what `fit` prints, a progress bar (`verbose: 1`, the default in a
 * terminal) or a line per epoch (`verbose: 2`), and the line `evaluate`/`predict` print with
 * `verbose: 1 | 2`. Importing this module installs it; `@ridge/layers`
 * imports it for you. Without it, `fit` is silent by default.
 */
import { installFeature } from '../model/features.js';
import { peekLogs } from '../model/log-sums.js';
import { Progress, defaultVerbosity, printSummary } from '../model/progress.js';

installFeature('progress', {
  defaultVerbosity,
  summary: printSummary,
  create: (verbose, epochs, steps, samplesPerStep) => {
    const progress = new Progress(verbose, epochs, steps, samplesPerStep);
    return {
      wantsDraw: (now) => progress.wantsDraw(now),
      epochBegin: (epoch) => progress.epochBegin(epoch),
      batch: (step, samplesDone, sums) => progress.batch(step, samplesDone, peekLogs(sums)),
      epochEnd: (epoch, steps, samples, logs) => progress.epochEnd(epoch, steps, samples, logs),
    };
  },
});
