import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendInfo, describeBackend, initBackend } from './index.js';

describe('initBackend in Node', () => {
  it('starts wasm by default and prints which backend runs', async () => {
    const lines: string[] = [];
    const info = await initBackend({ log: (line) => lines.push(line) });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.environment).toBe('node');
    expect(info.skipped).toEqual([]);
    expect(info.threads).toBe(1);
    expect(info.tfjsCoreVersion).toBe(tf.version_core);
    expect(lines).toEqual([describeBackend(info)]);
    expect(lines[0]).toMatch(/^\[ridge\] backend: wasm \((no )?SIMD, 1 thread\) in node$/);
    expect(backendInfo()).toBe(info);
  });

  it('says that wasm threads do not start in Node when more are asked for', async () => {
    const info = await initBackend({ prefer: ['wasm'], threads: 2, log: false });
    expect(info.details).toContain('2 threads asked, 1 used');
  });

  it('honours prefer, and reports an app that set the backend through tfjs directly', async () => {
    const info = await initBackend({ prefer: 'cpu', log: false });
    expect(info.name).toBe('cpu');
    await tf.setBackend('wasm');
    expect(backendInfo()).toMatchObject({ name: 'wasm', source: 'external' });
  });

  it('fails with every reason when no backend can start, leaving the current one running', async () => {
    await initBackend({ prefer: 'cpu', log: false });
    let caught: unknown;
    try {
      await initBackend({ prefer: ['webgl', 'nosuch'], log: false });
    } catch (error) {
      caught = error;
    }
    expect(RidgeError.is(caught, 'BACKEND_UNAVAILABLE')).toBe(true);
    const message = (caught as Error).message;
    expect(message).toContain('webgl (does not run in node)');
    expect(message).toContain('nosuch (could not load @ridge/backend/nosuch');
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects bad options with INVALID_ARGUMENT naming the option and value', async () => {
    await expect(initBackend({ threads: 0, log: false })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('threads must be an integer >= 1; received 0'),
    });
    await expect(initBackend({ prefer: [] as string[], log: false })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('prefer'),
    });
  });
});
