import { RidgeError, describeValue, invalidArgument } from './errors.js';
import { closestName } from './suggest.js';

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
    const kind = integer ? 'an integer' : 'a finite number';
    const bounds =
      min !== undefined && max !== undefined
        ? `between ${min} (${minExclusive ? 'exclusive' : 'inclusive'}) and ${max} (inclusive)`
        : min !== undefined
          ? `${minExclusive ? '>' : '>='} ${min}`
          : max !== undefined
            ? `<= ${max}`
            : '';
    throw invalidArgument(argument, value, bounds ? `${kind} ${bounds}` : kind);
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

/**
 * Rejects config keys a class does not know, so a typo (`{ l_2: 0.1 }`) is an error, not a
 * silently ignored option. The message suggests the closest known key.
 */
export function checkConfigKeys(owner: string, config: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    throw new RidgeError(
      'INVALID_CONFIG',
      `${owner}: unknown config key ${describeValue(key)} (set to ${describeValue(config[key])}).${guess ? ` Did you mean '${guess}'?` : ''} ` +
        `Known keys: ${known.join(', ') || 'none'}.`,
      { owner, key, known, received: config[key] },
    );
  }
}
