import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { isRecord, isTensorLike, type ModelData, type Slot, type TensorLike } from './data.js';
import type { MetricSpec } from './metrics.js';

/*
 * Models with several inputs or outputs, for the multi-io feature (`@ridge/layers/multi-io`):
 * data as a list (one entry per input or output) or a record by name, and compile arguments per
 * output (a list, or a record by output name).
 */

/** One item per slot: a list (one per slot) or a record by name. */
export function split(data: ModelData, slots: readonly Slot[], argument: string): TensorLike[] {
  let items: TensorLike[];
  if (isRecord(data)) {
    const unknown = Object.keys(data).filter((k) => !slots.some((s) => s.name === k));
    if (unknown.length) {
      throw new RidgeError('INVALID_DATA', `${argument} has unknown names ${unknown.join(', ')}; expected ${slots.map((s) => s.name).join(', ')}.`, {
        argument,
      });
    }
    items = slots.map((s) => {
      const v = data[s.name];
      if (v === undefined) throw new RidgeError('INVALID_DATA', `${argument} is missing '${s.name}'.`, { argument, missing: s.name });
      return v;
    });
  } else if (Array.isArray(data) && data.every((d) => isTensorLike(d))) {
    items = [...(data as TensorLike[])];
  } else {
    throw new RidgeError('INVALID_DATA', `${argument} must be a list of ${slots.length} tensors or a record by name; received ${describeValue(data)}.`, {
      argument,
      received: data,
    });
  }
  if (items.length !== slots.length) {
    throw new RidgeError(
      'INVALID_DATA',
      `${argument} has ${items.length} entries; the model has ${slots.length} (${slots.map((s) => s.name).join(', ')}).`,
      { argument, received: items.length, expected: slots.length },
    );
  }
  return items;
}

/** Every entry has as many samples as the first. */
export function sameSamples(tensors: readonly tf.Tensor[], slots: readonly Slot[], argument: string): void {
  const n = tensors[0]!.shape[0]!;
  tensors.forEach((t, i) => {
    if (t.shape[0] !== n) {
      throw new RidgeError(
        'INVALID_DATA',
        `${argument}: '${slots[i]!.name}' has ${t.shape[0]} samples but '${slots[0]!.name}' has ${n}; every entry needs the same number.`,
        { argument },
      );
    }
  });
}

function unknownOutputs(argument: string, record: object, unknown: readonly string[], outputNames: readonly string[]): RidgeError {
  return new RidgeError(
    'INVALID_ARGUMENT',
    `compile: ${argument} names ${unknown.map((k) => `'${k}'`).join(', ')}, which ${unknown.length === 1 ? 'is not an output' : 'are not outputs'} of this model; ` +
      `received ${describeValue(record)}. The model's ${outputNames.length === 1 ? 'output is' : 'outputs are'} ${outputNames.map((n) => `'${n}'`).join(', ')}: ` +
      `pass a record by these names (or, for one output, the value itself).`,
    { argument, received: record, outputs: outputNames },
  );
}

/** A compile argument given per output: a list (one per output) or a record by output name. */
export function perOutput<T>(value: readonly T[] | Readonly<Record<string, T>>, argument: string, fallback: T | undefined, outputNames: readonly string[]): T[] {
  if (Array.isArray(value)) {
    if (value.length !== outputNames.length) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `compile: ${argument} has ${value.length} entries; the model has ${outputNames.length} outputs (${outputNames.join(', ')}).`,
        { argument, received: value },
      );
    }
    return [...(value as T[])];
  }
  const record = value as Readonly<Record<string, T>>;
  const unknown = Object.keys(record).filter((k) => !outputNames.includes(k));
  if (unknown.length) {
    throw unknownOutputs(argument, record, unknown, outputNames);
  }
  return outputNames.map((n) => {
    const v = record[n] ?? fallback;
    if (v === undefined) throw new RidgeError('INVALID_ARGUMENT', `compile: ${argument} has nothing for output '${n}'.`, { argument });
    return v;
  });
}

/** `compile({ metrics })` (or `weightedMetrics`) as a record by output name. */
export function perMetric(record: Readonly<Record<string, readonly MetricSpec[]>>, outputNames: readonly string[], argument = 'metrics'): MetricSpec[][] {
  const unknown = Object.keys(record).filter((k) => !outputNames.includes(k));
  if (unknown.length) throw unknownOutputs(argument, record, unknown, outputNames);
  return outputNames.map((n) => [...(record[n] ?? [])]);
}
