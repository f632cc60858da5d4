/*
 * `@ridge/layers/callbacks`: `fit({ callbacks })`, with the built-in callbacks `earlyStopping()`
 * and `terminateOnNaN()`. Importing this module lets fit run callbacks; `@ridge/layers` imports it
 * for you.
 */
import { installFeature } from '../model/features.js';
import { fitCallbacks } from '../model/fit-callbacks.js';

installFeature('callbacks', fitCallbacks);

export { EarlyStopping, TerminateOnNaN, earlyStopping, terminateOnNaN } from '../model/callbacks.js';
export type { Callback, CallbackModel, EarlyStoppingArgs, Logs, TerminateOnNaNArgs } from '../model/callbacks.js';
