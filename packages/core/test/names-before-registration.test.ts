import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Core from '../src/index.js';
import type { Regularizer } from '../src/index.js';

/*
 * Name resolution is reached through the first registration: until something is registered no
 * name can resolve, so `get*` with a name or `{ className, config }` throws the same UNKNOWN_NAME
 * that resolving would, without the resolution code (a `/base` bundle that passes instances
 * carries none of it). Each test starts from a process in which no copy of @ridge/core has
 * created the shared record.
 */

const KEY = Symbol.for('@ridge/core/shared-record');
const holder = globalThis as unknown as Record<symbol, unknown>;
let saved: unknown;

beforeEach(() => {
  saved = holder[KEY];
  delete holder[KEY];
  vi.resetModules();
});

afterEach(() => {
  holder[KEY] = saved;
});

const fresh = async (): Promise<typeof Core> => (await import('../src/index.js')) as typeof Core;

function caught(fn: () => unknown): Core.RidgeError {
  try {
    fn();
  } catch (error) {
    return error as Core.RidgeError;
  }
  throw new Error('expected a throw');
}

/** A regularizer that is not a tensor computation: resolution, not penalties, is under test. */
const probe = (factor: number): Regularizer => ({
  className: 'names-test>Probe',
  apply: () => {
    throw new Error('not used');
  },
  getConfig: () => ({ factor }),
});

describe('names before anything is registered', () => {
  it('a name is UNKNOWN_NAME naming the package to import, as resolving an empty registry says', async () => {
    const core = await fresh();
    const byName = caught(() => core.getRegularizer('l2' as never));
    expect(core.RidgeError.is(byName, 'UNKNOWN_NAME')).toBe(true);
    expect(byName.message).toContain(`Unknown regularizer "l2".`);
    expect(byName.message).toContain('Registered regularizer names: none.');
    expect(byName.message).toContain(`import '@ridge/regularizers'`);
    expect(byName.details).toMatchObject({ kind: 'regularizer', name: 'l2', known: [], package: '@ridge/regularizers' });
    // the same message as the registry's own lookup of an empty kind
    expect(caught(() => core.registries.regularizer.resolve('l2')).message).toBe(byName.message);

    const byConfig = caught(() => core.getLoss({ className: 'CategoricalCrossentropy', config: {} } as never));
    expect(core.RidgeError.is(byConfig, 'UNKNOWN_NAME')).toBe(true);
    expect(byConfig.message).toContain(`import '@ridge/losses'`);
    const plugin = caught(() => core.getRegularizer('some-plugin>Thing' as never));
    expect(plugin.message).toContain(`import 'some-plugin'`);
  });

  it('instances pass, and neither they nor a failed name create the shared record', async () => {
    const core = await fresh();
    const r = probe(1);
    expect(core.getRegularizer(r)).toBe(r);
    caught(() => core.getRegularizer('l2' as never));
    expect(core.findEntry('regularizer', 'l2')).toBeUndefined();
    expect(holder[KEY]).toBeUndefined();
    expect(core.RidgeError.is(caught(() => core.getRegularizer(42 as never)), 'INVALID_ARGUMENT')).toBe(true);
  });

  it('the first registration makes names and { className, config } resolve, with suggestions', async () => {
    const core = await fresh();
    core.registries.regularizer.register({
      kind: 'regularizer',
      name: 'names-test>Probe',
      aliases: ['probe'],
      package: 'names-test',
      create: (config = {}) => probe(typeof config['factor'] === 'number' ? config['factor'] : 0.5),
    });
    expect(core.getRegularizer('probe' as never).getConfig()).toEqual({ factor: 0.5 });
    expect(core.getRegularizer({ className: 'names-test>Probe', config: { factor: 2 } } as never).getConfig()).toEqual({ factor: 2 });
    const typo = caught(() => core.getRegularizer('prob' as never));
    expect(typo.code).toBe('UNKNOWN_NAME');
    expect(typo.message).toContain(`Did you mean 'probe'?`);
    expect(typo.message).toContain(`'names-test>Probe', 'probe'`);
    // malformed JSON is the resolver's INVALID_CONFIG again
    expect(caught(() => core.getRegularizer({ config: {} } as never)).code).toBe('INVALID_CONFIG');
  });

  it('a copy that registered nothing resolves names another copy registered', async () => {
    const first = await fresh();
    first.registries.regularizer.register({
      kind: 'regularizer',
      name: 'names-test>Probe',
      package: 'names-test',
      create: () => probe(3),
    });
    vi.resetModules();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const second = await fresh();
    expect(second).not.toBe(first);
    expect(second.getRegularizer('names-test>Probe' as never).getConfig()).toEqual({ factor: 3 });
    expect(second.findEntry('regularizer', 'names-test>Probe')?.package).toBe('names-test');
    warn.mockRestore();
  });
});
