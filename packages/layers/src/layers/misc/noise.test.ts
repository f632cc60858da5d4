import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { registry, type JsonObject, type LayerName } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model, type Layer } from '../../base.js';
import {
  AlphaDropout,
  GaussianDropout,
  GaussianNoise,
  SpatialDropout1D,
  alphaDropout,
  gaussianDropout,
  gaussianNoise,
  spatialDropout1d,
} from './index.js';
import './register.js';
import { caughtRidgeError as caught } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function meanAndStd(v: readonly number[]): { mean: number; std: number } {
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length) };
}

/** Runs a layer once in training mode and returns the output's values. */
function trainingOutput(layer: Layer, x: tf.Tensor): number[] {
  const y = layer.apply(x, { training: true });
  const out = Array.from(y.dataSync());
  // An identity layer returns its input itself.
  if (y !== x) y.dispose();
  return out;
}

// Large enough for the sample statistics to be tight: with N = 20000 draws, the standard error of
// a mean is sigma / 141 and that of a standard deviation about sigma / 200. Every tolerance below
// is at least five standard errors, so a correct layer fails with probability well under 1e-6
// (and the seeds make each run the same anyway).
const ROWS = 100;
const COLS = 200;
const N = ROWS * COLS;

const ALPHA_PRIME = -1.7580993408473766;

const layers: [string, () => Layer][] = [
  ['GaussianNoise', () => gaussianNoise({ stddev: 0.5, seed: 1 })],
  ['GaussianDropout', () => gaussianDropout({ rate: 0.2, seed: 1 })],
  ['AlphaDropout', () => alphaDropout({ rate: 0.2, seed: 1 })],
  ['SpatialDropout1D', () => spatialDropout1d({ rate: 0.2, seed: 1 })],
];

