import { fileURLToPath } from 'node:url';
import { initBackend } from '@ridge/backend';
import { allowSimd } from '@ridge/backend/simd';
import { countKernels } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types (scripts/assemble-wasm.mjs)
import { assemble, render } from '../../../scripts/assemble-wasm.mjs';
import { disposeAll, grad, weight } from '../test/helpers.js';
import { fusedUpdates } from './fused-kernels.js';
import { ADAM_SIMD } from './adam-simd.js';
import { adam, adamw } from './index.js';

afterEach(disposeAll);
afterAll(async () => {
  fusedUpdates(true);
  allowSimd(true);
  await initBackend({ prefer: 'cpu', log: false });
});

it('adam-simd.ts holds the bytes that adam-simd.wat assembles to (run node scripts/assemble-wasm.mjs packages/optimizers/src/adam-simd.wat)', async () => {
  const wat = fileURLToPath(new URL('./adam-simd.wat', import.meta.url));
  const text = render(wat, await assemble(wat)) as string;
  expect(text).toContain(`'${ADAM_SIMD.wasm}'`);
  expect(text).toContain(`[${ADAM_SIMD.sharedMemoryPatch.join(', ')}]`);
});

/** Deterministic values in [-scale, scale), with exact zeros and repeated values among them. */
function values(n: number, seed: number, scale: number): number[] {
  return Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : scale * Math.sin(seed * 7.3 + i * 0.61)));
}

// cpu: the JavaScript pass; wasm: the SIMD module; 'wasm without SIMD': the ops, both sides.
describe.each(['cpu', 'wasm'])('the fused Adam update on %s', (backend) => {
  it.each([
    ['adam', () => adam({ learningRate: 0.01 })],
    ['adam with other betas and epsilon', () => adam({ learningRate: 0.003, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 })],
    ['adamw (weight decay first, then the same update)', () => adamw({ learningRate: 0.01, weightDecay: 0.1 })],
  ])('%s: weights and moments equal the ops path bit for bit, in one kernel per weight, without leaks', async (_, make) => {
    await initBackend({ prefer: backend as 'cpu' | 'wasm', log: false });
    allowSimd(true);
    // 10,001 entries: SIMD steps of four and a remainder; 7: the remainder alone.
    const shapes = [10001, 7];
    const runs = [true, false].map((fused) => {
      fusedUpdates(fused);
      const opt = make();
      const ws = shapes.map((n, k) => weight(values(n, k + 1, 1)));
      const kernels: number[] = [];
      for (let step = 1; step <= 4; step++) {
        const gs = ws.map((w, k) => grad(w, values(shapes[k]!, 10 * step + k, step === 2 ? 1e-3 : 2)));
        const before = tf.memory().numTensors;
        kernels.push(countKernels(() => opt.applyGradients(gs)));
        // The first step makes the moment slots (and the optimizer's kept constants); no step leaks.
        if (step > 1) expect(tf.memory().numTensors, `step ${step}`).toBe(before);
      }
      const saved = opt.getWeights();
      const state = { weights: ws.map((w) => Array.from(w.variable.dataSync())), slots: saved.map((s) => [s.name, Array.from(s.tensor.dataSync())]) };
      tf.dispose(saved.map((s) => s.tensor));
      opt.dispose();
      return { state, kernels };
    });
    fusedUpdates(true);
    const [fused, ops] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(fused.state.weights).toEqual(ops.state.weights);
    expect(fused.state.slots).toEqual(ops.state.slots);
    // The ops take 12 kernels per weight and step; the fused path 1 (plus the shared scalars).
    expect(fused.kernels[3]! * 4).toBeLessThan(ops.kernels[3]!);
  });
});

it('runs the ops on wasm without SIMD, and on dtypes other than float32', async () => {
  await initBackend({ prefer: 'wasm', log: false });
  fusedUpdates(true);
  allowSimd(false);
  const opt = adam({ learningRate: 0.01 });
  const w = weight(values(64, 3, 1));
  const perStep = countKernels(() => opt.applyGradients([grad(w, values(64, 4, 1))]));
  expect(perStep).toBeGreaterThan(10);
  allowSimd(true);
  expect(countKernels(() => opt.applyGradients([grad(w, values(64, 5, 1))]))).toBeLessThan(perStep / 4);
  opt.dispose();
});
