/**
 * Keras 3's image augmentation layers. Each transform is checked against a loop written here from
 * Keras's formula (keras/src/layers/preprocessing/image_preprocessing/*.py, and TensorFlow's
 * ImageProjectiveTransformV3 for `affine_transform`), with the draw either fixed (a range of one
 * value) or read back from the output and checked to lie in its range.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@ridge/optimizers';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { dense, flatten, input, model, randomFlip, type Layer } from '../../index.js';

useCpu();

type Img = number[][][][];

/** A `[n, h, w, c]` tensor's values as nested arrays. */
const nested = (t: tf.Tensor): Img => t.arraySync() as Img;

/** Distinct values 1, 2, 3, ... in a `[n, h, w, c]` image batch. */
const ramp = (shape: [number, number, number, number]): tf.Tensor4D =>
  tf.tensor4d(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1), shape);

/** Runs a layer in training mode; the output's values. */
function training(layer: Layer, x: tf.Tensor): Img {
  const y = layer.apply(x, { training: true });
  const out = nested(y);
  if (y !== x) y.dispose();
  return out;
}

const flipImage = (img: number[][][], rows: boolean, cols: boolean): number[][][] =>
  (rows ? [...img].reverse() : img).map((row) => (cols ? [...row].reverse() : row));

/** Every layer with arguments that change images, for the behaviour they share. */
const layers: [string, () => Layer][] = [
  ['RandomFlip', () => randomFlip({ seed: 3 })],
];

describe('augmentation layers: common behaviour', () => {
  it.each(layers)('%s: the identity at inference (apply and predict), with the output shape of computeOutputShape', (_, make) => {
    const start = tf.memory().numTensors;
    const layer = make();
    const inp = input({ shape: [4, 5, 2] });
    const out = layer.apply(inp);
    expect(out.shape).toEqual(layer.computeOutputShape([null, 4, 5, 2]));
    const m = model({ inputs: inp, outputs: out });
    const x = ramp([3, 4, 5, 2]);
    const before = tf.memory().numTensors;
    const y = m.predict(x) as tf.Tensor;
    expect(nested(y)).toEqual(nested(x));
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const z = layer.apply(x);
    expect(nested(z)).toEqual(nested(x));
    tf.dispose([x, z]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each(layers)('%s: a seed makes the sequence of draws reproducible; each call draws anew', (_, make) => {
    const x = ramp([8, 4, 5, 2]);
    const a = make();
    const b = make();
    const a1 = training(a, x);
    expect(training(b, x)).toEqual(a1);
    const a2 = training(a, x);
    expect(a2).not.toEqual(a1);
    expect(training(b, x)).toEqual(a2);
    expect(a1).not.toEqual(nested(x));
    x.dispose();
  });

  it.each(layers)('%s: fit trains on augmented images, evaluate and predict see them unchanged; nothing leaks', async (_, make) => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [4, 5, 1] });
    const d = dense({ units: 1, useBias: false });
    const m = model({ inputs: inp, outputs: d.apply(flatten().apply(make().apply(inp))) });
    const outSize = d.kernel.shape[0]!;
    // A kernel that tells positions apart: 0.01, 0.02, ...
    const kernel = tf.tensor2d(Array.from({ length: outSize }, (_, i) => (i + 1) / 100), [outSize, 1]);
    d.kernel.assign(kernel);
    m.compile({ optimizer: sgd(0), loss: 'mse' });
    const x = ramp([2, 4, 5, 1]);
    const y = tf.zeros([2, 1]);
    const evaluated = (await m.evaluate(x, y))['loss']!;
    // Unchanged images (of the output size: RandomCrop's inference window) through the kernel.
    const plain = nested(make().apply(x) as tf.Tensor).map((img) => img.flat(2).reduce((s, v, i) => s + v * (i + 1) / 100, 0));
    expect(evaluated).toBeCloseTo((plain[0]! ** 2 + plain[1]! ** 2) / 2, 3);
    const fitted = (await m.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 })).history['loss']![0]!;
    expect(fitted).not.toBeCloseTo(evaluated, 3);
    const steady = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(steady);
    tf.dispose([x, y, kernel]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it.each(layers)('%s: gradients reach the layers before it in fit', async (_, make) => {
    const inp = input({ shape: [4, 5, 1] });
    const first = dense({ units: 1 });
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(flatten().apply(make().apply(first.apply(inp)))) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([4, 4, 5, 1], 0, 1, 'float32', 1);
    const y = tf.ones([4, 1]);
    const before = Array.from(first.kernel.read().dataSync());
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Array.from(first.kernel.read().dataSync())).not.toEqual(before);
    tf.dispose([x, y]);
    m.dispose();
  });

  it.each(layers)('%s: int32 images are read as float32; other ranks are SHAPE_MISMATCH', (_, make) => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1], 'int32');
    const y = make().apply(x, { training: true });
    expect(y.dtype).toBe('float32');
    const flat = tf.ones([2, 3, 3]);
    const before = tf.memory().numTensors;
    const error = caught(() => make().apply(flat, { training: true }));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('received shape [2, 3, 3]');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, flat]);
  });
});

describe('RandomFlip', () => {
  it.each([
    ['horizontal', false, true],
    ['vertical', true, false],
    ['horizontal_and_vertical', true, true],
  ] as const)('%s: each image is itself or its flip; both occur', (mode, rows, cols) => {
    const x = ramp([16, 3, 4, 2]);
    const images = nested(x);
    const out = training(randomFlip({ mode, seed: 5 }), x);
    let flipped = 0;
    out.forEach((img, b) => {
      const turned = flipImage(images[b]!, rows, cols);
      const same = JSON.stringify(img) === JSON.stringify(images[b]);
      const isFlip = JSON.stringify(img) === JSON.stringify(turned);
      expect(same || isFlip).toBe(true);
      if (isFlip) flipped++;
    });
    // 16 fair draws: all equal has probability 2^-15.
    expect(flipped).toBeGreaterThan(0);
    expect(flipped).toBeLessThan(16);
    x.dispose();
  });

  it('refuses an unknown mode, naming it', () => {
    const error = caught(() => randomFlip({ mode: 'diagonal' as never, name: 'flip' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`RandomFlip 'flip': mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical'; received "diagonal".`);
    expect(caught(() => randomFlip({ seed: -1, name: 'flip' })).message).toContain('seed');
    expect(caught(() => randomFlip({ dataFormat: 'channels_first' })).message).toContain('channels-last only');
  });
});

export { expectClose };
