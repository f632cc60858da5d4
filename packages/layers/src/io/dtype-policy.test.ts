/**
 * Ridge computes weights and activations in float32 (tfjs-core's only float dtype on every
 * backend). A layer asked for another dtype is refused at construction; a file whose layers carry
 * a float16, bfloat16, float64 or mixed policy loads in float32, with one warning per file; a
 * float32 policy loads silently, as before.
 */
import { RidgeError, serdeTrio, type JsonObject, type JsonValue } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as api from '../index.js';
import { peekLayerName } from '../engine/naming.js';
import { useCpu } from '../../test/setup.js';
import { caughtRidgeError, expectClose, matrix, vecMat } from '../../test/fixtures.js';
import { modelFromJSON } from './model-from-json.js';

useCpu();

const policy = (name: string): JsonObject => ({ module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null });

/** A Keras 3 functional model: input [null, 3] -> Dense(4, relu) 'd1' -> Dense(2) 'd2', with the given dtypes. */
function functional(d1: JsonValue, d2: JsonValue): JsonObject {
  const tensor = (layer: string): JsonObject => ({ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [layer, 0, 0] } });
  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: 'mixed',
      trainable: true,
      layers: [
        { module: 'keras.layers', class_name: 'InputLayer', name: 'in', config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, name: 'in' }, inbound_nodes: [] },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          name: 'd1',
          config: { name: 'd1', trainable: true, dtype: d1, units: 4, activation: 'relu', use_bias: true },
          inbound_nodes: [{ args: [tensor('in')], kwargs: {} }],
        },
        {
          module: 'keras.layers',
          class_name: 'Dense',
          name: 'd2',
          config: { name: 'd2', trainable: true, dtype: d2, units: 2, activation: 'linear', use_bias: true },
          inbound_nodes: [{ args: [tensor('d1')], kwargs: {} }],
        },
      ],
      input_layers: [['in', 0, 0]],
      output_layers: [['d2', 0, 0]],
    },
  };
}

function load(json: JsonObject): { model: api.Model; warnings: string[] } {
  const warnings: string[] = [];
  const model = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
  return { model, warnings };
}

/** Sets the two Dense layers' weights and checks the model against relu(x W1 + b1) W2 + b2 in plain JS (float64). */
function expectFloat32Maths(model: api.Model): void {
  const [w1, b1, w2, b2] = [matrix(3, 4, 1), matrix(1, 4, 2)[0]!, matrix(4, 2, 3), matrix(1, 2, 4)[0]!];
  const tensors = [tf.tensor2d(w1), tf.tensor1d(b1), tf.tensor2d(w2), tf.tensor1d(b2)];
  model.setWeights(tensors);
  tf.dispose(tensors);
  const x = matrix(2, 3, 5);
  const expected = x.flatMap((row) => {
    const h = vecMat(row, w1).map((v, j) => Math.max(0, v + b1[j]!));
    return vecMat(h, w2).map((v, j) => v + b2[j]!);
  });
  const xs = tf.tensor2d(x);
  const out = model.predict(xs) as tf.Tensor;
  expect(out.dtype).toBe('float32');
  expectClose(out, expected, 5);
  tf.dispose([xs, out]);
}

