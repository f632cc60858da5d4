import { RidgeError, describeValue, isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';
import { HARD_SIGMOID_LEGACY } from '../engine/activations.js';
import { ridgeLayerConfig, tfjsLayerConfig } from './tfjs-layer-config.js';

/**
 * What tfjs-layers 4.22 writes beside a topology. Its loader and Keras read the topology by
 * `class_name` and `config` only, so these two are labels; they are written as tfjs-layers writes
 * them so that a Ridge file and a tfjs-layers file differ only where the models do.
 */
export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const KERAS_BACKEND = 'tensor_flow.js';

/**
 * `'ridge'` keeps every class as Ridge names it (`L2` stays `L2`). `'tfjs-layers'` writes what
 * tfjs-layers itself writes where Ridge has a different spelling of the same thing: `L1` and `L2`
 * become `L1L2`, initializer presets become `VarianceScaling`, and `'hard_sigmoid_legacy'` becomes
 * the `'hard_sigmoid'` it is in tfjs-layers. What tfjs-layers has no class for
 * (OrthogonalRegularizer, plugins) keeps its name in both formats.
 */
export type JsonFormat = 'ridge' | 'tfjs-layers';

/** What a nested `{ class_name, config }` is, read from the key that holds it. */
export type PartKind = 'regularizer' | 'initializer' | 'constraint' | 'other';

/** `kernel_initializer` -> `kernelInitializer`, `beta_1` -> `beta1` (as tfjs-layers and @ridge/core do). */
export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * `kernelInitializer` -> `kernel_initializer`, with tfjs-layers' rule. A key that would not come
 * back unchanged through `camelKey` is written as it is, so Ridge's own round trip is exact for
 * every key a plugin may use.
 */
export function snakeKey(key: string): string {
  const snake = key
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return camelKey(snake) === key ? snake : key;
}

export function partKind(key: string | undefined): PartKind {
  if (key === undefined) return 'other';
  const k = camelKey(key);
  if (/[rR]egularizer$/.test(k)) return 'regularizer';
  if (/[iI]nitializer$/.test(k)) return 'initializer';
  if (/[cC]onstraint$/.test(k)) return 'constraint';
  return 'other';
}

/** A serialized object in any dialect: `{ className | class_name, config?, module?, registered_name? }`. */
export function isSerialized(value: unknown): value is JsonObject {
  if (!isJsonObject(value)) return false;
  const name = value['className'] ?? value['class_name'];
  return typeof name === 'string' && (value['config'] === undefined || isJsonObject(value['config']));
}

/**
 * The class name of a serialized object: a Keras 3 custom object carries its `'package>Name'` in
 * `registered_name`, as @ridge/core reads it.
 */
export function classNameOf(value: JsonObject): string {
  const registered = value['registered_name'];
  if (typeof registered === 'string' && registered.includes('>')) return registered;
  return (value['className'] ?? value['class_name']) as string;
}

/** The name of a function saved by name (a Lambda's): Keras 3's `{ class_name: 'function', config: name }`, Keras 2's bare name. */
export function savedFunctionName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isJsonObject(value)) return undefined;
  const className = value['className'] ?? value['class_name'];
  return className === 'function' && typeof value['config'] === 'string' ? value['config'] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** tfjs-layers writes Glorot, He and LeCun as VarianceScaling; these are their parameters. */
