import * as tf from '@tensorflow/tfjs-core';

/**
 * What Ridge's fused kernels (penalties in @ridge/layers, optimizer updates in @ridge/optimizers)
 * use of the backends: one pass over a tensor where the backend would dispatch a kernel and walk
 * the memory once per op. On cpu that pass is JavaScript over the backend's typed arrays; on wasm
 * it is a small WebAssembly SIMD module that works in place on tfjs-backend-wasm's own memory.
 *
 * A module imports its memory as `env.memory`, and is kept as base64 with the few bytes that turn
 * that import into a shared one (`scripts/assemble-wasm.mjs` writes both from the `.wat` text):
 * the multithreaded build's memory is a shared WebAssembly.Memory.
 */
export interface SimdModule {
  /** The module's bytes, base64. */
  readonly wasm: string;
  /** Splices the bytes into the shared-memory variant: `[at, bytes removed, ...bytes inserted]`. */
  readonly sharedMemoryPatch: readonly number[];
}

/**
 * What kernels on tfjs-backend-wasm use of it: outputs in its heap, views of the heap, and its
 * Emscripten module, whose memory is `wasmMemory` on the multithreaded build and an export
 * (`asm.memory`) on the others (tfjs-backend-wasm 4.x).
 */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
  wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } };
}

/** What a kernel function receives (tfjs-core's `KernelFunc` arguments, with the backend untyped). */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: unknown;
}

/** What tfjs-backend-cpu offers its own kernels: typed arrays by data id, and outputs from arrays. */
export interface CpuBackendInternals {
  data: { get(dataId: tf.TensorInfo['dataId']): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

/** Per backend memory, each module's exports (or null where it cannot run there). */
const instances = new WeakMap<WebAssembly.Memory, Map<SimdModule, WebAssembly.Exports | null>>();
let allowed = true;

/**
 * For tests: turns every SIMD module off (the callers' generic ops then run on wasm) or back on.
 * Returns whether they are allowed.
 */
export function allowSimd(allow?: boolean): boolean {
  if (allow !== undefined) allowed = allow;
  return allowed;
}

/**
 * The module's exports, instantiated on `backend`'s memory (by default the current tfjs backend,
 * when it is wasm), or null: not wasm, no WebAssembly SIMD in this engine, or a backend whose
 * module does not expose its memory. Instantiated once per memory.
 */
export function simdExports<T>(module: SimdModule, backend: unknown = tf.getBackend() === 'wasm' ? tf.backend() : undefined): T | null {
  const wasm = (backend as WasmBackendInternals | undefined)?.wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  if (!allowed || typeof WebAssembly === 'undefined' || !(memory instanceof WebAssembly.Memory)) return null;
  let modules = instances.get(memory);
  if (!modules) instances.set(memory, (modules = new Map()));
  let exports = modules.get(module);
  if (exports === undefined) {
    exports = null;
    try {
      let bytes = Uint8Array.from(atob(module.wasm), (c) => c.charCodeAt(0));
      if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) {
        const [at, removed, ...inserted] = module.sharedMemoryPatch as number[];
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...inserted, ...bytes.subarray(at! + removed!)]);
      }
      exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
    } catch {
      // No SIMD in this engine: callers fall back to their generic ops.
    }
    modules.set(module, exports);
  }
  return exports as T | null;
}

/**
 * Where a fused kernel runs now: `'cpu'`, or `'wasm'` where its SIMD module runs; undefined on
 * other backends and on wasm without SIMD (the caller then uses its ops). The first time on a
 * backend, registers the kernel `name` there with the function `kernelFor` gives for it.
 */
export function fusedKernelBackend(name: string, module: SimdModule, kernelFor: (backend: 'cpu' | 'wasm') => (args: KernelArgs) => tf.TensorInfo[]): 'cpu' | 'wasm' | undefined {
  const backend = tf.getBackend();
  if (backend !== 'cpu' && !(backend === 'wasm' && simdExports(module) !== null)) return undefined;
  if (!tf.getKernel(name, backend)) tf.registerKernel({ kernelName: name, backendName: backend, kernelFunc: kernelFor(backend) as unknown as tf.KernelFunc });
  return backend;
}

/** The byte offset of a tensor in tfjs-backend-wasm's memory (0 for none). */
export function heapOffset(backend: WasmBackendInternals, t: tf.TensorInfo | undefined): number {
  return t ? backend.typedArrayFromHeap(t).byteOffset : 0;
}
