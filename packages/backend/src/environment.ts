import type { RuntimeEnvironment } from '@ridge/core';

/** Where this code runs. A worker has no `document`; Node has `process.versions.node`. */
export function runtimeEnvironment(): RuntimeEnvironment {
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown; importScripts?: unknown };
  if (typeof g.process?.versions?.node === 'string') return 'node';
  if (typeof g.document === 'undefined' && typeof g.importScripts === 'function') return 'worker';
  return 'browser';
}

/** Default order of preference per environment: fastest first. */
export const DEFAULT_ORDER: Record<RuntimeEnvironment, readonly string[]> = {
  node: ['wasm', 'cpu'],
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
  worker: ['webgpu', 'wasm', 'cpu'],
};
