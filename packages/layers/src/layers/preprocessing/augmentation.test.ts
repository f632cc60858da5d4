/**
 * Keras 3's image augmentation layers. Each transform is checked against a loop written here from
 * Keras's formula (keras/src/layers/preprocessing/image_preprocessing/*.py, and TensorFlow's
 * ImageProjectiveTransformV3 for `affine_transform`), with the draw either fixed (a range of one
 * value) or read back from the output and checked to lie in its range.
 */
import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { sgd } from '@ridge/optimizers';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import {
  dense,
  flatten,
  input,
  model,
  randomBrightness,
  randomContrast,
  randomCrop,
  randomFlip,
  randomRotation,
  randomTranslation,
  randomZoom,
  type FillMode,
  type Layer,
  type ResizeInterpolation,
} from '../../index.js';

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
  ['RandomCrop', () => randomCrop({ height: 2, width: 3, seed: 3 })],
  ['RandomContrast', () => randomContrast({ factor: 0.5, seed: 3 })],
  ['RandomBrightness', () => randomBrightness({ factor: 0.5, seed: 3 })],
  ['RandomTranslation', () => randomTranslation({ heightFactor: 0.2, widthFactor: 0.3, seed: 3 })],
  ['RandomRotation', () => randomRotation({ factor: 0.2, seed: 3 })],
  ['RandomZoom', () => randomZoom({ heightFactor: 0.3, seed: 3 })],
];
/** RandomCrop resizes at inference: checked by hand below. */
const identities = layers.filter(([name]) => name !== 'RandomCrop');

describe('augmentation layers: common behaviour', () => {
  it.each(identities)('%s: the identity at inference (apply and predict), with the output shape of computeOutputShape', (_, make) => {
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
    const seen = make().apply(x);
    const plain = nested(seen).map((img) => img.flat(2).reduce((s, v, i) => s + v * (i + 1) / 100, 0));
    if (seen !== x) seen.dispose();
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
    expect(caught(() => randomFlip({ dataFormat: 'channels_first' as never })).message).toContain('channels-last only');
  });
});


/** The `[c]` means over height and width of one `[h, w, c]` image. */
const channelMeans = (img: number[][][]): number[] => {
  const px = img.flat(1);
  return px[0]!.map((_, k) => px.reduce((s, p) => s + p[k]!, 0) / px.length);
};

