import { initBackend } from '@ridge/backend';
import { RidgeError, registry, type JsonObject, type LayerName } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { Layer } from '../src/engine/layer.js';
import type { LayerWeight } from '../src/engine/weight.js';
import type { FitArgs, Model } from '../src/index.js';

/** Deterministic values in [-1, 1), so weights differ per entry. */
export function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}

export type Mat = number[][];

export function matrix(rows: number, cols: number, seed: number): Mat {
  const v = values(rows * cols, seed);
  return Array.from({ length: rows }, (_, i) => v.slice(i * cols, (i + 1) * cols));
}

/** A row vector times a matrix, for plain-JS reference implementations. */
export function vecMat(v: readonly number[], m: Mat): number[] {
  return m[0]!.map((_, j) => v.reduce((s, vi, i) => s + vi * m[i]![j]!, 0));
}

export function expectClose(actual: tf.Tensor | readonly number[], expected: readonly number[], digits = 5): void {
  const got = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : [...actual];
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, digits));
}

/** Sets one weight from flat data in its shape. */
export function setWeight(weight: LayerWeight, data: number[]): void {
  const t = tf.tensor(data, weight.shape);
  weight.assign(t);
  t.dispose();
}

/** Sets a layer's weights and frees the given tensors. */
export function assignWeights(layer: { setWeights(values: readonly tf.Tensor[]): void }, weights: tf.Tensor[]): void {
  layer.setWeights(weights);
  tf.dispose(weights);
}

/** The RidgeError a synchronous call throws (anything else is rethrown). */
export function caughtRidgeError(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (error) {
    if (RidgeError.is(error)) return error;
    throw error;
  }
  throw new Error('expected a RidgeError, nothing was thrown');
}

/** Sets every weight of a model to deterministic values in [-scale, scale), weight k from seed `seed + k`. */
export function seedWeights(m: Model, seed: number, scale: number): void {
  const init = m.weights.map((w, k) => tf.tensor(values(w.shape.reduce((a, b) => a * b, 1), seed + k).map((v) => v * scale), w.shape));
  m.setWeights(init);
  tf.dispose(init);
}

/**
 * Fits a compiled model, then returns its history and its weights as arrays; frees x, y and the
 * model, so a test can compare runs (on two backends, or two code paths) by value.
 */
export async function fitAndRead(m: Model, x: tf.Tensor, y: tf.Tensor, args: FitArgs): Promise<{ history: Record<string, number[]>; weights: number[][] }> {
  const history = await m.fit(x, y, args);
  const weights = m.getWeights().map((t) => {
    const v = Array.from(t.dataSync());
    t.dispose();
    return v;
  });
  tf.dispose([x, y]);
  m.dispose();
  return { history: history.history, weights };
}

/**
 * Runs `train` on cpu, then on wasm: the wasm run must leak nothing and end with the same weights
 * as on cpu (each to `digits` decimals). Returns the weights trained on cpu; the backend is left
 * on wasm.
 */
export async function expectSameTrainingOnWasm(train: () => Promise<number[][]>, digits = 4): Promise<number[][]> {
  await initBackend({ prefer: 'cpu', log: false });
  const onCpu = await train();
  await initBackend({ prefer: 'wasm', log: false });
  expect(tf.getBackend()).toBe('wasm');
  const before = tf.memory().numTensors;
  const onWasm = await train();
  expect(tf.memory().numTensors).toBe(before);
  expect(onWasm).toHaveLength(onCpu.length);
  onWasm.forEach((w, i) => expectClose(w, onCpu[i]!, digits));
  return onCpu;
}

/** Every weight moved from where `seedWeights(m, seed, scale)` put it (weight k at `values(n, seed + k) * scale`). */
export function expectEveryWeightMoved(weights: readonly number[][], seed: number, scale: number): void {
  weights.forEach((w, k) => {
    const start = values(w.length, seed + k).map((v) => v * scale);
    expect(w.some((v, j) => Math.abs(v - start[j]!) > 1e-4), `weight ${k}`).toBe(true);
  });
}

/**
 * The `center`, `scale` and gamma/beta parts of the config of a normalization layer made with
 * `{ center: false, gammaRegularizer: l2(0.5), gammaConstraint: nonNeg(), betaInitializer: 'ones' }`.
 */
export const SCALE_ONLY_CONFIG = {
  center: false,
  scale: true,
  betaInitializer: { className: 'Ones', config: {} },
  gammaInitializer: { className: 'Ones', config: {} },
  gammaRegularizer: { className: 'L2', config: { l2: 0.5 } },
  gammaConstraint: { className: 'NonNeg', config: {} },
  betaRegularizer: null,
  betaConstraint: null,
} as const;

/**
 * Layers made from `config`, by `construct` and through the registry under `className`, write
 * the same config (but for their names, `<prefix>_copy` and `<prefix>_copy_2`).
 */
export function expectConfigCopies(config: JsonObject, className: LayerName, prefix: string, construct: (args: JsonObject) => Layer): void {
  const copy = construct({ ...config, name: `${prefix}_copy` });
  expect({ ...copy.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
  const fromRegistry = registry('layer').get(className).create({ ...config, name: `${prefix}_copy_2` }) as Layer;
  expect({ ...fromRegistry.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
}
