import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError, serdeTrio } from '@ridge/core';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import '../../register.js';
import type { Layer } from '../../engine/layer.js';
import { Cropping3D, UpSampling3D, ZeroPadding3D, conv3d, cropping3d, upSampling3d, zeroPadding3d } from './index.js';
import './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

type Shape5 = [number, number, number, number, number];
const prod = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);
const iota = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** out[b, z, y, x, c] = `source(b, z, y, x, c)` for every index of `shape`, in channels-last order. */
function fill(shape: Shape5, source: (b: number, z: number, y: number, x: number, c: number) => number): number[] {
  const out: number[] = [];
  for (let b = 0; b < shape[0]; b++)
    for (let z = 0; z < shape[1]; z++)
      for (let y = 0; y < shape[2]; y++)
        for (let x = 0; x < shape[3]; x++) for (let c = 0; c < shape[4]; c++) out.push(source(b, z, y, x, c));
  return out;
}

function at(data: number[], shape: Shape5, b: number, z: number, y: number, x: number, c: number): number {
  return data[(((b * shape[1] + z) * shape[2] + y) * shape[3] + x) * shape[4] + c]!;
}

function apply(layer: Layer, data: number[], shape: Shape5): { shape: number[]; data: number[] } {
  const x = tf.tensor(data, shape);
  const y = layer.apply(x) as tf.Tensor;
  const out = { shape: y.shape, data: Array.from(y.dataSync()) };
  tf.dispose([x, y]);
  return out;
}

