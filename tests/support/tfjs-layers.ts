import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

/*
 * What the interop tests share when they run Ridge and tfjs-layers side by side.
 *
 * Both libraries run on the same tfjs-core engine and backend, with the same float32 weights.
 * Their predictions may still differ by a few float32 rounding steps, because the same
 * computation is composed of different kernels (tfjs-layers fuses matMul, bias and activation;
 * Ridge adds the bias and applies the activation separately). Values here are of order 1, so
 * 1e-5 is about a hundred float32 ulps: far below any real disagreement, far above rounding.
 */
export const TOLERANCE = 1e-5;

/** Same shape, and every entry within TOLERANCE. */
export function expectClose(actual: tf.Tensor, expected: tf.Tensor): void {
  expect(actual.shape).toEqual(expected.shape);
  const e = expected.dataSync();
  actual.dataSync().forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThan(TOLERANCE));
}

/** The artifacts a `save` writes, caught in memory. */
export async function artifactsOf(save: (h: tf.io.IOHandler) => Promise<unknown>): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })));
  return saved!;
}

/** Replaces every weight with random values, so that biases are not zero and penalties not trivial. */
export function randomize(weights: readonly tf.Variable[], seed: number): void {
  weights.forEach((w, i) => {
    const value = tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', seed + i);
    w.assign(value);
    value.dispose();
  });
}

/** A tfjs-layers model's weights as the variables behind them. */
export const variables = (m: tfl.LayersModel): tf.Variable[] => m.weights.map((w) => (w as unknown as { val: tf.Variable }).val);