describe('RandomCrop', () => {
  it('in training: one random window for the whole batch, at every place over the calls', () => {
    const x = ramp([3, 4, 5, 2]);
    const images = nested(x);
    const layer = randomCrop({ height: 2, width: 3, seed: 11 });
    const places = new Set<string>();
    for (let call = 0; call < 30; call++) {
      const out = training(layer, x);
      // The window's top-left value of image 0 gives its place: value (top * 5 + left) * 2 + 1.
      const first = out[0]![0]![0]![0]! - 1;
      const top = Math.floor(first / 10);
      const left = (first / 2) % 5;
      expect(top).toBeLessThanOrEqual(2);
      expect(left).toBeLessThanOrEqual(2);
      places.add(`${top},${left}`);
      const expected = images.map((img) => img.slice(top, top + 2).map((row) => row.slice(left, left + 3)));
      expect(out).toEqual(expected);
    }
    // 3 x 3 places, 30 draws: each is missed with probability (8/9)^30 = 0.03; most must occur.
    expect(places.size).toBeGreaterThanOrEqual(6);
    x.dispose();
  });

  it('at inference: the largest centered window with the target aspect ratio, resized bilinearly (smart_resize)', () => {
    // 4 x 6 ramp (value r * 6 + c + 1) to 2 x 2: window 4 x 4 (height min(4, trunc(6 * 2 / 2)), width
    // min(6, trunc(4 * 2 / 2))) from column trunc((6 - 4) / 2) = 1; resizing 4 to 2 samples at 0.5 and
    // 2.5, the means of rows {0, 1}, {2, 3} and of columns {1, 2}, {3, 4}: 0.5 * 6 + 1.5 + 1 = 5.5, ...
    const x = ramp([1, 4, 6, 1]);
    const y = randomCrop({ height: 2, width: 2 }).apply(x);
    expectClose(y, [5.5, 7.5, 17.5, 19.5]);
    tf.dispose([x, y]);
  });

  it('an image narrower than the window is resized the same way, in training too', () => {
    // 3 x 3 ramp to 2 x 4: window height min(3, trunc(3 * 2 / 4)) = 1, width 3, top 1: the row [4, 5, 6]
    // stretched to 4 columns, sampling at (j + 0.5) * 3 / 4 - 0.5 = -0.125 (clamped), 0.625, 1.375, 2.125 (clamped).
    const x = ramp([1, 3, 3, 1]);
    const row = [4, 0.375 * 4 + 0.625 * 5, 0.625 * 5 + 0.375 * 6, 6];
    const layer = randomCrop({ height: 2, width: 4, seed: 1 });
    expectClose(training(layer, x).flat(3), [...row, ...row]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expectClose(y, [...row, ...row]);
    tf.dispose([x, y]);
  });

  it('refuses sizes that are not integers >= 1', () => {
    expect(caught(() => randomCrop({ height: 0, width: 2, name: 'rc' })).message).toBe("RandomCrop 'rc': height must be an integer >= 1; received 0.");
    expect(caught(() => randomCrop({ height: 2, width: 1.5, name: 'rc' })).message).toBe("RandomCrop 'rc': width must be an integer >= 1; received 1.5.");
  });
});

describe('RandomContrast', () => {
  it('each image: (x - mean) * f + mean per channel, one f per image in [1 - f, 1 + f]', () => {
    const x = tf.randomUniform([16, 3, 4, 2], 0, 100, 'float32', 4);
    const images = nested(x);
    const out = training(randomContrast({ factor: 0.5, valueRange: [-1000, 1000], seed: 2 }), x);
    const factors = out.map((img, b) => {
      const means = channelMeans(images[b]!);
      // f from the first pixel, then every value checked against Keras's formula with it.
      const f = (img[0]![0]![0]! - means[0]!) / (images[b]![0]![0]![0]! - means[0]!);
      const expected = images[b]!.map((row) => row.map((px) => px.map((v, k) => (v - means[k]!) * f + means[k]!)));
      expectClose(img.flat(2), expected.flat(2), 3);
      return f;
    });
    for (const f of factors) {
      expect(f).toBeGreaterThanOrEqual(0.5 - 1e-4);
      expect(f).toBeLessThanOrEqual(1.5 + 1e-4);
    }
    // 16 uniform draws: some lower the contrast and some raise it.
    expect(factors.some((f) => f < 1)).toBe(true);
    expect(factors.some((f) => f > 1)).toBe(true);
    x.dispose();
  });

  it('clips to valueRange; [lower, upper] draws from [1 - lower, 1 + upper]', () => {
    // Images [0, 4, 6, 10], mean 5: 4 and 6 become 5 -+ f, 0 and 10 become 5 -+ 5f clipped to [0, 10].
    const x = tf.tensor4d(Array.from({ length: 12 }, () => [0, 4, 6, 10]).flat(), [12, 1, 4, 1]);
    const out = training(randomContrast({ factor: [0.2, 0.3], valueRange: [0, 10], seed: 8 }), x);
    for (const img of out) {
      const [a, b, c, d] = img[0]!.map((px) => px[0]!);
      const f = c! - 5;
      expect(b).toBeCloseTo(5 - f, 4);
      expect(f).toBeGreaterThanOrEqual(0.8 - 1e-5);
      expect(f).toBeLessThanOrEqual(1.3 + 1e-5);
      expect(a).toBeCloseTo(Math.max(5 - 5 * f, 0), 4);
      expect(d).toBeCloseTo(Math.min(5 + 5 * f, 10), 4);
    }
    expect(out.some((img) => img[0]![3]![0] === 10)).toBe(true);
    x.dispose();
  });

  it.each([
    ['factor', { factor: 1.5 }, '1.5'],
    ['factor', { factor: -0.1 }, '-0.1'],
    ['factor', { factor: [0.1] }, '[0.1]'],
    ['valueRange', { factor: 0.1, valueRange: [0, 'x'] }, '[0, "x"]'],
  ] as const)('refuses a bad %s (%j)', (argument, args, received) => {
    const error = caught(() => randomContrast({ ...(args as object), name: 'rc' } as never));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`RandomContrast 'rc': ${argument} must be`);
    expect(error.message).toContain(`received ${received}`);
  });
});

