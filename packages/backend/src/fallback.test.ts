import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './index.js';

// Its own file, so its own process: a wasm backend that failed to start stays failed.
describe('fallback', () => {
  it('falls back from wasm to cpu when wasm cannot start, and says why', async () => {
    const lines: string[] = [];
    const info = await initBackend({ wasmPaths: '/nonexistent-ridge-wasm/', log: (l) => lines.push(l) });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.skipped).toHaveLength(1);
    expect(info.skipped[0]?.name).toBe('wasm');
    expect(info.skipped[0]?.reason).toContain('/nonexistent-ridge-wasm/');
    expect(lines[0]).toMatch(/^\[ridge\] backend: cpu .*; skipped wasm: .*nonexistent-ridge-wasm/);
    // the fallback computes
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(await y.data()).toEqual(new Float32Array([11]));
  });
});
