import { allowSimd, fusedKernelBackend, heapOffset, simdExports, type CpuBackendInternals, type KernelArgs, type WasmBackendInternals } from '@ridge/backend/simd';
import { L1L2_SIMD } from './l1l2-simd.js';
import { tf } from './tfjs.js';

/**
 * The fused L1L2 penalty pass that `@ridge/layers/fused` installs: the value of
 * `valueScale * (l1 * sum(|x|) + l2 * sum(x^2))` and, given `g`, the gradient
 * `g + gradScale * (l1 * sign(x) + 2 * l2 * x)`, as one kernel.
 *
 * - cpu: a single JavaScript pass that returns the value and the gradient together.
 *   tfjs-backend-cpu's elementwise kernels go through its broadcasting code: measured on a
 *   784x250 kernel, `l2 * sum(x^2)` and `g + 2 * l2 * x` take 6.3 ms as five kernels, 0.44 ms
 *   as one pass.
 * - wasm: the same single pass, in a small WebAssembly SIMD module (`l1l2-simd.wat`) that works
 *   on the backend's own memory (shared memory on the multithreaded build). Measured on a 784x250
 *   kernel: value and gradient take about 50 us (CPU time), against 140 us for the best sequence
 *   of tfjs-backend-wasm kernels (square, reshape, average pool, sum; multiply, add), whose cost
 *   is mostly dispatch and five trips through memory; with L1 too, 70 us against 1.6 ms.
 * - wasm without SIMD (old engines; tfjs-backend-wasm then runs its plain build too), and other
 *   backends: no kernel; l1l2.ts runs the generic ops.
 */

const KERNEL = 'RidgeL1L2Penalty';

/** The factors of one pass. */
export interface L1L2PassAttrs {
  l1: number;
  l2: number;
  valueScale: number;
  gradScale: number;
}

/** The sums a penalty's value is made of; `abs` is 0 when the pass skipped it (no L1 factor). */
interface Sums {
  abs: number;
  squares: number;
}

/** The value from the sums. As Keras, a factor of 0 contributes nothing, even where its sum is infinite. */
function penaltyValue({ abs, squares }: Sums, f: L1L2PassAttrs): number {
  return f.valueScale * ((f.l1 !== 0 ? f.l1 * abs : 0) + (f.l2 !== 0 ? f.l2 * squares : 0));
}

/**
 * The fused pass in JavaScript: returns the sums and, given `gs` and `out`, writes the gradient
 * `gs + gradScale * (l1 sign(x) + 2 l2 x)` into `out`.
 */
function fusedPass(xs: Float32Array, gs: Float32Array | undefined, out: Float32Array | undefined, f: L1L2PassAttrs): Sums {
  const n = xs.length;
  let sumAbs = 0;
  let sumSquares = 0;
  const a = f.gradScale * f.l1;
  const b = 2 * f.gradScale * f.l2;
  if (gs && out) {
    if (a === 0) {
      for (let i = 0; i < n; i++) {
        const v = xs[i]!;
        sumSquares += v * v;
        out[i] = gs[i]! + b * v;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const v = xs[i]!;
        sumAbs += Math.abs(v);
        sumSquares += v * v;
        out[i] = gs[i]! + a * Math.sign(v) + b * v;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = xs[i]!;
      sumAbs += Math.abs(v);
      sumSquares += v * v;
    }
  }
  return { abs: sumAbs, squares: sumSquares };
}

function cpuKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const cpu = backend as CpuBackendInternals;
  const x = inputs.x!;
  const xs = cpu.data.get(x.dataId).values as Float32Array;
  const gs = inputs.g ? (cpu.data.get(inputs.g.dataId).values as Float32Array) : undefined;
  const out = gs ? new Float32Array(xs.length) : undefined;
  const value = penaltyValue(fusedPass(xs, gs, out, attrs as L1L2PassAttrs), attrs as L1L2PassAttrs);
  const outputs = [cpu.makeTensorInfo([], 'float32', new Float32Array([value]))];
  if (out) outputs.push(cpu.makeTensorInfo(x.shape.slice(), 'float32', out));
  return outputs;
}

/** The exports of `l1l2-simd.wat`. */
interface SimdPass {
  /** Flags: 1 writes the gradient, 2 adds the L1 part (`abs` and the sign term). */
  pass(x: number, g: number, out: number, n: number, a: number, b: number, flags: number): number;
  abs: WebAssembly.Global;
}

/**
 * For tests: turns the SIMD modules off (the generic ops then run on wasm) or back on, and tells
 * whether the penalty pass runs on the current backend. Not exported from the package.
 */
export function wasmSimd(allowed?: boolean): boolean {
  allowSimd(allowed);
  return simdExports(L1L2_SIMD) !== null;
}

/** The wasm kernel, registered and called only where the SIMD module runs (`simdExports`). */
function wasmKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const wasm = backend as WasmBackendInternals;
  const f = attrs as L1L2PassAttrs;
  const x = inputs.x!;
  const g = inputs.g;
  // Allocate first: an allocation can grow the heap, which detaches earlier views of it.
  const valueInfo = wasm.makeOutput([], 'float32');
  const gradInfo = g ? wasm.makeOutput(x.shape.slice(), 'float32') : undefined;
  const simd = simdExports<SimdPass>(L1L2_SIMD, wasm)!;
  const squares = simd.pass(heapOffset(wasm, x), heapOffset(wasm, g), heapOffset(wasm, gradInfo), x.shape.reduce((a, b) => a * b, 1), f.gradScale * f.l1, 2 * f.gradScale * f.l2, (gradInfo ? 1 : 0) | (f.l1 !== 0 ? 2 : 0));
  wasm.typedArrayFromHeap(valueInfo)[0] = penaltyValue({ abs: simd.abs.value as number, squares }, f);
  return gradInfo ? [valueInfo, gradInfo] : [valueInfo];
}

const kernelFor = (backend: 'cpu' | 'wasm') => (backend === 'cpu' ? cpuKernel : wasmKernel);

/**
 * `[value, gradient?]` of one pass over `x` (and `g`), or undefined where no kernel runs (other
 * backends, wasm without SIMD, dtypes other than float32): then the caller runs the generic ops.
 * Neither output is recorded for backprop.
 */
export function fusedL1L2Penalty(x: tf.Tensor, attrs: L1L2PassAttrs, g?: tf.Tensor): [tf.Scalar, tf.Tensor?] | undefined {
  if (x.dtype !== 'float32' || (g && g.dtype !== 'float32') || !fusedKernelBackend(KERNEL, L1L2_SIMD, kernelFor)) return undefined;
  const out = tf.engine().runKernel(KERNEL, g ? { x, g } : { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [out[0] as tf.Scalar, out[1]];
}
