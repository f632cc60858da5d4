import { registry, type BackendEntry } from '@ridge/core';
import '@tensorflow/tfjs-backend-webgpu';
import { setBackendCapturingReason } from './set-backend.js';

/** The WebGPU backend: GPU in browsers that expose `navigator.gpu`. */
export const webgpuBackend: BackendEntry = {
  kind: 'backend',
  name: 'webgpu',
  package: '@ridge/backend/webgpu',
  environments: ['browser', 'worker'],
  async start() {
    if (!('gpu' in globalThis.navigator)) throw new Error('navigator.gpu is missing: this browser has no WebGPU');
    const { ok, reason } = await setBackendCapturingReason('webgpu');
    if (!ok) throw new Error(reason);
    return { details: 'GPU via WebGPU' };
  },
};

registry('backend').register(webgpuBackend);
