import { mustBeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Logs } from './callbacks.js';
import { IndexBatches, type HostData } from './data.js';
import { LogSums } from './log-sums.js';
import type { StepRunner } from './step.js';

/** An integer option of fit, evaluate or predict (`where`), at least `min`. */
export function checkInteger(where: string, argument: string, value: unknown, min: number): number {
  if (!Number.isInteger(value) || (value as number) < min) {
    throw mustBeError(`${where}: ${argument}`, value, `an integer >= ${min}`, { argument, received: value });
  }
  return value as number;
}

/** Runs evaluation steps over data and averages each log key over samples. One read at the end. */
export function evaluateBatches(
  runner: StepRunner,
  xs: readonly HostData[],
  ys: readonly HostData[],
  sw: HostData | undefined,
  batchSize: number,
): Logs {
  const n = xs[0]!.shape[0]!;
  const batches = new IndexBatches(n, batchSize);
  const sums = new LogSums();
  const host = [...xs, ...ys, ...(sw ? [sw] : [])];
  for (let b = 0; b < batches.count; b++) {
    const part = batches.take(host, b);
    try {
      const count = part[0]!.shape[0]!;
      const { vector, layout } = runner.run(part.slice(0, xs.length), part.slice(xs.length, xs.length + ys.length), sw ? part[part.length - 1] : undefined, false);
      sums.add(vector, layout, count);
    } finally {
      tf.dispose(part);
    }
  }
  return sums.read();
}