describe('noise layers: common behaviour', () => {
  it.each(layers)('%s is the identity at inference (apply and predict), with the output shape of computeOutputShape', (_, make) => {
    const start = tf.memory().numTensors;
    const layer = make();
    const inp = input({ shape: [4, 3] });
    const out = layer.apply(inp);
    expect(out.shape).toEqual(layer.computeOutputShape([null, 4, 3]));
    expect(out.shape).toEqual([null, 4, 3]);
    const m = model({ inputs: inp, outputs: out });
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 3);
    const before = tf.memory().numTensors;
    const y = m.predict(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const z = layer.apply(x);
    expect(Array.from(z.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, z]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each(layers)('%s changes its input in training; a seed makes the sequence of draws reproducible', (_, make) => {
    const x = tf.ones([3, 4, 5]);
    const a = make();
    const b = make();
    const a1 = trainingOutput(a, x);
    const b1 = trainingOutput(b, x);
    const a2 = trainingOutput(a, x);
    expect(a1).not.toEqual(Array.from(x.dataSync()));
    expect(b1).toEqual(a1);
    // Keras 3's SeedGenerator semantics: the next call draws new noise.
    expect(a2).not.toEqual(a1);
    expect(trainingOutput(b, x)).toEqual(a2);
    x.dispose();
  });

  it.each(layers)('%s passes gradients to the layer before it in fit, and leaks nothing', async (_, make) => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [4, 3] });
    const d = dense({ units: 3 });
    const m = model({ inputs: inp, outputs: make().apply(d.apply(inp)) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([8, 4, 3], 0, 1, 'float32', 5);
    const y = tf.randomNormal([8, 4, 3], 0, 1, 'float32', 6);
    const before = Array.from(d.kernel.read().dataSync());
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const after = Array.from(d.kernel.read().dataSync());
    expect(after.every((v, i) => v !== before[i])).toBe(true);
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each([
    ['GaussianNoise', { stddev: 0.3, seed: 7 }],
    ['GaussianNoise', { stddev: 1.5 }],
    ['GaussianDropout', { rate: 0.4, seed: 2 }],
    ['AlphaDropout', { rate: 0.1, noiseShape: [null, 1, null], seed: 3 }],
    ['AlphaDropout', { rate: 0.1 }],
    ['SpatialDropout1D', { rate: 0.25, seed: 4 }],
  ] as [LayerName, JsonObject][])('%s %j: getConfig round-trips through the registry', (className, args) => {
    const entry = registry('layer').get(className);
    const layer = entry.create(args) as Layer;
    const config = layer.getConfig();
    expect(config).toMatchObject({ seed: null, ...args });
    const copy = entry.create({ ...config, name: `${layer.name}_copy` }) as Layer;
    expect(copy.className).toBe(className);
    expect({ ...copy.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
  });
});

describe('noise layers: statistics in training', () => {
  it('GaussianNoise adds N(0, stddev^2) noise', () => {
    const x = tf.fill([ROWS, COLS], 2);
    const noise = trainingOutput(gaussianNoise({ stddev: 0.5, seed: 42 }), x).map((v) => v - 2);
    const { mean, std } = meanAndStd(noise);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.015);
    x.dispose();
  });

  it('GaussianDropout multiplies by N(1, rate / (1 - rate)) noise', () => {
    const x = tf.fill([ROWS, COLS], 3);
    const factor = trainingOutput(gaussianDropout({ rate: 0.2, seed: 42 }), x).map((v) => v / 3);
    const { mean, std } = meanAndStd(factor);
    // stddev = sqrt(0.2 / 0.8) = 0.5
    expect(Math.abs(mean - 1)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.015);
    x.dispose();
  });

  it("AlphaDropout sets dropped units to alpha' and applies a * x + b", () => {
    const rate = 0.3;
    const a = ((1 - rate) * (1 + rate * ALPHA_PRIME ** 2)) ** -0.5;
    const b = -a * ALPHA_PRIME * rate;
    const data = Array.from({ length: N }, (_, i) => ((i % 17) - 8) / 4);
    const x = tf.tensor2d(data, [ROWS, COLS]);
    const out = trainingOutput(alphaDropout({ rate, seed: 42 }), x);
    const droppedValue = a * ALPHA_PRIME + b;
    let dropped = 0;
    out.forEach((v, i) => {
      const kept = a * data[i]! + b;
      const isKept = Math.abs(v - kept) < 1e-5;
      const isDropped = Math.abs(v - droppedValue) < 1e-5;
      expect(isKept || isDropped).toBe(true);
      // An input equal to alpha' would be ambiguous; none of the inputs is.
      if (isDropped && !isKept) dropped++;
    });
    // Binomial: standard error sqrt(0.3 * 0.7 / N) = 0.0032.
    expect(Math.abs(dropped / N - rate)).toBeLessThan(0.02);
    x.dispose();
  });

  it('AlphaDropout keeps the mean and variance of standard-normal inputs (its SELU property)', () => {
    const x = tf.randomNormal([ROWS, COLS], 0, 1, 'float32', 9);
    const inputStats = meanAndStd(Array.from(x.dataSync()));
    const { mean, std } = meanAndStd(trainingOutput(alphaDropout({ rate: 0.2, seed: 42 }), x));
    // Compared with the input's own sample statistics, with the same 5-standard-error margin.
    expect(Math.abs(mean - inputStats.mean)).toBeLessThan(0.04);
    expect(Math.abs(std - inputStats.std)).toBeLessThan(0.03);
    x.dispose();
  });

  it('AlphaDropout with noiseShape [null, 1] drops whole rows', () => {
    const rate = 0.5;
    const a = ((1 - rate) * (1 + rate * ALPHA_PRIME ** 2)) ** -0.5;
    const b = -a * ALPHA_PRIME * rate;
    const x = tf.ones([ROWS, 20]);
    const out = trainingOutput(alphaDropout({ rate, noiseShape: [null, 1], seed: 42 }), x);
    let droppedRows = 0;
    for (let r = 0; r < ROWS; r++) {
      const row = out.slice(r * 20, (r + 1) * 20);
      const keptRow = row.every((v) => Math.abs(v - (a + b)) < 1e-5);
      const droppedRow = row.every((v) => Math.abs(v - (a * ALPHA_PRIME + b)) < 1e-5);
      expect(keptRow || droppedRow).toBe(true);
      if (droppedRow) droppedRows++;
    }
    // 100 rows, p = 0.5: standard deviation 5 rows; both outcomes occur.
    expect(droppedRows).toBeGreaterThan(20);
    expect(droppedRows).toBeLessThan(80);
    x.dispose();
  });

  it('SpatialDropout1D drops whole channels: one decision per sample and channel, shared by all steps', () => {
    const rate = 0.3;
    const [batch, steps, channels] = [40, 5, 50];
    const x = tf.ones([batch, steps, channels]);
    const out = trainingOutput(spatialDropout1d({ rate, seed: 42 }), x);
    const kept = 1 / (1 - rate);
    let droppedChannels = 0;
    for (let s = 0; s < batch; s++) {
      for (let c = 0; c < channels; c++) {
        const column = Array.from({ length: steps }, (_, t) => out[(s * steps + t) * channels + c]!);
        const allKept = column.every((v) => Math.abs(v - kept) < 1e-5);
        const allDropped = column.every((v) => v === 0);
        expect(allKept || allDropped).toBe(true);
        if (allDropped) droppedChannels++;
      }
    }
    // 2000 decisions: standard error sqrt(0.21 / 2000) = 0.01.
    expect(Math.abs(droppedChannels / (batch * channels) - rate)).toBeLessThan(0.05);
    x.dispose();
  });
});

describe('noise layers: arguments', () => {
  it.each([
    ['GaussianNoise', 'stddev', () => new GaussianNoise({ name: 'noise_bad', stddev: -0.1 }), '-0.1'],
    ['GaussianNoise', 'seed', () => new GaussianNoise({ name: 'noise_bad', stddev: 0.1, seed: 1.5 }), '1.5'],
    ['GaussianDropout', 'rate', () => new GaussianDropout({ name: 'noise_bad', rate: 1 }), '1'],
    ['AlphaDropout', 'rate', () => new AlphaDropout({ name: 'noise_bad', rate: -0.5 }), '-0.5'],
    ['AlphaDropout', 'noiseShape', () => new AlphaDropout({ name: 'noise_bad', rate: 0.5, noiseShape: [0, 1] }), '0, 1'],
    ['SpatialDropout1D', 'rate', () => new SpatialDropout1D({ name: 'noise_bad', rate: 1 }), '1'],
    ['SpatialDropout1D', 'noiseShape', () => new SpatialDropout1D({ name: 'noise_bad', rate: 0.5, noiseShape: [1, 1, 1] } as never), '1, 1, 1'],
  ] as const)('%s rejects a bad %s', (className, argument, make, received) => {
    const error = caught(make);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${className} 'noise_bad'`);
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });

  it('SpatialDropout1D accepts the noiseShape: null of tfjs-layers configs and leaves it out of its own', () => {
    const layer = new SpatialDropout1D({ rate: 0.5, noiseShape: null } as never);
    expect(layer.getConfig()).not.toHaveProperty('noiseShape');
  });

  it('SpatialDropout1D needs rank-3 inputs', () => {
    const error = caught(() => spatialDropout1d({ name: 'sd_rank', rate: 0.5 }).apply(input({ shape: [4] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("SpatialDropout1D 'sd_rank'");
    expect(error.message).toContain('[null, 4]');
  });

  it('AlphaDropout rejects a noiseShape of the wrong rank when called', () => {
    const layer = alphaDropout({ name: 'ad_rank', rate: 0.5, noiseShape: [null, 1] });
    const x = tf.ones([2, 3, 4]);
    const error = caught(() => layer.apply(x, { training: true }));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("AlphaDropout 'ad_rank'");
    expect(error.message).toContain('noiseShape');
    x.dispose();
  });

  it('rate 0 and stddev 0 are the identity even in training', () => {
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 1);
    for (const layer of [gaussianNoise({ stddev: 0 }), gaussianDropout({ rate: 0 }), alphaDropout({ rate: 0 })]) {
      expect(trainingOutput(layer, x)).toEqual(Array.from(x.dataSync()));
    }
    x.dispose();
  });
});
