import { initBackend } from '@ridge/backend';
import {
  deserializeConstraint,
  deserializeRegularizer,
  getConstraint,
  getRegularizer,
  registry,
  serializeRegularizer,
  type Configurable,
  type Constraint,
  type JsonObject,
  type Regularizer,
} from '@ridge/core';
import { expectConfigRoundTrip, expectNoTensorLeak, expectResolvable } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectRidgeError } from '../test/support.js';
import {
  L1,
  L1L2,
  L2,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  OrthogonalRegularizer,
  UnitNorm,
  constraintEntries,
  l1,
  l1l2,
  l2,
  maxNorm,
  minMaxNorm,
  nonNeg,
  orthogonal,
  regularizerEntries,
  unitNorm,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** name -> [class name it builds, the config a bare name gives]. */
const REGULARIZER_NAMES: Record<string, [string, JsonObject]> = {
  L1: ['L1', { l1: 0.01 }],
  l1: ['L1', { l1: 0.01 }],
  L2: ['L2', { l2: 0.01 }],
  l2: ['L2', { l2: 0.01 }],
  L1L2: ['L1L2', { l1: 0, l2: 0 }],
  l1l2: ['L1L2', { l1: 0.01, l2: 0.01 }],
  l1_l2: ['L1L2', { l1: 0.01, l2: 0.01 }],
  OrthogonalRegularizer: ['OrthogonalRegularizer', { factor: 0.01, mode: 'rows' }],
  orthogonal: ['OrthogonalRegularizer', { factor: 0.01, mode: 'rows' }],
  orthogonal_regularizer: ['OrthogonalRegularizer', { factor: 0.01, mode: 'rows' }],
};

const CONSTRAINT_NAMES: Record<string, [string, JsonObject]> = {
  MaxNorm: ['MaxNorm', { maxValue: 2, axis: 0 }],
  maxNorm: ['MaxNorm', { maxValue: 2, axis: 0 }],
  max_norm: ['MaxNorm', { maxValue: 2, axis: 0 }],
  NonNeg: ['NonNeg', {}],
  nonNeg: ['NonNeg', {}],
  non_neg: ['NonNeg', {}],
  UnitNorm: ['UnitNorm', { axis: 0 }],
  unitNorm: ['UnitNorm', { axis: 0 }],
  unit_norm: ['UnitNorm', { axis: 0 }],
  MinMaxNorm: ['MinMaxNorm', { minValue: 0, maxValue: 1, rate: 1, axis: 0 }],
  minMaxNorm: ['MinMaxNorm', { minValue: 0, maxValue: 1, rate: 1, axis: 0 }],
  min_max_norm: ['MinMaxNorm', { minValue: 0, maxValue: 1, rate: 1, axis: 0 }],
};

const REGULARIZERS: Regularizer[] = [
  l1(),
  l1(0.3),
  l2(),
  l2(1e-4),
  l1l2(),
  new L1L2(),
  l1l2(0, 0.5),
  orthogonal(),
  orthogonal({ factor: 0.2, mode: 'columns' }),
];

const CONSTRAINTS: Constraint[] = [
  maxNorm(),
  maxNorm({ maxValue: 3, axis: [0, 1] }),
  nonNeg(),
  unitNorm({ axis: -1 }),
  minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.3, axis: 1 }),
];

describe('registered names', () => {
  it('registers exactly the documented names', () => {
    const ours = (names: string[], entries: readonly { name: string; aliases?: readonly string[] }[]): string[] =>
      names.filter((n) => entries.some((e) => e.name === n || e.aliases?.includes(n)));
    expect(ours(registry('regularizer').list(), regularizerEntries).sort()).toEqual(Object.keys(REGULARIZER_NAMES).sort());
    expect(ours(registry('constraint').list(), constraintEntries).sort()).toEqual(Object.keys(CONSTRAINT_NAMES).sort());
  });

  it.each(Object.entries(REGULARIZER_NAMES))('regularizer %s builds a %s with its defaults', (name, [className, config]) => {
    expectResolvable('regularizer', name, { className });
    const built = registry('regularizer').resolve(name).create();
    expect(built.className).toBe(className);
    expect(built.getConfig()).toEqual(config);
  });

  it.each(Object.entries(CONSTRAINT_NAMES))('constraint %s builds a %s with its defaults', (name, [className, config]) => {
    expectResolvable('constraint', name, { className });
    const built = registry('constraint').resolve(name).create();
    expect(built.className).toBe(className);
    expect(built.getConfig()).toEqual(config);
  });

  it('resolves names with a config, as { className, config }', () => {
    expectResolvable('regularizer', 'l2', { className: 'L2', config: { l2: 0.5 } });
    expectResolvable('regularizer', 'orthogonal', { config: { factor: 0.1, mode: 'columns' } });
    expectResolvable('constraint', 'max_norm', { config: { maxValue: 4, axis: [0, 1] } });
  });

  it('keeps the kinds apart: a constraint name is not a regularizer', () => {
    expectRidgeError(() => getRegularizer('maxNorm' as never), 'UNKNOWN_NAME', 'regularizer "maxNorm"');
    expectRidgeError(() => getConstraint('l2' as never), 'UNKNOWN_NAME', 'constraint "l2"');
  });

  it('registering the same entries again is a no-op', () => {
    for (const entry of regularizerEntries) registry('regularizer').register(entry);
    for (const entry of constraintEntries) registry('constraint').register(entry);
    expect(getRegularizer('l2')).toBeInstanceOf(L2);
  });
});

