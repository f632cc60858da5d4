import { RidgeError, describeValue } from './errors.js';
import type { PluginManifest } from './contracts.js';
import type { EntryOf, Kind, NameOf } from './names.js';
import { KINDS } from './names.js';
import { sharedRecord } from './shared-record.js';
import { parseRange, satisfies } from './semver.js';
import { findEntry, registeredNames, resolveEntry, storeOf } from './lookup.js';
import { VERSION } from './version.js';
import { deserializeAs } from './serialization.js';

export interface RegisterOptions {
  /** Replace an entry registered under the same name by someone else. */
  readonly override?: boolean;
}

function namesOf(entry: { name: string; aliases?: readonly string[] }): string[] {
  return [entry.name, ...(entry.aliases ?? [])];
}

/**
 * Two registrations are the same entry when they are the same object, or the same name from the
 * same package at the same manifest version (a package evaluated twice, which is harmless).
 */
function sameEntry(a: EntryOf<Kind>, b: EntryOf<Kind>): boolean {
  if (a === b) return true;
  return (
    a.name === b.name &&
    a.package === b.package &&
    a.manifest?.version === b.manifest?.version &&
    namesOf(a).join('\u0000') === namesOf(b).join('\u0000')
  );
}

function checkEntryShape(kind: Kind, entry: unknown): asserts entry is EntryOf<Kind> {
  const e = entry as Partial<EntryOf<Kind>> | null;
  const problems: string[] = [];
  if (typeof e !== 'object' || e === null) problems.push('it is not an object');
  else {
    if (e.kind !== kind) problems.push(`its kind is ${describeValue(e.kind)}, not '${kind}'`);
    if (typeof e.name !== 'string' || e.name === '') problems.push('it has no name');
    if (typeof e.package !== 'string' || e.package === '') problems.push('it has no package');
    const fn = kind === 'backend' ? 'start' : 'create';
    if (typeof (e as Record<string, unknown>)[fn] !== 'function') problems.push(`it has no ${fn}()`);
    if (e.aliases !== undefined && !(Array.isArray(e.aliases) && e.aliases.every((a) => typeof a === 'string' && a !== ''))) {
      problems.push('its aliases are not a list of names');
    }
    if (e.manifest !== undefined) problems.push(...manifestProblems(e.manifest));
  }
  if (problems.length > 0) {
    throw new RidgeError(
      'INVALID_ENTRY',
      `Cannot register ${describeValue(entry)} as a ${kind}: ${problems.join(', ')}. ` +
        `A ${kind} entry is { kind: '${kind}', name, package, ${kind === 'backend' ? 'start' : 'create'}() }.`,
      { kind, entry },
    );
  }
}

