import { registry, type BackendEntry } from '@ridge/core';
import '@tensorflow/tfjs-backend-webgl';
import { setBackendCapturingReason } from './set-backend.js';

/** The WebGL backend: GPU in browsers that have WebGL 2. */
export const webglBackend: BackendEntry = {
  kind: 'backend',
  name: 'webgl',
  package: '@ridge/backend/webgl',
  environments: ['browser'],
  async start() {
    const { ok, reason } = await setBackendCapturingReason('webgl');
    if (!ok) throw new Error(reason);
    return { details: 'GPU via WebGL' };
  },
};

registry('backend').register(webglBackend);
