import { mustBeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
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
  const batches = new IndexBatches(xs[0]!.shape[0]!, batchSize);
  const sums = new LogSums();
  for (let b = 0; b < batches.count; b++) {
    const part = cutBatch(batches, b, xs, ys, sw);
    try {
      const { vector, layout } = runner.run(part.xs, part.ys, part.sw, false);
      sums.add(vector, layout, part.all[0]!.shape[0]!);
    } finally {
      tf.dispose(part.all);
    }
  }
  return sums.read();
}

/** Batch `b` of host copies as tensors: the x and y tensors and the sample weights, if any. The caller disposes `all`. */
export function cutBatch(
  batches: IndexBatches,
  b: number,
  xs: readonly HostData[],
  ys: readonly HostData[],
  sw: HostData | undefined,
): { all: tf.Tensor[]; xs: tf.Tensor[]; ys: tf.Tensor[]; sw: tf.Tensor | undefined } {
  const all = batches.take([...xs, ...ys, ...(sw ? [sw] : [])], b);
  return { all, xs: all.slice(0, xs.length), ys: all.slice(xs.length, xs.length + ys.length), sw: sw ? all[all.length - 1] : undefined };
}

