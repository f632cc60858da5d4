/**
 * Rescaling and CategoryEncoding compute what tfjs-layers 4.22 computes (its behaviour matches
 * Keras 3 for these two). tfjs-layers has no Normalization, and its CenterCrop (cropAndResize with
 * normalized boxes) and Resizing (align_corners by default) are not Keras 3's: those are checked
 * against TensorFlow's rules by hand in @ridge/layers' own tests.
 */
import { initBackend } from '@ridge/backend';
import { categoryEncoding, rescaling, type CategoryEncodingArgs } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from '../support/tfjs-layers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('preprocessing layers compute what tfjs-layers 4.22 computes', () => {
  it.each([
    ['float32', 1 / 127.5, -1],
    ['int32', 1 / 255, 0],
    ['float32', -3, 0.25],
  ] as const)('Rescaling of %s inputs, scale %d, offset %d', (dtype, scale, offset) => {
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.cast(tf.randomUniform([3, 4, 4, 3], 0, 256, 'float32', 71), dtype));
    const ours = rescaling({ scale, offset }).apply(x);
    const theirs = tf.tidy(() => tfl.layers.rescaling({ scale, offset }).apply(x) as tf.Tensor);
    expect(ours.dtype).toBe('float32');
    expect(theirs.dtype).toBe('float32');
    expectClose(ours, theirs);
    tf.dispose([x, ours, theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  const MODES: readonly [NonNullable<CategoryEncodingArgs['outputMode']>, 'oneHot' | 'multiHot' | 'count'][] = [
    ['one_hot', 'oneHot'],
    ['multi_hot', 'multiHot'],
    ['count', 'count'],
  ];

  it.each(MODES)('CategoryEncoding %s (tfjs-layers %s) on rank-1 and [batch, k] token ids', (mode, tfjsMode) => {
    // Not multi_hot of a rank-1 input: tfjs-core's DenseBincount (cpu) ignores binaryOutput for 1-D
    // inputs, so tfjs-layers counts there; Keras 3 (and Ridge) give 0/1, as the next test shows.
    const shapes: number[][] = mode === 'one_hot' ? [[7], [7, 1]] : mode === 'count' ? [[7], [5, 4]] : [[5, 4]];
    for (const shape of shapes) {
      const ids = tf.randomUniform(shape, 0, 6, 'int32', 72);
      const ours = categoryEncoding({ numTokens: 6, outputMode: mode }).apply(ids);
      const theirs = tf.tidy(() => tf.cast(tfl.layers.categoryEncoding({ numTokens: 6, outputMode: tfjsMode }).apply(ids) as tf.Tensor, 'float32'));
      expect(ours.shape).toEqual(theirs.shape);
      expectClose(ours, theirs);
      tf.dispose([ids, ours, theirs]);
    }
  });

  it("CategoryEncoding multi_hot of a rank-1 input is 0/1 (Keras 3's own test), where tfjs-layers counts", () => {
    const ids = tf.tensor1d([3, 3, 1], 'int32');
    const ours = categoryEncoding({ numTokens: 4, outputMode: 'multi_hot' }).apply(ids);
    const theirs = tf.tidy(() => tfl.layers.categoryEncoding({ numTokens: 4, outputMode: 'multiHot' }).apply(ids) as tf.Tensor);
    expect(Array.from(ours.dataSync())).toEqual([0, 1, 0, 1]);
    expect(Array.from(theirs.dataSync())).toEqual([0, 1, 0, 2]);
    tf.dispose([ids, ours, theirs]);
  });
});
