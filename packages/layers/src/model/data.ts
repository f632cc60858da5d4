import { dataError, describeValue, invalidArgument, RidgeError, shapeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { formatShape, shapeFits, type Shape } from '../engine/shape.js';
import { feature } from './features.js';

/** A tensor, or numbers nested as arrays (or a typed array for one-dimensional data). */
export type TensorLike = tf.Tensor | number | readonly unknown[] | Float32Array | Int32Array | Uint8Array;

/** One entry per model input (or output): a single value for one, a list or a record by name for several. */
export type ModelData = TensorLike | readonly TensorLike[] | Readonly<Record<string, TensorLike>>;

/** Tensors for a call, and which of them this call created (and so must dispose). */
export interface Prepared {
  readonly tensors: tf.Tensor[];
  readonly owned: tf.Tensor[];
  /** Host copies of `tensors`, when asked for (`check: 'host'`). */
  readonly host: HostData[];
}

/**
 * How `prepare` checks that data is finite: on the host copy the caller needs anyway for batching
 * (no extra pass), not at all, or with a function (`checkFiniteOnDevice`: one reduction on the
 * device, one scalar read).
 */
export type FiniteCheck = 'host' | 'none' | ((t: tf.Tensor, given: TensorLike, where: string) => void);

export interface Slot {
  readonly name: string;
  readonly shape: Shape | undefined;
}

export function isTensorLike(x: unknown): x is TensorLike {
  return x instanceof tf.Tensor || Array.isArray(x) || ArrayBuffer.isView(x) || typeof x === 'number';
}

/** How a value that is not a tensor reads in an error: `nested arrays`, `a Float32Array`, `a number`. */
function formOf(value: unknown): string {
  return Array.isArray(value) ? 'nested arrays' : ArrayBuffer.isView(value) ? `a ${value.constructor.name}` : `a ${typeof value}`;
}

/** A tensor as given, or one made from other data by the data feature (listed in `owned`). */
function toTensor(value: TensorLike, argument: string, dtype: tf.DataType, owned: tf.Tensor[], method: string): tf.Tensor {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw dataError(`${argument} is a disposed tensor.`, { argument });
    return value;
  }
  const t = feature('data', `${method}() with ${argument} as ${formOf(value)}`).tensorFrom(value, argument, dtype);
  owned.push(t);
  return t;
}

export function isRecord(x: unknown): x is Readonly<Record<string, TensorLike>> {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && !Array.isArray(x) && !ArrayBuffer.isView(x);
}

function notFinite(argument: string): RidgeError {
  return dataError(`${argument} holds NaN or Infinity; data must be finite.`, { argument });
}

/** Checks, on the device, that a tensor given by the user is finite (one reduction, one scalar read). */
export function checkFiniteOnDevice(t: tf.Tensor, given: TensorLike, where: string): void {
  if (given instanceof tf.Tensor && t.dtype === 'float32') {
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(t))).dataSync()[0]);
    if (bad) throw notFinite(where);
  }
}

/**
 * Turns user data into one tensor per slot (input or output), checking count, shape, length and
 * finiteness. Tensors it creates are listed in `owned`; on error it disposes them before throwing.
 * `method` names the call in the error of a form whose feature is not loaded.
 */
