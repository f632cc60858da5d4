/** The preprocessing layers' configs as Keras 3 writes them (`get_config`, snake_case) load with their settings. */
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

function fromKeras(className: string, config: JsonObject): Layer {
  return registry('layer').get(className as LayerName).create(readObject(config)) as Layer;
}

describe('Keras 3 preprocessing configs', () => {
  it('Rescaling and Normalization (given mean and variance; adapted, with mean null)', () => {
    const x = tf.tensor2d([[255, 0]]);
    const r = tf.tidy(() => fromKeras('Rescaling', { ...base('rescaling'), scale: 0.00392156862745098, offset: 0.0 }).apply(x) as tf.Tensor);
    expectClose(r, [1, 0]);
    const n = fromKeras('Normalization', { ...base('normalization'), axis: [-1], invert: false, mean: [1.0, 2.0], variance: [4.0, 9.0] });
    const y = tf.tidy(() => n.apply(tf.tensor2d([[3, 8]])) as tf.Tensor);
    // (3 - 1) / 2, (8 - 2) / 3
    expectClose(y, [1, 2]);
    const adapted = fromKeras('Normalization', { ...base('normalization_1'), axis: [-1], invert: false, mean: null, variance: null });
    expect(adapted.getConfig()).toMatchObject({ axis: [-1], mean: null, variance: null });
    tf.dispose([x, r, y]);
  });

  it('CategoryEncoding with sparse false; CenterCrop and Resizing with data_format and Resizing\'s padding keys at their defaults', () => {
    const c = fromKeras('CategoryEncoding', { ...base('category_encoding'), num_tokens: 3, output_mode: 'one_hot', sparse: false });
    const ids = tf.tensor1d([2, 0], 'int32');
    const hot = tf.tidy(() => c.apply(ids) as tf.Tensor);
    expect(hot.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    const crop = fromKeras('CenterCrop', { ...base('center_crop'), height: 1, width: 1, data_format: 'channels_last' });
    const resize = fromKeras('Resizing', {
      ...base('resizing'),
      height: 1,
      width: 2,
      interpolation: 'nearest',
      crop_to_aspect_ratio: false,
      pad_to_aspect_ratio: false,
      fill_mode: 'constant',
      fill_value: 0.0,
      data_format: 'channels_last',
    });
    const img = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const centre = tf.tidy(() => crop.apply(img) as tf.Tensor);
    expectClose(centre, [5]);
    // 3 x 3 to 1 x 2, nearest: row floor(0.5 * 3) = 1, columns floor(0.5 * 1.5) = 0 and floor(1.5 * 1.5) = 2
    const small = tf.tidy(() => resize.apply(img) as tf.Tensor);
    expectClose(small, [4, 6]);
    expect(resize.getConfig()).toMatchObject({ height: 1, width: 2, interpolation: 'nearest', cropToAspectRatio: false, dataFormat: 'channels_last' });
    tf.dispose([ids, hot, img, centre, small]);
  });
});
