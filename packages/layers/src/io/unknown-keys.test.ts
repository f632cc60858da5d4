/**
 * Layer constructors refuse keys they do not take. Files from Keras and tfjs-layers carry keys
 * Ridge has no argument for: they keep loading (silently where leaving the key out changes
 * nothing, with `onWarning` where it does), and any other key (a typo) fails the load.
 */
import { RidgeError, serdeTrio, type JsonObject } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import '../index.js';
import { useCpu } from '../../test/setup.js';
import { modelFromJSON } from './model-from-json.js';

useCpu();

const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

/** A Keras 3 sequential model of `layers` ({ class_name, config }) on [null, 4, 3] inputs. */
function sequentialOf(...layers: JsonObject[]): JsonObject {
  return {
    class_name: 'Sequential',
    config: {
      name: 'seq',
      layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 4, 3], dtype: 'float32', name: 'in' } }, ...layers],
    },
  };
}

function load(json: JsonObject): { warnings: string[]; error?: RidgeError } {
  const warnings: string[] = [];
  try {
    modelFromJSON(json, { onWarning: (w) => warnings.push(w) }).dispose();
    return { warnings };
  } catch (error) {
    if (!RidgeError.is(error)) throw error;
    return { warnings, error };
  }
}

describe('keys Keras and tfjs-layers write that Ridge has no argument for', () => {
  it('load silently at values where leaving them out changes nothing', () => {
    const before = tf.memory().numTensors;
    const { warnings, error } = load(
      sequentialOf(
        { class_name: 'LSTM', config: { name: 'l', dtype, units: 2, return_sequences: true, implementation: 2, time_major: false, use_cudnn: 'auto' } },
        { class_name: 'LayerNormalization', config: { name: 'ln', dtype, rms_scaling: false } },
        { class_name: 'BatchNormalization', config: { name: 'bn', dtype, synchronized: false, renorm: false, renorm_clipping: null, renorm_momentum: 0.99 } },
        { class_name: 'Dense', config: { name: 'd', dtype, units: 2, lora_rank: null, quantization_config: null } },
      ),
    );
    expect(error).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('load with a warning naming the layer and the key where the value changes what Keras computes', () => {
    const { warnings, error } = load(
      sequentialOf(
        { class_name: 'LayerNormalization', config: { name: 'rms', dtype, rms_scaling: true } },
        { class_name: 'GRU', config: { name: 'g', dtype, units: 2, time_major: true } },
      ),
    );
    expect(error).toBeUndefined();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("(LayerNormalization 'rms'): rms_scaling: true is not supported by Ridge and was ignored");
    expect(warnings[0]).toContain('rms_scaling: false');
    expect(warnings[1]).toContain("(GRU 'g'): time_major: true");
  });

  it('a key no library writes (a typo) fails the load, naming where, the layer, the key and the closest argument', () => {
    const before = tf.memory().numTensors;
    const { error } = load(
      sequentialOf(
        { class_name: 'Flatten', config: { name: 'f' } },
        { class_name: 'Dense', config: { name: 'typo', units: 2, kernel_regulariser: { class_name: 'L2', config: { l2: 0.1 } } } },
      ),
    );
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.message).toContain('modelTopology.config.layers[2]');
    expect(error?.message).toContain(`Dense 'typo': unknown argument "kernelRegulariser" (did you mean 'kernelRegularizer'?)`);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("through the registry (serdeTrio('layer')), harmless keys go and the others are refused", () => {
    const layers = serdeTrio('layer');
    const lstm = layers.deserialize({ class_name: 'LSTM', config: { name: 'reg_lstm', units: 2, implementation: 1, dtype } });
    expect(lstm.className).toBe('LSTM');
    (lstm as unknown as { dispose(): void }).dispose();
    expect(() => layers.deserialize({ class_name: 'LayerNormalization', config: { name: 'reg_ln', rms_scaling: true } })).toThrow(
      /unknown argument "rmsScaling"/,
    );
  });
});
