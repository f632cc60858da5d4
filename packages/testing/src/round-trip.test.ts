import { registry, type JsonObject, type Regularizer } from '@ridge/core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractError, expectConfigRoundTrip, expectResolvable } from './index.js';

function regularizer(className: string, config: () => JsonObject): Regularizer {
  return {
    className,
    apply: (() => {
      throw new Error('unused');
    }) as (x: Tensor) => Scalar,
    getConfig: config,
  };
}

let counter = 0;
beforeAll(() => {
  registry('regularizer').register({
    kind: 'regularizer',
    name: 'kit>Good',
    aliases: ['good'],
    package: 'kit',
    create: (c = {}) => {
      const factor = typeof c['factor'] === 'number' ? c['factor'] : 0.5;
      return regularizer('kit>Good', () => ({ factor }));
    },
  });
  // Forgets its config: every instance it builds reports a fresh counter.
  registry('regularizer').register({
    kind: 'regularizer',
    name: 'kit>Forgetful',
    package: 'kit',
    create: () => {
      const n = ++counter;
      return regularizer('kit>Forgetful', () => ({ n }));
    },
  });
  registry('regularizer').register({
    kind: 'regularizer',
    name: 'kit>Alias',
    package: 'kit',
    create: () => regularizer('kit>Good', () => ({ factor: 0.5 })),
  });
});

afterAll(() => {
  for (const n of ['kit>Good', 'kit>Forgetful', 'kit>Alias']) registry('regularizer').unregister(n);
});

describe('expectConfigRoundTrip', () => {
  it('passes a well-behaved object and returns the rebuilt one', () => {
    const original = registry('regularizer').resolve('good').create({ factor: 0.25 });
    const rebuilt = expectConfigRoundTrip(original);
    expect(rebuilt).not.toBe(original);
    expect(rebuilt.getConfig()).toEqual({ factor: 0.25 });
  });

  it('fails when getConfig is not JSON', () => {
    const bad = regularizer('kit>Good', () => ({ factor: Number.NaN }));
    expect(() => expectConfigRoundTrip(bad)).toThrow(ContractError);
    const fn = regularizer('kit>Good', () => ({ f: (() => 1) as unknown as number }));
    expect(() => expectConfigRoundTrip(fn)).toThrow(/does not survive JSON/);
  });

  it('fails when the rebuilt object has another config', () => {
    const original = registry('regularizer').resolve('kit>Forgetful').create();
    expect(() => expectConfigRoundTrip(original)).toThrow(/changed its config/);
  });

  it('fails for a class that is not registered', () => {
    expect(() => expectConfigRoundTrip(regularizer('kit>Nobody', () => ({})))).toThrow(/not registered/);
  });
});

describe('expectResolvable', () => {
  it('passes a name that resolves by name and by { className, config }', () => {
    expect(() => expectResolvable('regularizer', 'good', { config: { factor: 2 } })).not.toThrow();
  });

  it('fails for an unknown name or the wrong class', () => {
    expect(() => expectResolvable('regularizer', 'nope')).toThrow(/not registered/);
    expect(() => expectResolvable('regularizer', 'good', { className: 'kit>Other' })).toThrow(/expected kit>Other/);
  });
});
