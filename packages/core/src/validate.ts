import { invalidArgument } from './errors.js';

/** Checks a regularization factor (or any rate): a finite number >= 0. */
export function checkNonNegativeNumber(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw invalidArgument(argument, value, 'a finite number >= 0');
  }
  return value;
}

/** Checks a finite number, optionally bounded. */
export function checkNumber(
  argument: string,
  value: unknown,
  range: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean } = {},
): number {
  const { min, max, minExclusive = false, integer = false } = range;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (minExclusive ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) {
    const parts = [integer ? 'an integer' : 'a finite number'];
    if (min !== undefined) parts.push(`${minExclusive ? '>' : '>='} ${min}`);
    if (max !== undefined) parts.push(`<= ${max}`);
    throw invalidArgument(argument, value, parts.join(' '));
  }
  return value as number;
}

/** Checks that a value is one of a fixed set of strings. */
export function checkOneOf<const T extends readonly string[]>(
  argument: string,
  value: unknown,
  allowed: T,
): T[number] {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw invalidArgument(argument, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T[number];
}
