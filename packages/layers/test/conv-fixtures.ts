// What the 1-D and 2-D tests of the depthwise, separable, transposed, padding, upsampling and
// cropping layers share: every plugin and layer registered (and `useCpu`, which each test file
// calls), reference helpers, and the argument-error, shape-error, penalty and training checks
// they run for each rank.
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { LayerWeight } from '../src/engine/weight.js';
import type { Model } from '../src/index.js';
import '../src/register.js';
import '../src/features/io.js';
import '../src/layers/conv/register.js';
import { caughtRidgeError, expectClose, values } from './fixtures.js';

export { caughtRidgeError } from './fixtures.js';
export { useCpu } from './setup.js';

/** Deterministic values in [-1, 1], two decimals. */
export function roundedValues(n: number, seed: number): number[] {
  return values(n, seed).map((v) => Math.round(v * 100) / 100);
}

export const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** TensorFlow's 'same' rule: out = ceil(in / stride), the odd padding goes after. */
export function sameBefore(length: number, window: number, stride: number): number {
  const out = Math.ceil(length / stride);
  return Math.floor(Math.max((out - 1) * stride + window - length, 0) / 2);
}

/** A 1x1 (1-wide) convolution by loops: out[p, f] = sum_c x[p, c] * k[c, f]. */
export function refPointwise(x: number[], channels: number, k: number[], filters: number): number[] {
  const positions = x.length / channels;
  const out = new Array<number>(positions * filters).fill(0);
  for (let p = 0; p < positions; p++)
    for (let f = 0; f < filters; f++) for (let c = 0; c < channels; c++) out[p * filters + f]! += x[p * channels + c]! * k[c * filters + f]!;
  return out;
}

/** The tensor has `shape` and, entry by entry, `expected` to 4 digits. */
export function expectValues(actual: tf.Tensor, shape: readonly number[], expected: readonly number[]): void {
  expect(actual.shape).toEqual(shape);
  expectClose(actual, expected, 4);
}

export interface ArgumentErrorCase {
  make: () => unknown;
  /** How the message names the layer, e.g. `"Conv2DTranspose 'ct_a'"`. */
  layer: string;
  argument: string;
  /** How the message shows the value received. */
  received: string;
  /** More text the message holds. */
  also?: string;
}

/** One test per case: INVALID_ARGUMENT naming the layer, the argument and the value; no tensor is created. */
export function itRejectsArguments(cases: readonly ArgumentErrorCase[]): void {
  for (const c of cases) {
    it(`${c.layer}: ${c.argument} = ${c.received}`, () => {
      const before = tf.memory().numTensors;
      const e = caughtRidgeError(c.make);
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(c.layer);
      expect(e.message).toContain(c.argument);
      expect(e.message).toContain(c.received);
      if (c.also) expect(e.message).toContain(c.also);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
}

/** `fn` throws SHAPE_MISMATCH with every one of `parts` in its message. */
export function expectShapeMismatch(fn: () => unknown, ...parts: string[]): void {
  const e = caughtRidgeError(fn);
  expect(e.code).toBe('SHAPE_MISMATCH');
  for (const part of parts) expect(e.message).toContain(part);
}

export const sumSq = (w: tf.Tensor): number => Array.from(w.dataSync()).reduce((a, v) => a + v * v, 0);

/**
 * After a bare `compile({ regularization: 'l2' })`, the model's penalty terms are exactly
 * `kernels` (path to weight), each 0.01 * sum(w^2) from the model; a fit logs one
 * `penalty/<path>` per term. Frees x, y and the model.
 */
export async function expectBareL2OnKernels(m: Model, kernels: Record<string, LayerWeight>, x: tf.Tensor, y: tf.Tensor): Promise<void> {
  m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
  const byPath = Object.fromEntries(m.penalties().terms.map((t) => [t.path, t]));
  const paths = Object.keys(kernels).sort();
  expect(Object.keys(byPath).sort()).toEqual(paths);
  for (const path of paths) {
    expect(byPath[path]!.value).toBeCloseTo(0.01 * sumSq(kernels[path]!.read()), 6);
    expect(byPath[path]!.source).toBe('model');
  }
  const history = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  expect(Object.keys(history.history).filter((k) => k.startsWith('penalty/')).sort()).toEqual(paths.map((p) => `penalty/${p}`));
  tf.dispose([x, y]);
  m.dispose();
}

/**
 * A compiled model predicts without leaking; one fit (batches of 2) changes every weight, then
 * `afterFirstFit` runs; two more epochs and an evaluate leak nothing. Frees x, y and the model.
 */
export async function expectTrainsWithoutLeaks(m: Model, x: tf.Tensor, y: tf.Tensor, afterFirstFit: () => void = () => undefined): Promise<void> {
  const beforePredict = tf.memory().numTensors;
  tf.dispose(m.predict(x));
  expect(tf.memory().numTensors).toBe(beforePredict);
  const initial = m.weights.map((w) => Array.from(w.read().dataSync()));
  await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
  m.weights.forEach((w, i) => expect(Array.from(w.read().dataSync()), w.path).not.toEqual(initial[i]));
  afterFirstFit();
  const afterFirst = tf.memory().numTensors;
  await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
  await m.evaluate(x, y, { verbose: 0 });
  expect(tf.memory().numTensors).toBe(afterFirst);
  tf.dispose([x, y]);
  m.dispose();
}
