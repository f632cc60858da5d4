import { RidgeError, describeValue, isJsonObject } from '@ridge/core';
import { who } from '../engine/errors.js';
import { tf } from '../engine/tfjs.js';
import type { LayerWeight } from '../engine/weight.js';
import type { Model } from '../model/model.js';

/** Weight specs and their concatenated little-endian values, as tfjs writes them. */
export interface EncodedWeights {
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
}

/** An optimizer that can hand over and take back its state (every @ridge/optimizers optimizer). */
interface StatefulOptimizer {
  getWeights(): { name: string; tensor: tf.Tensor }[];
  setWeights(weights: readonly { name: string; tensor: tf.Tensor }[]): void;
}

function isStateful(optimizer: unknown): optimizer is StatefulOptimizer {
  return typeof (optimizer as StatefulOptimizer | undefined)?.getWeights === 'function' && typeof (optimizer as StatefulOptimizer).setWeights === 'function';
}

/**
 * Throws, with the model's own message, if `model` was disposed: through the hook that the batch
 * methods use too, as methods added by a feature cannot reach the model's private check.
 */
export function refuseDisposed(model: Model, call: string): void {
  (model as unknown as { batchInternals(call: string): unknown }).batchInternals(call);
}

/**
 * Refuses a model that is not built yet, as Keras 3's `save_weights` and `load_weights` do (its
 * saving_lib raises for `not model.built`): a sequential model without an input shape has no
 * weights, so a save would write an empty file and a load would have nothing to load into.
 * `outcome` ends the first sentence (`'to save; nothing was written'`).
 */
export function refuseUnbuilt(model: Model, call: string, outcome: string): void {
  if (model.built) return;
  throw new RidgeError(
    'NOT_COMPILED',
    `${call}: ${who(model)} is not built yet, so it has no weights ${outcome}. A sequential model creates its weights when it ` +
      `learns its input shape: give its first layer an inputShape (or start it with input({ shape })), or call fit or predict on data once, then call ${call} again.`,
    { model: model.name },
  );
}

/** Bytes per value of each dtype a weights file may hold (quantized values use their storage dtype). */
const BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Every weight by its path. Two weights with one path could not be told apart in a file. */
function weightsByPath(model: Model): Map<string, LayerWeight> {
  const byPath = new Map<string, LayerWeight>();
  for (const w of model.weights) {
    if (byPath.has(w.path)) {
      throw new RidgeError(
        'INVALID_WEIGHTS',
        `Model '${model.name}' has two weights named '${w.path}'; weights are saved and loaded by name. Give the layers distinct names.`,
        { path: w.path },
      );
    }
    byPath.set(w.path, w);
  }
  return byPath;
}

/**
 * The model's weights (and, with `includeOptimizer`, the optimizer's state in the `'optimizer'`
 * group, as tfjs-layers saves it), named by weight path: `dense_1/kernel`.
 */
export async function encodeModelWeights(model: Model, includeOptimizer: boolean): Promise<EncodedWeights> {
  const named = [...weightsByPath(model).values()].map((w) => ({ name: w.path, tensor: w.variable as tf.Tensor }));
  const { data, specs } = await tf.io.encodeWeights(named);
  const optimizer = model.optimizer;
  if (!includeOptimizer || !isStateful(optimizer)) return { weightSpecs: specs, weightData: data };
  const state = optimizer.getWeights();
  try {
    const encoded = await tf.io.encodeWeights(state, 'optimizer');
    return { weightSpecs: [...specs, ...encoded.specs], weightData: tf.io.concatenateArrayBuffers([data, encoded.data]) };
  } finally {
    tf.dispose(state.map((s) => s.tensor));
  }
}

function invalid(message: string, details: Record<string, unknown>): RidgeError {
  return new RidgeError('INVALID_WEIGHTS', message, details);
}