describe('RandomBrightness', () => {
  it('each image: one delta in [-f, f] * (high - low) added to every pixel', () => {
    const x = tf.fill([16, 2, 3, 3], 100);
    const deltas = training(randomBrightness({ factor: 0.2, seed: 6 }), x).map((img) => {
      const values = img.flat(2);
      for (const v of values) expect(v).toBeCloseTo(values[0]!, 4);
      return values[0]! - 100;
    });
    for (const d of deltas) expect(Math.abs(d)).toBeLessThanOrEqual(0.2 * 255 + 1e-4);
    expect(deltas.some((d) => d < 0)).toBe(true);
    expect(deltas.some((d) => d > 0)).toBe(true);
    x.dispose();
  });

  it('a fixed draw: [0.5, 0.5] of valueRange [0, 1] adds 0.5 and clips; [-1, -1] makes images black', () => {
    const x = tf.tensor4d([0, 0.2, 0.6, 1], [1, 2, 2, 1]);
    expectClose(training(randomBrightness({ factor: [0.5, 0.5], valueRange: [0, 1] }), x).flat(3), [0.5, 0.7, 1, 1]);
    const bright = tf.tensor4d([0, 80, 200, 255], [1, 2, 2, 1]);
    expect(training(randomBrightness({ factor: [-1, -1] }), bright).flat(3)).toEqual([0, 0, 0, 0]);
    tf.dispose([x, bright]);
  });

  it.each([
    ['factor', { factor: 2 }, '2'],
    ['factor', { factor: [-2, 0.5] }, '[-2, 0.5]'],
    ['factor', { factor: 'a' }, '"a"'],
    ['valueRange', { factor: 0.1, valueRange: 255 }, '255'],
  ] as const)('refuses a bad %s (%j)', (argument, args, received) => {
    const error = caught(() => randomBrightness({ ...(args as object), name: 'rb' } as never));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`RandomBrightness 'rb': ${argument} must be`);
    expect(error.message).toContain(`received ${received}`);
  });
});

/**
 * TensorFlow's ImageProjectiveTransformV3, which Keras 3's `affine_transform` calls, on one
 * `[h][w][c]` image, from its kernel's rules: output (x, y) samples the input at
 * (a0 x + a1 y + a2, b0 x + b1 y + b2); `map_coordinate` brings an outside coordinate back per
 * fill mode and clamps it; nearest rounds half away from zero; bilinear reads the four neighbours,
 * each outside one as the fill value.
 */
