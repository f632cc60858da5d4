import { initBackend } from '@ridge/backend';
import { describeValue, registry } from '@ridge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRidgeError } from '../test/support.js';
import './register.js';
import { MaxNorm } from './constraints/max-norm.js';
import { MinMaxNorm } from './constraints/min-max-norm.js';
import { NonNeg } from './constraints/non-neg.js';
import { UnitNorm } from './constraints/unit-norm.js';
import { L1, l1 } from './l1.js';
import { L1L2, l1l2 } from './l1l2.js';
import { L2, l2 } from './l2.js';
import { OrthogonalRegularizer, orthogonal } from './orthogonal.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Values that are not a finite number >= 0. */
const INVALID: readonly unknown[] = [NaN, Infinity, -Infinity, -1, -1e-9, '0.1', null, {}, [0.1], true];

/** Each factor argument, with ways to pass a value to it through a config object. */
const FACTORS: ReadonlyArray<{ argument: string; build: Array<(v: unknown) => unknown> }> = [
  { argument: 'l1', build: [(v) => new L1({ l1: v as number }), (v) => l1({ l1: v as number })] },
  { argument: 'l2', build: [(v) => new L2({ l2: v as number }), (v) => l2({ l2: v as number })] },
  {
    argument: 'l1',
    build: [(v) => new L1L2({ l1: v as number }), (v) => l1l2({ l1: v as number })],
  },
  {
    argument: 'l2',
    build: [(v) => new L1L2({ l2: v as number }), (v) => l1l2({ l2: v as number })],
  },
  {
    argument: 'factor',
    build: [(v) => new OrthogonalRegularizer({ factor: v as number }), (v) => orthogonal({ factor: v as number })],
  },
  { argument: 'maxValue', build: [(v) => new MaxNorm({ maxValue: v as number })] },
  { argument: 'minValue', build: [(v) => new MinMaxNorm({ minValue: v as number })] },
  { argument: 'maxValue', build: [(v) => new MinMaxNorm({ maxValue: v as number })] },
];

describe('factor validation', () => {
  it.each(FACTORS.flatMap(({ argument, build }) => build.map((b, i) => ({ argument, b, i }))))(
    'rejects every invalid $argument (form $i) with INVALID_ARGUMENT naming it and the value',
    ({ argument, b }) => {
      for (const value of INVALID) {
        expectRidgeError(() => b(value), 'INVALID_ARGUMENT', `${argument} must be`, `received ${describeValue(value)}`);
      }
    },
  );

  it('rejects an invalid factor passed directly, not in a config', () => {
    // A plain object (including {}) is a config, so it is not in this list.
    const direct = INVALID.filter((v) => typeof v !== 'object' || v === null || Array.isArray(v));
    const factories: Array<[string, (v: unknown) => unknown]> = [
      ['l1', (v) => l1(v as number)],
      ['l2', (v) => l2(v as number)],
      ['l1', (v) => l1l2(v as number)],
      ['factor', (v) => orthogonal(v as number)],
      ['l2', (v) => new L2(v as number)],
      ['l1', (v) => l1l2(v as number, 0.1)],
      ['l2', (v) => l1l2(0.1, v as number)],
      ['l1', (v) => new L1L2(v as number, 0.1)],
      ['l2', (v) => new L1L2(0.1, v as number)],
    ];
    for (const [argument, make] of factories) {
      for (const value of direct) {
        expectRidgeError(() => make(value), 'INVALID_ARGUMENT', `${argument} must be`, `received ${describeValue(value)}`);
      }
    }
  });

  it('rejects the same values arriving through the registry (JSON)', () => {
    for (const value of [-1, '0.1', null, {}]) {
      const config = { l2: value } as never;
      expectRidgeError(() => registry('regularizer').resolve('l2').create(config), 'INVALID_ARGUMENT', 'l2 must be');
    }
  });

  it('accepts 0 and large finite factors', () => {
    expect(l2(0).l2).toBe(0);
    expect(l1(1e6).l1).toBe(1e6);
    expect(new L1L2(0, 0).getConfig()).toEqual({ l1: 0, l2: 0 });
  });
});

describe('config objects', () => {
  it('rejects an unknown key with INVALID_CONFIG naming it, so a typo is never ignored', () => {
    const cases: Array<[string, () => unknown]> = [
      ['l_2', () => l2({ l_2: 0.1 } as never)],
      ['L2', () => new L2({ L2: 0.1 } as never)],
      ['l3', () => l1l2({ l1: 0.1, l3: 0.2 } as never)],
      ['l2', () => l1({ l2: 0.1 } as never)],
      ['factors', () => orthogonal({ factors: 0.1 } as never)],
      ['max_value', () => new MaxNorm({ max_value: 3 } as never)],
      ['axis', () => new NonNeg({ axis: 0 } as never)],
      ['axes', () => new UnitNorm({ axes: 0 } as never)],
      ['min', () => new MinMaxNorm({ min: 0 } as never)],
    ];
    for (const [key, make] of cases) {
      const error = expectRidgeError(make, 'INVALID_CONFIG', `unknown config key "${key}"`);
      expect(error.details['key']).toBe(key);
    }
  });

  it('says which keys are accepted', () => {
    expectRidgeError(() => l2({ l_2: 0.1 } as never), 'INVALID_CONFIG', "Did you mean 'l2'?", 'Known keys: l2.');
    expectRidgeError(() => orthogonal({ mod: 'rows' } as never), 'INVALID_CONFIG', 'Known keys: factor, mode.');
  });

  it('rejects an unknown key arriving through the registry (JSON)', () => {
    expectRidgeError(() => registry('regularizer').resolve('L1L2').create({ l1: 0.1, l_2: 0.1 }), 'INVALID_CONFIG', '"l_2"');
  });

  it('rejects a config that is neither an object nor a number', () => {
    for (const value of ['l2', [0.1], true, null]) {
      expectRidgeError(() => l2(value as never), 'INVALID_ARGUMENT', 'l2 must be', describeValue(value));
    }
    for (const value of [3, 'x', [0], null]) {
      expectRidgeError(() => new MaxNorm(value as never), 'INVALID_ARGUMENT', 'MaxNorm config', describeValue(value));
    }
  });

  it('treats undefined like a missing argument or key', () => {
    expect(l2(undefined).l2).toBe(0.01);
    expect(l2({ l2: undefined }).l2).toBe(0.01);
  });
});
