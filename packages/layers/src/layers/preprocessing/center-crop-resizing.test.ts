/**
 * CenterCrop and Resizing against TensorFlow 2's `tf.image.resize` rules (what Keras 3 calls),
 * written out here: half-pixel centers, bilinear between the two nearest inputs (clamped), nearest
 * `floor((i + 0.5) * in / out)`; and Keras's `smart_resize` crop window. Small cases by hand.
 */
import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { centerCrop, input, resizing } from '../../index.js';

useCpu();
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** TensorFlow's resize of one `[h, w, c]`-ordered image array, from the rule above. */
function reference(x: number[], [n, h, w, c]: number[], height: number, width: number, nearest: boolean): number[] {
  const taps = (inSize: number, outSize: number, i: number): [number, number][] => {
    const scale = inSize / outSize;
    if (nearest) return [[Math.max(0, Math.min(Math.floor((i + 0.5) * scale), inSize - 1)), 1]];
    const at = (i + 0.5) * scale - 0.5;
    const lo = Math.floor(at);
    return [
      [Math.max(lo, 0), 1 - (at - lo)],
      [Math.min(Math.ceil(at), inSize - 1), at - lo],
    ];
  };
  const out: number[] = [];
  for (let b = 0; b < n!; b++)
    for (let i = 0; i < height; i++)
      for (let j = 0; j < width; j++)
        for (let k = 0; k < c!; k++) {
          let v = 0;
          for (const [p, wp] of taps(h!, height, i)) for (const [q, wq] of taps(w!, width, j)) v += wp * wq * x[((b * h! + p) * w! + q) * c! + k]!;
          out.push(v);
        }
  return out;
}

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('CenterCrop', () => {
  it('cuts the central window; an odd difference leaves the extra row or column at the bottom or right', () => {
    // 4 x 5 image of 0..19 to 2 x 3: start row floor(2 / 2) = 1, column floor(2 / 2) = 1
    const x = tf.tensor4d(ramp(20), [1, 4, 5, 1]);
    const y = centerCrop({ height: 2, width: 3 }).apply(x);
    expect(y.shape).toEqual([1, 2, 3, 1]);
    expectClose(y, [6, 7, 8, 11, 12, 13]);
    // 5 x 5 to 2 x 2: start floor(3 / 2) = 1 on both axes
    const x5 = tf.tensor4d(ramp(25), [1, 5, 5, 1]);
    const y5 = centerCrop({ height: 2, width: 2 }).apply(x5);
    expectClose(y5, [6, 7, 11, 12]);
    tf.dispose([x, y, x5, y5]);
  });

  it('resizes up, as smart_resize, an image smaller than the target', () => {
    // 2 x 2 to 4 x 4: the window is the whole image; per axis the bilinear weights of outputs 0..3
    // sample at -0.25, 0.25, 0.75, 1.25: [1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1].
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const y = centerCrop({ height: 4, width: 4 }).apply(x);
    const wts = [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]];
    const img = [[1, 2], [3, 4]];
    const expected = wts.flatMap(([r0, r1]) => wts.map(([c0, c1]) => r0! * (c0! * img[0]![0]! + c1! * img[0]![1]!) + r1! * (c0! * img[1]![0]! + c1! * img[1]![1]!)));
    expectClose(y, expected);
    expect(expected.slice(0, 4)).toEqual([1, 1.25, 1.75, 2]);
    // 6 x 2 to 3 x 4 (taller, narrower): window height trunc(2 * 3 / 4) = 1, width min(2, trunc(6 * 4 / 3)) = 2,
    // top trunc((6 - 1) / 2) = 2: row 2 ([4, 5]) stretched to 3 x 4, every row [4, 4.25, 4.75, 5].
    const tall = tf.tensor4d(ramp(12), [1, 6, 2, 1]);
    const z = centerCrop({ height: 3, width: 4 }).apply(tall);
    expectClose(z, [4, 4.25, 4.75, 5, 4, 4.25, 4.75, 5, 4, 4.25, 4.75, 5]);
    tf.dispose([x, y, tall, z]);
  });

  it('reads int32 images as float32, keeps channels, and refuses other ranks and channels_first', () => {
    const x = tf.tensor4d(ramp(2 * 3 * 3 * 2), [2, 3, 3, 2], 'int32');
    const y = centerCrop({ height: 1, width: 1 }).apply(x);
    expect(y.dtype).toBe('float32');
    // the center pixel (1, 1) of each image: offsets (1 * 3 + 1) * 2 = 8 and 18 + 8 = 26
    expectClose(y, [8, 9, 26, 27]);
    expect(centerCrop({ height: 2, width: 3 }).apply(input({ shape: [5, 5, 3] })).shape).toEqual([null, 2, 3, 3]);
    const flat = tf.ones([2, 3, 3]);
    const before = tf.memory().numTensors;
    const error = caught(() => centerCrop({ height: 1, width: 1, name: 'cc' }).apply(flat));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("CenterCrop 'cc': expected images of rank 4, [batch, height, width, channels] (channels last); received shape [2, 3, 3].");
    expect(tf.memory().numTensors).toBe(before);
    expect(caught(() => centerCrop({ height: 2, width: 2, dataFormat: 'channels_first' as never })).message).toContain('Ridge computes channels-last only');
    expect(caught(() => centerCrop({ height: 0, width: 2, name: 'zero' })).message).toBe("CenterCrop 'zero': height must be an integer >= 1; received 0.");
    tf.dispose([x, y, flat]);
  });
});

