import type { EntryOf, Kind } from './names.js';
import { KINDS } from './names.js';
import { VERSION } from './version.js';

/** One loaded copy of @ridge/core. */
export interface CoreCopy {
  readonly version: string;
  readonly url: string;
}

/**
 * The process-wide state every copy of @ridge/core shares. It lives on `globalThis` under a
 * `Symbol.for` key, so a second copy (a duplicated install, or CJS next to ESM) finds the first
 * copy's registries instead of starting a silent second set.
 */
export interface SharedRecord {
  readonly format: 1;
  readonly copies: CoreCopy[];
  readonly registries: { [K in Kind]: Map<string, EntryOf<K>> };
  /** Bumped on every change to any registry, so caches can tell they are stale. */
  generation: number;
  /**
   * Resolves a name or `{ className, config }` of a kind, set by the first registration (in
   * `Registry.register`). Until something is registered no name can resolve, so a
   * bundle that registers nothing and passes instances carries none of the resolution code.
   */
  resolve?: (kind: string, spec: unknown) => unknown;
}

const KEY = Symbol.for('@ridge/core/shared-record');

let joined: SharedRecord | undefined;

function thisCopy(): CoreCopy {
  return { version: VERSION, url: import.meta.url };
}

function createRecord(): SharedRecord {
  const registries = Object.fromEntries(KINDS.map((k) => [k, new Map()])) as SharedRecord['registries'];
  return { format: 1, copies: [], registries, generation: 0 };
}

/** Describes other loaded copies when a second one joins; exported for tests and diagnostics. */
export function duplicateCopyWarning(existing: readonly CoreCopy[], added: CoreCopy): string {
  const others = existing.map((c) => `${c.version} (${c.url})`).join(', ');
  return (
    `[ridge] DUPLICATE_CORE: @ridge/core ${added.version} (${added.url}) was loaded while ` +
    `@ridge/core ${others} was already loaded. Both use one shared registry, but two copies ` +
    `can disagree on types and versions; make every package resolve one copy ` +
    `(pnpm dedupe / npm dedupe, or a single version range).`
  );
}

/** The shared record, created by the first copy to ask; later copies join it and warn. */
export function sharedRecord(): SharedRecord {
  if (joined) return joined;
  const holder = globalThis as unknown as Record<symbol, SharedRecord | undefined>;
  const record = holder[KEY] ?? (holder[KEY] = createRecord());
  const me = thisCopy();
  if (!record.copies.some((c) => c.url === me.url)) {
    if (record.copies.length > 0) console.warn(duplicateCopyWarning(record.copies, me));
    record.copies.push(me);
  }
  joined = record;
  return record;
}

/**
 * The shared record if some copy created it, without joining it (no warning, no creation): what
 * a read that finds nothing registered needs, in bundles that register nothing.
 */
export function peekRecord(): SharedRecord | undefined {
  return (globalThis as unknown as Record<symbol, SharedRecord | undefined>)[KEY];
}

/** Every copy of @ridge/core loaded in this process (normally one). */
export function loadedCoreCopies(): readonly CoreCopy[] {
  return [...sharedRecord().copies];
}
