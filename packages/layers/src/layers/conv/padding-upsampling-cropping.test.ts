import { registry } from '@ridge/core';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectShapeMismatch, expectTrainsWithoutLeaks, itRejectsArguments, useCpu } from '../../../test/conv-fixtures.js';
import { dense, flatten, input, model } from '../../base.js';
import { cropping2d, upSampling2d, zeroPadding2d } from './index.js';

useCpu();

/** x[n, i, j, c] = 1000 n + 100 i + 10 j + c: every entry tells where it came from. */
function labelled(n: number, h: number, w: number, c: number): tf.Tensor4D {
  const data: number[] = [];
  for (let a = 0; a < n; a++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) data.push(1000 * a + 100 * i + 10 * j + k);
  return tf.tensor4d(data, [n, h, w, c]);
}

const entry = (t: tf.Tensor, n: number, i: number, j: number, k: number) => {
  const [, h, w, c] = t.shape as number[];
  return t.dataSync()[((n * h! + i) * w! + j) * c! + k]!;
};

describe('ZeroPadding2D', () => {
  it('pads [[top, bottom], [left, right]] with zeros and keeps every input entry in place', () => {
    const before = tf.memory().numTensors;
    const layer = zeroPadding2d({ padding: [[1, 2], [0, 3]] });
    const x = labelled(2, 2, 3, 2);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 2 + 1 + 2, 3 + 0 + 3, 2]);
    expect(layer.computeOutputShape([null, 2, null, 2])).toEqual([null, 5, null, 2]);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < 6; j++)
          for (let k = 0; k < 2; k++) {
            const inside = i >= 1 && i < 3 && j < 3;
            expect(entry(y, n, i, j, k)).toBe(inside ? 1000 * n + 100 * (i - 1) + 10 * j + k : 0);
          }
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('takes n, [height, width] and [[t, b], [l, r]] as Keras, default 1, and writes the pairs', () => {
    expect(zeroPadding2d().getConfig()).toMatchObject({ padding: [[1, 1], [1, 1]], dataFormat: 'channels_last' });
    expect(zeroPadding2d({ padding: 2 }).padding).toEqual([[2, 2], [2, 2]]);
    expect(zeroPadding2d({ padding: [1, 3] }).padding).toEqual([[1, 1], [3, 3]]);
    const layer = zeroPadding2d({ padding: [[0, 1], [2, 0]] });
    expectConfigRoundTrip(layer, 'layer');
  });
});

describe('Cropping2D', () => {
  it('cuts [[top, bottom], [left, right]] off and keeps the rest in place', () => {
    const before = tf.memory().numTensors;
    const layer = cropping2d({ cropping: [[1, 0], [2, 1]] });
    const x = labelled(1, 4, 5, 2);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 4 - 1, 5 - 3, 2]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) expect(entry(y, 0, i, j, k)).toBe(100 * (i + 1) + 10 * (j + 2) + k);
    expect(layer.computeOutputShape([null, null, 5, 3])).toEqual([null, null, 2, 3]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses cropping that leaves nothing, naming the shape (SHAPE_MISMATCH)', () => {
    expectShapeMismatch(
      () => cropping2d({ name: 'crop_all', cropping: [2, 1] }).apply(input({ shape: [4, 2, 1] })),
      "Cropping2D 'crop_all'",
      '[null, 4, 2, 1]',
      '2 + 2 >= 4 on the height axis',
    );
  });

  it('config: the pairs, default no cropping; round trip', () => {
    expect(cropping2d().getConfig()).toMatchObject({ cropping: [[0, 0], [0, 0]], dataFormat: 'channels_last' });
    expectConfigRoundTrip(cropping2d({ cropping: 1 }), 'layer');
  });
});

