import type { L1L2Factors } from '@ridge/core';
import { tf } from './tfjs.js';
import { allowSimd, fusedKernelBackend, heapOffset, simdExports, type CpuBackendInternals, type KernelArgs, type WasmBackendInternals } from '@ridge/backend/simd';
import { L1L2_SIMD } from './l1l2-simd.js';

/**
 * The value and gradient of penalties of the form `l1 * sum(|x|) + l2 * sum(x^2)` (L1, L2, L1L2:
 * every regularizer with `asL1L2`), computed for a training step with as few kernels as each
 * backend allows. The generic path (`apply` then `gradient`) costs five kernels and two freshly
 * uploaded scalars per L2 term, and its `sum` is the slowest reduction tfjs-backend-wasm has.
 *
 * - cpu: one kernel, a single JavaScript pass that returns the value and the gradient together.
 *   tfjs-backend-cpu's elementwise kernels go through its broadcasting code: measured on a
 *   784x250 kernel, `l2 * sum(x^2)` and `g + 2 * l2 * x` take 6.3 ms as five kernels, 0.44 ms
 *   as one pass.
 * - wasm: the same single pass, in a small WebAssembly SIMD module (`l1l2-simd.wat`) that works
 *   on the backend's own memory (shared memory on the multithreaded build). Measured on a 784x250
 *   kernel: value and gradient take about 50 us (CPU time), against 140 us for the best sequence
 *   of tfjs-backend-wasm kernels (square, reshape, average pool, sum; multiply, add), whose cost
 *   is mostly dispatch and five trips through memory; with L1 too, 70 us against 1.6 ms.
 * - wasm without SIMD (old engines; tfjs-backend-wasm then runs its plain build too), and other
 *   backends: the generic ops, with the factors as scalars kept for the fit.
 */

const KERNEL = 'RidgeL1L2Penalty';

/** Constants kept for the life of one fit or evaluation; `dispose` frees them all. */
export class ConstantCache {
  private readonly scalars = new Map<number, tf.Scalar>();
  private readonly vectors = new Map<string, tf.Tensor1D>();

  get(value: number): tf.Scalar {
    let s = this.scalars.get(value);
    if (s === undefined || s.isDisposed) {
      s = tf.keep(tf.scalar(value));
      this.scalars.set(value, s);
    }
    return s;
  }

  vector(values: readonly number[]): tf.Tensor1D {
    const key = values.join(',');
    let v = this.vectors.get(key);
    if (v === undefined || v.isDisposed) {
      v = tf.keep(tf.tensor1d(values as number[], 'float32'));
      this.vectors.set(key, v);
    }
    return v;
  }

  dispose(): void {
    tf.dispose([...this.scalars.values(), ...this.vectors.values()]);
    this.scalars.clear();
    this.vectors.clear();
  }
}

/**
 * A scalar on the device and a factor on the host whose product is a penalty's value. Leaving the
 * factor on the host lets a step scale all its penalty values with one kernel (see `scaledStack`).
 */
export interface ScaledValue {
  readonly value: tf.Scalar;
  readonly factor: number;
}

/** The values, each times its factor, as one vector: one stack and at most one multiplication. */
export function scaledStack(values: readonly ScaledValue[], constants: ConstantCache): tf.Tensor1D {
  const stacked = tf.stack(values.map((v) => v.value)) as tf.Tensor1D;
  if (values.every((v) => v.factor === 1)) return stacked;
  const product = tf.mul(stacked, constants.vector(values.map((v) => v.factor))) as tf.Tensor1D;
  stacked.dispose();
  return product;
}

export interface L1L2Term extends ScaledValue {
  /** `value * factor` is `valueScale * (l1 * sum(|x|) + l2 * sum(x^2))`. */
  readonly value: tf.Scalar;
  /** `g + gradScale * (l1 * sign(x) + 2 * l2 * x)`, when `g` was given. */
  readonly gradient?: tf.Tensor;
}

interface KernelAttrs {
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
function penaltyValue({ abs, squares }: Sums, f: KernelAttrs): number {
  return f.valueScale * ((f.l1 !== 0 ? f.l1 * abs : 0) + (f.l2 !== 0 ? f.l2 * squares : 0));
}

/**
 * The fused pass in JavaScript: returns the sums and, given `gs` and `out`, writes the gradient
 * `gs + gradScale * (l1 sign(x) + 2 l2 x)` into `out`.
 */
function fusedPass(xs: Float32Array, gs: Float32Array | undefined, out: Float32Array | undefined, f: KernelAttrs): Sums {
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
  const value = penaltyValue(fusedPass(xs, gs, out, attrs as KernelAttrs), attrs as KernelAttrs);
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
  const f = attrs as KernelAttrs;
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
 * One L1L2-form penalty term of `x`: its value times `valueScale`, and, given `g`, the gradient
 * `g` plus `gradScale` times the penalty's gradient. Neither is recorded for backprop.
 */
export function l1l2Term(
  x: tf.Tensor,
  factors: L1L2Factors,
  options: { gradient?: tf.Tensor; valueScale?: number; gradScale?: number; constants: ConstantCache },
): L1L2Term {
  const { l1, l2 } = factors;
  const valueScale = options.valueScale ?? 1;
  const gradScale = options.gradScale ?? 1;
  const g = options.gradient;
  // The fused kernel runs on cpu, and on wasm where the SIMD module runs.
  if (x.dtype === 'float32' && (!g || g.dtype === 'float32') && fusedKernelBackend(KERNEL, L1L2_SIMD, kernelFor)) {
    const attrs = { l1, l2, valueScale, gradScale } as unknown as tf.NamedAttrMap;
    const out = tf.engine().runKernel(KERNEL, g ? { x, g } : { x }, attrs) as tf.Tensor[];
    return { value: out[0] as tf.Scalar, factor: 1, gradient: out[1] };
  }
  const c = options.constants;
  let factor = 1;
  const result = tf.tidy(() => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const sums: { partial: tf.Tensor; factor: number }[] = [];
    if (l1 !== 0) sums.push({ partial: tf.sum(tf.abs(xf)), factor: l1 * valueScale });
    if (l2 !== 0) sums.push({ partial: tf.sum(tf.square(xf)), factor: l2 * valueScale });
    let value: tf.Tensor;
    if (sums.length === 1) {
      // The usual case (L1 or L2): the factor stays on the host.
      value = sums[0]!.partial;
      factor = sums[0]!.factor;
    } else if (sums.length === 2) {
      value = tf.add(tf.mul(sums[0]!.partial, c.get(sums[0]!.factor)), tf.mul(sums[1]!.partial, c.get(sums[1]!.factor)));
    } else value = tf.zeros([]);
    if (!g) return { value: value as tf.Scalar };
    let gradient = g;
    if (l1 !== 0) gradient = tf.add(gradient, tf.mul(tf.sign(xf), c.get(gradScale * l1)));
    if (l2 !== 0) gradient = tf.add(gradient, tf.mul(xf, c.get(2 * gradScale * l2)));
    return { value: value as tf.Scalar, gradient };
  });
  return { ...result, factor };
}
