import { findEntry, mustBeError, RidgeError, type RuntimeEnvironment } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { autoload } from '#autoload';
import { DEFAULT_ORDER, runtimeEnvironment } from './environment.js';

export interface InitBackendOptions {
  /** A backend to try first, or the exact order to try. Default: wasm, cpu in Node. */
  readonly prefer?: string | readonly string[];
  /** Threads for backends that support them. */
  readonly threads?: number;
  /** Where the wasm backend's `.wasm` files are served from. */
  readonly wasmPaths?: string;
  /** Where to print the chosen backend and the skipped ones; `false` for silence. */
  readonly log?: boolean | ((line: string) => void);
}

export interface SkippedBackend {
  readonly name: string;
  readonly reason: string;
}

export interface BackendInfo {
  /** The running tfjs backend. */
  readonly name: string;
  readonly environment: RuntimeEnvironment;
  /** How it runs (SIMD, threads), as the backend reports it. */
  readonly details: string;
  readonly threads: number | undefined;
  /** Backends tried before it, with the reason each was skipped. */
  readonly skipped: readonly SkippedBackend[];
  /** `'ridge'` when initBackend chose it, `'external'` when the app set it through tfjs. */
  readonly source: 'ridge' | 'external';
  readonly tfjsCoreVersion: string;
}

let current: BackendInfo | undefined;
/** The options `current` was started with; the same call again returns it. */
let currentKey: string | undefined;

const START_TIMEOUT_MS = 30_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function orderFor(prefer: InitBackendOptions['prefer'], env: RuntimeEnvironment): string[] {
  const defaults = DEFAULT_ORDER[env];
  if (prefer === undefined) return [...defaults];
  if (typeof prefer === 'string') return [prefer, ...defaults.filter((n) => n !== prefer)];
  if (Array.isArray(prefer) && prefer.length > 0 && prefer.every((p) => typeof p === 'string')) return [...prefer];
  throw mustBeError('initBackend: prefer', prefer, 'a backend name or a non-empty list of names', { argument: 'prefer', received: prefer });
}

function logger(log: InitBackendOptions['log']): (line: string) => void {
  if (log === false) return () => {};
  if (typeof log === 'function') return log;
  return (line) => console.log(line);
}

/**
 * Starts the first backend that works, in order of preference, and makes it tfjs's current
 * backend. Prints which one runs and why any before it was skipped. Throws
 * `BACKEND_UNAVAILABLE` with every reason when none starts.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  const env = runtimeEnvironment();
  const order = orderFor(options.prefer, env);
  const { threads, wasmPaths } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    throw mustBeError('initBackend: threads', threads, 'an integer >= 1', { argument: 'threads', received: threads });
  }
  const print = logger(options.log);
  const key = JSON.stringify([order, threads, wasmPaths]);
  if (current && currentKey === key && tf.engine().backendName === current.name) return current;

  const skipped: SkippedBackend[] = [];
  for (const name of order) {
    const notLoaded = await autoload(name, env);
    if (notLoaded) {
      skipped.push({ name, reason: notLoaded });
      continue;
    }
    // autoload found it registered
    const entry = findEntry('backend', name)!;
    if (!entry.environments.includes(env)) {
      skipped.push({ name, reason: `does not run in ${env}` });
      continue;
    }
    try {
      const started = await withTimeout(
        entry.start({
          ...(threads !== undefined ? { threads } : {}),
          ...(wasmPaths !== undefined ? { wasmPaths } : {}),
        }),
        START_TIMEOUT_MS,
        `backend '${name}'`,
      );
      await tf.ready();
      current = {
        name,
        environment: env,
        details: started.details,
        threads: started.threads,
        skipped,
        source: 'ridge',
        tfjsCoreVersion: tf.version_core,
      };
      currentKey = key;
      print(describeBackend(current));
      return current;
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  throw new RidgeError(
    'BACKEND_UNAVAILABLE',
    `No backend could start in ${env}. Tried: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}. ` +
      `Install one (npm i @tensorflow/tfjs-backend-cpu is the most portable) or pass prefer.`,
    { skipped },
  );
}

/** One line for humans: which backend runs, how, and what was skipped. */
export function describeBackend(info: BackendInfo): string {
  const skipped = info.skipped.map((s) => `; skipped ${s.name}: ${s.reason}`).join('');
  return `[ridge] backend: ${info.name} (${info.details}) in ${info.environment}${skipped}`;
}

/**
 * What is running now. When the app chose the backend through tfjs directly, reports it with
 * `source: 'external'`. Undefined when no backend has been started yet.
 */
export function backendInfo(): BackendInfo | undefined {
  const name = tf.engine().backendName as string | undefined | null;
  if (current && current.name === name) return current;
  if (!name) return undefined;
  return {
    name,
    environment: runtimeEnvironment(),
    details: 'set through tfjs directly',
    threads: undefined,
    skipped: [],
    source: 'external',
    tfjsCoreVersion: tf.version_core,
  };
}