const PRESETS: Readonly<Record<string, { scale: number; mode: string; distribution: string }>> = {
  GlorotUniform: { scale: 1, mode: 'fan_avg', distribution: 'uniform' },
  GlorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  HeUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  HeNormal: { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' },
  LecunUniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
  LecunNormal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
};

/**
 * tfjs-layers' VarianceScaling knows `'normal'` (a truncated normal) and `'uniform'`. Ridge's
 * normal distributions both become `'normal'`: the initializer only matters before weights are
 * loaded, and tfjs-layers has nothing closer.
 */
function tfjsDistribution(distribution: JsonValue | undefined): JsonValue {
  return distribution === 'uniform' ? 'uniform' : 'normal';
}

/** Ridge's spelling of a part -> the spelling tfjs-layers writes for the same thing. */
function toTfjsPart(kind: PartKind, className: string, config: JsonObject): [string, JsonObject] {
  if (kind === 'regularizer') {
    if (className === 'L1') return ['L1L2', { l1: config['l1'] ?? 0.01, l2: 0 }];
    if (className === 'L2') return ['L1L2', { l1: 0, l2: config['l2'] ?? 0.01 }];
  }
  if (kind === 'initializer') {
    const preset = PRESETS[className];
    if (preset) {
      return ['VarianceScaling', { scale: preset.scale, mode: preset.mode, distribution: tfjsDistribution(preset.distribution), seed: config['seed'] ?? null }];
    }
    if (className === 'VarianceScaling') return ['VarianceScaling', { ...config, distribution: tfjsDistribution(config['distribution']) }];
  }
  // A layer inside another's config (a wrapper's `layer`): its keys as tfjs-layers spells them.
  if (kind === 'other') return [className, tfjsLayerConfig(className, config)];
  return [className, config];
}

function writeSerialized(kind: PartKind, value: JsonObject, format: JsonFormat): JsonObject {
  let className = classNameOf(value);
  let config = isJsonObject(value['config']) ? value['config'] : {};
  if (format === 'tfjs-layers') [className, config] = toTfjsPart(kind, className, config);
  return { class_name: className, config: writeObject(config, format) };
}

/**
 * Keys whose values are the user's own data, written and read as they are (no key case change,
 * no `null` dropped, no nested part read): a Lambda's `arguments`, which its function receives.
 */
const VERBATIM = new Set(['arguments']);

function writeValue(key: string | undefined, value: JsonValue, format: JsonFormat): JsonValue {
  if (key !== undefined && VERBATIM.has(key)) return value;
  if (format === 'tfjs-layers' && value === HARD_SIGMOID_LEGACY && key !== undefined && /[aA]ctivation$/.test(key)) return 'hard_sigmoid';
  if (Array.isArray(value)) return value.map((v) => writeValue(undefined, v, format));
  if (isSerialized(value)) return writeSerialized(partKind(key), value, format);
  if (isJsonObject(value)) return writeObject(value, format);
  return value;
}

/**
 * A Ridge config (camelCase keys, nested `{ className, config }`) in Keras's form: snake_case keys
 * at every level, nested parts as `{ class_name, config }`.
 */
export function writeObject(config: JsonObject, format: JsonFormat): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) out[snakeKey(key)] = writeValue(key, value, format);
  return out;
}

/** One part (a regularizer, optimizer, loss) as `{ class_name, config }`. */
export function writePart(kind: PartKind, part: { className: string; getConfig(): JsonObject }, format: JsonFormat): JsonObject {
  return writeSerialized(kind, { className: part.className, config: part.getConfig() }, format);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** tfjs-layers' and Keras 2's spellings of initializer classes that Ridge names otherwise. */
const INITIALIZER_NAMES: Readonly<Record<string, string>> = { LeCunNormal: 'LecunNormal', LeCunUniform: 'LecunUniform' };

/**
 * Reads a nested part in Ridge's form. Keras 2's and tfjs-layers' VarianceScaling `'normal'` is a
 * truncated normal, which Ridge calls `'truncated_normal'`.
 */
function readSerialized(kind: PartKind, value: JsonObject): JsonObject {
  let className = classNameOf(value);
  const config = isJsonObject(value['config']) ? readObject(value['config']) : {};
  if (kind === 'initializer') {
    className = INITIALIZER_NAMES[className] ?? className;
    if (className === 'VarianceScaling' && config['distribution'] === 'normal') config['distribution'] = 'truncated_normal';
  }
  // A layer inside another's config (a wrapper's `layer`): its values as Ridge spells them.
  if (kind === 'other') return { className, config: ridgeLayerConfig(className, config) };
  return { className, config };
}

/** Keras 3 writes a layer's dtype as a DTypePolicy object; Ridge layers compute in float32. */
function readDtype(value: JsonValue): JsonValue {
  if (!isJsonObject(value)) return value;
  const config = value['config'];
  return isJsonObject(config) && typeof config['name'] === 'string' ? config['name'] : 'float32';
}

function readValue(key: string | undefined, value: JsonValue): JsonValue {
  if (key !== undefined && VERBATIM.has(key)) return value;
  if (key === 'dtype') return readDtype(value);
  if (Array.isArray(value)) return value.map((v) => readValue(undefined, v));
  if (isSerialized(value)) return readSerialized(partKind(key), value);
  if (isJsonObject(value)) return readObject(value);
  return value;
}

/**
 * A Keras, tfjs-layers or Ridge config in Ridge's form: camelCase keys at every level, nested
 * parts as `{ className, config }`. Keras writes `null` for an option left at its default; such
 * keys are dropped so Ridge applies its default, except activations, where `null` means linear,
 * and Bidirectional's `merge_mode`, where it means no merge.
 */
export function readObject(config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const k = camelKey(key);
    if (value === null && !/[aA]ctivation$/.test(k) && k !== 'mergeMode') continue;
    out[k] = readValue(k, value);
  }
  return out;
}

/** The INVALID_JSON error for a malformed model file: says where, what was found and what was expected. */
export function invalidJson(where: string, received: unknown, expected: string): RidgeError {
  return new RidgeError('INVALID_JSON', `${where} must be ${expected}; received ${describeValue(received)}.`, { where, received });
}

/** A required list field. */
export function listAt(parent: JsonObject, key: string, where: string): JsonValue[] {
  const value = parent[key];
  if (!Array.isArray(value)) throw invalidJson(`${where}.${key}`, value, 'a list');
  return value;
}
