// The fused updates of SGD (with momentum), Adagrad and RMSprop (sgd-kernel.ts, ...), as
// adam-kernel.test.ts checks Adam's: the same weights and slots as the ops, bit for bit, in fewer
// kernels, without leaks; the ops on wasm without SIMD.
import { fileURLToPath } from 'node:url';
import { initBackend } from '@ridge/backend';
import { allowSimd, type SimdModule } from '@ridge/backend/simd';
import { countKernels } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types (scripts/assemble-wasm.mjs)
import { assemble, render } from '../../../scripts/assemble-wasm.mjs';
import { disposeAll, grad, weight } from '../test/helpers.js';
import { fusedUpdates } from './fused-kernels.js';
import { ADAGRAD_SIMD } from './adagrad-simd.js';
import { adagrad, rmsprop, sgd, type OptimizerBase } from './index.js';
import { RMSPROP_SIMD } from './rmsprop-simd.js';
import { SGD_SIMD } from './sgd-simd.js';

afterEach(disposeAll);
afterAll(async () => {
  fusedUpdates(true);
  allowSimd(true);
  await initBackend({ prefer: 'cpu', log: false });
});

it.each([
  ['sgd-simd', SGD_SIMD],
  ['adagrad-simd', ADAGRAD_SIMD],
  ['rmsprop-simd', RMSPROP_SIMD],
] as [string, SimdModule][])(
  '%s.ts holds the bytes that its .wat assembles to (run node scripts/assemble-wasm.mjs packages/optimizers/src/<name>.wat)',
  async (name, module) => {
    const wat = fileURLToPath(new URL(`./${name}.wat`, import.meta.url));
    const text = render(wat, await assemble(wat)) as string;
    expect(text).toContain(`'${module.wasm}'`);
    expect(text).toContain(`[${module.sharedMemoryPatch.join(', ')}]`);
  },
);

/** Deterministic values in [-scale, scale), with exact zeros and repeated values among them. */
function values(n: number, seed: number, scale: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : scale * Math.sin(seed * 7.3 + i * 0.61)));
}

/** Each optimizer and variant: how to make it, and the fewest kernels its ops take per weight. */
const cases: [string, () => OptimizerBase, number][] = [
  ['sgd with momentum', () => sgd({ learningRate: 0.1, momentum: 0.9 }), 4],
  ['sgd with nesterov momentum', () => sgd({ learningRate: 0.03, momentum: 0.7, nesterov: true }), 6],
  ['sgd with momentum 1, weight decay', () => sgd({ learningRate: 0.1, momentum: 1, weightDecay: 0.01 }), 5],
  ['adagrad', () => adagrad({ learningRate: 0.1 }), 7],
  ['adagrad with another epsilon and initial accumulator, weight decay', () => adagrad({ learningRate: 0.03, epsilon: 1e-3, initialAccumulatorValue: 0.01, weightDecay: 0.05 }), 8],
  ['rmsprop', () => rmsprop({ learningRate: 0.01 }), 8],
  ['rmsprop centered', () => rmsprop({ learningRate: 0.01, rho: 0.8, centered: true }), 13],
  ['rmsprop with momentum', () => rmsprop({ learningRate: 0.01, momentum: 0.9, epsilon: 1e-4 }), 10],
  ['rmsprop centered with momentum, weight decay', () => rmsprop({ learningRate: 0.02, rho: 0.95, momentum: 0.5, centered: true, weightDecay: 0.01 }), 16],
];

/** Weights and slots after four steps on two weights (10,001 entries: SIMD and a remainder; 7: the remainder alone). */
function run(make: () => OptimizerBase, fused: boolean) {
  fusedUpdates(fused);
  const shapes = [10001, 7];
  const opt = make();
  const ws = shapes.map((n, k) => weight(values(n, k + 1, 1)));
  const kernels: number[] = [];
  const leaks: number[] = [];
  for (let step = 1; step <= 4; step++) {
    const gs = ws.map((w, k) => grad(w, values(shapes[k]!, 10 * step + k, step === 2 ? 1e-3 : 2)));
    const before = tf.memory().numTensors;
    kernels.push(countKernels(() => opt.applyGradients(gs)));
    // The first step makes the slots (and the optimizer's kept constants); no later step leaks.
    leaks.push(tf.memory().numTensors - before);
  }
  const saved = opt.getWeights();
  const state = { weights: ws.map((w) => Array.from(w.variable.dataSync())), slots: saved.map((s) => [s.name, Array.from(s.tensor.dataSync())]) };
  tf.dispose(saved.map((s) => s.tensor));
  opt.dispose();
  fusedUpdates(true);
  return { state, kernels, leaks };
}

// cpu: the JavaScript passes; wasm: the SIMD modules.
describe.each(['cpu', 'wasm'])('the fused updates on %s', (backend) => {
  it.each(cases)('%s: weights and slots equal the ops path bit for bit, in fewer kernels, without leaks', async (_, make, opsKernels) => {
    await initBackend({ prefer: backend as 'cpu' | 'wasm', log: false });
    allowSimd(true);
    const fused = run(make, true);
    const ops = run(make, false);
    expect(fused.state.slots.length).toBeGreaterThan(1);
    expect(fused.state.slots.map((s) => s[0])).toEqual(ops.state.slots.map((s) => s[0]));
    expect(fused.state.weights).toEqual(ops.state.weights);
    expect(fused.state.slots).toEqual(ops.state.slots);
    // Two weights: the ops take `opsKernels` or more per weight, the fused path one (and the decay's mul).
    expect(ops.kernels[3]).toBeGreaterThanOrEqual(2 * opsKernels);
    expect(fused.kernels[3]).toBeLessThanOrEqual(ops.kernels[3]! / 2);
    expect(fused.leaks.slice(1)).toEqual([0, 0, 0]);
    expect(ops.leaks.slice(1)).toEqual([0, 0, 0]);
  });
});

it.each(cases)('%s: runs the ops on wasm without SIMD', async (_, make, opsKernels) => {
  await initBackend({ prefer: 'wasm', log: false });
  fusedUpdates(true);
  allowSimd(false);
  const opt = make();
  const w = weight(values(64, 3, 1));
  opt.applyGradients([grad(w, values(64, 4, 1))]);
  const perStep = countKernels(() => opt.applyGradients([grad(w, values(64, 5, 1))]));
  expect(perStep).toBeGreaterThanOrEqual(opsKernels);
  allowSimd(true);
  expect(countKernels(() => opt.applyGradients([grad(w, values(64, 6, 1))]))).toBeLessThan(perStep);
  opt.dispose();
});