describe('UpSampling2D', () => {
  it("'nearest' repeats every pixel size[0] x size[1] times", () => {
    const before = tf.memory().numTensors;
    const layer = upSampling2d({ size: [2, 3] });
    const x = labelled(2, 2, 2, 3);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 4, 6, 3]);
    for (let n = 0; n < 2; n++)
      for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) for (let k = 0; k < 3; k++) expect(entry(y, n, i, j, k)).toBe(1000 * n + 100 * Math.floor(i / 2) + 10 * Math.floor(j / 3) + k);
    expect(layer.computeOutputShape([null, 5, null, 3])).toEqual([null, 10, null, 3]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'bilinear' samples at half-pixel centers, (o + 0.5) / size - 0.5, as Keras (TensorFlow 2's resize)", () => {
    // One row [a, b, c] scaled by 2: positions -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2).
    const [a, b, c] = [1, 5, 3];
    const expected = [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, 0.75 * b + 0.25 * c, 0.25 * b + 0.75 * c, c];
    const x = tf.tensor4d([a, b, c], [1, 1, 3, 1]);
    const y = upSampling2d({ size: [1, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor;
    expect(y.shape).toEqual([1, 1, 6, 1]);
    Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    // Both axes: the product of the two one-axis weights (x[i, j] = 10 i + j, separable and linear).
    const grid = tf.tensor4d([0, 1, 10, 11], [1, 2, 2, 1]);
    const up = upSampling2d({ size: 2, interpolation: 'bilinear' }).apply(grid) as tf.Tensor;
    const axis = [0, 0.25, 0.75, 1];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(entry(up, 0, i, j, 0)).toBeCloseTo(10 * axis[i]! + axis[j]!, 5);
    tf.dispose([x, y, grid, up]);
  });

  it('config and argument errors', () => {
    expect(upSampling2d().getConfig()).toMatchObject({ size: [2, 2], dataFormat: 'channels_last', interpolation: 'nearest' });
    expectConfigRoundTrip(upSampling2d({ size: [3, 1], interpolation: 'bilinear' }), 'layer');
  });
});

describe('argument errors name the layer, the argument and the value; nothing is created', () => {
  itRejectsArguments([
    { make: () => zeroPadding2d({ name: 'zp_a', padding: -1 as never }), layer: "ZeroPadding2D 'zp_a'", argument: 'padding', received: '-1' },
    { make: () => zeroPadding2d({ name: 'zp_b', padding: [1, 2, 3] as never }), layer: "ZeroPadding2D 'zp_b'", argument: 'padding', received: '[1, 2, 3]' },
    { make: () => zeroPadding2d({ name: 'zp_c', padding: [[1, 1], [1.5, 0]] }), layer: "ZeroPadding2D 'zp_c'", argument: 'padding', received: '1.5' },
    { make: () => zeroPadding2d({ name: 'zp_d', dataFormat: 'channels_first' as never }), layer: "ZeroPadding2D 'zp_d'", argument: 'dataFormat', received: '"channels_first"' },
    { make: () => cropping2d({ name: 'cr_a', cropping: [[0, -2], [0, 0]] }), layer: "Cropping2D 'cr_a'", argument: 'cropping', received: '-2' },
    { make: () => cropping2d({ name: 'cr_b', cropping: 'all' as never }), layer: "Cropping2D 'cr_b'", argument: 'cropping', received: '"all"' },
    { make: () => upSampling2d({ name: 'up_a', size: 0 }), layer: "UpSampling2D 'up_a'", argument: 'size', received: '0' },
    { make: () => upSampling2d({ name: 'up_b', size: [2, 2, 2] }), layer: "UpSampling2D 'up_b'", argument: 'size', received: '[2, 2, 2]' },
    { make: () => upSampling2d({ name: 'up_c', interpolation: 'bicubic' as never }), layer: "UpSampling2D 'up_c'", argument: 'interpolation', received: '"bicubic"' },
  ]);

  it('inputs of another rank are SHAPE_MISMATCH, naming the shape', () => {
    for (const make of [() => zeroPadding2d(), () => cropping2d(), () => upSampling2d()]) {
      expectShapeMismatch(() => make().apply(input({ shape: [5, 2] })), 'rank 4', '[null, 5, 2]');
    }
  });

  it('registered under their Keras names', () => {
    for (const name of ['ZeroPadding2D', 'UpSampling2D', 'Cropping2D'] as const) expect(registry('layer').get(name).create({}).className).toBe(name);
  });
});

describe('training through the three layers', () => {
  it('a model trains, and fit, evaluate and predict leak nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [4, 4, 2] });
    let h = zeroPadding2d({ padding: [[1, 0], [0, 1]] }).apply(inp);
    h = upSampling2d({ size: [1, 2], interpolation: 'bilinear' }).apply(h);
    h = dense({ units: 3, name: 'mid', activation: 'tanh' }).apply(h);
    h = upSampling2d({}).apply(h);
    h = cropping2d({ cropping: [[2, 1], [3, 3]] }).apply(h);
    // [4, 4] padded to [5, 5], scaled to [5, 10] and [10, 20], cropped to [10 - 3, 20 - 6].
    expect(h.shape).toEqual([null, 7, 14, 3]);
    const m = model({ inputs: inp, outputs: dense({ units: 1, name: 'out' }).apply(flatten().apply(h)) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([4, 4, 4, 2], 0, 1, 'float32', 5);
    const y = tf.randomNormal([4, 1], 0, 1, 'float32', 6);
    await expectTrainsWithoutLeaks(m, x, y);
    expect(tf.memory().numTensors).toBe(start);
  });
});