function projective(img: number[][][], t: readonly number[], interpolation: ResizeInterpolation, mode: FillMode, fill: number): number[][][] {
  const [h, w] = [img.length, img[0]!.length];
  const mapCoordinate = (v: number, len: number): number => {
    if (mode === 'constant') return v;
    if (mode === 'reflect' && len > 1) {
      if (v < 0) {
        const k = v + 2 * len * Math.trunc(-v / (2 * len));
        v = k < -len ? k + 2 * len : -k - 1;
      } else if (v > len - 1) {
        const k = v - 2 * len * Math.trunc(v / (2 * len));
        v = k >= len ? 2 * len - k - 1 : k;
      }
    }
    // TensorFlow's wrap steps by len but counts the steps with len - 1.
    if (mode === 'wrap' && len > 1) {
      if (v < 0) v += len * (Math.trunc(-v / (len - 1)) + 1);
      else if (v > len - 1) v -= len * Math.trunc(v / (len - 1));
    }
    return Math.min(Math.max(v, 0), len - 1);
  };
  const read = (r: number, col: number, k: number): number => (r >= 0 && r < h && col >= 0 && col < w ? img[r]![col]![k]! : fill);
  const roundHalfAway = (v: number): number => (v < 0 ? -Math.round(-v) : Math.round(v));
  return img.map((row, y) =>
    row.map((px, x) => {
      const inX = mapCoordinate(t[0]! * x + t[1]! * y + t[2]!, w);
      const inY = mapCoordinate(t[3]! * x + t[4]! * y + t[5]!, h);
      return px.map((_, k) => {
        if (interpolation === 'nearest') return read(roundHalfAway(inY), roundHalfAway(inX), k);
        const [y0, x0] = [Math.floor(inY), Math.floor(inX)];
        const top = (x0 + 1 - inX) * read(y0, x0, k) + (inX - x0) * read(y0, x0 + 1, k);
        const bottom = (x0 + 1 - inX) * read(y0 + 1, x0, k) + (inX - x0) * read(y0 + 1, x0 + 1, k);
        return (y0 + 1 - inY) * top + (inY - y0) * bottom;
      });
    }),
  );
}

const MODES: FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];
const INTERPOLATIONS: ResizeInterpolation[] = ['nearest', 'bilinear'];
const row4 = () => tf.tensor4d([1, 2, 3, 4], [1, 1, 4, 1]);

describe('RandomTranslation', () => {
  it.each([
    // dx = 0.25 * 4 = 1: output x samples x - 1, so x = 0 reads column -1.
    [0.25, 'constant', [9, 1, 2, 3]],
    [0.25, 'reflect', [1, 1, 2, 3]],
    [0.25, 'wrap', [4, 1, 2, 3]],
    [0.25, 'nearest', [1, 1, 2, 3]],
    // dx = -2: output x samples x + 2, so x = 2, 3 read columns 4, 5.
    [-0.5, 'constant', [3, 4, 9, 9]],
    [-0.5, 'reflect', [3, 4, 4, 3]],
    [-0.5, 'wrap', [3, 4, 1, 2]],
    [-0.5, 'nearest', [3, 4, 4, 4]],
    // dx = 0.5: x samples x - 0.5, rounded half away from zero (std::round): -0.5 is column -1, 0.5 column 1.
    [0.125, 'constant', [9, 2, 3, 4]],
  ] as const)('by hand: widthFactor %d of a row [1, 2, 3, 4], fillMode %s (fillValue 9)', (f, fillMode, expected) => {
    const x = row4();
    const layer = randomTranslation({ heightFactor: 0, widthFactor: [f, f], fillMode, interpolation: 'nearest', fillValue: 9 });
    expect(training(layer, x).flat(3)).toEqual(expected);
    x.dispose();
  });

  it('by hand: half a pixel to the right, bilinear, blends neighbours (constant fill 0 and reflect)', () => {
    // dx = 0.125 * 4 = 0.5: x samples x - 0.5, half of column x - 1 and half of column x.
    const x = row4();
    const constant = randomTranslation({ heightFactor: 0, widthFactor: [0.125, 0.125], fillMode: 'constant' });
    expectClose(training(constant, x).flat(3), [0.5, 1.5, 2.5, 3.5]);
    // reflect maps -0.5 to -(-0.5) - 1 = -0.5, clamped to 0: column 0 itself.
    expectClose(training(randomTranslation({ heightFactor: 0, widthFactor: [0.125, 0.125] }), x).flat(3), [1, 1.5, 2.5, 3.5]);
    x.dispose();
  });

  it.each(MODES.flatMap((mode) => INTERPOLATIONS.map((interpolation) => [mode, interpolation] as const)))(
    'a fixed draw on every image of a batch equals the TensorFlow rule: %s, %s',
    (fillMode, interpolation) => {
      const x = tf.randomUniform([2, 5, 7, 2], -1, 1, 'float32', 21);
      const layer = randomTranslation({ heightFactor: [0.3, 0.3], widthFactor: [-0.15, -0.15], fillMode, interpolation, fillValue: 0.5 });
      // dy = 0.3 * 5 = 1.5 rows down, dx = -0.15 * 7 = -1.05 columns.
      const t = [1, 0, 0.15 * 7, 0, 1, -0.3 * 5, 0, 0];
      const expected = nested(x).map((img) => projective(img, t, interpolation, fillMode, 0.5));
      expectClose(training(layer, x).flat(3), expected.flat(3), 4);
      x.dispose();
    },
  );

  it('draws per image: identical images come out different', () => {
    const x = tf.tile(ramp([1, 4, 4, 1]), [6, 1, 1, 1]);
    const out = training(randomTranslation({ heightFactor: 0.5, widthFactor: 0.5, seed: 9 }), x).map((img) => JSON.stringify(img));
    expect(new Set(out).size).toBe(6);
    x.dispose();
  });
});