describe('Resizing', () => {
  it('bilinear and nearest, by hand on small images', () => {
    // 1 x 4 row [0, 1, 2, 3] to width 2: samples at (0.5) * 2 - 0.5 = 0.5 and 2.5
    const row = tf.tensor4d([0, 1, 2, 3], [1, 1, 4, 1]);
    const down = resizing({ height: 1, width: 2 }).apply(row);
    expectClose(down, [0.5, 2.5]);
    // nearest, 4 to 2: floor(0.5 * 2) = 1, floor(1.5 * 2) = 3
    const nearDown = resizing({ height: 1, width: 2, interpolation: 'nearest' }).apply(row);
    expectClose(nearDown, [1, 3]);
    // nearest, 2 to 4: floor((i + 0.5) / 2) = 0, 0, 1, 1
    const pair = tf.tensor4d([5, 7], [1, 1, 2, 1]);
    const nearUp = resizing({ height: 1, width: 4, interpolation: 'nearest' }).apply(pair);
    expectClose(nearUp, [5, 5, 7, 7]);
    tf.dispose([row, down, nearDown, pair, nearUp]);
  });

  it.each(['cpu', 'wasm'] as const)('on %s: random images up, down and mixed equal the rule, bilinear and nearest', async (backend) => {
    await initBackend({ prefer: backend, log: false });
    expect(tf.getBackend()).toBe(backend);
    const shape = [2, 5, 7, 3];
    const x = tf.randomUniform(shape, -1, 1, 'float32', 7);
    const data = Array.from(x.dataSync());
    for (const [height, width] of [[3, 4], [8, 9], [10, 3], [5, 7]] as const) {
      for (const interpolation of ['bilinear', 'nearest'] as const) {
        const y = resizing({ height, width, interpolation }).apply(x);
        expect(y.shape).toEqual([2, height, width, 3]);
        expectClose(y, reference(data, shape, height, width, interpolation === 'nearest'));
        y.dispose();
      }
    }
    x.dispose();
    await initBackend({ prefer: 'cpu', log: false });
  });

  it('cropToAspectRatio resizes the largest centered window with the target aspect ratio', () => {
    // 2 x 4 to 2 x 2: window 2 x 2 (height min(2, trunc(4 * 2 / 2)), width trunc(2 * 2 / 2)) from column trunc((4 - 2) / 2) = 1
    const x = tf.tensor4d(ramp(8), [1, 2, 4, 1]);
    const y = resizing({ height: 2, width: 2, cropToAspectRatio: true }).apply(x);
    expectClose(y, [1, 2, 5, 6]);
    // without the crop, the whole width is squeezed: columns sample at 0.5 and 2.5
    const squeezed = resizing({ height: 2, width: 2 }).apply(x);
    expectClose(squeezed, [0.5, 2.5, 4.5, 6.5]);
    tf.dispose([x, y, squeezed]);
  });

  it('int32 images stay int32, rounded half to even (Keras rounds and casts back)', () => {
    // [0, 1] to width 4: 0, 0.25, 0.75, 1 -> 0, 0, 1, 1; [0, 3] to width 4: 0, 0.75, 2.25, 3 -> 0, 1, 2, 3
    const x = tf.tensor4d([0, 1, 0, 3], [1, 2, 2, 1], 'int32');
    const y = resizing({ height: 2, width: 4 }).apply(x);
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1, 0, 1, 2, 3]);
    expect(resizing({ height: 2, width: 4 }).apply(input({ shape: [2, 2, 1], dtype: 'int32' })).dtype).toBe('int32');
    expect(resizing({ height: 2, width: 4 }).apply(input({ shape: [2, 2, 1] })).dtype).toBe('float32');
    // the same size: a copy
    const same = resizing({ height: 2, width: 2 }).apply(x);
    expect(Array.from(same.dataSync())).toEqual([0, 1, 0, 3]);
    tf.dispose([x, y, same]);
  });

  it('refuses other interpolations and arguments; keeps the tensor count flat', () => {
    expect(caught(() => resizing({ height: 2, width: 2, interpolation: 'bicubic' as never, name: 'rz' })).message).toBe(
      "Resizing 'rz': interpolation must be 'bilinear' or 'nearest' (Keras's bicubic, area and lanczos are not supported); received \"bicubic\".",
    );
    expect(caught(() => resizing({ height: 2, width: 2.5 })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => resizing({ height: 2, width: 2, cropToAspectRatio: 1 as never })).message).toContain('cropToAspectRatio must be true or false');
    const layer = resizing({ height: 3, width: 2, cropToAspectRatio: true });
    const x = tf.ones([1, 4, 4, 2]);
    const before = tf.memory().numTensors;
    tf.dispose(layer.apply(x));
    tf.dispose(tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v)))(x));
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});
