import { VERSION, registry, type FactoryEntry, type Regularizer } from '@ridge/core';
import { groupLassoEntry, manifest } from 'ridge-regularizer-group-lasso';
import { afterEach, describe, expect, it } from 'vitest';
import { caughtRidgeError } from '../support/caught.js';

// Plugin manifests as a plugin author meets them: { name, version, core } checked at registration.

const registered: string[] = [];

afterEach(() => {
  for (const name of registered.splice(0)) registry('regularizer').unregister(name);
});

function plugin(pkg: string, core: string): FactoryEntry<'regularizer'> {
  const name = `${pkg}>Probe`;
  registered.push(name);
  const instance: Regularizer = { className: name, apply: () => { throw new Error('unused'); }, getConfig: () => ({}) };
  return { kind: 'regularizer', name, package: pkg, manifest: { name: pkg, version: '3.0.0', core }, create: () => instance };
}

describe('plugin manifests', () => {
  it('the group lasso plugin declares the core range it supports, and registered under it', () => {
    expect(groupLassoEntry.manifest).toEqual({ name: 'ridge-regularizer-group-lasso', version: '0.1.0', core: '^0.1.0' });
    expect(manifest).toBe(groupLassoEntry.manifest);
    expect(registry('regularizer').resolve('groupLasso')).toBe(groupLassoEntry);
  });

  it(`a plugin made for another core is refused with INCOMPATIBLE_PLUGIN, and nothing is registered (core ${VERSION})`, () => {
    const error = caughtRidgeError(() => registry('regularizer').register(plugin('ridge-regularizer-future', '^1.0.0')));
    expect(error.code).toBe('INCOMPATIBLE_PLUGIN');
    expect(error.message).toBe(
      `ridge-regularizer-future 3.0.0 supports @ridge/core ^1.0.0, but @ridge/core ${VERSION} is running, so its regularizer ` +
        `'ridge-regularizer-future>Probe' was not registered. Install a version of ridge-regularizer-future made for ` +
        `@ridge/core ${VERSION} (its peerDependencies say which), or install a @ridge/core in ^1.0.0 ` +
        `(npm i "@ridge/core@^1.0.0") together with the Ridge packages of that version.`,
    );
    expect(registry('regularizer').has('ridge-regularizer-future>Probe')).toBe(false);
  });

  it('ranges with ||, spaces and prereleases of a compatible core are accepted', () => {
    for (const [i, core] of [`>=0.1.0 <0.2.0`, `^0.0.9 || ^${VERSION}`, '0.1.x', '*'].entries()) {
      expect(() => registry('regularizer').register(plugin(`ridge-ok-${i}`, core))).not.toThrow();
    }
  });
});