function checkSpec(spec: unknown, i: number): tf.io.WeightsManifestEntry {
  const where = `weightSpecs[${i}]`;
  if (!isJsonObject(spec) || typeof spec['name'] !== 'string') throw invalid(`${where} must be { name, shape, dtype }; received ${describeValue(spec)}.`, { where });
  const { name, shape, dtype } = spec;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw invalid(`${where} ('${name}') has shape ${describeValue(shape)}; expected a list of integers >= 0.`, { where, name });
  }
  const quantization = spec['quantization'];
  if (quantization !== undefined) {
    const q = isJsonObject(quantization) ? quantization : {};
    const scaled = q['dtype'] === 'uint8' || q['dtype'] === 'uint16';
    if (!(scaled || q['dtype'] === 'float16') || (scaled && !(typeof q['scale'] === 'number' && typeof q['min'] === 'number'))) {
      throw invalid(
        `${where} ('${name}') has quantization ${describeValue(quantization)}; expected { dtype: 'uint8' | 'uint16', scale, min } ` +
          `or { dtype: 'float16' }, or no quantization.`,
        { where, name },
      );
    }
  }
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw invalid(
      `'${name}' is stored as ${describeValue(dtype)}, which a layers model cannot hold; weights are float32, int32 or bool ` +
        `(optionally quantized to uint8, uint16 or float16).`,
      { where, name, dtype },
    );
  }
  // A clean copy: tfjs-core's decoder reads any `quantization` key, even one holding undefined.
  const clean: tf.io.WeightsManifestEntry = { name, shape: shape as number[], dtype };
  if (quantization !== undefined) clean.quantization = quantization as tf.io.WeightsManifestEntry['quantization'];
  if (spec['group'] === 'optimizer') clean.group = 'optimizer';
  return clean;
}

function byteLength(spec: tf.io.WeightsManifestEntry): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  return spec.shape.reduce((a, d) => a * d, 1) * BYTES[stored]!;
}

/**
 * Checks specs and data against each other before anything is decoded: each spec's dtype, that no
 * name appears twice, and that the data holds exactly the bytes the specs describe, naming the
 * first weight that does not fit.
 */
export function checkWeightData(specs: unknown, data: tf.io.WeightData | undefined): { specs: tf.io.WeightsManifestEntry[]; buffer: ArrayBuffer } {
  if (!Array.isArray(specs)) throw invalid(`The weight specs must be a list of { name, shape, dtype }; received ${describeValue(specs)}.`, {});
  const checked = specs.map(checkSpec);
  const twice = checked.find((s, i) => checked.findIndex((o) => o.name === s.name) !== i);
  if (twice) throw invalid(`The weight specs name '${twice.name}' twice; each weight is stored once, by name.`, { name: twice.name });
  const buffer = data === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(data);
  let offset = 0;
  for (const spec of checked) {
    const bytes = byteLength(spec);
    if (offset + bytes > buffer.byteLength) {
      throw invalid(
        `The weight data has ${buffer.byteLength} bytes, but '${spec.name}' (shape [${spec.shape.join(', ')}], ${spec.dtype}) needs bytes ` +
          `${offset} to ${offset + bytes}: the specs describe ${checked.reduce((a, s) => a + byteLength(s), 0)} bytes. ` +
          `The weights file is truncated or belongs to another model.`,
        { name: spec.name, bytes: buffer.byteLength, expected: checked.reduce((a, s) => a + byteLength(s), 0) },
      );
    }
    offset += bytes;
  }
  if (offset !== buffer.byteLength) {
    throw invalid(
      `The weight data has ${buffer.byteLength} bytes, but the specs describe ${offset} bytes` +
        `${checked.length > 0 ? ` (the last weight is '${checked[checked.length - 1]!.name}')` : ''}. The weights file belongs to another model or is corrupt.`,
      { bytes: buffer.byteLength, expected: offset },
    );
  }
  return { specs: checked, buffer };
}

/**
 * Sets the model's weights from decoded values, by name. Every weight must be there with its
 * shape and dtype, and every value must belong to a weight; all of it is checked before any weight
 * changes. Values of the `'optimizer'` group are returned for the optimizer.
 */
