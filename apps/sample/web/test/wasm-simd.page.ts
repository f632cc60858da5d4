// Bundled by wasm-simd.test.ts and run in Chromium: the fused L1L2 penalty pass of @ridge/layers on
// tfjs-backend-wasm, against the formula computed here in float64; the optimizers' fused updates
// against their ops. Reports through document.title.
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { adagrad, adam, rmsprop, sgd, type OptimizerBase } from '@ridge/optimizers';
import { countKernels } from '@ridge/testing';
// Internal modules of @ridge/layers and @ridge/optimizers (not exported): the test needs to know
// which path ran, and to run the other one.
import { ConstantCache, l1l2Term } from '../../../../packages/layers/dist/engine/l1l2.js';
import { wasmSimd } from '../../../../packages/layers/dist/engine/l1l2-kernel.js';
import '../../../../packages/layers/dist/features/fused.js';
import { fusedUpdates } from '../../../../packages/optimizers/dist/fused-kernels.js';

setWasmPaths('/');
await tf.setBackend('wasm');
const [rows, cols] = [784, 250];
const xv = Array.from({ length: rows * cols }, (_, i) => 2 * Math.sin(i * 0.37));
const gv = Array.from({ length: rows * cols }, (_, i) => Math.cos(i * 0.11));
const [l1, l2] = [0.003, 0.01];
const x = tf.tensor2d(xv, [rows, cols]);
const g = tf.tensor2d(gv, [rows, cols]);
const simd = wasmSimd(true);
const constants = new ConstantCache();
const before = tf.memory().numTensors;
let term!: ReturnType<typeof l1l2Term>;
// One kernel: the SIMD pass that @ridge/layers/fused installs (the generic ops would take seven).
const penaltyKernels = countKernels(() => (term = l1l2Term(x, { l1, l2 }, { gradient: g, constants })));
const value = term.value.dataSync()[0]! * term.factor;
const gradient = term.gradient!.dataSync();
tf.dispose([term.value, term.gradient!]);
const wantValue = l1 * xv.reduce((s, v) => s + Math.abs(v), 0) + l2 * xv.reduce((s, v) => s + v * v, 0);
let maxGradientError = 0;
xv.forEach((v, i) => {
  maxGradientError = Math.max(maxGradientError, Math.abs(gradient[i]! - (gv[i]! + l1 * Math.sign(v) + 2 * l2 * v)));
});
const leaked = tf.memory().numTensors - before;

// The optimizers' fused updates (adam-simd.wat, sgd-simd.wat, adagrad-simd.wat, rmsprop-simd.wat)
// against their ops: the same weights, bit for bit; the kernels of the last step, fused and ops.
function fusedVsOps(make: () => OptimizerBase) {
  const runs = [true, false].map((fused) => {
    fusedUpdates(fused);
    const variable = tf.tidy(() => tf.variable(tf.tensor1d(xv.slice(0, 1001))));
    const opt = make();
    let kernels = 0;
    for (let step = 0; step < 3; step++) {
      const gradient = tf.tensor1d(gv.slice(step, step + 1001));
      kernels = countKernels(() => opt.applyGradients([{ weight: { path: 'w', role: 'kernel', trainable: true, variable }, gradient }]));
      gradient.dispose();
    }
    const weights = Array.from(variable.dataSync());
    opt.dispose();
    variable.dispose();
    return { weights, kernels };
  });
  fusedUpdates(true);
  return { same: runs[0]!.weights.every((w, i) => Object.is(w, runs[1]!.weights[i])), kernels: runs.map((r) => r.kernels) };
}
const optimizers = {
  adam: fusedVsOps(() => adam({ learningRate: 0.01 })),
  sgdMomentum: fusedVsOps(() => sgd({ learningRate: 0.1, momentum: 0.9 })),
  sgdNesterov: fusedVsOps(() => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true })),
  adagrad: fusedVsOps(() => adagrad({ learningRate: 0.1 })),
  rmsprop: fusedVsOps(() => rmsprop({ learningRate: 0.01 })),
  rmspropCenteredMomentum: fusedVsOps(() => rmsprop({ learningRate: 0.01, momentum: 0.9, centered: true })),
};

document.title = JSON.stringify({
  optimizers,
  simd,
  penaltyKernels,
  value,
  wantValue,
  maxGradientError,
  leaked,
  // The backend's Emscripten module: its memory is shared on the multithreaded build.
  sharedMemory:
    typeof SharedArrayBuffer !== 'undefined' && (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer instanceof SharedArrayBuffer,
  crossOriginIsolated: self.crossOriginIsolated,
});
