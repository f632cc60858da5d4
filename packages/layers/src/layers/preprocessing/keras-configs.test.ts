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

  it('the augmentation layers, as Keras 3 writes them (factors as (lower, upper) or as given, value_range, seeds, fill settings)', () => {
    const cl = { data_format: 'channels_last' };
    const configs: [string, JsonObject, JsonObject][] = [
      ['RandomFlip', { ...base('random_flip'), seed: 1337, mode: 'horizontal', ...cl }, { mode: 'horizontal', seed: 1337 }],
      // Keras writes a drawn default seed when none is given.
      ['RandomCrop', { ...base('random_crop'), height: 2, width: 3, seed: 8923401, ...cl }, { height: 2, width: 3, seed: 8923401 }],
      ['RandomContrast', { ...base('random_contrast'), factor: [0.0, 0.2], value_range: [0, 255], seed: null }, { factor: [0, 0.2], valueRange: [0, 255], seed: null }],
      ['RandomBrightness', { ...base('random_brightness'), factor: [-0.2, 0.2], value_range: [0, 1], seed: null }, { factor: [-0.2, 0.2], valueRange: [0, 1] }],
      [
        'RandomTranslation',
        { ...base('random_translation'), height_factor: 0.2, width_factor: [-0.1, 0.3], fill_mode: 'reflect', interpolation: 'bilinear', seed: null, fill_value: 0.0, ...cl },
        { heightFactor: 0.2, widthFactor: [-0.1, 0.3], fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 },
      ],
      [
        'RandomRotation',
        { ...base('random_rotation'), factor: [0.25, 0.25], ...cl, fill_mode: 'constant', fill_value: 0.0, interpolation: 'nearest', seed: 42 },
        { factor: [0.25, 0.25], fillMode: 'constant', interpolation: 'nearest', seed: 42 },
      ],
      [
        'RandomZoom',
        { ...base('random_zoom'), height_factor: [-0.3, 0.1], width_factor: null, fill_mode: 'nearest', interpolation: 'bilinear', seed: 3, fill_value: 0.0, ...cl },
        { heightFactor: [-0.3, 0.1], widthFactor: null, fillMode: 'nearest', seed: 3 },
      ],
    ];
    const loaded = Object.fromEntries(
      configs.map(([className, config, settings]) => {
        const layer = fromKeras(className, config);
        expect(layer.getConfig(), className).toMatchObject({ ...settings, dataFormat: 'channels_last' });
        return [className, layer];
      }),
    );
    const img = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    // A quarter turn, counter-clockwise (Keras's factor 0.25 of 2 pi, nearest): output (x, y) reads (2 - y, x).
    const turned = tf.tidy(() => loaded['RandomRotation']!.apply(img, { training: true }) as tf.Tensor);
    expectClose(turned, [3, 6, 9, 2, 5, 8, 1, 4, 7]);
    // RandomCrop at inference (smart_resize) to 2 x 3: window height min(3, trunc(3 * 2 / 3)) = 2, width 3,
    // top trunc((3 - 2) / 2) = 0: the first two rows, already of the target size.
    const cropped = tf.tidy(() => loaded['RandomCrop']!.apply(img) as tf.Tensor);
    expect(cropped.shape).toEqual([1, 2, 3, 1]);
    expectClose(cropped, [1, 2, 3, 4, 5, 6]);
    tf.dispose([img, turned, cropped]);
  });
});
