import { registry, type JsonObject, type LayerName } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { readObject } from '../../io/keras-json.js';
import type { Layer } from '../../engine/layer.js';
import '../../index.js';

useCpu();

/** What Keras 3 writes for every layer: its name, trainable, and a dtype policy. */
const base = (name: string): JsonObject => ({
  name,
  trainable: true,
  dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
});

/** A layer read from a Keras config (snake_case), as model loading reads it. */
function fromKeras(className: string, config: JsonObject): Layer {
  return registry('layer').get(className as LayerName).create(readObject(config)) as Layer;
}

function run(layer: Layer, xs: readonly number[]): tf.Tensor {
  return tf.tidy(() => layer.apply(tf.tensor2d([[...xs]])) as tf.Tensor);
}

describe('configs as Keras 3 and Keras 2 write them load with their settings', () => {
  it('ReLU: max_value, negative_slope, threshold (max_value null is unbounded)', () => {
    const y = run(fromKeras('ReLU', { ...base('re_lu'), max_value: 6.0, negative_slope: 0.1, threshold: 1.0 }), [-2, 3, 9]);
    expectClose(y, [0.1 * (-2 - 1), 3, 6], 6);
    const unbounded = run(fromKeras('ReLU', { ...base('re_lu_1'), max_value: null, negative_slope: 0.0, threshold: 0.0 }), [-2, 30]);
    expectClose(unbounded, [0, 30]);
    tf.dispose([y, unbounded]);
  });

  it("LeakyReLU: Keras 3's negative_slope and Keras 2's alpha", () => {
    const k3 = run(fromKeras('LeakyReLU', { ...base('leaky_re_lu'), negative_slope: 0.2 }), [-1, 1]);
    const k2 = run(fromKeras('LeakyReLU', { name: 'leaky_re_lu_1', trainable: true, dtype: 'float32', alpha: 0.05 }), [-1, 1]);
    expectClose(k3, [-0.2, 1], 6);
    expectClose(k2, [-0.05, 1], 6);
    tf.dispose([k3, k2]);
  });

  it('PReLU with a Keras 3 initializer object and shared_axes; ELU, Softmax, ThresholdedReLU', () => {
    const p = fromKeras('PReLU', {
      ...base('p_re_lu'),
      alpha_initializer: { module: 'keras.initializers', class_name: 'Constant', config: { value: 0.25 }, registered_name: null },
      alpha_regularizer: null,
      alpha_constraint: null,
      shared_axes: [1],
    });
    const py = tf.tidy(() => p.apply(tf.tensor3d([[[-4, 2], [-8, -1]]])) as tf.Tensor);
    expect((p as unknown as { alpha: { shape: number[] } }).alpha.shape).toEqual([1, 2]);
    expectClose(py, [-1, 2, -2, -0.25], 6);
    const e = run(fromKeras('ELU', { ...base('elu'), alpha: 0.5 }), [-1, 1]);
    expectClose(e, [0.5 * (Math.exp(-1) - 1), 1], 6);
    const s = run(fromKeras('Softmax', { ...base('softmax'), axis: -1 }), [0, Math.log(3)]);
    expectClose(s, [0.25, 0.75], 6);
    const t = run(fromKeras('ThresholdedReLU', { name: 'thresholded_re_lu', trainable: true, dtype: 'float32', theta: 1.0 }), [0.5, 2]);
    expectClose(t, [0, 2]);
    tf.dispose([py, e, s, t]);
  });

  it('Masking, RepeatVector and Permute', () => {
    const x = tf.tensor3d([[[1, 2], [-1, -1]]]);
    const m = tf.tidy(() => fromKeras('Masking', { ...base('masking'), mask_value: -1.0 }).apply(x) as tf.Tensor);
    expectClose(m, [1, 2, 0, 0]);
    const r = tf.tidy(() => fromKeras('RepeatVector', { ...base('repeat_vector'), n: 2 }).apply(tf.tensor2d([[5, 6]])) as tf.Tensor);
    expect(r.arraySync()).toEqual([[[5, 6], [5, 6]]]);
    const p = tf.tidy(() => fromKeras('Permute', { ...base('permute'), dims: [2, 1] }).apply(x) as tf.Tensor);
    expect(p.arraySync()).toEqual([[[1, -1], [2, -1]]]);
    tf.dispose([x, m, r, p]);
  });
});
