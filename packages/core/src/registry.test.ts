import { afterEach, describe, expect, it } from 'vitest';
import { RidgeError } from './errors.js';
import type { FactoryEntry } from './names.js';
import { findEntry, resolveEntry } from './lookup.js';
import { registries, registry } from './registry.js';
import type { Regularizer } from './contracts.js';
import { VERSION } from './version.js';

const made: Array<[keyof typeof registries, string]> = [];

function fakeRegularizer(className: string, pkg = 'test-pkg', aliases?: string[]): FactoryEntry<'regularizer'> {
  made.push(['regularizer', className]);
  const instance = { className, apply: () => { throw new Error('not used'); }, getConfig: () => ({}) } as unknown as Regularizer;
  return { kind: 'regularizer', name: className, package: pkg, ...(aliases ? { aliases } : {}), create: () => instance };
}

afterEach(() => {
  for (const [kind, name] of made.splice(0)) registry(kind).unregister(name);
});

function thrown(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (error) {
    if (RidgeError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a RidgeError, nothing was thrown');
}

describe('register / get / has / list', () => {
  it('registers an entry under its name and aliases', () => {
    const e = fakeRegularizer('T1', 'pkg', ['t1', 't_1']);
    registries.regularizer.register(e);
    for (const n of ['T1', 't1', 't_1']) {
      expect(registries.regularizer.has(n)).toBe(true);
      expect(registries.regularizer.resolve(n)).toBe(e);
    }
    expect(registries.regularizer.list()).toEqual(expect.arrayContaining(['T1', 't1', 't_1']));
    expect(registries.regularizer.entries().filter((x) => x === e)).toHaveLength(1);
  });

  it('registering the same entry twice is a no-op', () => {
    const e = fakeRegularizer('T2');
    registries.regularizer.register(e);
    const before = registries.regularizer.list();
    expect(() => registries.regularizer.register(e)).not.toThrow();
    expect(registries.regularizer.list()).toEqual(before);
  });

  it('a different entry under a taken name throws DUPLICATE_NAME and changes nothing', () => {
    const first = fakeRegularizer('T3', 'first-pkg');
    registries.regularizer.register(first);
    const second = fakeRegularizer('T3', 'second-pkg', ['t3-alias']);
    const error = thrown(() => registries.regularizer.register(second));
    expect(error.code).toBe('DUPLICATE_NAME');
    expect(error.message).toContain("'T3'");
    expect(error.message).toContain('first-pkg');
    expect(error.message).toContain('second-pkg');
    expect(error.message).toContain('override: true');
    expect(registries.regularizer.resolve('T3')).toBe(first);
    // all or nothing: the new alias was not registered either
    expect(registries.regularizer.has('t3-alias')).toBe(false);
  });

  it('override: true replaces the entry, and the old entry loses all its names', () => {
    const first = fakeRegularizer('T4', 'first-pkg', ['t4-old']);
    registries.regularizer.register(first);
    const second = fakeRegularizer('T4', 'second-pkg');
    registries.regularizer.register(second, { override: true });
    expect(registries.regularizer.resolve('T4')).toBe(second);
    expect(registries.regularizer.has('t4-old')).toBe(false);
  });

  it('the same package registering the same names again (a module evaluated twice) is a no-op', () => {
    const a = fakeRegularizer('T5', 'same-pkg', ['t5']);
    const b = fakeRegularizer('T5', 'same-pkg', ['t5']);
    registries.regularizer.register(a);
    registries.regularizer.register(b);
    expect(registries.regularizer.resolve('T5')).toBe(a);
  });

  it('unregister removes every name of the entry', () => {
    const e = fakeRegularizer('T6', 'pkg', ['t6']);
    registries.regularizer.register(e);
    expect(registries.regularizer.unregister('t6')).toBe(true);
    expect(registries.regularizer.has('T6')).toBe(false);
    expect(registries.regularizer.unregister('T6')).toBe(false);
  });

  it('rejects malformed entries with INVALID_ENTRY', () => {
    const bad = [null, {}, { kind: 'loss', name: 'x', package: 'p', create: () => ({}) }, { kind: 'regularizer', name: '', package: 'p', create: () => ({}) }, { kind: 'regularizer', name: 'x', package: 'p' }];
    for (const entry of bad) {
      const error = thrown(() => registries.regularizer.register(entry as never));
      expect(error.code).toBe('INVALID_ENTRY');
    }
  });
});

describe('unknown names', () => {
  it('throws UNKNOWN_NAME listing the registered names and the package to import', () => {
    registries.regularizer.register(fakeRegularizer('Known1', 'pkg', ['known1']));
    const error = thrown(() => registries.regularizer.resolve('unknown_thing'));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toContain('"unknown_thing"');
    expect(error.message).toContain("'Known1'");
    expect(error.message).toContain("'known1'");
    expect(error.message).toContain("import '@ridge/regularizers'");
  });

  it('suggests a close name', () => {
    registries.regularizer.register(fakeRegularizer('GroupLassoLike'));
    expect(thrown(() => registries.regularizer.resolve('GroupLasoLike')).message).toContain("Did you mean 'GroupLassoLike'?");
  });

  it("names the package of a third-party 'package>Name' class", () => {
    const error = thrown(() => registries.regularizer.resolve('ridge-regularizer-foo>Foo'));
    expect(error.message).toContain("import 'ridge-regularizer-foo'");
  });

  it('each kind points at its own package', () => {
    expect(thrown(() => registries.loss.resolve('nope')).message).toContain("import '@ridge/losses'");
    expect(thrown(() => registries.optimizer.resolve('nope')).message).toContain("import '@ridge/optimizers'");
    expect(thrown(() => registries.layer.resolve('nope')).message).toContain("import '@ridge/layers'");
    expect(thrown(() => registries.backend.resolve('nope')).message).toContain("import '@ridge/backend/nope'");
  });
});

describe('findEntry / resolveEntry (lookups without the registration code)', () => {
  it('read the same registries as has and resolve, and fail the same way', () => {
    const e = fakeRegularizer('Looked', 'pkg', ['looked']);
    registries.regularizer.register(e);
    expect(findEntry('regularizer', 'looked')).toBe(e);
    expect(resolveEntry('regularizer', 'Looked')).toBe(e);
    expect(findEntry('loss', 'Looked')).toBeUndefined();
    const error = thrown(() => resolveEntry('regularizer', 'lookd'));
    expect(error.code).toBe('UNKNOWN_NAME');
    expect(error.message).toBe(thrown(() => registries.regularizer.resolve('lookd')).message);
    expect(error.message).toMatch(/Did you mean '(L|l)ooked'\?/);
  });
});

describe('kind isolation', () => {
  it('a loss name never resolves as a regularizer, and the same name may live in both kinds', () => {
    const lossInstance = { className: 'Shared', reduction: 'mean', apply: () => { throw new Error('unused'); }, getConfig: () => ({}) };
    registries.loss.register({ kind: 'loss', name: 'Shared', package: 'loss-pkg', create: () => lossInstance as never });
    made.push(['loss', 'Shared']);
    expect(registries.regularizer.has('Shared')).toBe(false);
    expect(thrown(() => registries.regularizer.resolve('Shared')).code).toBe('UNKNOWN_NAME');
    const reg = fakeRegularizer('Shared', 'reg-pkg');
    registries.regularizer.register(reg);
    expect(registries.regularizer.resolve('Shared')).toBe(reg);
    expect(registries.loss.resolve('Shared').package).toBe('loss-pkg');
  });

  it('an entry of another kind cannot be registered into a registry', () => {
    const entry = { kind: 'loss', name: 'Crossed', package: 'p', create: () => ({}) };
    expect(thrown(() => registries.regularizer.register(entry as never)).code).toBe('INVALID_ENTRY');
  });
});

describe('plugin manifests', () => {
  function withManifest(name: string, core: unknown): FactoryEntry<'regularizer'> {
    const entry = fakeRegularizer(name, 'manifest-pkg');
    return { ...entry, manifest: { name: 'manifest-pkg', version: '2.3.4', core } as never };
  }

  it(`registers a plugin whose core range includes this core (${VERSION})`, () => {
    for (const [i, core] of [`^${VERSION}`, `>=${VERSION}`, '*', `~${VERSION} || ^9.0.0`].entries()) {
      registries.regularizer.register(withManifest(`M${i}`, core));
      expect(registries.regularizer.has(`M${i}`)).toBe(true);
    }
  });

  it('refuses a mismatch with INCOMPATIBLE_PLUGIN naming the plugin, its range, the running core and what to do', () => {
    const error = thrown(() => registries.regularizer.register(withManifest('M9', '^9.0.0')));
    expect(error.code).toBe('INCOMPATIBLE_PLUGIN');
    expect(error.message).toContain('manifest-pkg 2.3.4 supports @ridge/core ^9.0.0');
    expect(error.message).toContain(`@ridge/core ${VERSION} is running`);
    expect(error.message).toContain("regularizer 'M9' was not registered");
    expect(error.message).toContain(`Install a version of manifest-pkg made for @ridge/core ${VERSION}`);
    expect(error.message).toContain('npm i "@ridge/core@^9.0.0"');
    expect(error.details).toMatchObject({ plugin: 'manifest-pkg', range: '^9.0.0', core: VERSION, name: 'M9' });
    expect(registries.regularizer.has('M9')).toBe(false);
  });

  it('checks the range even with override: true (override is about names, not versions)', () => {
    expect(thrown(() => registries.regularizer.register(withManifest('M10', `<${VERSION}`), { override: true })).code).toBe(
      'INCOMPATIBLE_PLUGIN',
    );
  });

  it('rejects a malformed manifest or range with INVALID_ENTRY, so a typo is not read as a mismatch', () => {
    const noCore = { ...fakeRegularizer('M11'), manifest: { name: 'p', version: '1.0.0' } as never };
    expect(thrown(() => registries.regularizer.register(noCore)).message).toContain('its manifest has no core');
    const badRange = thrown(() => registries.regularizer.register(withManifest('M12', 'version one')));
    expect(badRange.code).toBe('INVALID_ENTRY');
    expect(badRange.message).toContain('core range "version one" is not a semver range');
    expect(thrown(() => registries.regularizer.register({ ...fakeRegularizer('M13'), manifest: 'x' as never })).code).toBe('INVALID_ENTRY');
  });

  it('entries without a manifest (the built-ins) are not checked', () => {
    registries.regularizer.register(fakeRegularizer('M14'));
    expect(registries.regularizer.has('M14')).toBe(true);
  });
});
