import { getConstraint, getInitializer, getRegularizer, registry, type JsonObject } from '@ridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import '../../test/io-fixtures.js';
import { useCpu } from '../../test/setup.js';
import { camelKey, readObject, snakeKey, writeObject, writePart } from './keras-json.js';

useCpu();

describe('keys', () => {
  it.each([
    ['batchInputShape', 'batch_input_shape'],
    ['kernelRegularizer', 'kernel_regularizer'],
    ['useBias', 'use_bias'],
    ['dilationRate', 'dilation_rate'],
    ['movingVarianceInitializer', 'moving_variance_initializer'],
    ['l1', 'l1'],
    ['beta1', 'beta1'],
  ])('%s <-> %s, as tfjs-layers converts them', (camel, snake) => {
    expect(snakeKey(camel)).toBe(snake);
    expect(camelKey(snake)).toBe(camel);
  });

  it("reads Keras's beta_1 and global_clipnorm spellings", () => {
    expect(camelKey('beta_1')).toBe('beta1');
    expect(camelKey('global_clipnorm')).toBe('globalClipnorm');
  });

  it('every camelCase key comes back unchanged through snake_case, whatever a plugin names it', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,12}$/), (key) => {
        expect(camelKey(snakeKey(key))).toBe(key);
      }),
    );
  });
});

describe('layer configs', () => {
  const ridge: JsonObject = {
    name: 'd',
    units: 2,
    kernelInitializer: { className: 'GlorotNormal', config: { seed: 4 } },
    kernelRegularizer: { className: 'L2', config: { l2: 0.5 } },
    biasRegularizer: { className: 'L1', config: { l1: 0.25 } },
    kernelConstraint: { className: 'MaxNorm', config: { maxValue: 2, axis: 0 } },
    activityRegularizer: null,
  };

  it("Ridge's format keeps every class; keys become snake_case at every level", () => {
    expect(writeObject(ridge, 'ridge')).toEqual({
      name: 'd',
      units: 2,
      kernel_initializer: { class_name: 'GlorotNormal', config: { seed: 4 } },
      kernel_regularizer: { class_name: 'L2', config: { l2: 0.5 } },
      bias_regularizer: { class_name: 'L1', config: { l1: 0.25 } },
      kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
      activity_regularizer: null,
    });
  });

  it("tfjs-layers' format writes L1 and L2 as L1L2, and initializer presets as VarianceScaling", () => {
    const out = writeObject(ridge, 'tfjs-layers');
    expect(out['kernel_regularizer']).toEqual({ class_name: 'L1L2', config: { l1: 0, l2: 0.5 } });
    expect(out['bias_regularizer']).toEqual({ class_name: 'L1L2', config: { l1: 0.25, l2: 0 } });
    expect(out['kernel_initializer']).toEqual({ class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: 4 } });
  });

  it('reading gives back the Ridge config, with null options dropped so Ridge applies its defaults', () => {
    const { activityRegularizer: _none, ...rest } = ridge;
    expect(readObject(writeObject(ridge, 'ridge'))).toEqual(rest);
    expect(readObject({ mask_zero: null, activation: null, recurrent_activation: null })).toEqual({ activation: null, recurrentActivation: null });
  });

  it("reads tfjs-layers' and Keras 2's VarianceScaling 'normal' as the truncated normal it is, and LeCun's spelling", () => {
    const read = readObject({
      a_initializer: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } },
      b_initializer: { class_name: 'LeCunNormal', config: { seed: null } },
    });
    expect(read['aInitializer']).toEqual({ className: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' } });
    expect(read['bInitializer']).toEqual({ className: 'LecunNormal', config: {} });
    expect(getInitializer(read['aInitializer'] as never).getConfig()).toEqual({ scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: null });
  });

  it("reads Keras 3's module/registered_name objects and DTypePolicy", () => {
    const read = readObject({
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
      bias_regularizer: { module: 'test_plugin', class_name: 'Cube', config: { factor: 0.5 }, registered_name: 'test-plugin>Cube' },
    });
    expect(read).toEqual({
      dtype: 'float32',
      kernelRegularizer: { className: 'L2', config: { l2: 0.01 } },
      biasRegularizer: { className: 'test-plugin>Cube', config: { factor: 0.5 } },
    });
  });
});

describe('every registered part survives writing and reading', () => {
  const kinds = [
    ['regularizer', getRegularizer],
    ['constraint', getConstraint],
    ['initializer', getInitializer],
  ] as const;
  for (const [kind, get] of kinds) {
    it.each(registry(kind).entries().map((e) => e.name))(`${kind} %s`, (name) => {
      const part = get(name as never);
      const key = `x${kind[0]!.toUpperCase()}${kind.slice(1)}`;
      const read = readObject({ [snakeKey(key)]: writePart(kind, part, 'ridge') });
      expect(get(read[key] as never).getConfig()).toEqual(part.getConfig());
    });
  }
});
