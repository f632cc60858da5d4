import { registry, type BackendEntry } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setBackendCapturingReason } from './set-backend.js';

/** The plain JavaScript backend: slow, but starts everywhere. */
export const cpuBackend: BackendEntry = {
  kind: 'backend',
  name: 'cpu',
  package: '@ridge/backend/cpu',
  environments: ['node', 'browser', 'worker'],
  async start() {
    const { ok, reason } = await setBackendCapturingReason('cpu');
    if (!ok) throw new Error(reason);
    // The cpu backend greets Node users on its first write with advice to install tfjs-node;
    // initBackend already says which backend runs and why a faster one was skipped.
    const backend = tf.backend() as { firstUse?: boolean };
    if (backend.firstUse === true) backend.firstUse = false;
    return { details: 'plain JavaScript, 1 thread', threads: 1 };
  },
};

registry('backend').register(cpuBackend);