describe('a layer dtype other than float32', () => {
  it('is refused at construction, naming dtype and the value and saying Ridge computes in float32, leaving no trace', () => {
    const before = tf.memory().numTensors;
    const makers: [string, (dtype: never) => api.Layer][] = [
      ['Dense', (dtype) => api.dense({ units: 2, dtype })],
      ['LSTM', (dtype) => api.lstm({ units: 2, dtype })],
      ['Conv2D', (dtype) => api.conv2d({ filters: 2, kernelSize: 2, dtype })],
      ['Dropout', (dtype) => api.dropout({ rate: 0.5, dtype })],
    ];
    const refused: unknown[] = ['float16', 'bfloat16', 'float64', 'mixed_float16', 'int32', policy('float32'), 16];
    for (const [className, make] of makers) {
      const nextName = peekLayerName(className === 'Conv2D' ? 'conv2d' : className.toLowerCase());
      for (const dtype of refused) {
        const error = caughtRidgeError(() => make(dtype as never));
        expect(error.code).toBe('INVALID_ARGUMENT');
        expect(error.message).toContain(`${className} '${nextName}': dtype must be 'float32' (Ridge computes in float32); received `);
        expect(error.message).toContain(typeof dtype === 'string' ? `"${dtype}"` : typeof dtype === 'number' ? '16' : 'DTypePolicy');
        expect(error.details).toMatchObject({ argument: 'dtype', received: dtype });
      }
      // The refused layers took no name and made no weights.
      expect(peekLayerName(className === 'Conv2D' ? 'conv2d' : className.toLowerCase())).toBe(nextName);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'float32' is taken, and getConfig writes dtype 'float32' back as before", () => {
    const layer = api.dense({ units: 2, dtype: 'float32', name: 'f32_dense' });
    expect(layer.dtype).toBe('float32');
    expect(layer.getConfig()['dtype']).toBe('float32');
    expect(api.dense({ units: 2 }).getConfig()['dtype']).toBe('float32');
    // Keras's dtype=None: the default.
    expect(api.dense({ units: 2, dtype: null as never }).dtype).toBe('float32');
  });

  it('through the registry, a float32 DTypePolicy object is read as its name and others are refused by name', () => {
    const layers = serdeTrio('layer');
    const ok = layers.deserialize({ class_name: 'Dense', config: { name: 'policy_dense', units: 2, dtype: policy('float32') } }) as api.Layer;
    expect(ok.dtype).toBe('float32');
    ok.dispose();
    const add = layers.deserialize({ class_name: 'Add', config: { name: 'policy_add', dtype: policy('float32') } }) as api.Layer;
    expect(add.className).toBe('Add');
    const error = caughtRidgeError(() => layers.deserialize({ class_name: 'Dense', config: { units: 2, dtype: policy('mixed_float16') } }));
    expect(error.message).toContain(`dtype must be 'float32' (Ridge computes in float32); received "mixed_float16"`);
  });
});

describe('loading a file with dtype policies', () => {
  it('a float32 policy (object or string) loads silently and computes as the file says', () => {
    const before = tf.memory().numTensors;
    for (const [d1, d2] of [
      [policy('float32'), policy('float32')],
      ['float32', 'float32'],
    ] as const) {
      const { model, warnings } = load(functional(d1, d2));
      expect(warnings).toEqual([]);
      expectFloat32Maths(model);
      model.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['mixed_float16', policy('mixed_float16')],
    ['mixed_bfloat16', policy('mixed_bfloat16')],
    ['float16', 'float16'],
    ['bfloat16', policy('bfloat16')],
    ['float64', 'float64'],
    // Keras 2 (tf.keras) wrote its mixed-precision policy as `Policy`.
    ['mixed_float16', { class_name: 'Policy', config: { name: 'mixed_float16' } }],
  ])('a %s policy loads in float32 with one warning for the file naming the layers', (name, dtype) => {
    const before = tf.memory().numTensors;
    const { model, warnings } = load(functional(dtype, dtype));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Model 'mixed'");
    expect(warnings[0]).toContain(`'d1' (${name}), 'd2' (${name})`);
    expect(warnings[0]).toContain('Ridge computes weights and activations in float32');
    expect(model.getLayer('d1').dtype).toBe('float32');
    expectFloat32Maths(model);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one mixed layer among float32 ones is named alone; saving writes dtype float32 back', () => {
    const { model, warnings } = load(functional(policy('float32'), policy('mixed_float16')));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("layer 'd2' (mixed_float16) has a dtype policy");
    expect(warnings[0]).not.toContain("'d1'");
    const written = model.toJSON({ onWarning: () => {} });
    const layers = (written.config['layers'] as JsonObject[]).map((l) => (l['config'] as JsonObject)['dtype']);
    expect(layers).toEqual(['float32', 'float32', 'float32']);
    const reloaded = load(written as unknown as JsonObject);
    expect(reloaded.warnings).toEqual([]);
    reloaded.model.dispose();
    model.dispose();
  });

  it("a wrapped layer's policy counts for its wrapper", () => {
    const json: JsonObject = {
      class_name: 'Sequential',
      config: {
        name: 'wrapped',
        layers: [
          { class_name: 'InputLayer', config: { batch_shape: [null, 4, 3], dtype: 'float32', name: 'seq_in' } },
          {
            class_name: 'TimeDistributed',
            config: { name: 'td', dtype: policy('mixed_float16'), layer: { class_name: 'Dense', config: { name: 'inner', units: 2, dtype: policy('mixed_float16') } } },
          },
        ],
      },
    };
    const { model, warnings } = load(json);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'td' (mixed_float16)");
    model.dispose();
  });

  it('a dtype that is not a float policy (int8, a quantized policy) fails the load, naming the layer and dtype, leaking nothing', () => {
    const before = tf.memory().numTensors;
    for (const dtype of ['int8', policy('int8_from_mixed_bfloat16')]) {
      let error: unknown;
      try {
        load(functional(policy('float32'), dtype)).model.dispose();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error)).toBe(true);
      expect((error as RidgeError).message).toContain("Dense 'd2'");
      expect((error as RidgeError).message).toContain('dtype must be');
      expect((error as RidgeError).message).toContain(typeof dtype === 'string' ? '"int8"' : '"int8_from_mixed_bfloat16"');
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