describe('RandomRotation', () => {
  it('by hand: a quarter turn is counter-clockwise, a half turn reverses rows and columns', () => {
    const x = ramp([1, 3, 3, 1]);
    // 90 degrees: cos 0, sin 1, offsets (2 - (0 - 2)) / 2 = 2 and (2 - (2 + 0)) / 2 = 0: output (x, y) reads (2 - y, x).
    const quarter = training(randomRotation({ factor: [0.25, 0.25], interpolation: 'nearest' }), x);
    expect(quarter.flat(3)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    const half = training(randomRotation({ factor: [0.5, 0.5] }), x);
    expectClose(half.flat(3), [9, 8, 7, 6, 5, 4, 3, 2, 1]);
    x.dispose();
  });

  it.each(MODES.flatMap((mode) => INTERPOLATIONS.map((interpolation) => [mode, interpolation] as const)))(
    'a fixed draw (0.1 turn) on a 5 x 6 batch equals the TensorFlow rule with Keras\'s matrix: %s, %s',
    (fillMode, interpolation) => {
      const x = tf.randomUniform([2, 5, 6, 2], -1, 1, 'float32', 22);
      const layer = randomRotation({ factor: [0.1, 0.1], fillMode, interpolation, fillValue: -2 });
      // Keras: angle = 0.1 * 2 pi; x_offset = ((w - 1) - (cos (w - 1) - sin (h - 1))) / 2, y_offset = ((h - 1) - (sin (w - 1) + cos (h - 1))) / 2.
      const a = 0.1 * 2 * Math.PI;
      const t = [Math.cos(a), -Math.sin(a), (5 - (Math.cos(a) * 5 - Math.sin(a) * 4)) / 2, Math.sin(a), Math.cos(a), (4 - (Math.sin(a) * 5 + Math.cos(a) * 4)) / 2, 0, 0];
      const expected = nested(x).map((img) => projective(img, t, interpolation, fillMode, -2));
      expectClose(training(layer, x).flat(3), expected.flat(3), 4);
      x.dispose();
    },
  );
});

describe('RandomZoom', () => {
  it('by hand: zooming out by 2 about the center, constant and reflect; only the width', () => {
    const x = ramp([1, 3, 3, 1]);
    // zx = zy = 2, offsets (3 - 1) / 2 * (1 - 2) = -1: output (x, y) reads (2x - 1, 2y - 1); only the center is inside.
    const constant = training(randomZoom({ heightFactor: [1, 1], fillMode: 'constant', interpolation: 'nearest' }), x);
    expect(constant.flat(3)).toEqual([0, 0, 0, 0, 5, 0, 0, 0, 0]);
    // reflect reads -1 as 0 and 3 as 2: the image again.
    const reflect = training(randomZoom({ heightFactor: [1, 1], interpolation: 'nearest' }), x);
    expect(reflect.flat(3)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // zy = 1, zx = 2: columns -1, 1, 3 of every row.
    const wide = training(randomZoom({ heightFactor: 0, widthFactor: [1, 1], fillMode: 'constant', fillValue: 7 }), x);
    expectClose(wide.flat(3), [7, 2, 7, 7, 5, 7, 7, 8, 7]);
    x.dispose();
  });

  it.each(MODES.flatMap((mode) => INTERPOLATIONS.map((interpolation) => [mode, interpolation] as const)))(
    'a fixed draw (zoom in 0.7 x 1.2) on a 6 x 5 batch equals the TensorFlow rule with Keras\'s matrix: %s, %s',
    (fillMode, interpolation) => {
      const x = tf.randomUniform([2, 6, 5, 3], 0, 1, 'float32', 23);
      const layer = randomZoom({ heightFactor: [-0.3, -0.3], widthFactor: [0.2, 0.2], fillMode, interpolation, fillValue: 1 });
      // Keras: [zx, 0, (w - 1) / 2 (1 - zx), 0, zy, (h - 1) / 2 (1 - zy)] with zy = 0.7, zx = 1.2.
      const t = [1.2, 0, 2 * (1 - 1.2), 0, 0.7, 2.5 * (1 - 0.7), 0, 0];
      const expected = nested(x).map((img) => projective(img, t, interpolation, fillMode, 1));
      expectClose(training(layer, x).flat(3), expected.flat(3), 4);
      x.dispose();
    },
  );
});

describe('geometric layers on wasm', () => {
  it('a rotation and a translation of a batch equal the TensorFlow rule (tfjs-core 4.22 wasm kernel reflects otherwise)', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const x = tf.randomUniform([2, 4, 5, 1], -1, 1, 'float32', 24);
      const images = nested(x);
      const a = -0.15 * 2 * Math.PI;
      const rotation = [Math.cos(a), -Math.sin(a), (4 - (Math.cos(a) * 4 - Math.sin(a) * 3)) / 2, Math.sin(a), Math.cos(a), (3 - (Math.sin(a) * 4 + Math.cos(a) * 3)) / 2, 0, 0];
      const turned = training(randomRotation({ factor: [-0.15, -0.15] }), x);
      expectClose(turned.flat(3), images.flatMap((img) => projective(img, rotation, 'bilinear', 'reflect', 0)).flat(2), 4);
      // dx = -0.5 * 5 = -2.5 columns, dy = 0.25 * 4 = 1 row.
      const shift = [1, 0, 2.5, 0, 1, -1, 0, 0];
      const shifted = training(randomTranslation({ heightFactor: [0.25, 0.25], widthFactor: [-0.5, -0.5], interpolation: 'nearest' }), x);
      expect(shifted.flat(3)).toEqual(images.flatMap((img) => projective(img, shift, 'nearest', 'reflect', 0)).flat(2));
      x.dispose();
    } finally {
      await initBackend({ prefer: 'cpu', log: false });
    }
  });
});