export function prepare(data: ModelData, slots: readonly Slot[], argument: string, check: FiniteCheck, method: string): Prepared {
  const owned: tf.Tensor[] = [];
  try {
    // Several slots, or a record by name, need the multi-io feature.
    const multi =
      slots.length > 1 || isRecord(data)
        ? feature('multiIo', `${method}() with ${argument} ${isRecord(data) ? 'as a record by name' : `for ${slots.map((s) => s.name).join(', ')}`}`)
        : undefined;
    let items: TensorLike[];
    if (multi) items = multi.split(data, slots, argument);
    // A list holding one tensor is the list form; any other array is nested numbers.
    else if (Array.isArray(data) && data.length === 1 && data[0] instanceof tf.Tensor) items = [data[0]];
    else if (Array.isArray(data) && data.some((d) => d instanceof tf.Tensor)) {
      // The list form of several inputs (or outputs), not nested numbers: say so.
      const kind = /ys?$|\[1\]$/.test(argument) ? 'output' : /xs?$|\[0\]$/.test(argument) ? 'input' : 'entry';
      throw dataError(
        `${argument} is a list of ${data.length} ${data.every((d) => d instanceof tf.Tensor) ? 'tensors' : 'items'}, but the model has one ${kind}, '${slots[0]!.name}'; received ${describeValue(data)}. Pass one tensor.`,
        { argument, received: data },
      );
    }
    else if (isTensorLike(data)) items = [data];
    else throw invalidArgument(argument, data, 'a tensor or nested arrays', 'INVALID_DATA');
    // How each slot's data is named in errors: `x`, or `x['input_1']` for one of several.
    const wheres = slots.map((slot) => (slots.length === 1 ? argument : `${argument}['${slot.name}']`));
    const tensors = items.map((item, i) => {
      const slot = slots[i]!;
      const where = wheres[i]!;
      const t = toTensor(item, where, 'float32', owned, method);
      if (t.rank === 0 || t.shape[0] === 0) {
        const what = t.rank ? `is empty (shape ${formatShape(t.shape)}); it needs at least one sample` : `is a scalar (${describeValue(item)}), not a batch; for one sample, wrap it in a batch of one ([[...]])`;
        throw dataError(`${where} ${what}.`, { argument: where, received: t.shape });
      }
      if (slot.shape && !shapeFits(t.shape, slot.shape)) {
        throw shapeError(
          `${where} has shape ${formatShape(t.shape)}; '${slot.name}' expects ${formatShape(slot.shape)} (null = any size).`,
          { argument: where, received: t.shape, expected: slot.shape },
        );
      }
      if (t.dtype === 'string') throw dataError(`${where} has dtype string; use numbers.`, { argument: where });
      if (typeof check === 'function') check(t, item, where);
      return t;
    });
    multi?.sameSamples(tensors, slots, argument);
    const host = check === 'host' ? tensors.map((t, i) => toHost(t, wheres[i])) : [];
    return { tensors, owned, host };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/**
 * The number of samples of `x`, checked against every `y` (tensors or host copies); throws naming
 * both sides (and the output, given `outputNames` of a model with several) when they differ.
 */
export function sameLength(
  x: readonly { readonly shape: readonly number[] }[],
  y: readonly { readonly shape: readonly number[] }[],
  what: string,
  argument = 'y',
  outputNames: readonly string[] = [],
): number {
  const n = x[0]!.shape[0]!;
  y.forEach((t, i) => {
    if (t.shape[0] !== n) {
      const which = outputNames.length > 1 ? `['${outputNames[i]}']` : '';
      throw dataError(`${what}: x has ${n} samples but y${which} has ${t.shape[0]}; they must match.`, { argument });
    }
  });
  return n;
}

/** Batches by index. Shuffling permutes indices, never copies of the data. */
export class IndexBatches {
  readonly #order: Int32Array;

  constructor(
    readonly size: number,
    readonly batchSize: number,
  ) {
    this.#order = new Int32Array(size);
    for (let i = 0; i < size; i++) this.#order[i] = i;
  }

  get count(): number {
    return Math.ceil(this.size / this.batchSize);
  }

  shuffle(random: () => number = Math.random): void {
    for (let i = this.size - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = this.#order[i]!;
      this.#order[i] = this.#order[j]!;
      this.#order[j] = t;
    }
  }

  /**
   * The batch's rows of each tensor, cut on the host from `host` copies of the data (in the
   * current order: shuffled or not). On wasm, `tf.slice` reads the whole source tensor back on
   * every call (2.4 ms per batch from 2,048 rows, 5.8 ms from 8,192), and the cpu backend's
   * gather walks every element through index arithmetic; a row copy here costs microseconds.
   */
  take(host: readonly HostData[], batch: number): tf.Tensor[] {
    const start = batch * this.batchSize;
    const end = Math.min(this.size, start + this.batchSize);
    const rows = this.#order.subarray(start, end);
    const inOrder = rows.length === 0 || rows[rows.length - 1]! - rows[0]! === rows.length - 1;
    return host.map(({ values, rowSize, shape, dtype }) => {
      let out: Float32Array | Int32Array;
      if (inOrder && rows.length > 0) {
        out = values.subarray(rows[0]! * rowSize, (rows[0]! + rows.length) * rowSize);
      } else {
        out = values instanceof Int32Array ? new Int32Array(rows.length * rowSize) : new Float32Array(rows.length * rowSize);
        for (let r = 0; r < rows.length; r++) {
          const from = rows[r]! * rowSize;
          out.set(values.subarray(from, from + rowSize), r * rowSize);
        }
      }
      return tf.tensor(out, [rows.length, ...shape.slice(1)], dtype);
    });
  }
}

/** A host copy of a tensor's values, for shuffled batches. */
export interface HostData {
  readonly values: Float32Array | Int32Array;
  readonly rowSize: number;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
}

/**
 * Reads a tensor back once (per fit or evaluate) so batches can be cut on the host. Given the
 * argument's name, it also checks that float32 data is finite, in the same pass.
 */
export function toHost(t: tf.Tensor, argument?: string): HostData {
  const dtype = t.dtype === 'int32' ? 'int32' : 'float32';
  const values = dtype === 'int32' ? (t.dataSync() as Int32Array) : Float32Array.from(t.dataSync() as ArrayLike<number>);
  if (argument !== undefined && dtype === 'float32') {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) {
        throw notFinite(argument);
      }
    }
  }
  return { values, rowSize: t.size / t.shape[0]!, shape: t.shape, dtype };
}

/** The first `count` rows from `start`, sharing the values (for validation splits). */
export function hostRows(h: HostData, start: number, count: number): HostData {
  return { ...h, values: h.values.subarray(start * h.rowSize, (start + count) * h.rowSize), shape: [count, ...h.shape.slice(1)] };
}