function manifestProblems(manifest: unknown): string[] {
  if (typeof manifest !== 'object' || manifest === null) return [`its manifest is ${describeValue(manifest)}, not { name, version, core }`];
  const m = manifest as Partial<Record<keyof PluginManifest, unknown>>;
  const problems: string[] = [];
  for (const key of ['name', 'version', 'core'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') problems.push(`its manifest has no ${key}`);
  }
  if (typeof m.core === 'string' && m.core !== '' && parseRange(m.core) === undefined) {
    problems.push(
      `its manifest's core range ${describeValue(m.core)} is not a semver range Ridge reads ` +
        `(^x.y.z, ~x.y.z, >=x.y.z, <x.y.z, x.y.z, *, joined by spaces or ||)`,
    );
  }
  return problems;
}

/**
 * Refuses an entry whose manifest says it was not made for this @ridge/core, as fastify-plugin
 * does for fastify: a plugin built against another major (or, before 1.0, minor) version of the
 * contracts would fail later, far from the cause.
 */
function checkCompatible(kind: Kind, entry: EntryOf<Kind>): void {
  const manifest = entry.manifest;
  if (manifest === undefined || satisfies(VERSION, manifest.core)) return;
  throw new RidgeError(
    'INCOMPATIBLE_PLUGIN',
    `${manifest.name} ${manifest.version} supports @ridge/core ${manifest.core}, but @ridge/core ${VERSION} ` +
      `is running, so its ${kind} '${entry.name}' was not registered. Install a version of ${manifest.name} ` +
      `made for @ridge/core ${VERSION} (its peerDependencies say which), or install a @ridge/core in ` +
      `${manifest.core} (npm i "@ridge/core@${manifest.core}") together with the Ridge packages of that version.`,
    { kind, name: entry.name, plugin: manifest.name, version: manifest.version, range: manifest.core, core: VERSION },
  );
}

/** One registry: the names of one kind. A name of one kind never resolves to another kind. */
export class Registry<K extends Kind> {
  readonly kind: K;

  constructor(kind: K) {
    this.kind = kind;
  }

  private get store(): Map<string, EntryOf<K>> {
    return storeOf(this.kind);
  }

  /**
   * Registers an entry under its name and aliases. The same entry twice is a no-op; a different
   * entry under a taken name throws `DUPLICATE_NAME` unless `override` is set. Either every name
   * is registered or none is. An entry whose `manifest.core` range excludes this @ridge/core's
   * `VERSION` throws `INCOMPATIBLE_PLUGIN` and registers nothing.
   */
  register(entry: EntryOf<K>, options: RegisterOptions = {}): void {
    checkEntryShape(this.kind, entry);
    checkCompatible(this.kind, entry);
    const store = this.store;
    const names = namesOf(entry);
    const clashes = names.filter((n) => {
      const taken = store.get(n);
      return taken !== undefined && !sameEntry(taken, entry);
    });
    const already = names.every((n) => store.has(n)) && clashes.length === 0;
    if (already) return;
    if (clashes.length > 0 && options.override !== true) {
      const n = clashes[0]!;
      const holder = store.get(n)!;
      throw new RidgeError(
        'DUPLICATE_NAME',
        `The ${this.kind} name '${n}' is already registered by ${holder.package}; ` +
          `${entry.package} tried to register a different entry under it. ` +
          `Pick another name (third parties use 'package>Name'), or pass { override: true } to replace it.`,
        { kind: this.kind, name: n, existing: holder.package, incoming: entry.package },
      );
    }
    if (options.override === true) {
      // An overridden entry loses all of its names, so no alias keeps pointing at it.
      const replaced = new Set(clashes.map((n) => store.get(n)!));
      for (const [n, e] of [...store]) if (replaced.has(e)) store.delete(n);
    }
    for (const n of names) store.set(n, entry);
    const record = sharedRecord();
    record.generation++;
    // From now on names can resolve: `getRegularizer('l2')` and the other `get*` reach
    // `deserializeAs` through the record, so a bundle that never registers does not carry it.
    record.resolve ??= deserializeAs as (kind: string, spec: unknown) => unknown;
  }

  /** Removes an entry (by any of its names) with all its names. Returns whether it was there. */
  unregister(name: string): boolean {
    const store = this.store;
    const entry = store.get(name);
    if (entry === undefined) return false;
    for (const [n, e] of [...store]) if (e === entry) store.delete(n);
    sharedRecord().generation++;
    return true;
  }

  /** Whether a name is registered; narrows a plain string to a registered name. */
  has(name: string): name is NameOf<K> {
    return findEntry(this.kind, name) !== undefined;
  }

  /** The entry for a registered name. Throws `UNKNOWN_NAME` otherwise. */
  get(name: NameOf<K>): EntryOf<K> {
    return this.resolve(name);
  }

  /** Like `get`, for names that come from data (JSON, user input) and are checked at run time. */
  resolve(name: string): EntryOf<K> {
    return resolveEntry(this.kind, name);
  }

  /** Every registered name (primary names and aliases), sorted. */
  list(): string[] {
    return registeredNames(this.kind);
  }

  /** Each registered entry once. */
  entries(): EntryOf<K>[] {
    return [...new Set(this.store.values())];
  }
}

/** One registry per kind, shared by every loaded copy of @ridge/core. */
export const registries: { readonly [K in Kind]: Registry<K> } = Object.freeze(
  Object.fromEntries(KINDS.map((k) => [k, new Registry(k)])) as { [K in Kind]: Registry<K> },
);

/** The registry of one kind. */
export function registry<K extends Kind>(kind: K): Registry<K> {
  return registries[kind];
}

/** Bumped by every registration change; lets consumers cache resolutions safely. */
export function registryGeneration(): number {
  return sharedRecord().generation;
}
