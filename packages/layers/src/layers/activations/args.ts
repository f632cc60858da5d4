import { checkNumber } from '@ridge/core';
import { forArgument, type Described } from '../../engine/errors.js';

/**
 * Reads an optional number argument of an activation layer: a finite number (>= 0 with
 * `nonNegative`, as Keras refuses negative slopes and thresholds), or `fallback` when absent.
 */
export function readNumber(owner: Described, argument: string, value: unknown, fallback: number, nonNegative = false): number {
  if (value === undefined) return fallback;
  return forArgument(owner, argument, () => checkNumber(argument, value, nonNegative ? { min: 0 } : {}));
}
