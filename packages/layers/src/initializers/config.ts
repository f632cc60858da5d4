import { checkConfigKeys, mustBeError, type JsonObject } from '@ridge/core';

/** Reads an initializer's config: rejects unknown keys (a typo must not be ignored). */
export function readConfig(className: string, config: JsonObject | undefined, allowed: readonly string[]): JsonObject {
  const c = config ?? {};
  checkConfigKeys(className, c, allowed);
  return c;
}

export function seedOf(className: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw mustBeError(`${className}: seed`, value, 'an integer or null', { argument: 'seed', received: value });
  }
  return value;
}