describe('geometric layers: arguments', () => {
  it.each([
    ['RandomTranslation', 'heightFactor', () => randomTranslation({ heightFactor: 1.5, widthFactor: 0, name: 'bad' }), '1.5'],
    ['RandomTranslation', 'widthFactor', () => randomTranslation({ heightFactor: 0, widthFactor: [0, 2], name: 'bad' }), '[0, 2]'],
    ['RandomTranslation', 'fillMode', () => randomTranslation({ heightFactor: 0, widthFactor: 0, fillMode: 'mirror' as never, name: 'bad' }), '"mirror"'],
    ['RandomRotation', 'factor', () => randomRotation({ factor: [-1.5, 0], name: 'bad' }), '[-1.5, 0]'],
    ['RandomRotation', 'interpolation', () => randomRotation({ factor: 0.1, interpolation: 'bicubic' as never, name: 'bad' }), '"bicubic"'],
    ['RandomZoom', 'widthFactor', () => randomZoom({ heightFactor: 0.1, widthFactor: 'x' as never, name: 'bad' }), '"x"'],
    ['RandomZoom', 'fillValue', () => randomZoom({ heightFactor: 0.1, fillValue: Number.NaN, name: 'bad' }), 'NaN'],
  ] as const)('%s refuses a bad %s', (className, argument, make, received) => {
    const error = caught(make);
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`${className} 'bad': ${argument} must be`);
    expect(error.message).toContain(`received ${received}`);
  });
});
