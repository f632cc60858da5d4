import { registry, serdeTrio } from '@ridge/core';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectShapeMismatch, itRejectsArguments, useCpu } from '../../../test/conv-fixtures.js';
import { input } from '../../base.js';
import { Cropping1D, UpSampling1D, ZeroPadding1D, cropping1d, cropping2d, upSampling1d, upSampling2d, zeroPadding1d, zeroPadding2d } from './index.js';

useCpu();

/** x[n, t, c] = 100 n + 10 t + c: every entry tells where it came from. */
function labelled(n: number, steps: number, c: number): tf.Tensor3D {
  const data: number[] = [];
  for (let a = 0; a < n; a++) for (let t = 0; t < steps; t++) for (let k = 0; k < c; k++) data.push(100 * a + 10 * t + k);
  return tf.tensor3d(data, [n, steps, c]);
}

const entry = (y: tf.Tensor, n: number, t: number, k: number) => {
  const [, steps, c] = y.shape as number[];
  return y.dataSync()[(n * steps! + t) * c! + k]!;
};

/** The 2-D layer on [batch, 1, steps, channels], which is what Keras's 1-D layers compute. */
function as2d(layer: { apply(x: tf.Tensor): unknown }, x: tf.Tensor3D): number[] {
  return tf.tidy(() => Array.from((layer.apply(tf.expandDims(x, 1)) as tf.Tensor).dataSync()));
}

describe('ZeroPadding1D', () => {
  it('adds [start, end] zero steps and keeps every input entry in place; equals ZeroPadding2D on [batch, 1, steps, channels]', () => {
    const before = tf.memory().numTensors;
    const layer = zeroPadding1d({ padding: [1, 3] });
    const x = labelled(2, 3, 2);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 1 + 3 + 3, 2]);
    for (let n = 0; n < 2; n++)
      for (let t = 0; t < 7; t++)
        for (let k = 0; k < 2; k++) expect(entry(y, n, t, k)).toBe(t >= 1 && t < 4 ? 100 * n + 10 * (t - 1) + k : 0);
    expect(Array.from(y.dataSync())).toEqual(as2d(zeroPadding2d({ padding: [[0, 0], [1, 3]] }), x));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes n or [start, end] as Keras, default 1, writes the pair; symbolic shapes keep unknown sizes', () => {
    expect(zeroPadding1d().padding).toEqual([1, 1]);
    expect(zeroPadding1d({ padding: 2 }).getConfig()['padding']).toEqual([2, 2]);
    expect(zeroPadding1d({ padding: [0, 4] }).computeOutputShape([null, 5, 3])).toEqual([null, 9, 3]);
    expect(zeroPadding1d({ padding: 2 }).apply(input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    expect(zeroPadding1d({ padding: 2 }).apply(input({ shape: [4, 3] })).shape).toEqual([null, 8, 3]);
  });
});

describe('UpSampling1D', () => {
  it('repeats every step size times, as Keras (ops.repeat on axis 1); equals nearest UpSampling2D with size [1, s]', () => {
    const before = tf.memory().numTensors;
    const layer = upSampling1d({ size: 3 });
    const x = labelled(2, 2, 3);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 6, 3]);
    // Keras's docstring example: [a, b] -> [a, a, b, b] for size 2; here size 3, step t comes from floor(t / 3).
    for (let n = 0; n < 2; n++) for (let t = 0; t < 6; t++) for (let k = 0; k < 3; k++) expect(entry(y, n, t, k)).toBe(100 * n + 10 * Math.floor(t / 3) + k);
    expect(Array.from(y.dataSync())).toEqual(as2d(upSampling2d({ size: [1, 3] }), x));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the gradient sums the copies of each step', () => {
    const before = tf.memory().numTensors;
    const layer = upSampling1d({ size: 2 });
    const x = labelled(1, 3, 1);
    // d/dx sum(y * r), r = 1, 2, ..., 6 over the 6 output steps: step t gets r[2t] + r[2t + 1].
    const r = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 6, 1]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a) as tf.Tensor, r)))(x);
    expect(Array.from(g.dataSync())).toEqual([1 + 2, 3 + 4, 5 + 6]);
    tf.dispose([x, r, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('default 2; size 1 is a copy; shapes', () => {
    expect(upSampling1d().size).toBe(2);
    expect(upSampling1d().getConfig()['size']).toBe(2);
    expect(upSampling1d({ size: 4 }).apply(input({ shape: [null, 2] })).shape).toEqual([null, null, 2]);
    expect(upSampling1d({ size: 4 }).computeOutputShape([3, 5, 2])).toEqual([3, 20, 2]);
    const x = labelled(1, 3, 2);
    const y = upSampling1d({ size: 1 }).apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
  });
});

