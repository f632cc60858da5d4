import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { checkFiniteOnDevice, prepare, sameLength, type ModelData, type TensorLike } from './data.js';
import { batchWeights } from './data-forms.js';
import type { ModelInternals } from './features.js';
import type { BatchSource, EpochBatches, FitArgs } from './fit.js';

/** fit options that only apply to x and y data, and what to do instead with batches (as in Keras, which rejects them for datasets). */
const NOT_FOR_BATCHES = {
  batchSize: 'yield batches of the size you want (each is one step)',
  validationSplit: 'pass validationData: [x, y] instead',
  sampleWeight: 'give each batch its own weights, { xs, ys, sampleWeight }',
  classWeight: 'give each batch per-sample weights, { xs, ys, sampleWeight }',
} as const;

/**
 * `fit(batches)` for the data feature (`@ridge/layers/data`): each epoch iterates the (async)
 * iterable once, checks each batch as fit checks its data, and disposes the tensors it was given.
 */
export function iterableBatches(
  source: AsyncIterable<unknown> | Iterable<unknown>,
  slots: Pick<ModelInternals, 'inputSlots' | 'outputSlots' | 'graph'>,
  outputNames: readonly string[],
  args: FitArgs,
): EpochBatches {
  for (const [option, instead] of Object.entries(NOT_FOR_BATCHES)) {
    const value = args[option as keyof typeof NOT_FOR_BATCHES];
    if (value !== undefined) {
      throw new RidgeError('INVALID_ARGUMENT', `fit(batches): ${option} works only with x and y data, not with an iterable of batches; received ${describeValue(value)}. Remove it and ${instead}.`, {
        argument: option,
        received: value,
      });
    }
  }
  return {
    async run(epoch, runBatch, stopped) {
      const iterator = Symbol.asyncIterator in source ? (source as AsyncIterable<BatchSource>)[Symbol.asyncIterator]() : (source as Iterable<BatchSource>)[Symbol.iterator]();
      let step = 0;
      let exhausted = false;
      try {
        for (;;) {
          if (stopped()) break;
          let next: IteratorResult<BatchSource>;
          try {
            next = await iterator.next();
          } catch (error) {
            throw new RidgeError('INVALID_DATA', `fit: the batch iterator failed at batch ${step} of epoch ${epoch + 1}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          }
          if (next.done) {
            exhausted = true;
            break;
          }
          const batch: unknown = next.value;
          if (!Array.isArray(batch) && (typeof batch !== 'object' || batch === null || !('xs' in batch && 'ys' in batch))) {
            // Ridge disposes the tensors it is given, also in a batch it refuses.
            tf.dispose(batch instanceof tf.Tensor ? batch : typeof batch === 'object' && batch !== null ? Object.values(batch).filter((v) => v instanceof tf.Tensor) : []);
            throw new RidgeError(
              'INVALID_DATA',
              `fit: batch ${step} of epoch ${epoch + 1} must be { xs, ys, sampleWeight? } or [xs, ys, sampleWeight?]; received ${describeValue(batch)}.`,
              { argument: `batch ${step}`, received: batch },
            );
          }
          const [bxRaw, byRaw, bwRaw] = Array.isArray(batch) ? batch : [(batch as { xs: ModelData }).xs, (batch as { ys: ModelData }).ys, (batch as { sampleWeight?: TensorLike }).sampleWeight];
          const given = [bxRaw, byRaw, bwRaw].flatMap((v) => (v instanceof tf.Tensor ? [v] : Array.isArray(v) ? v.filter((t): t is tf.Tensor => t instanceof tf.Tensor) : []));
          const mine: tf.Tensor[] = [];
          try {
            const bx = prepare(bxRaw as ModelData, slots.inputSlots(), `batch ${step} xs`, checkFiniteOnDevice, 'fit');
            mine.push(...bx.owned);
            const by = prepare(byRaw as ModelData, slots.outputSlots(), `batch ${step} ys`, checkFiniteOnDevice, 'fit');
            mine.push(...by.owned);
            sameLength(bx.tensors, by.tensors, `fit: batch ${step}`, 'ys', outputNames);
            const bw = bwRaw === undefined ? undefined : batchWeights(bwRaw, by.tensors, `batch ${step} sampleWeight`, slots);
            if (bw) mine.push(...bw.owned);
            await runBatch(bx.tensors, by.tensors, bw?.tensors[0]);
            step++;
          } finally {
            tf.dispose([...mine, ...given]);
          }
        }
      } finally {
        // Stopped early (an error, stopTraining): let the iterator run its finally blocks.
        if (!exhausted) await iterator.return?.();
      }
      if (step === 0) {
        throw new RidgeError('INVALID_DATA', `fit: the batch iterable gave no batches in epoch ${epoch + 1}. Pass an iterable that can be iterated once per epoch (an object with [Symbol.asyncIterator]), not a one-shot generator.`, { argument: 'x' });
      }
      return step;
    },
  };
}
