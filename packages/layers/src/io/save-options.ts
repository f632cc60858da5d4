import { mustBeError } from '@ridge/core';
import { checkOptions } from '../engine/errors.js';

/**
 * Checks the options of `model.save()` for `call` (`save`, or `modelCheckpoint: saveOptions`,
 * which checks them before training): known keys only, so that a misspelt `includeOptimizer`
 * cannot save a checkpoint without the optimizer state, and each value of its kind. Kept apart
 * from the saving code so that a callback can check them without carrying it.
 */
export function checkSaveOptions(call: string, options: unknown): void {
  checkOptions(call, options, ['format', 'onWarning', 'includeOptimizer', 'userDefinedMetadata']);
  const { format, onWarning, includeOptimizer, userDefinedMetadata } = options as Record<string, unknown>;
  const check = (ok: boolean, argument: string, value: unknown, expected: string) => {
    if (!ok) throw mustBeError(`${call}: ${argument}`, value, expected, { argument, received: value });
  };
  check(format === undefined || format === 'ridge' || format === 'tfjs-layers', 'format', format, "'ridge' or 'tfjs-layers'");
  check(onWarning === undefined || typeof onWarning === 'function', 'onWarning', onWarning, 'a function (message) => void');
  check(includeOptimizer === undefined || typeof includeOptimizer === 'boolean', 'includeOptimizer', includeOptimizer, 'true or false');
  check(
    userDefinedMetadata === undefined || (typeof userDefinedMetadata === 'object' && userDefinedMetadata !== null && !Array.isArray(userDefinedMetadata)),
    'userDefinedMetadata',
    userDefinedMetadata,
    'a JSON object',
  );
}

/**
 * The same for `model.saveWeights()` (for `call`: `saveWeights`, or `modelCheckpoint: saveOptions`
 * with `saveWeightsOnly`), whose one option is `includeOptimizer`.
 */
export function checkSaveWeightsOptions(call: string, options: unknown): void {
  checkOptions(call, options, ['includeOptimizer']);
  const { includeOptimizer } = options as Record<string, unknown>;
  if (includeOptimizer !== undefined && typeof includeOptimizer !== 'boolean') {
    throw mustBeError(`${call}: includeOptimizer`, includeOptimizer, 'true or false', { argument: 'includeOptimizer', received: includeOptimizer });
  }
}
