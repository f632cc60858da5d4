/**
 * Finite-difference checks of the attention layers' gradients with respect to their inputs with
 * the call arguments the shared table (layers.gradcheck.test.ts) cannot pass: the causal mask and
 * query/value masks, through @ridge/testing's checker (float32 central differences, 1% of the
 * difference plus a rounding floor). f(x) = sum(R * layer([query, value, key] cut from x)), R fixed.
 */
import type { Regularizer } from '@ridge/core';
import { expectGradientMatchesFiniteDifference } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { values } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { type AttentionBase, type AttentionCallOptions, additiveAttention, attention, multiHeadAttention } from './index.js';

useCpu();

/** sum(R * layer(split(x), options)), a scalar function of x for the checker; `options` makes fresh masks per call. */
function asScalar(label: string, layer: AttentionBase, sizes: number[], options: () => AttentionCallOptions, outShape: number[]): Regularizer {
  const r = values(outShape.reduce((a, b) => a * b, 1), 7);
  return {
    className: label,
    getConfig: () => ({}),
    apply: (x) =>
      tf.tidy(() => {
        const o = options();
        const out = layer.apply(tf.split(x, sizes, -1), o);
        tf.dispose([...(Array.isArray(o.mask) ? o.mask : []), o.attentionMask ?? []].flat() as tf.Tensor[]);
        return tf.sum(tf.mul(out, tf.tensor(r, outShape))) as tf.Scalar;
      }),
  };
}

const masks = (): AttentionCallOptions => ({ mask: [tf.tensor2d([[1, 1, 0], [1, 1, 1]]), tf.tensor2d([[1, 0, 1], [1, 1, 0]])], useCausalMask: true });

const cases: [string, () => AttentionBase, number[], () => AttentionCallOptions, number[]][] = [
  ['Attention dot, causal', () => attention(), [3, 3], () => ({ useCausalMask: true }), [2, 3, 3]],
  ['Attention concat with scale, causal and masks', () => attention({ scoreMode: 'concat', useScale: true }), [3, 3, 3], masks, [2, 3, 3]],
  ['AdditiveAttention, causal and masks', () => additiveAttention(), [3, 3, 3], masks, [2, 3, 3]],
  ['MultiHeadAttention, causal, masks and an attentionMask', () => multiHeadAttention({ numHeads: 2, keyDim: 2 }), [3, 3, 3], () => ({ ...masks(), attentionMask: tf.tensor3d([[[1, 1, 1], [1, 0, 1], [1, 1, 1]]]) }), [2, 3, 3]],
];

describe('attention layers: input gradients with causal and padding masks equal central finite differences', () => {
  for (const [label, make, sizes, options, outShape] of cases) {
    it(label, () => {
      const layer = make();
      const n = 2 * 3 * sizes.reduce((a, b) => a + b, 0);
      const x = tf.tensor(values(n, 3), [2, 3, n / 6]);
      tf.dispose(layer.apply(tf.split(x, sizes, -1)));
      const before = tf.memory().numTensors;
      expectGradientMatchesFiniteDifference(asScalar(label, layer, sizes, options, outShape), x);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      layer.dispose();
    });
  }
});
