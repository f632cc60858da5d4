import { registry, type BackendEntry } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { runtimeEnvironment } from './environment.js';
import { setBackendCapturingReason } from './set-backend.js';

/** The WebAssembly backend: XNNPACK kernels, SIMD where available. Fast on CPUs. */
export const wasmBackend: BackendEntry = {
  kind: 'backend',
  name: 'wasm',
  package: '@ridge/backend/wasm',
  environments: ['node', 'browser', 'worker'],
  async start(options) {
    if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
    const notes: string[] = [];
    if (runtimeEnvironment() === 'node') {
      // The multithreaded build loads its workers from blob: URLs, which Node cannot start.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if ((options.threads ?? 1) > 1) notes.push(`${options.threads} threads asked, 1 used: wasm threads do not start in Node`);
    } else if (options.threads !== undefined) {
      setThreadsCount(options.threads);
    }
    const { ok, reason } = await setBackendCapturingReason('wasm');
    if (!ok) throw new Error(reason);
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = getThreadsCount();
    notes.unshift(`${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`);
    return { details: notes.join('; '), threads };
  },
};

registry('backend').register(wasmBackend);