describe('Cropping1D', () => {
  // Keras 3's own cases (cropping1d_test.py): inputs of 5 steps, cropping (1, 2) keeps steps 1:3,
  // (1, 1) and 1 keep 1:4, (0, 1) keeps 0:4, (1, 0) keeps 1:5.
  const cases = [
    { cropping: [1, 2] as const, keep: [1, 3] },
    { cropping: [1, 1] as const, keep: [1, 4] },
    { cropping: 1, keep: [1, 4] },
    { cropping: [0, 1] as const, keep: [0, 4] },
    { cropping: [1, 0] as const, keep: [1, 5] },
  ];
  for (const c of cases) {
    it(`cropping ${JSON.stringify(c.cropping)} keeps steps ${c.keep[0]}:${c.keep[1]} of 5; equals Cropping2D on [batch, 1, steps, channels]`, () => {
      const before = tf.memory().numTensors;
      const layer = cropping1d({ cropping: c.cropping });
      const x = labelled(2, 5, 2);
      const y = layer.apply(x) as tf.Tensor;
      const kept = c.keep[1]! - c.keep[0]!;
      expect(y.shape).toEqual([2, kept, 2]);
      for (let n = 0; n < 2; n++) for (let t = 0; t < kept; t++) for (let k = 0; k < 2; k++) expect(entry(y, n, t, k)).toBe(100 * n + 10 * (t + c.keep[0]!) + k);
      const pair = typeof c.cropping === 'number' ? [c.cropping, c.cropping] : [...c.cropping];
      expect(Array.from(y.dataSync())).toEqual(as2d(cropping2d({ cropping: [[0, 0], [pair[0]!, pair[1]!]] }), x));
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("default (1, 1) as Keras; unknown steps stay unknown (Keras: Input((1, None, 7)) cropped (1, 2) is (1, None, 7))", () => {
    expect(cropping1d().cropping).toEqual([1, 1]);
    expect(cropping1d({ cropping: [1, 2] }).computeOutputShape([1, null, 7])).toEqual([1, null, 7]);
    expect(cropping1d({ cropping: [1, 2] }).apply(input({ shape: [6, 7] })).shape).toEqual([null, 3, 7]);
  });

  it('a crop that leaves nothing is SHAPE_MISMATCH naming the layer, the cropping and the shape, symbolic and eager', () => {
    const before = tf.memory().numTensors;
    // Keras: Cropping1D((2, 3)) on Input(batch_shape=(3, 5, 7)) raises.
    expectShapeMismatch(() => cropping1d({ name: 'crop_all', cropping: [2, 3] }).apply(input({ shape: [5, 7] })), "Cropping1D 'crop_all'", '[2,3]', '[null, 5, 7]');
    const x = tf.ones([3, 5, 7]);
    expectShapeMismatch(() => cropping1d({ name: 'crop_eager', cropping: [3, 3] }).apply(x), "Cropping1D 'crop_eager'");
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('argument and input errors name the layer, the argument and the value', () => {
  itRejectsArguments([
    { make: () => zeroPadding1d({ name: 'zp_a', padding: -1 }), layer: "ZeroPadding1D 'zp_a'", argument: 'padding', received: '-1' },
    { make: () => zeroPadding1d({ name: 'zp_b', padding: [1, 2, 3] as unknown as [number, number] }), layer: "ZeroPadding1D 'zp_b'", argument: 'padding', received: '[1, 2, 3]' },
    { make: () => zeroPadding1d({ name: 'zp_c', padding: [[1, 1], [1, 1]] as unknown as [number, number] }), layer: "ZeroPadding1D 'zp_c'", argument: 'padding', received: '[[1, 1], [1, 1]]' },
    { make: () => upSampling1d({ name: 'up_a', size: 0 }), layer: "UpSampling1D 'up_a'", argument: 'size', received: '0' },
    { make: () => upSampling1d({ name: 'up_b', size: 1.5 }), layer: "UpSampling1D 'up_b'", argument: 'size', received: '1.5' },
    { make: () => upSampling1d({ name: 'up_c', size: [2] as unknown as number }), layer: "UpSampling1D 'up_c'", argument: 'size', received: '[2]' },
    { make: () => cropping1d({ name: 'cr_a', cropping: [1] as unknown as [number, number] }), layer: "Cropping1D 'cr_a'", argument: 'cropping', received: '[1]' },
    { make: () => cropping1d({ name: 'cr_b', cropping: '1' as unknown as number }), layer: "Cropping1D 'cr_b'", argument: 'cropping', received: '"1"' },
  ]);

  it('inputs not of rank 3 are SHAPE_MISMATCH naming the shape', () => {
    for (const make of [() => zeroPadding1d(), () => upSampling1d(), () => cropping1d()]) {
      expectShapeMismatch(() => make().apply(input({ shape: [5, 5, 2] })), 'rank 3', '[null, 5, 5, 2]');
    }
  });
});

describe('config', () => {
  it('round-trips and is registered under the Keras names', () => {
    expectConfigRoundTrip(zeroPadding1d({ name: 'cfg_zp', padding: [2, 0] }), 'layer');
    expectConfigRoundTrip(upSampling1d({ name: 'cfg_up', size: 3 }), 'layer');
    expectConfigRoundTrip(cropping1d({ name: 'cfg_cr', cropping: [0, 2] }), 'layer');
    for (const name of ['ZeroPadding1D', 'UpSampling1D', 'Cropping1D'] as const) expect(registry('layer').get(name).create({}).className).toBe(name);
  });

  it('reads Keras 3 configs (snake_case, with module, dtype policy and registered_name)', () => {
    const layers = serdeTrio('layer');
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    // Keras 3's get_config: ZeroPadding1D {padding}, UpSampling1D {size}, Cropping1D {cropping}, plus the base keys.
    const pad = layers.deserialize({ module: 'keras.layers', class_name: 'ZeroPadding1D', config: { name: 'k_pad', trainable: true, dtype, padding: [1, 2] }, registered_name: null }) as ZeroPadding1D;
    expect(pad.computeOutputShape([null, 5, 2])).toEqual([null, 8, 2]);
    const up = layers.deserialize({ module: 'keras.layers', class_name: 'UpSampling1D', config: { name: 'k_up', trainable: true, dtype, size: 3 }, registered_name: null }) as UpSampling1D;
    expect(up.size).toBe(3);
    const crop = layers.deserialize({ module: 'keras.layers', class_name: 'Cropping1D', config: { name: 'k_crop', trainable: true, dtype, cropping: [0, 2] }, registered_name: null }) as Cropping1D;
    expect(crop.computeOutputShape([null, 5, 2])).toEqual([null, 3, 2]);
  });
});
