import { RidgeError, checkConfigKeys, describeValue, type JsonObject } from '@ridge/core';

/** Reads an initializer's config: rejects unknown keys (a typo must not be ignored). */
export function readConfig(className: string, config: JsonObject | undefined, allowed: readonly string[]): JsonObject {
  const c = config ?? {};
  checkConfigKeys(className, c, allowed);
  return c;
}

export function seedOf(className: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new RidgeError('INVALID_ARGUMENT', `${className}: seed must be an integer or null; received ${describeValue(value)}.`, {
      argument: 'seed',
      received: value,
    });
  }
  return value;
}
