import { RidgeError, closestName, describeValue, mustBeError } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import { finishLogs } from './log-sums.js';
import type { StepLayout } from './step.js';

/** The hooks fit calls with logs; `onBatchEnd` goes through `batchLogs`. */
export type FitHook = 'onTrainBegin' | 'onTrainEnd' | 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd';

/** Every hook a callback may have. */
const HOOKS = ['setModel', 'onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'dispose'];

/** What fit runs of its callbacks. */
export interface FitCallbacks {
  /** Gives every callback the model, before training begins. */
  setModel(model: CallbackModel): void;
  /** Calls a hook on every callback in order, waiting for each. */
  call(hook: FitHook, ...args: unknown[]): Promise<void>;
  /**
   * A batch's logs from its log vector, read before fit adds the vector to the epoch's sums; only
   * when a callback has `onBatchEnd` (a small read per batch), else undefined.
   */
  batchLogs(step: number, count: number, vector: tf.Tensor1D, layout: StepLayout): Logs | undefined;
  /** Frees what the callbacks hold; fit calls it when it ends, normally or with an error. */
  dispose(): void;
}

/**
 * `fit({ callbacks })`, for the callbacks feature (`@ridge/layers/callbacks`): checks the
 * callbacks (when fit checks its arguments) and returns what the training loop calls.
 */
export function fitCallbacks(given: Callback | readonly Callback[]): FitCallbacks {
  const callbacks = Array.isArray(given) ? [...(given as readonly Callback[])] : [given as Callback];
  callbacks.forEach((cb, i) => {
    if (typeof cb !== 'object' || cb === null) throw new RidgeError('INVALID_ARGUMENT', `fit: callbacks must be objects with onEpochEnd etc.; received ${describeValue(cb)}.`, { argument: 'callbacks' });
    const where = Array.isArray(given) ? `callbacks[${i}]` : 'callbacks';
    // A hook that is not a function would fail mid-training; a misspelled one would never run.
    for (const hook of HOOKS) {
      const fn = (cb as Record<string, unknown>)[hook];
      if (fn !== undefined && typeof fn !== 'function') throw mustBeError(`fit: ${where}.${hook}`, fn, 'a function', { argument: 'callbacks' });
    }
    for (const key of Object.keys(cb)) {
      if (!/^on[A-Z]/.test(key) || HOOKS.includes(key)) continue;
      const guess = closestName(key, HOOKS);
      throw new RidgeError('INVALID_ARGUMENT', `fit: ${where} has an unknown hook ${describeValue(key)}${guess ? ` (did you mean '${guess}'?)` : ''}; hooks: ${HOOKS.join(', ')}.`, {
        argument: 'callbacks',
        received: key,
      });
    }
  });
  const wantBatchLogs = callbacks.some((c) => typeof c.onBatchEnd === 'function');
  return {
    setModel(model) {
      for (const cb of callbacks) cb.setModel?.(model);
    },
    async call(hook, ...args) {
      for (const cb of callbacks) {
        const fn = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
        if (fn) await fn.apply(cb, args);
      }
    },
    batchLogs(step, count, vector, layout) {
      if (!wantBatchLogs) return undefined;
      const values = layout.aggregate(vector.dataSync());
      const logs: Logs = { batch: step, size: count };
      layout.keys.forEach((k, i) => (logs[k] = values[i]!));
      return finishLogs(logs, layout);
    },
    dispose() {
      // Callbacks that hold tensors (best weights, snapshots) release them however fit ended.
      for (const cb of callbacks) cb.dispose?.();
    },
  };
}
