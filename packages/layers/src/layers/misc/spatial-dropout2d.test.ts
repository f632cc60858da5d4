import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { registry, serdeTrio } from '@ridge/core';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, dropout, input, model } from '../../base.js';
import { conv2d, flatten } from '../conv/index.js';
import { SpatialDropout2D, spatialDropout1d, spatialDropout2d } from './index.js';
import './register.js';
import '../conv/register.js';
import { caughtRidgeError as caught, expectSameTrainingOnWasm, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const [N, H, W, C] = [50, 3, 4, 8];
const at = (n: number, i: number, j: number, c: number) => ((n * H + i) * W + j) * C + c;

describe('SpatialDropout2D in training', () => {
  it('drops whole channels: one decision per sample and channel, shared by every pixel; kept values scaled by 1 / (1 - rate)', () => {
    const before = tf.memory().numTensors;
    const rate = 0.5;
    const x = tf.tensor4d(values(N * H * W * C, 3).map((v) => v + 2), [N, H, W, C]);
    const xs = x.dataSync();
    const y = spatialDropout2d({ rate, seed: 42 }).apply(x, { training: true });
    const ys = y.dataSync();
    let dropped = 0;
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++) {
        const kept = ys[at(n, 0, 0, c)] !== 0;
        if (!kept) dropped++;
        for (let i = 0; i < H; i++)
          for (let j = 0; j < W; j++) expect(ys[at(n, i, j, c)]).toBeCloseTo(kept ? xs[at(n, i, j, c)]! / (1 - rate) : 0, 5);
      }
    // 400 decisions at p = 0.5: standard error 0.025; both outcomes occur.
    expect(Math.abs(dropped / (N * C) - rate)).toBeLessThan(0.1);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("equals Dropout with Keras 3's noise shape [batch, 1, 1, channels] and the same seed", () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(values(4 * 3 * 3 * 5, 7), [4, 3, 3, 5]);
    const ours = spatialDropout2d({ rate: 0.3, seed: 9 });
    const reference = dropout({ rate: 0.3, noiseShape: [null, 1, 1, null], seed: 9 });
    for (let call = 0; call < 2; call++) {
      const [a, b] = [ours.apply(x, { training: true }), reference.apply(x, { training: true })];
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([a, b]);
    }
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a seeded layer draws a new mask on every call, the same sequence as another layer with that seed', () => {
    const x = tf.ones([8, 2, 2, 6]);
    const [a, b] = [spatialDropout2d({ rate: 0.5, seed: 5 }), spatialDropout2d({ rate: 0.5, seed: 5 })];
    const run = (l: SpatialDropout2D) => {
      const y = l.apply(x, { training: true });
      const v = Array.from(y.dataSync());
      y.dispose();
      return v;
    };
    const [a1, a2, b1, b2] = [run(a), run(a), run(b), run(b)];
    expect(a1).not.toEqual(a2);
    expect([b1, b2]).toEqual([a1, a2]);
    x.dispose();
  });

  it('the gradient is the mask divided by 1 - rate', () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([3, 2, 2, 4]);
    const layer = spatialDropout2d({ rate: 0.25, seed: 11 });
    const probe = spatialDropout2d({ rate: 0.25, seed: 11 });
    const y = probe.apply(x, { training: true });
    const g = tf.grad((a: tf.Tensor) => tf.sum(layer.apply(a, { training: true })))(x);
    // x is all ones, so the output is the mask / (1 - rate): the gradient of sum(y) is the same.
    expect(Array.from(g.dataSync())).toEqual(Array.from(y.dataSync()));
    expect(new Set(Array.from(g.dataSync()))).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    tf.dispose([x, y, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('SpatialDropout2D at inference', () => {
  it('is the identity (no training flag, training: false, and rate 0 in training); shapes pass through', () => {
    const x = tf.tensor4d(values(2 * 3 * 3 * 2, 13), [2, 3, 3, 2]);
    for (const y of [spatialDropout2d({ rate: 0.9 }).apply(x), spatialDropout2d({ rate: 0.9 }).apply(x, { training: false }), spatialDropout2d({ rate: 0 }).apply(x, { training: true })]) {
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    }
    expect(spatialDropout2d({ rate: 0.5 }).apply(input({ shape: [null, 5, 3] })).shape).toEqual([null, null, 5, 3]);
    expect(spatialDropout2d({ rate: 0.5 }).computeOutputShape([2, 3, 4, 5])).toEqual([2, 3, 4, 5]);
    x.dispose();
  });
});

describe('refusals name the layer, the argument and the value', () => {
  const cases: [string, () => unknown, string][] = [
    ['rate', () => spatialDropout2d({ name: 'sd2_a', rate: 1 }), '1'],
    ['rate', () => spatialDropout2d({ name: 'sd2_b', rate: -0.1 }), '-0.1'],
    ['seed', () => spatialDropout2d({ name: 'sd2_c', rate: 0.5, seed: 1.5 }), '1.5'],
    ['dataFormat', () => spatialDropout2d({ name: 'sd2_d', rate: 0.5, dataFormat: 'channels_first' as 'channels_last' }), 'channels_first'],
    ['noiseShape', () => new SpatialDropout2D({ name: 'sd2_e', rate: 0.5, noiseShape: [1, 1, 1, 1] } as never), 'noiseShape'],
  ];
  for (const [argument, make, received] of cases) {
    it(`${argument} = ${received}`, () => {
      const e = caught(make);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('SpatialDropout2D');
      expect(e.message).toContain(argument);
      expect(e.message).toContain(received);
    });
  }

  it('inputs not of rank 4 are SHAPE_MISMATCH, symbolic and eager, and nothing leaks', () => {
    const e = caught(() => spatialDropout2d({ name: 'sd2_rank', rate: 0.5 }).apply(input({ shape: [5, 3] })));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain("SpatialDropout2D 'sd2_rank'");
    expect(e.message).toContain('[null, 5, 3]');
    const x = tf.ones([2, 5, 3]);
    const before = tf.memory().numTensors;
    expect(caught(() => spatialDropout2d({ rate: 0.5 }).apply(x, { training: true })).code).toBe('SHAPE_MISMATCH');
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  it('the rank refusal names the expected axes of each spatial dropout, in full', () => {
    const e2 = caught(() => spatialDropout2d({ name: 'sd2_axes', rate: 0.5 }).apply(input({ shape: [5, 3] })));
    expect(e2.message).toBe("SpatialDropout2D 'sd2_axes': expected inputs of rank 4 [batch, height, width, channels]; received shape [null, 5, 3].");
    expect(e2.details).toEqual({ layer: 'sd2_axes', argument: 'inputs', received: [null, 5, 3] });
    const e1 = caught(() => spatialDropout1d({ name: 'sd1_axes', rate: 0.5 }).apply(input({ shape: [5, 3, 2] })));
    expect(e1.message).toBe("SpatialDropout1D 'sd1_axes': expected inputs of rank 3 [batch, steps, channels]; received shape [null, 5, 3, 2].");
    expect(e1.details).toEqual({ layer: 'sd1_axes', argument: 'inputs', received: [null, 5, 3, 2] });
  });
});

describe('config', () => {
  it("round-trips, is registered, and reads Keras 3's config (rate, seed, name, dtype, data_format)", () => {
    const layer = spatialDropout2d({ name: 'cfg_sd2', rate: 0.25, seed: 3 });
    expect(layer.getConfig()).toMatchObject({ rate: 0.25, seed: 3, dataFormat: 'channels_last' });
    expectConfigRoundTrip(layer, 'layer');
    expect(registry('layer').get('SpatialDropout2D').create({ rate: 0.1 })).toBeInstanceOf(SpatialDropout2D);
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const keras = serdeTrio('layer').deserialize({
      module: 'keras.layers',
      class_name: 'SpatialDropout2D',
      config: { rate: 0.4, seed: 7, name: 'keras_sd2', dtype, data_format: 'channels_last' },
      registered_name: null,
    }) as SpatialDropout2D;
    expect([keras.rate, keras.seed, keras.name, keras.dataFormat]).toEqual([0.4, 7, 'keras_sd2', 'channels_last']);
  });
});

/** Two epochs of SGD on a small convnet with SpatialDropout2D (seeded); returns the weights after them. */
async function trainNet(): Promise<number[][]> {
  const inp = input({ shape: [5, 5, 2] });
  let h = conv2d({ filters: 4, kernelSize: 2, activation: 'tanh', name: 'c' }).apply(inp);
  h = spatialDropout2d({ rate: 0.5, seed: 17, name: 'sd' }).apply(h);
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: 'out' }).apply(flatten().apply(h)) });
  seedWeights(m, 51, 0.5);
  m.compile({ optimizer: sgd(0.05), loss: 'mse', regularization: 'l2' });
  const x = tf.tensor4d(values(6 * 5 * 5 * 2, 1), [6, 5, 5, 2]);
  const y = tf.tensor2d(values(6 * 2, 2), [6, 2]);
  return (await fitAndRead(m, x, y, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0 })).weights;
}

describe('training on wasm', () => {
  it('a convnet with SpatialDropout2D reaches the same weights on wasm as on cpu (the seeded masks are the same), and leaks nothing', async () => {
    await expectSameTrainingOnWasm(trainNet);
    await initBackend({ prefer: 'cpu', log: false });
  });
});
