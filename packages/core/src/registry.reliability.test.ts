/**
 * The registry under bad input: every refused registration is all-or-nothing (the names, the
 * entries and the generation counter are as before), a plugin whose factory fails is reported
 * as a RidgeError naming the class and the config, and hostile values given to `deserialize*`
 * are RidgeErrors, never TypeErrors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Regularizer } from './contracts.js';
import { RidgeError, describeValue } from './errors.js';
import type { FactoryEntry } from './names.js';
import { registry, registryGeneration } from './registry.js';
import { deserializeLoss, deserializeOptimizer, deserializeRegularizer, getRegularizer } from './serialization.js';
import { VERSION } from './version.js';

const PKG = 'reliability-core';
const created: string[] = [];

afterEach(() => {
  for (const name of created.splice(0)) registry('regularizer').unregister(name);
});

function instance(className: string, config: Record<string, unknown> = {}): Regularizer {
  return { className, apply: () => { throw new Error('not used'); }, getConfig: () => ({ ...config }) as never } as unknown as Regularizer;
}

function entry(name: string, extra: Partial<FactoryEntry<'regularizer'>> = {}): FactoryEntry<'regularizer'> {
  created.push(name, ...(extra.aliases ?? []));
  return { kind: 'regularizer', name, package: PKG, create: (c) => instance(name, c ?? {}), ...extra };
}

function state() {
  const r = registry('regularizer');
  return { names: r.list(), entries: r.entries().length, generation: registryGeneration() };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('a refused registration changes nothing', () => {
  const cases: [string, () => void, string, string[]][] = [
    [
      'a different entry under a taken primary name',
      () => registry('regularizer').register(entry('RelTaken', { package: 'other-plugin' })),
      'DUPLICATE_NAME',
      ["'RelTaken'", PKG, 'other-plugin', 'override: true'],
    ],
    [
      'a new name whose alias is taken: the new name is not registered either',
      () => registry('regularizer').register(entry('RelFresh', { package: 'other-plugin', aliases: ['relTakenAlias'] })),
      'DUPLICATE_NAME',
      ["'relTakenAlias'", 'other-plugin'],
    ],
    ['an entry that is not an object', () => registry('regularizer').register(null as never), 'INVALID_ENTRY', ['null', 'not an object']],
    ['an entry of another kind', () => registry('regularizer').register({ ...entry('RelKind'), kind: 'loss' } as never), 'INVALID_ENTRY', ['"loss"', 'kind']],
    ['an entry without create()', () => registry('regularizer').register({ kind: 'regularizer', name: 'RelNoCreate', package: PKG } as never), 'INVALID_ENTRY', ['create()']],
    ['an entry with an empty name', () => registry('regularizer').register(entry('', {})), 'INVALID_ENTRY', ['no name']],
    ['aliases that are not names', () => registry('regularizer').register(entry('RelAliases', { aliases: [''] })), 'INVALID_ENTRY', ['aliases']],
    [
      'a manifest for another core',
      () => registry('regularizer').register(entry('RelFuture', { manifest: { name: 'future-plugin', version: '1.0.0', core: '^99.0.0' } })),
      'INCOMPATIBLE_PLUGIN',
      ['future-plugin', '^99.0.0', VERSION],
    ],
    [
      'a manifest for another core, even with override: true',
      () => registry('regularizer').register(entry('RelTaken', { package: 'other-plugin', manifest: { name: 'x', version: '1.0.0', core: '^99.0.0' } }), { override: true }),
      'INCOMPATIBLE_PLUGIN',
      ['^99.0.0'],
    ],
    [
      'a malformed manifest range',
      () => registry('regularizer').register(entry('RelBadRange', { manifest: { name: 'x', version: '1.0.0', core: 'banana' } })),
      'INVALID_ENTRY',
      ['"banana"'],
    ],
  ];

  it.each(cases)('%s', (_label, register, code, inMessage) => {
    const taken = entry('RelTaken', { aliases: ['relTakenAlias'] });
    registry('regularizer').register(taken);
    const before = state();
    const error = thrown(register);
    expect(RidgeError.is(error, code as never), String(error)).toBe(true);
    for (const part of inMessage) expect((error as Error).message).toContain(part);
    expect(state()).toEqual(before);
    expect(registry('regularizer').resolve('RelTaken')).toBe(taken);
    expect(registry('regularizer').resolve('relTakenAlias')).toBe(taken);
  });

  it('the same entry twice, or the same names from the same package and version, is a no-op: the first entry stays', () => {
    const first = entry('RelTwice', { aliases: ['relTwice'], manifest: { name: PKG, version: '1.0.0', core: `^${VERSION}` } });
    registry('regularizer').register(first);
    const before = state();
    registry('regularizer').register(first);
    registry('regularizer').register({ ...first, create: () => instance('other') });
    expect(state()).toEqual(before);
    expect(registry('regularizer').resolve('relTwice')).toBe(first);
  });

  it('a newer version of the same package under the same names is a DUPLICATE_NAME (two installed copies)', () => {
    registry('regularizer').register(entry('RelVersioned', { manifest: { name: PKG, version: '1.0.0', core: '*' } }));
    const before = state();
    const error = thrown(() => registry('regularizer').register(entry('RelVersioned', { manifest: { name: PKG, version: '1.1.0', core: '*' } })));
    expect(RidgeError.is(error, 'DUPLICATE_NAME')).toBe(true);
    expect(state()).toEqual(before);
  });
});

describe('a plugin whose factory fails', () => {
  it('a plain Error from create() is an INVALID_CONFIG naming the class and the config', () => {
    registry('regularizer').register(entry('RelThrows', { create: () => { throw new TypeError('cannot read factor of undefined'); } }));
    const error = thrown(() => deserializeRegularizer({ className: 'RelThrows', config: { factor: 2 } }));
    expect(RidgeError.is(error, 'INVALID_CONFIG'), String(error)).toBe(true);
    expect((error as Error).message).toContain("'RelThrows'");
    expect((error as Error).message).toContain('{"factor":2}');
    expect((error as Error).message).toContain('cannot read factor of undefined');
  });

  it("a RidgeError from create() keeps its code", () => {
    registry('regularizer').register(entry('RelRidgeThrows', { create: () => { throw new RidgeError('INVALID_ARGUMENT', 'factor must be >= 0; received -1.'); } }));
    const error = thrown(() => getRegularizer('RelRidgeThrows' as never));
    expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('a create() that builds something other than its kind is an INVALID_ENTRY naming the entry, its package and what is missing', () => {
    const wrong: [string, unknown, string][] = [
      ['RelReturnsNull', null, 'null'],
      ['RelNoApply', { className: 'RelNoApply', getConfig: () => ({}) }, 'apply()'],
      ['RelNoGetConfig', { className: 'RelNoGetConfig', apply: () => undefined }, 'getConfig()'],
    ];
    for (const [name, value, missing] of wrong) {
      registry('regularizer').register(entry(name, { create: () => value as never }));
      const error = thrown(() => getRegularizer(name as never));
      expect(RidgeError.is(error, 'INVALID_ENTRY'), String(error)).toBe(true);
      const message = (error as Error).message;
      expect(message).toContain(`regularizer entry '${name}'`);
      expect(message).toContain(PKG);
      expect(message).toContain(missing);
      expect((error as RidgeError).details).toMatchObject({ kind: 'regularizer', name, package: PKG });
    }
    // the same entry shape with everything a regularizer needs resolves
    registry('regularizer').register(entry('RelComplete'));
    expect(getRegularizer('RelComplete' as never).className).toBe('RelComplete');
  });
});

describe('hostile values given to deserialize* are RidgeErrors, never TypeErrors', () => {
  const cyclic: Record<string, unknown> = { className: 'RelCyclic' };
  cyclic['config'] = cyclic;
  const values: [string, unknown][] = [
    ['undefined', undefined],
    ['null', null],
    ['an empty string', ''],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a bigint', 10n],
    ['a symbol', Symbol('x')],
    ['a function', () => 1],
    ['an array', [{ className: 'L2' }]],
    ['a Date', new Date(0)],
    ['a Map', new Map([['className', 'L2']])],
    ['an object with a null prototype', Object.create(null) as unknown],
    ['className a number', { className: 7 }],
    ['className an object', { className: { name: 'L2' } }],
    ['config an array', { className: 'RelCyclic', config: [1, 2] }],
    ['config a string', { className: 'RelCyclic', config: 'l2=0.1' }],
    ['a cyclic object', cyclic],
    ['registered_name a number', { class_name: 'x', registered_name: 3 }],
    ['a name that is not registered', 'RelNowhere'],
    ['a name that looks like a plugin', 'nowhere-plugin>Thing'],
    ['Object.prototype names', 'constructor'],
    ['__proto__', '__proto__'],
  ];
  for (const [kind, deserialize] of [
    ['regularizer', deserializeRegularizer],
    ['loss', deserializeLoss],
    ['optimizer', deserializeOptimizer],
  ] as const) {
    it.each(values)(`${kind}: %s`, (_label, value) => {
      const error = thrown(() => deserialize(value));
      expect(RidgeError.is(error), `${String(error)}`).toBe(true);
      expect(['INVALID_CONFIG', 'UNKNOWN_NAME']).toContain((error as RidgeError).code);
    });
  }
});

describe('describeValue, which every message uses, never throws', () => {
  // Found by fuzzing (tests/reliability/json.fuzz.test.ts): a config whose `constructor` key
  // holds data, not a class, made building the error message throw a TypeError.
  const values: [string, unknown][] = [
    ['a constructor key holding an object without a prototype', { constructor: { name: Object.create(null) as unknown } }],
    ['a constructor key holding a string', { constructor: 'x' }],
    ['a constructor key whose name is a list', { constructor: { name: ['a', 'b'] } }],
    ['an object without a prototype', Object.create(null) as unknown],
  ];
  it.each(values)('%s', (_label, value) => {
    expect(() => describeValue(value)).not.toThrow();
    expect(typeof describeValue(value)).toBe('string');
  });

  it('so a hostile config is an INVALID_CONFIG, not a TypeError', () => {
    const error = thrown(() => deserializeRegularizer({ config: {}, constructor: { name: Object.create(null) as unknown } }));
    expect(RidgeError.is(error, 'INVALID_CONFIG'), String(error)).toBe(true);
  });
});
