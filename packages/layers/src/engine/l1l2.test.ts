import { initBackend } from '@ridge/backend';
import type { Regularizer } from '@ridge/core';
import { l1, l1l2, l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fitAndRead, seedWeights, values } from '../../test/fixtures.js';
import '../../test/setup.js';
import { dense, input, model } from '../index.js';
import { wasmSimd } from './l1l2-kernel.js';
import { ConstantCache, l1l2Term, scaledStack } from './l1l2.js';

afterAll(async () => {
  wasmSimd(true);
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * The backends and kernels under test: cpu's JavaScript pass; wasm with the SIMD module; wasm
 * without it (the generic ops, as on an engine without WebAssembly SIMD).
 */
const BACKENDS = ['cpu', 'wasm', 'wasm without SIMD'] as const;

async function useBackend(name: (typeof BACKENDS)[number]): Promise<void> {
  const backend = name === 'cpu' ? 'cpu' : 'wasm';
  await initBackend({ prefer: backend, log: false });
  expect(tf.getBackend()).toBe(backend);
  wasmSimd(name === 'wasm');
}

it('the SIMD module runs on the wasm backend in Node, and can be turned off for the fallback kernels', async () => {
  await initBackend({ prefer: 'wasm', log: false });
  expect(wasmSimd(true)).toBe(true);
  expect(wasmSimd(false)).toBe(false);
  expect(wasmSimd(true)).toBe(true);
  await initBackend({ prefer: 'cpu', log: false });
  expect(wasmSimd()).toBe(false);
});

/** The penalty and its gradient written out in plain JavaScript (float64). */
function reference(x: number[], g: number[], f: { l1: number; l2: number }, valueScale: number, gradScale: number) {
  const value = valueScale * (f.l1 * x.reduce((s, v) => s + Math.abs(v), 0) + f.l2 * x.reduce((s, v) => s + v * v, 0));
  const gradient = x.map((v, i) => g[i]! + gradScale * (f.l1 * Math.sign(v) + 2 * f.l2 * v));
  return { value, gradient };
}

// Sizes 7, 15 and 9797 leave a remainder after the SIMD module's steps of eight entries; 9797 and
// 10000 take more than one of its blocks of 256.
const SHAPES = [[7], [3, 5], [200, 50], [4, 25, 60], [101, 97]];
const FACTORS = [
  { l1: 0, l2: 0.01 },
  { l1: 0.003, l2: 0 },
  { l1: 0.02, l2: 0.5 },
];

describe.each(BACKENDS)('l1l2Term on %s', (backend) => {
  it('equals l1 * sum(|x|) + l2 * sum(x^2) and g + s * (l1 sign(x) + 2 l2 x), without leaking', async () => {
    await useBackend(backend);
    const constants = new ConstantCache();
    const before = tf.memory().numTensors;
    SHAPES.forEach((shape, k) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const xv = values(n, 11 + k).map((v) => v * 3);
      xv[0] = 0; // sign(0) = 0: the subgradient the L1 regularizer picks
      const gv = values(n, 97 + k);
      const x = tf.tensor(xv, shape);
      const g = tf.tensor(gv, shape);
      for (const f of FACTORS) {
        for (const [valueScale, gradScale] of [[1, 1], [1 / 64, 0.25]] as const) {
          const want = reference(xv, gv, f, valueScale, gradScale);
          const withGradient = l1l2Term(x, f, { gradient: g, valueScale, gradScale, constants });
          const valueOnly = l1l2Term(x, f, { valueScale, constants });
          for (const term of [withGradient, valueOnly]) {
            const got = term.value.dataSync()[0]! * term.factor;
            expect(Math.abs(got - want.value), `${backend} ${shape} ${JSON.stringify(f)}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want.value)));
          }
          expect(valueOnly.gradient).toBeUndefined();
          const grad = Array.from(withGradient.gradient!.dataSync());
          grad.forEach((v, i) => expect(v).toBeCloseTo(want.gradient[i]!, 5));
          tf.dispose([withGradient.value, withGradient.gradient!, valueOnly.value]);
        }
      }
      tf.dispose([x, g]);
    });
    constants.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scaledStack multiplies each value by its factor with one vector of constants', async () => {
    await useBackend(backend);
    const constants = new ConstantCache();
    const before = tf.memory().numTensors;
    const [a, b] = [tf.scalar(2), tf.scalar(-3)];
    const scaled = scaledStack([{ value: a, factor: 0.5 }, { value: b, factor: 4 }], constants);
    expect(Array.from(scaled.dataSync())).toEqual([1, -12]);
    const plain = scaledStack([{ value: a, factor: 1 }, { value: b, factor: 1 }], constants);
    expect(Array.from(plain.dataSync())).toEqual([2, -3]);
    tf.dispose([a, b, scaled, plain]);
    constants.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** The same penalty, seen only through `apply` and `gradient`: the generic path of a training step. */
function opaque(r: Regularizer): Regularizer {
  return { className: r.className, apply: (x) => r.apply(x), gradient: (x) => r.gradient!(x), getConfig: () => r.getConfig() };
}

/** Trains the same model from the same weights for two epochs; returns the logs and the weights. */
async function train(reg: Regularizer, batchSize: number, beforeFit: () => void = () => {}) {
  {
    const inp = input({ shape: [40] });
    const hidden = dense({ units: 120, activation: 'tanh', name: 'hidden', kernelRegularizer: reg, biasRegularizer: reg, activityRegularizer: reg, kernelInitializer: 'glorotUniform' });
    const out = dense({ units: 3, activation: 'softmax', name: 'out', kernelRegularizer: reg });
    const m = model({ inputs: inp, outputs: out.apply(hidden.apply(inp)) });
    seedWeights(m, 5, 0.2);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(values(100 * 40, 3), [100, 40]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(values(100, 8).map((v) => Math.floor((v + 1) * 1.5)), 'int32'), 3));
    beforeFit();
    return fitAndRead(m, x, y, { epochs: 2, batchSize, shuffle: false, verbose: 0 });
  }
}

describe.each(BACKENDS)('training with L1L2-form regularizers on %s', (backend) => {
  it.each([
    ['l2(0.01)', () => l2(0.01)],
    ['l1(0.001)', () => l1(0.001)],
    ['l1l2(0.001, 0.01)', () => l1l2(0.001, 0.01)],
  ])('%s: the fused path gives the logs and weights of apply + gradient, and never calls apply', async (_, make) => {
    await useBackend(backend);
    const reg = make();
    const applied = { count: 0 };
    const apply = reg.apply.bind(reg);
    reg.apply = (x) => {
      applied.count++;
      return apply(x);
    };
    const before = tf.memory().numTensors;
    // 100 samples in batches of 32: the last batch has 4, so activity terms see two batch sizes.
    // Building a layer calls `apply` once to check the regularizer; training must not.
    const fused = await train(reg, 32, () => (applied.count = 0));
    expect(applied.count).toBe(0);
    const generic = await train(opaque(reg), 32, () => (applied.count = 0));
    expect(applied.count).toBeGreaterThan(0);
    expect(Object.keys(fused.history).sort()).toEqual(Object.keys(generic.history).sort());
    for (const key of Object.keys(generic.history)) {
      fused.history[key]!.forEach((v, i) => {
        const want = generic.history[key]![i]!;
        expect(Math.abs(v - want), key).toBeLessThanOrEqual(2e-5 * Math.max(1, Math.abs(want)));
      });
    }
    // Adam divides by the root of a running mean of squared gradients, so where a gradient is
    // near 0 (an L1 term changing sign) float32 rounding differences between the fused pass and
    // the generic ops grow to about 1e-5 after eight steps; a wrong factor moves weights by about
    // the learning rate (1e-3) per step.
    fused.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(generic.weights[i]![j]!, 4)));
    expect(tf.memory().numTensors).toBe(before);
  });
});
