import { checkConfigKeys, checkNonNegativeNumber, invalidArgument, isJsonObject } from '@ridge/core';

/** What a config reader hands on: every known key, its value not yet checked. */
export type RawConfig<K extends string> = { readonly [P in K]?: unknown };

/**
 * Reads the one argument of a constructor or factory: nothing (every default), a number (the
 * primary factor, as in `l2(0.001)`, when the class has one), or a config object. Every key of a
 * config must be one the class knows, so a typo such as `{ l_2: 0.1 }` fails here instead of
 * silently leaving the default in place. Values are checked by the caller, key by key.
 */
export function readConfig<K extends string>(
  className: string,
  value: unknown,
  keys: readonly K[],
  primary?: K,
): RawConfig<K> {
  if (value === undefined) return {};
  if (primary !== undefined && typeof value === 'number') return { [primary]: value } as RawConfig<K>;
  if (!isJsonObject(value)) {
    const shape = `{ ${keys.map((k) => `${k}?`).join(', ')} }`;
    throw primary !== undefined
      ? invalidArgument(primary, value, `a finite number >= 0 or a ${className} config ${shape}`)
      : invalidArgument(`${className} config`, value, `an object ${shape}`);
  }
  checkConfigKeys(className, value, keys);
  return value as RawConfig<K>;
}

/** A factor from a config: the default when absent, otherwise a finite number >= 0. */
export function readFactor<K extends string>(config: RawConfig<K>, key: K, fallback: number): number {
  const value = config[key];
  if (value === undefined) return fallback;
  // `-0` passes the check (it is not < 0); store it as 0 so configs and messages read plainly.
  return checkNonNegativeNumber(key, value) + 0;
}
