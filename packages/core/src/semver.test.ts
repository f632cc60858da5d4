import { describe, expect, it } from 'vitest';
import { compareVersions, parseRange, parseVersion, satisfies } from './semver.js';

// Each row: a range, versions it must accept, versions it must refuse. The expectations are
// npm's (node-semver with includePrerelease), written out by hand.
const CASES: [string, string[], string[]][] = [
  ['^0.1.0', ['0.1.0', '0.1.1', '0.1.99', '0.1.1-copy', '0.1.0+build.5'], ['0.0.9', '0.2.0', '0.2.0-rc.1', '1.0.0', '0.1.0-beta']],
  ['^1.2.3', ['1.2.3', '1.9.0', '1.2.4-alpha'], ['1.2.2', '2.0.0', '2.0.0-0', '1.2.3-beta']],
  ['^0.0.3', ['0.0.3'], ['0.0.4', '0.0.2', '0.1.0']],
  ['^0.0', ['0.0.0', '0.0.9'], ['0.1.0']],
  ['^1', ['1.0.0', '1.99.99'], ['2.0.0', '0.9.9']],
  ['~1.2.3', ['1.2.3', '1.2.9'], ['1.3.0', '1.2.2', '1.3.0-0']],
  ['~0.1', ['0.1.0', '0.1.5'], ['0.2.0']],
  ['~1', ['1.0.0', '1.5.0'], ['2.0.0']],
  ['>=0.1.0', ['0.1.0', '5.0.0'], ['0.0.9', '0.1.0-rc.1']],
  ['>= 0.1.0 <0.3.0', ['0.1.0', '0.2.9'], ['0.3.0', '0.0.1']],
  ['<0.2.0', ['0.1.9', '0.0.0', '0.2.0-rc.1'], ['0.2.0', '1.0.0']],
  ['<=1.2.3', ['1.2.3', '1.0.0'], ['1.2.4']],
  ['>1.2.3', ['1.2.4'], ['1.2.3']],
  ['>1.2', ['1.3.0'], ['1.2.9']],
  ['<1.2', ['1.1.9'], ['1.2.0', '1.2.0-rc.1']],
  ['<=1.2', ['1.2.9'], ['1.3.0']],
  ['0.1.0', ['0.1.0', 'v0.1.0'], ['0.1.1', '0.1.0-rc.1']],
  ['=0.1.0', ['0.1.0'], ['0.1.1']],
  ['1.2.x', ['1.2.0', '1.2.7'], ['1.3.0', '1.1.9']],
  ['1.x', ['1.0.0', '1.9.9'], ['2.0.0']],
  ['*', ['0.0.1', '99.0.0', '1.0.0-rc.1'], []],
  ['', ['1.0.0'], []],
  ['^0.1.0 || ^1.0.0', ['0.1.5', '1.4.0'], ['0.2.0', '2.0.0']],
  ['>=1.0.0 <1.5.0 || >=2.0.0', ['1.4.9', '2.0.0', '3.1.0'], ['1.5.0', '0.9.0']],
];

describe('satisfies', () => {
  it.each(CASES)('%s', (range, accepted, refused) => {
    for (const v of accepted) expect(satisfies(v, range), `${v} in ${range}`).toBe(true);
    for (const v of refused) expect(satisfies(v, range), `${v} not in ${range}`).toBe(false);
  });

  it('rejects what is not a version or a supported range, naming it', () => {
    expect(() => satisfies('0.1', '^0.1.0')).toThrow('"0.1" is not a semver version');
    expect(() => satisfies('0.1.0', '^zero')).toThrow('"^zero" is not a supported semver range');
    expect(() => satisfies('0.1.0', '0.1.0 - 0.2.0')).toThrow('not a supported semver range');
    expect(parseRange('>=')).toBeUndefined();
    expect(parseRange('^01.0.0')).toBeUndefined();
  });
});

describe('compareVersions', () => {
  it('follows semver precedence, prereleases below their release', () => {
    const order = ['0.1.0-0', '0.1.0-alpha', '0.1.0-alpha.1', '0.1.0-alpha.beta', '0.1.0-beta.2', '0.1.0-beta.11', '0.1.0-rc.1', '0.1.0', '0.1.1', '0.2.0', '1.0.0'];
    const parsed = order.map((v) => parseVersion(v)!);
    for (let i = 1; i < parsed.length; i++) {
      expect(compareVersions(parsed[i - 1]!, parsed[i]!), `${order[i - 1]} < ${order[i]}`).toBeLessThan(0);
      expect(compareVersions(parsed[i]!, parsed[i - 1]!)).toBeGreaterThan(0);
    }
    expect(compareVersions(parseVersion('1.0.0+a')!, parseVersion('1.0.0+b')!)).toBe(0);
  });
});
