/*
 * Just enough semver to check a plugin's manifest at registration: versions `x.y.z[-pre][+build]`
 * and ranges made of `^`, `~`, `>=`, `>`, `<=`, `<`, `=`, exact or partial versions (`1.2`,
 * `1.x`), `*`, comparators joined by spaces (all must hold) and sets joined by `||` (one must
 * hold). Hyphen ranges are not supported. A full semver library would be a dependency of
 * @ridge/core, which depends on nothing.
 *
 * Prereleases match like npm's `includePrerelease`: `0.1.1-next.0` satisfies `^0.1.0` because it
 * sorts between 0.1.0 and 0.2.0. A runtime check that refused release candidates of a compatible
 * core would only push users to `override` it. Upper bounds that a range implies (`^0.1.0` means
 * `<0.2.0-0`) exclude the next version's prereleases, as npm does.
 */

type Version = { readonly major: number; readonly minor: number; readonly patch: number; readonly pre: readonly (string | number)[] };
type Comparator = { readonly op: '<' | '<=' | '>' | '>=' | '='; readonly version: Version };

const NUMBER = '0|[1-9]\\d*';
const PRE_ID = '[0-9A-Za-z-]+';
const VERSION_RE = new RegExp(`^v?(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9A-Za-z.-]+)?$`);
/** A possibly partial version in a range: `1`, `1.2`, `1.2.3`, `1.x`, `1.2.*`, with a prerelease only when complete. */
const PARTIAL_RE = new RegExp(
  `^v?(${NUMBER}|[xX*])(?:\\.(${NUMBER}|[xX*])(?:\\.(${NUMBER}|[xX*])(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9A-Za-z.-]+)?)?)?$`,
);

function preIds(text: string | undefined): (string | number)[] {
  if (text === undefined) return [];
  return text.split('.').map((id) => (/^(0|[1-9]\d*)$/.test(id) ? Number(id) : id));
}

/** Parses a full version; `undefined` when it is not one. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: preIds(m[4]) };
}

function comparePre(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  // A version without a prerelease ranks above the same version with one.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Semver precedence: negative, 0 or positive. Build metadata is ignored. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || comparePre(a.pre, b.pre);
}

function version(major: number, minor: number, patch: number, pre: readonly (string | number)[] = []): Version {
  return { major, minor, patch, pre };
}

/** `0` as a prerelease: the lowest version with these numbers, below all of its prereleases. */
function floor(major: number, minor: number, patch: number): Version {
  return version(major, minor, patch, [0]);
}

const isWild = (part: string | undefined): boolean => part === undefined || /^[xX*]$/.test(part);

/** One comparator token (`^1.2.3`, `>=1.2`, `1.x`, `*`) as the comparators it stands for. */
function parseComparator(token: string): Comparator[] | undefined {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.*)$/.exec(token);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = PARTIAL_RE.exec(m[2]!);
  if (!p) return undefined;
  if (isWild(p[1])) return op === '<' || op === '>' ? [{ op: '<', version: floor(0, 0, 0) }] : [];
  const major = Number(p[1]);
  const minorWild = isWild(p[2]);
  const patchWild = minorWild || isWild(p[3]);
  const minor = minorWild ? 0 : Number(p[2]);
  const patch = patchWild ? 0 : Number(p[3]);
  const base = version(major, minor, patch, preIds(p[4]));
  // The first version past everything the partial version covers (`1.2` covers 1.2.*).
  const next = minorWild ? floor(major + 1, 0, 0) : patchWild ? floor(major, minor + 1, 0) : undefined;
  switch (op) {
    case '^': {
      const upper =
        major > 0 || minorWild
          ? floor(major + 1, 0, 0)
          : minor > 0 || patchWild
            ? floor(0, minor + 1, 0)
            : floor(0, 0, patch + 1);
      return [{ op: '>=', version: base }, { op: '<', version: upper }];
    }
    case '~':
    case '~>':
      return [{ op: '>=', version: base }, { op: '<', version: minorWild ? floor(major + 1, 0, 0) : floor(major, minor + 1, 0) }];
    case '>=':
      return [{ op: '>=', version: base }];
    case '<':
      return [{ op: '<', version: next === undefined ? base : floor(major, minor, patch) }];
    case '>':
      return [next === undefined ? { op: '>', version: base } : { op: '>=', version: next }];
    case '<=':
      return [next === undefined ? { op: '<=', version: base } : { op: '<', version: next }];
    default:
      return next === undefined ? [{ op: '=', version: base }] : [{ op: '>=', version: base }, { op: '<', version: next }];
  }
}

function holds(v: Version, c: Comparator): boolean {
  const d = compareVersions(v, c.version);
  switch (c.op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    default:
      return d === 0;
  }
}

/** Parses a range into sets of comparators (`||` between sets); `undefined` when it is not a range. */
export function parseRange(range: string): Comparator[][] | undefined {
  const sets: Comparator[][] = [];
  for (const alternative of range.split('||')) {
    // `>= 1.2.3` is `>=1.2.3`: glue an operator to the version after it before splitting.
    const tokens = alternative.trim().replace(/(\^|~>?|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/).filter((t) => t !== '');
    const set: Comparator[] = [];
    for (const token of tokens) {
      const parsed = parseComparator(token);
      if (parsed === undefined) return undefined;
      set.push(...parsed);
    }
    sets.push(set);
  }
  return sets;
}

/**
 * Whether `version` satisfies `range`. Throws a TypeError naming the input that is not a version
 * or not a supported range, so a typo in a manifest is not mistaken for a mismatch.
 */
export function satisfies(versionText: string, range: string): boolean {
  const v = parseVersion(versionText);
  if (v === undefined) throw new TypeError(`${JSON.stringify(versionText)} is not a semver version`);
  const sets = parseRange(range);
  if (sets === undefined) throw new TypeError(`${JSON.stringify(range)} is not a supported semver range`);
  return sets.some((set) => set.every((c) => holds(v, c)));
}