describe('ZeroPadding3D, UpSampling3D and Cropping3D outputs (index formulas)', () => {
  it('ZeroPadding3D: out[z, y, x] = in[z - depthBefore, y - top, x - left], zero outside', () => {
    const shape: Shape5 = [2, 2, 3, 2, 2];
    const data = iota(prod(shape));
    const pads = [[1, 0], [2, 2], [0, 3]] as const;
    const out = apply(zeroPadding3d({ padding: [[1, 0], 2, [0, 3]] }), data, shape);
    const outShape: Shape5 = [2, 2 + 1, 3 + 4, 2 + 3, 2];
    expect(out.shape).toEqual(outShape);
    const want = fill(outShape, (b, z, y, x, c) => {
      const [zi, yi, xi] = [z - pads[0][0], y - pads[1][0], x - pads[2][0]];
      return zi >= 0 && zi < 2 && yi >= 0 && yi < 3 && xi >= 0 && xi < 2 ? at(data, shape, b, zi, yi, xi, c) : 0;
    });
    expect(out.data).toEqual(want);
  });

  it('UpSampling3D: out[z, y, x] = in[floor(z / sd), floor(y / sh), floor(x / sw)]', () => {
    const shape: Shape5 = [2, 2, 3, 2, 2];
    const data = iota(prod(shape));
    const out = apply(upSampling3d({ size: [2, 1, 3] }), data, shape);
    const outShape: Shape5 = [2, 4, 3, 6, 2];
    expect(out.shape).toEqual(outShape);
    expect(out.data).toEqual(fill(outShape, (b, z, y, x, c) => at(data, shape, b, Math.floor(z / 2), y, Math.floor(x / 3), c)));
    const same = apply(upSampling3d({ size: 1 }), data, shape);
    expect(same.data).toEqual(data);
  });

  it('Cropping3D: out[z, y, x] = in[z + depthBefore, y + top, x + left]', () => {
    const shape: Shape5 = [1, 4, 5, 4, 2];
    const data = iota(prod(shape));
    const out = apply(cropping3d({ cropping: [[1, 2], 0, [2, 1]] }), data, shape);
    const outShape: Shape5 = [1, 1, 5, 1, 2];
    expect(out.shape).toEqual(outShape);
    expect(out.data).toEqual(fill(outShape, (b, z, y, x, c) => at(data, shape, b, z + 1, y, x + 2, c)));
  });

  it("Keras's examples: the output shapes", () => {
    // ZeroPadding3D(padding=2) on (1, 1, 2, 2, 3) gives (1, 5, 6, 6, 3).
    expect(zeroPadding3d({ padding: 2 }).computeOutputShape([1, 1, 2, 2, 3])).toEqual([1, 5, 6, 6, 3]);
    // UpSampling3D(size=(2, 2, 2)) on (2, 1, 2, 1, 3) gives (2, 2, 4, 2, 3).
    expect(upSampling3d({ size: [2, 2, 2] }).computeOutputShape([2, 1, 2, 1, 3])).toEqual([2, 2, 4, 2, 3]);
    // Cropping3D(cropping=(2, 4, 2)) on (2, 28, 28, 10, 3) gives (2, 24, 20, 6, 3).
    expect(cropping3d({ cropping: [2, 4, 2] }).computeOutputShape([2, 28, 28, 10, 3])).toEqual([2, 24, 20, 6, 3]);
    expect(upSampling3d().computeOutputShape([null, null, 3, 4, 1])).toEqual([null, null, 6, 8, 1]);
  });

  it('a model with the three trains and leaks nothing', async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [3, 3, 3, 1] });
    let h = zeroPadding3d({ padding: [1, 0, 1] }).apply(inp);
    h = upSampling3d({ size: [1, 2, 1] }).apply(h);
    h = cropping3d({ cropping: [[0, 1], [1, 1], 0] }).apply(h);
    const c = conv3d({ filters: 1, kernelSize: 2 });
    const m = model({ inputs: inp, outputs: c.apply(h) });
    expect(m.outputs[0]!.shape).toEqual([null, 3, 3, 4, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomUniform([2, 3, 3, 3, 1], -1, 1, 'float32', 4);
    const y = tf.ones([2, 3, 3, 4, 1]);
    const before = Array.from(c.kernel.read().dataSync());
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(Array.from(c.kernel.read().dataSync())).not.toEqual(before);
    const afterFirst = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 2, batchSize: 1, verbose: 0 });
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('config', () => {
  it("defaults as Keras 3's: padding 1, size 2, cropping 1 on every side; pairs in the config", () => {
    expect(zeroPadding3d({ name: 'zp3_d' }).getConfig()).toMatchObject({ padding: [[1, 1], [1, 1], [1, 1]], dataFormat: 'channels_last' });
    expect(upSampling3d({ name: 'up3_d' }).getConfig()).toMatchObject({ size: [2, 2, 2], dataFormat: 'channels_last' });
    expect(cropping3d({ name: 'cr3_d' }).getConfig()).toMatchObject({ cropping: [[1, 1], [1, 1], [1, 1]], dataFormat: 'channels_last' });
    expect(zeroPadding3d({ padding: [1, 2, 3] }).padding).toEqual([[1, 1], [2, 2], [3, 3]]);
  });

  it('round-trips', () => {
    for (const layer of [zeroPadding3d({ padding: [[0, 1], 2, [3, 0]] }), upSampling3d({ size: [1, 2, 3] }), cropping3d({ cropping: [[1, 0], [0, 0], 2] })]) {
      expectConfigRoundTrip(layer, 'layer');
    }
  });

  it('reads Keras 3 configs (tuples of tuples, snake_case)', () => {
    const layers = serdeTrio('layer');
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const pad = layers.deserialize({ module: 'keras.layers', class_name: 'ZeroPadding3D', config: { name: 'keras_zp3', trainable: true, dtype, padding: [[1, 2], [3, 4], [0, 1]], data_format: 'channels_last' }, registered_name: null }) as ZeroPadding3D;
    expect(pad.computeOutputShape([null, 2, 2, 2, 1])).toEqual([null, 5, 9, 3, 1]);
    const up = layers.deserialize({ class_name: 'UpSampling3D', config: { name: 'keras_up3', dtype, size: [2, 1, 3], data_format: 'channels_last' } }) as UpSampling3D;
    expect(up.size).toEqual([2, 1, 3]);
    const crop = layers.deserialize({ class_name: 'Cropping3D', config: { name: 'keras_cr3', dtype, cropping: [[0, 1], [2, 0], [1, 1]], data_format: 'channels_last' } }) as Cropping3D;
    expect(crop.computeOutputShape([null, 5, 5, 5, 2])).toEqual([null, 4, 3, 3, 2]);
  });
});

describe('errors', () => {
  const cases: { make: () => unknown; layer: string; argument: string; received: string }[] = [
    { make: () => zeroPadding3d({ name: 'zp3_a', padding: -1 }), layer: "ZeroPadding3D 'zp3_a'", argument: 'padding', received: '-1' },
    { make: () => zeroPadding3d({ name: 'zp3_b', padding: [1, 2] as never }), layer: "ZeroPadding3D 'zp3_b'", argument: 'padding', received: '[1, 2]' },
    { make: () => zeroPadding3d({ name: 'zp3_c', padding: [[1, 2, 3], 1, 1] as never }), layer: "ZeroPadding3D 'zp3_c'", argument: 'padding', received: '[[1, 2, 3], 1, 1]' },
    { make: () => zeroPadding3d({ name: 'zp3_d', dataFormat: 'channels_first' as 'channels_last' }), layer: "ZeroPadding3D 'zp3_d'", argument: 'dataFormat', received: '"channels_first"' },
    { make: () => upSampling3d({ name: 'up3_a', size: 0 }), layer: "UpSampling3D 'up3_a'", argument: 'size', received: '0' },
    { make: () => upSampling3d({ name: 'up3_b', size: [2, 2] }), layer: "UpSampling3D 'up3_b'", argument: 'size', received: '[2, 2]' },
    { make: () => cropping3d({ name: 'cr3_a', cropping: 1.5 }), layer: "Cropping3D 'cr3_a'", argument: 'cropping', received: '1.5' },
    { make: () => cropping3d({ name: 'cr3_b', dataFormat: 'channels_first' as 'channels_last' }), layer: "Cropping3D 'cr3_b'", argument: 'dataFormat', received: '"channels_first"' },
  ];
  for (const c of cases) {
    it(`${c.layer}: ${c.argument} = ${c.received}`, () => {
      let error: unknown;
      try {
        c.make();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error)).toBe(true);
      const e = error as RidgeError;
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(c.layer);
      expect(e.message).toContain(c.argument);
      expect(e.message).toContain(c.received);
    });
  }

  it('a crop that leaves nothing, and a wrong rank, are SHAPE_MISMATCH naming the shape', () => {
    const crop = (() => {
      try {
        cropping3d({ name: 'cr3_all', cropping: [0, [1, 2], 0] }).apply(input({ shape: [4, 3, 4, 1] }));
      } catch (e) {
        return e as RidgeError;
      }
      throw new Error('expected an error');
    })();
    expect(crop.code).toBe('SHAPE_MISMATCH');
    expect(crop.message).toContain('[null, 4, 3, 4, 1]');
    expect(crop.message).toContain('height axis');
    for (const layer of [zeroPadding3d(), upSampling3d(), cropping3d()]) {
      expect(() => layer.apply(input({ shape: [4, 4, 1] }))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('[batch, depth, height, width, channels]') }));
    }
  });
});
