import { RidgeError, describeValue } from './errors.js';
import type { EntryOf, Kind } from './names.js';
import { sharedRecord } from './shared-record.js';
import { closestName } from './suggest.js';

/*
 * Reading the registries, apart from registering: resolving a name (serialization, the backend
 * picker) does not bring the registration checks (entry shape, plugin manifest, semver ranges)
 * into a bundle that registers nothing.
 */

/** The package users are told to import when a built-in name of a kind is missing. */
const HOME_PACKAGE: Record<Kind, string> = {
  regularizer: '@ridge/regularizers',
  constraint: '@ridge/regularizers',
  loss: '@ridge/losses',
  optimizer: '@ridge/optimizers',
  layer: '@ridge/layers',
  initializer: '@ridge/layers',
  backend: '@ridge/backend/<name>',
};

/** The names of one kind, shared by every loaded copy of @ridge/core. */
export function storeOf<K extends Kind>(kind: K): Map<string, EntryOf<K>> {
  return sharedRecord().registries[kind] as Map<string, EntryOf<K>>;
}

/** Every registered name of a kind (primary names and aliases), sorted. */
export function registeredNames(kind: Kind): string[] {
  return [...storeOf(kind).keys()].sort();
}

/** The entry registered under `name`, or undefined. Same as `registry(kind).has(name)` and `.resolve(name)`, without the registration code. */
export function findEntry<K extends Kind>(kind: K, name: string): EntryOf<K> | undefined {
  return typeof name === 'string' ? storeOf(kind).get(name) : undefined;
}

/** The entry registered under `name`; throws `UNKNOWN_NAME` listing the names and the package to import. Same as `registry(kind).resolve(name)`. */
export function resolveEntry<K extends Kind>(kind: K, name: string): EntryOf<K> {
  const entry = findEntry(kind, name);
  if (entry !== undefined) return entry;
  const known = registeredNames(kind);
  const shown = known.length > 0 ? known.map((n) => `'${n}'`).join(', ') : 'none';
  const guess = typeof name === 'string' ? closestName(name, known) : undefined;
  const pkg =
    typeof name === 'string' && name.includes('>')
      ? name.slice(0, name.indexOf('>'))
      : HOME_PACKAGE[kind].replace('<name>', typeof name === 'string' ? name : 'name');
  throw new RidgeError(
    'UNKNOWN_NAME',
    `Unknown ${kind} ${describeValue(name)}.` +
      (guess ? ` Did you mean '${guess}'?` : '') +
      ` Registered ${kind} names: ${shown}. ` +
      `Names are registered by importing the package that provides them: import '${pkg}' ` +
      `(or the plugin that provides ${describeValue(name)}) before using it.`,
    { kind, name, known, package: pkg },
  );
}
