/**
 * Finite-difference checks of the merge layers' gradients with respect to every input, through
 * @ridge/testing's checker: f(x) = sum(R * layer(split(x))), where x holds all the inputs side by
 * side on its last axis and R is fixed. The checker's tolerances are documented there (float32
 * central differences, 1% of the difference plus a rounding floor).
 */
import type { Regularizer } from '@ridge/core';
import { expectGradientMatchesFiniteDifference } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import type { Layer } from '../../index.js';
import { useCpu } from '../../../test/setup.js';
import { add, average, concatenate, dot, maximum, minimum, multiply, subtract } from './index.js';

useCpu();

/** Deterministic values in [-1, 1). */
function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

/** The inputs of a case, cut from one tensor x (so that one gradient covers them all). */
type Cut = (x: tf.Tensor) => tf.Tensor[];
const parts = (...sizes: number[]): Cut => (x) => tf.split(x, sizes, -1);

/** sum(R * layer(cut(x))) for fixed R: a scalar function of x, in the shape the checker takes. */
function asScalar(label: string, layer: Layer, cut: Cut, outShape: number[]): Regularizer {
  const weights = uniform(outShape.reduce((a, b) => a * b, 1), 7);
  return {
    className: label,
    getConfig: () => ({}),
    apply: (x) => tf.tidy(() => tf.sum(tf.mul(layer.apply(cut(x)), tf.tensor(weights, outShape)))) as tf.Scalar,
  };
}

/** n values in [-1, 1] at least 2 / n apart, so that max and min are away from their ties. */
function distinct(n: number, seed: number): number[] {
  const order = uniform(n, seed).map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(n);
  order.forEach(([, i], rank) => (out[i] = -1 + (2 * rank) / (n - 1)));
  return out;
}

/** x = [a | b] of shape [2, 2, 6] -> a[:, 0, :] (rank 2) and b (rank 3). */
const rank2And3: Cut = (x) => {
  const [a, b] = tf.split(x, [3, 3], -1);
  return [tf.reshape(tf.slice(a!, [0, 0, 0], [-1, 1, -1]), [x.shape[0]!, 3]), b!];
};

const cases: [string, () => Layer, number[], Cut, number[], boolean?][] = [
  // label, layer, shape of x, its inputs, output shape, whether x's values are kept apart (max, min)
  ['Add of 3', () => add(), [2, 2, 9], parts(3, 3, 3), [2, 2, 3]],
  ['Add, rank 2 against rank 3 (broadcast)', () => add(), [2, 2, 6], rank2And3, [2, 2, 3]],
  ['Subtract', () => subtract(), [2, 6], parts(3, 3), [2, 3]],
  ['Multiply of 3', () => multiply(), [2, 9], parts(3, 3, 3), [2, 3]],
  ['Multiply, size 1 broadcast', () => multiply(), [2, 4], parts(1, 3), [2, 3]],
  ['Average of 3', () => average(), [2, 9], parts(3, 3, 3), [2, 3]],
  ['Maximum', () => maximum(), [2, 6], parts(3, 3), [2, 3], true],
  ['Minimum of 3', () => minimum(), [2, 9], parts(3, 3, 3), [2, 3], true],
  ['Concatenate', () => concatenate(), [2, 2, 5], parts(2, 3), [2, 2, 5]],
  ['Dot, axes 1', () => dot({ axes: 1 }), [3, 8], parts(4, 4), [3, 1]],
  ['Dot, normalize', () => dot({ axes: -1, normalize: true }), [3, 8], parts(4, 4), [3, 1]],
  ['Dot, axes [1, 1] of rank 3', () => dot({ axes: 1 }), [2, 3, 4], parts(2, 2), [2, 2, 2]],
];

describe('merge layers: gradients with respect to every input equal central finite differences', () => {
  for (const [label, make, shape, cut, outShape, apart] of cases) {
    it(label, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(apart ? distinct(n, 3) : uniform(n, 3), shape);
      expectGradientMatchesFiniteDifference(asScalar(label, make(), cut, outShape), x);
      x.dispose();
    });
  }
});