describe('the Regularizer and Constraint contracts', () => {
  it.each(REGULARIZERS.map((r) => [r.className, JSON.stringify(r.getConfig()), r] as const))(
    '%s %s survives a config round trip',
    (_, __, r) => {
      const rebuilt = expectConfigRoundTrip(r as Configurable, 'regularizer');
      expect(rebuilt.constructor).toBe(r.constructor);
      expect(serializeRegularizer(rebuilt as Regularizer)).toEqual(serializeRegularizer(r));
    },
  );

  it.each(CONSTRAINTS.map((c) => [c.className, JSON.stringify(c.getConfig()), c] as const))(
    '%s %s survives a config round trip',
    (_, __, c) => {
      const rebuilt = expectConfigRoundTrip(c as Configurable, 'constraint');
      expect(rebuilt.constructor).toBe(c.constructor);
    },
  );

  it('apply and gradient leak no tensor', async () => {
    const w = tf.tensor2d([
      [0.5, -1, 2],
      [1.5, 0.25, -0.75],
    ]);
    for (const r of REGULARIZERS) {
      await expectNoTensorLeak(`${r.className}.apply`, () => r.apply(w));
      await expectNoTensorLeak(`${r.className}.gradient`, () => r.gradient?.(w));
      await expectNoTensorLeak(`${r.className} through tf.grad`, () => tf.grad((x: tf.Tensor) => r.apply(x))(w));
    }
    for (const c of CONSTRAINTS) await expectNoTensorLeak(`${c.className}.apply`, () => c.apply(w));
    w.dispose();
  });

  it('leaves tf.memory().numTensors unchanged across a full pass, including errors', () => {
    const before = tf.memory().numTensors;
    const w = tf.tensor2d([
      [0.5, -1],
      [1.5, 0.25],
    ]);
    const v = tf.tensor1d([1, 2]);
    for (const r of REGULARIZERS) tf.dispose([r.apply(w), r.gradient?.(w)]);
    for (const c of CONSTRAINTS) c.apply(w).dispose();
    // Errors are thrown before any tensor is made.
    expect(() => orthogonal().apply(v)).toThrow();
    expect(() => orthogonal().gradient(v)).toThrow();
    expect(() => maxNorm({ axis: 3 }).apply(v)).toThrow();
    tf.dispose([w, v]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('every regularizer has an analytic gradient of the weight shape', () => {
    const w = tf.ones([3, 2]);
    for (const r of REGULARIZERS) {
      const g = r.gradient!(w);
      expect(g.shape).toEqual([3, 2]);
      g.dispose();
    }
    w.dispose();
  });
});

describe('other dialects', () => {
  it('reads Keras 3 JSON (module, class_name, snake_case keys)', () => {
    const o = deserializeRegularizer({
      module: 'keras.regularizers',
      class_name: 'OrthogonalRegularizer',
      config: { factor: 0.05, mode: 'columns' },
      registered_name: null,
    });
    expect(o).toBeInstanceOf(OrthogonalRegularizer);
    expect(o.getConfig()).toEqual({ factor: 0.05, mode: 'columns' });
    const m = deserializeConstraint({
      module: 'keras.constraints',
      class_name: 'MaxNorm',
      config: { max_value: 3, axis: [0, 1, 2] },
      registered_name: null,
    });
    expect(m).toBeInstanceOf(MaxNorm);
    expect(m.getConfig()).toEqual({ maxValue: 3, axis: [0, 1, 2] });
    const mm = deserializeConstraint({
      class_name: 'MinMaxNorm',
      config: { min_value: 0.5, max_value: 2.0, rate: 0.5, axis: 0 },
    });
    expect(mm).toBeInstanceOf(MinMaxNorm);
    expect(mm.getConfig()).toEqual({ minValue: 0.5, maxValue: 2, rate: 0.5, axis: 0 });
  });

  it('reads Keras 2 L1 and L2, and tfjs-layers constraints', () => {
    expect(deserializeRegularizer({ class_name: 'L1', config: { l1: 0.02 } })).toBeInstanceOf(L1);
    expect(deserializeRegularizer({ class_name: 'L2', config: { l2: 0.03 } }).getConfig()).toEqual({ l2: 0.03 });
    expect(deserializeConstraint({ className: 'NonNeg', config: {} })).toBeInstanceOf(NonNeg);
    expect(deserializeConstraint({ className: 'UnitNorm', config: { axis: 1 } }).getConfig()).toEqual({ axis: 1 });
    expect(deserializeConstraint({ className: 'MaxNorm', config: { maxValue: 2, axis: 0 } })).toBeInstanceOf(MaxNorm);
  });

  it('still rejects bad values and unknown keys arriving as Keras JSON', () => {
    expectRidgeError(() => deserializeRegularizer({ class_name: 'L2', config: { l2: -0.1 } }), 'INVALID_ARGUMENT', 'l2', '-0.1');
    expectRidgeError(
      () => deserializeRegularizer({ class_name: 'L1L2', config: { l1: 0.1, l_3: 0.1 } }),
      'INVALID_CONFIG',
      'l3',
    );
    expectRidgeError(() => deserializeConstraint({ class_name: 'UnitNorm', config: { axis: 'x' } }), 'INVALID_ARGUMENT', 'axis');
  });

  it('builds the same objects from the root and by name', () => {
    expect(getRegularizer('L1')).toBeInstanceOf(L1);
    expect(getRegularizer({ className: 'L1L2', config: { l1: 0.1 } })).toBeInstanceOf(L1L2);
    expect(getConstraint('unit_norm')).toBeInstanceOf(UnitNorm);
  });
});
