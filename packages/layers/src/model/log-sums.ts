import { tf } from '../engine/tfjs.js';
import type { Logs } from './callbacks.js';
import type { StepLayout } from './step.js';

/**
 * The prefix of a weighted metric's second entry: the mean sample weight of each batch. Summed over
 * batches (times their sizes) like every entry, it divides the metric's weighted sum into
 * `sum(w * value) / sum(w)`, Keras's weighted mean over the epoch. Never a key of the logs.
 */
export const WEIGHTS_OF = '\u0000weights:';

/** Between a stateful metric's key and a column number: the key of that column's entry (never a key of the logs). */
export const STAT = '\u0001';

/**
 * Lets each stateful metric of `layout` replace its entries by its value. Then turns each weighted
 * metric's weighted sum into its weighted mean and drops the weights' entries. With no weight at
 * all (every weight 0) the metric is 0, as Keras's `divide_no_nan` gives.
 */
export function finishLogs(logs: Logs, layout?: StepLayout): Logs {
  for (const { key, finish } of layout?.results ?? []) finish!(logs, key);
  for (const key of Object.keys(logs)) {
    if (!key.startsWith(WEIGHTS_OF)) continue;
    const metric = key.slice(WEIGHTS_OF.length);
    const weights = logs[key]!;
    logs[metric] = weights > 0 ? logs[metric]! / weights : 0;
    delete logs[key];
  }
  return logs;
}

/**
 * Sums of log vectors weighted by batch size, kept on the device and read back once (`read`), or
 * at a progress-bar tick (`peek`). When the keys change (a regularizer set mid-epoch), the sums so
 * far are read and a new sum starts, and each key is averaged over the samples it was present for.
 */
export class LogSums {
  // Read by `peekLogs` too (a function, not a method, so that bundles without progress output leave it out).
  sum: tf.Tensor1D | undefined;
  layout: StepLayout | undefined;
  count = 0;
  readonly done = new Map<string, { total: number; count: number }>();

  add(vector: tf.Tensor1D, layout: StepLayout, count: number): void {
    if (this.sum && layout.id !== this.layout?.id) this.#flush();
    const next = tf.tidy(() => (this.sum ? tf.add(this.sum, tf.mul(vector, count)) : tf.mul(vector, count))) as tf.Tensor1D;
    this.sum?.dispose();
    vector.dispose();
    this.sum = next;
    this.layout = layout;
    this.count += count;
  }

  #flush(): void {
    if (!this.sum || !this.layout) return;
    const values = this.layout.aggregate(this.sum.dataSync());
    this.layout.keys.forEach((k, i) => {
      const d = this.done.get(k) ?? { total: 0, count: 0 };
      d.total += values[i]!;
      d.count += this.count;
      this.done.set(k, d);
    });
    this.sum.dispose();
    this.sum = undefined;
    this.count = 0;
  }

  read(): Logs {
    this.#flush();
    const logs: Logs = {};
    for (const [k, { total, count }] of this.done) logs[k] = total / count;
    this.done.clear();
    return finishLogs(logs, this.layout);
  }

  dispose(): void {
    this.sum?.dispose();
    this.sum = undefined;
    this.done.clear();
  }
}


/** The averages of `sums` so far, without changing them (for the progress bar). */
export function peekLogs(sums: LogSums): Logs {
  const logs: Logs = {};
  for (const [k, { total, count }] of sums.done) logs[k] = total / count;
  if (sums.sum && sums.layout) {
    const values = sums.layout.aggregate(sums.sum.dataSync());
    sums.layout.keys.forEach((k, i) => {
      const d = sums.done.get(k);
      logs[k] = ((d?.total ?? 0) + values[i]!) / ((d?.count ?? 0) + sums.count);
    });
  }
  return finishLogs(logs, sums.layout);
}
