/*
 * `@ridge/layers/callbacks`: `fit({ callbacks })`, with the built-in callbacks `earlyStopping()`,
 * `terminateOnNaN()`, `reduceLROnPlateau()`, `learningRateScheduler()`, `modelCheckpoint()` and
 * `csvLogger()`. Importing this module lets fit run callbacks; `@ridge/layers` imports it for you.
 */
import { installFeature } from '../model/features.js';
import { fitCallbacks } from '../model/fit-callbacks.js';

installFeature('callbacks', fitCallbacks);

export { EarlyStopping, TerminateOnNaN, earlyStopping, terminateOnNaN } from '../model/callbacks.js';
export type { Callback, CallbackModel, CallbackOptimizer, EarlyStoppingArgs, Logs, TerminateOnNaNArgs } from '../model/callbacks.js';
export { LearningRateScheduler, ReduceLROnPlateau, learningRateScheduler, reduceLROnPlateau } from '../model/lr-callbacks.js';
export type { EpochSchedule, LearningRateSchedulerArgs, ReduceLROnPlateauArgs } from '../model/lr-callbacks.js';
export { CSVLogger, ModelCheckpoint, csvLogger, modelCheckpoint } from '../model/file-callbacks.js';
export type { CSVLoggerArgs, ModelCheckpointArgs } from '../model/file-callbacks.js';
