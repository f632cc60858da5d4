/*
 * `@ridge/optimizers/io`: what saving and loading use. `getConfig` and `fromConfig` on every
 * optimizer (Ridge configs and Keras 2/3 JSON), and `getWeights`/`setWeights` (the optimizer's
 * state, saved with a model's `includeOptimizer`). Importing this module installs them;
 * `@ridge/optimizers` imports it for you (its registered names build optimizers with `fromConfig`).
 * Without it, those methods of an optimizer from `@ridge/optimizers/base` throw `FEATURE_NOT_LOADED`.
 */
import { installFeature } from '../features.js';
import { readKerasConfig } from '../keras-config.js';
import { getSlotWeights, restoreSlot, setSlotWeights } from '../state.js';
import { scheduleToConfig } from '../schedules.js';
import { selectorToJson } from '../weight-decay-selector.js';

installFeature('io', {
  getConfig: (optimizer, own) => ({
    learningRate: optimizer.learningRateSchedule ? scheduleToConfig(optimizer.learningRateSchedule) : optimizer.learningRate,
    ...own,
    weightDecay: optimizer.weightDecay,
    excludeFromWeightDecay: selectorToJson(optimizer.excludeFromWeightDecay, 'excludeFromWeightDecay', optimizer.className),
    clipNorm: optimizer.clipNorm,
    globalClipNorm: optimizer.globalClipNorm,
    clipValue: optimizer.clipValue,
  }),
  readConfig: readKerasConfig,
  getWeights: getSlotWeights,
  setWeights: setSlotWeights,
  restoreSlot,
});
