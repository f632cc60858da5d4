import { RidgeError, describeValue } from './errors.js';
import type { EntryOf, Kind } from './names.js';
import { peekRecord, sharedRecord } from './shared-record.js';
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

/**
 * The entry registered under `name`, or undefined. Same as `registry(kind).has(name)` and
 * `.resolve(name)`, without the registration code; it reads the shared record without joining it,
 * so a bundle that only looks names up does not carry the shared record's set-up.
 */
export function findEntry<K extends Kind>(kind: K, name: string): EntryOf<K> | undefined {
  return typeof name === 'string' ? (peekRecord()?.registries[kind].get(name) as EntryOf<K> | undefined) : undefined;
}

/** The entry registered under `name`; throws `UNKNOWN_NAME` listing the names and the package to import. Same as `registry(kind).resolve(name)`. */
export function resolveEntry<K extends Kind>(kind: K, name: string): EntryOf<K> {
  const entry = findEntry(kind, name);
  if (entry !== undefined) return entry;
  const known = registeredNames(kind);
  throw unknownName(kind, name, known, typeof name === 'string' ? closestName(name, known) : undefined);
}

/** `UNKNOWN_NAME` for `name`: the registered names, the closest one, and the package to import. */
export function unknownName(kind: Kind, name: unknown, known: string[], guess?: string): RidgeError {
  const shown = known.length > 0 ? known.map((n) => `'${n}'`).join(', ') : 'none';
  const pkg =
    typeof name === 'string' && name.includes('>')
      ? name.slice(0, name.indexOf('>'))
      : HOME_PACKAGE[kind].replace('<name>', typeof name === 'string' ? name : 'name');
  return new RidgeError(
    'UNKNOWN_NAME',
    `Unknown ${kind} ${describeValue(name)}.` +
      (guess ? ` Did you mean '${guess}'?` : '') +
      ` Registered ${kind} names: ${shown}. ` +
      `Names are registered by importing the package that provides them: import '${pkg}' ` +
      `(or the plugin that provides ${describeValue(name)}) before using it.`,
    { kind, name, known, package: pkg },
  );
}