export function assignModelWeights(model: Model, specs: readonly tf.io.WeightsManifestEntry[], values: tf.NamedTensorMap): tf.NamedTensorMap {
  const byPath = weightsByPath(model);
  const optimizerState: tf.NamedTensorMap = {};
  const modelSpecs = specs.filter((s) => {
    if (s.group === 'optimizer') optimizerState[s.name] = values[s.name]!;
    return s.group !== 'optimizer';
  });
  const stored = new Map(modelSpecs.map((s) => [s.name, s]));
  const missing = [...byPath.keys()].filter((p) => !stored.has(p));
  if (missing.length > 0) {
    const w = byPath.get(missing[0]!)!;
    throw invalid(
      `The weights have no value for ${missing.map((p) => `'${p}'`).join(', ')} (the first has shape [${w.shape.join(', ')}], ` +
        `${w.variable.dtype}). The file has: ${[...stored.keys()].join(', ') || 'nothing'}.`,
      { missing, stored: [...stored.keys()] },
    );
  }
  const extra = [...stored.keys()].filter((n) => !byPath.has(n));
  if (extra.length > 0) {
    throw invalid(
      `The weights have values for ${extra.map((n) => `'${n}'`).join(', ')}, which model '${model.name}' does not have ` +
        `(its weights: ${[...byPath.keys()].join(', ')}). The file belongs to another model.`,
      { extra },
    );
  }
  for (const [path, w] of byPath) {
    const spec = stored.get(path)!;
    if (!tf.util.arraysEqual(spec.shape, w.shape)) {
      throw invalid(`'${path}' is stored with shape [${spec.shape.join(', ')}], but the weight has shape [${w.shape.join(', ')}].`, {
        name: path,
        shape: spec.shape,
        expected: w.shape,
      });
    }
    if (spec.dtype !== w.variable.dtype) {
      throw invalid(`'${path}' is stored as ${spec.dtype}, but the weight is ${w.variable.dtype}.`, { name: path, dtype: spec.dtype, expected: w.variable.dtype });
    }
  }
  for (const [path, w] of byPath) w.assign(values[path]!);
  return optimizerState;
}

/**
 * Checks each slot (`<weight path>/<slot>`) against the model's weight of that path. The optimizer
 * cannot: it meets the weights only at the first step, where a bad slot would fail every `fit`.
 */
function checkSlotShapes(model: Model, entries: readonly [string, tf.Tensor][]): void {
  const byPath = weightsByPath(model);
  for (const [name, tensor] of entries) {
    if (name === 'iterations') continue;
    const path = name.slice(0, name.lastIndexOf('/'));
    const w = byPath.get(path);
    if (w === undefined) {
      throw invalid(`it has a slot '${name}', but model '${model.name}' has no weight '${path}' (its weights: ${[...byPath.keys()].join(', ')}).`, {
        name,
      });
    }
    if (!tf.util.arraysEqual(tensor.shape, w.shape)) {
      throw invalid(`the slot '${name}' has shape [${tensor.shape.join(', ')}], but the weight '${path}' has shape [${w.shape.join(', ')}].`, {
        name,
        shape: tensor.shape,
        expected: w.shape,
      });
    }
  }
}

/**
 * Restores optimizer state saved with `includeOptimizer`. State that does not fit (a slot whose
 * shape or weight the model does not have, a bad `iterations`, or state from another library:
 * tfjs-layers names its slots otherwise) is left out whole; the model is fine without it, so this
 * only reports why, and the optimizer starts fresh.
 */
export function restoreOptimizerState(model: Model, state: tf.NamedTensorMap): string | undefined {
  const entries = Object.entries(state);
  if (entries.length === 0) return undefined;
  const optimizer = model.optimizer;
  if (!isStateful(optimizer)) return `the file holds optimizer state, but the model ${optimizer ? "has an optimizer that cannot take it" : 'is not compiled'}; it starts from a fresh optimizer state.`;
  try {
    checkSlotShapes(model, entries);
    optimizer.setWeights(entries.map(([name, tensor]) => ({ name, tensor })));
    return undefined;
  } catch (error) {
    if (!RidgeError.is(error)) throw error;
    return `the optimizer state in the file could not be restored (${error.message}); training continues from a fresh optimizer state.`;
  }
}
