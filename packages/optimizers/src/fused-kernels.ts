import { fusedKernelBackend, heapOffset, simdExports, type CpuBackendInternals, type KernelArgs, type SimdModule, type WasmBackendInternals } from '@ridge/backend/simd';
import { tf } from './tfjs.js';

/**
 * What the fused optimizer updates (adam-kernel.ts, sgd-kernel.ts, adagrad-kernel.ts, ...) share:
 * registering one kernel per backend, running it, and the test hook that turns them all off.
 *
 * A fused update takes `[w, g, ...slots]` (float32, of one shape) and returns the new
 * `[w, ...slots]`, computed in float32 in the order of the optimizer's ops, so the results are
 * theirs, bit for bit:
 * - cpu: a JavaScript pass, rounding to float32 (Math.fround) after every operation, as
 *   tfjs-backend-cpu's kernels do (they compute in float64 and store into float32 arrays).
 * - wasm: a WebAssembly SIMD module on the backend's memory (through @ridge/backend/simd).
 * - elsewhere (and on wasm without SIMD): none; the optimizer runs its ops.
 */
export interface FusedKernel {
  /** The tfjs kernel name, e.g. 'RidgeAdamUpdate'. */
  readonly name: string;
  readonly simd: SimdModule;
  /**
   * The cpu pass: `ins` are `[w, g, ...slots]`, `outs` (to fill) `[w, ...slots]`; `c` the
   * constants, already rounded to float32.
   */
  cpu(ins: readonly Float32Array[], outs: readonly Float32Array[], c: readonly number[]): void;
  /**
   * Calls the SIMD module: `ins` and `outs` are byte offsets in the backend's memory, `n` the number
   * of entries, `c` the constants as given (WebAssembly rounds f32 parameters to float32).
   */
  wasm(exports: unknown, ins: readonly number[], outs: readonly number[], n: number, c: readonly number[]): void;
}

let enabled = true;

/**
 * For tests: turns every fused optimizer update off (the optimizers then run their ops) or back
 * on. Returns whether they are on. Not exported from the package.
 */
export function fusedUpdates(enable?: boolean): boolean {
  if (enable !== undefined) enabled = enable;
  return enabled;
}

function cpuKernelOf(kernel: FusedKernel) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const cpu = backend as CpuBackendInternals;
    const infos = Object.keys(inputs).sort().map((k) => inputs[k]!);
    const ins = infos.map((t) => cpu.data.get(t.dataId).values as Float32Array);
    const n = ins[0]!.length;
    const outs = ins.slice(1).map(() => new Float32Array(n));
    kernel.cpu(ins, outs, (attrs as { c: number[] }).c.map(Math.fround));
    const shape = infos[0]!.shape;
    return outs.map((values) => cpu.makeTensorInfo(shape.slice(), 'float32', values));
  };
}

function wasmKernelOf(kernel: FusedKernel) {
  return ({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] => {
    const wasm = backend as WasmBackendInternals;
    const infos = Object.keys(inputs).sort().map((k) => inputs[k]!);
    const shape = infos[0]!.shape;
    // Allocate first: an allocation can grow the heap, which moves nothing but detaches old views.
    const outs = infos.slice(1).map(() => wasm.makeOutput(shape.slice(), 'float32'));
    const at = (t: tf.TensorInfo) => heapOffset(wasm, t);
    kernel.wasm(simdExports(kernel.simd, wasm), infos.map(at), outs.map(at), shape.reduce((a, b) => a * b, 1), (attrs as { c: number[] }).c);
    return outs;
  };
}

/**
 * `[w, ...slots]` after one step of `kernel` from `tensors` (`[w, g, ...slots]`) and the constants
 * `c`; or undefined where no backend kernel runs (other backends, wasm without SIMD, dtypes other
 * than float32, the test hook off): then the optimizer uses its ops.
 */
export function runFused(kernel: FusedKernel, tensors: readonly tf.Tensor[], c: readonly number[]): tf.Tensor[] | undefined {
  if (!enabled) return undefined;
  if (!tensors.every((t) => t.dtype === 'float32')) return undefined;
  if (!fusedKernelBackend(kernel.name, kernel.simd, (backend) => (backend === 'cpu' ? cpuKernelOf(kernel) : wasmKernelOf(kernel)))) return undefined;
  // Named in0, in1, ... (fewer than ten): the kernels read them back in that order.
  const inputs = Object.fromEntries(tensors.map((t, i) => [`in${i}`, t]));
  return tf.engine().runKernel(kernel.name, inputs, { c: c.slice() }) as unknown as tf.Tensor[];
}
