import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Regularizer } from './contracts.js';
import { RidgeError } from './errors.js';
import type { JsonObject } from './json.js';
import { registries } from './registry.js';
import {
  deserializeRegularizer,
  getLoss,
  getOptimizer,
  getRegularizer,
  normalizeSerialized,
  serializeRegularizer,
} from './serialization.js';

/** A minimal regularizer (factor * sum(|x|^3)) defined here, so core is tested alone. */
class Cube implements Regularizer {
  readonly className = 'test>Cube';
  constructor(readonly factor: number) {}
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(this.factor, tf.sum(tf.pow(tf.abs(x), 3))) as tf.Scalar);
  }
  getConfig(): JsonObject {
    return { factor: this.factor };
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  registries.regularizer.register({
    kind: 'regularizer',
    name: 'test>Cube',
    aliases: ['cube'],
    package: 'test',
    create: (config = {}) => {
      const factor = config['factor'] ?? 0.5;
      if (typeof factor !== 'number' || factor < 0) {
        throw new RidgeError('INVALID_ARGUMENT', `factor must be >= 0; received ${String(factor)}.`);
      }
      return new Cube(factor);
    },
  });
  registries.regularizer.register({
    kind: 'regularizer',
    name: 'test>Fragile',
    package: 'test',
    create: () => {
      throw new TypeError('boom');
    },
  });
});

afterAll(() => {
  registries.regularizer.unregister('test>Cube');
  registries.regularizer.unregister('test>Fragile');
});

describe('the Keras trio', () => {
  it('get accepts a name, an instance and { className, config }', async () => {
    const byName = getRegularizer('cube' as never);
    expect(byName).toBeInstanceOf(Cube);
    expect((byName as Cube).factor).toBe(0.5);
    const instance = new Cube(2);
    expect(getRegularizer(instance)).toBe(instance);
    const byConfig = getRegularizer({ className: 'test>Cube', config: { factor: 3 } } as never) as Cube;
    expect(byConfig.factor).toBe(3);
    // 3 * (1 + 8) = 27
    const penalty = byConfig.apply(tf.tensor1d([1, -2]));
    expect((await penalty.data())[0]).toBeCloseTo(27, 5);
    penalty.dispose();
  });

  it('serialize then deserialize round-trips', () => {
    const json = serializeRegularizer(new Cube(0.25));
    expect(json).toEqual({ className: 'test>Cube', config: { factor: 0.25 } });
    const back = deserializeRegularizer(JSON.parse(JSON.stringify(json))) as Cube;
    expect(back.factor).toBe(0.25);
  });

  it('reads Keras 2 (class_name, snake_case) and Keras 3 (module, registered_name) JSON', () => {
    expect(normalizeSerialized({ class_name: 'L1L2', config: { l1: 0.1, some_key: 2 } }, 'x')).toEqual({
      className: 'L1L2',
      config: { l1: 0.1, someKey: 2 },
    });
    const keras3 = { module: null, class_name: 'Cube', config: { factor: 4 }, registered_name: 'test>Cube' };
    expect((deserializeRegularizer(keras3) as Cube).factor).toBe(4);
    expect((deserializeRegularizer('cube') as Cube).factor).toBe(0.5);
  });

  it('rejects malformed JSON with INVALID_CONFIG, never a TypeError', () => {
    for (const bad of [null, 42, [], { config: {} }, { className: '' }, { className: 'test>Cube', config: 5 }]) {
      expect(() => deserializeRegularizer(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    }
  });

  it('passes through a RidgeError from create, and wraps any other error', () => {
    expect(() => deserializeRegularizer({ className: 'test>Cube', config: { factor: -1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => deserializeRegularizer({ className: 'test>Fragile' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('boom') }),
    );
  });

  it('an unknown class name is UNKNOWN_NAME; another kind does not see this name', () => {
    expect(() => deserializeRegularizer({ className: 'Nope' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_NAME' }));
    expect(() => getLoss('cube' as never)).toThrow(expect.objectContaining({ code: 'UNKNOWN_NAME' }));
  });

  it('an instance of a kind whose contract has no apply() (an optimizer) is returned as is', () => {
    const optimizer = { className: 'X', learningRate: 0.1, iterations: 0, applyGradients: () => {}, getConfig: () => ({}), dispose: () => {} };
    expect(getOptimizer(optimizer)).toBe(optimizer);
  });

  it('an object with className and getConfig() but without its kind\'s methods is INVALID_ARGUMENT naming them', () => {
    const cases: [() => unknown, string[]][] = [
      [() => getOptimizer({ className: 'X', getConfig: () => ({}) } as never), ['applyGradients', 'dispose']],
      [() => getOptimizer({ className: 'X', getConfig: () => ({}), applyGradients: () => {} } as never), ['dispose']],
      [() => getLoss({ className: 'Y', getConfig: () => ({}) } as never), ['apply']],
      [() => getRegularizer({ className: 'Z', getConfig: () => ({}), apply: 3 } as never), ['apply']],
    ];
    for (const [call, missing] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as RidgeError).details).toMatchObject({ missing });
      expect((error as RidgeError).message).toContain(`must have ${missing.map((m) => `${m}()`).join(' and ')}`);
    }
  });

  it('get rejects things that are neither names nor instances nor configs', () => {
    expect(() => getRegularizer(42 as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
