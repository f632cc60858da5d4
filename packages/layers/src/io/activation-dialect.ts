import { isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';
import { HARD_SIGMOID_LEGACY } from '../engine/activations.js';
import { invalidJson, type JsonFormat } from './keras-json.js';

/*
 * `hard_sigmoid` means two things. Keras 3 (and Ridge) define it as `relu6(x + 3) / 6`; Keras 2 and
 * tfjs-layers as `clip(0.2 x + 0.5, 0, 1)`, which Ridge calls `'hard_sigmoid_legacy'`. A file is
 * read in the dialect of the library that wrote it, told from (first that says):
 *
 * 1. `ridge_format`, which Ridge writes beside its topologies: `'ridge'` (Ridge's names) or
 *    `'tfjs-layers'` (tfjs-layers' names, written for tfjs-layers to load);
 * 2. `keras_version`: `2.x` (or `1.x`) is Keras 2, `3.x` is Keras 3;
 * 3. Keras 3's own form: `module` / `registered_name` on the model or a layer, calls as `{ args }`;
 * 4. `generatedBy` (model.json): tfjs-layers' or Keras 2's; a Ridge file without `ridge_format` was
 *    written before the legacy form existed, when Ridge's only `hard_sigmoid` was Keras 3's.
 *
 * What none of these settles (tfjs-layers' `toJSON()` text, whose `keras_version` Ridge's older
 * files also wrote, or a topology with no labels) is read with an assumption, and a warning names
 * it when the model uses `hard_sigmoid`.
 */

/** The key Ridge writes beside a topology's `keras_version`: which format's activation names it uses. */
export const RIDGE_FORMAT_KEY = 'ridge_format';

/** The labels of a model file that tell who wrote it, from whichever container held them. */
export interface FileLabels {
  /** `ridge_format`: `'ridge'` or `'tfjs-layers'`. */
  readonly ridgeFormat?: JsonFormat;
  /** `keras_version`: `'2.13.1'`, `'3.3.3'`, `'tfjs-layers 4.22.0'`. */
  readonly kerasVersion?: string;
  /** model.json's `generatedBy`: `'TensorFlow.js tfjs-layers v4.22.0'`, `'keras v2.13.1'`, `'Ridge ...'`. */
  readonly generatedBy?: string;
}

export interface ActivationDialect {
  /** Whether `'hard_sigmoid'` in the file is tfjs-layers' and Keras 2's `clip(0.2 x + 0.5, 0, 1)`. */
  readonly legacy: boolean;
  /** Who wrote the file, as far as the labels tell: for the warning when they do not. */
  readonly origin: string;
  /** Whether the labels settle it. */
  readonly certain: boolean;
}

/** Reads the labels of one container level into `found` (the outer level wins). */
export function readLabels(level: JsonObject, found: FileLabels): FileLabels {
  const labels: { -readonly [K in keyof FileLabels]: FileLabels[K] } = { ...found };
  const format = level[RIDGE_FORMAT_KEY];
  if (format !== undefined && labels.ridgeFormat === undefined) {
    if (format !== 'ridge' && format !== 'tfjs-layers') throw invalidJson(RIDGE_FORMAT_KEY, format, "'ridge' or 'tfjs-layers'");
    labels.ridgeFormat = format;
  }
  const version = level['keras_version'];
  if (typeof version === 'string' && labels.kerasVersion === undefined) labels.kerasVersion = version;
  const generatedBy = level['generatedBy'];
  if (typeof generatedBy === 'string' && labels.generatedBy === undefined) labels.generatedBy = generatedBy;
  return labels;
}

/** Keras 3 writes `module` and `registered_name` on serialized objects, and calls as `{ args, kwargs }`. */
function looksKeras3(topology: JsonObject): boolean {
  if (topology['module'] !== undefined || topology['registered_name'] !== undefined) return true;
  const config = topology['config'];
  const layers = isJsonObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(layers)) return false;
  return layers.some(
    (l) =>
      isJsonObject(l) &&
      (l['module'] !== undefined ||
        l['registered_name'] !== undefined ||
        (Array.isArray(l['inbound_nodes']) && l['inbound_nodes'].some((n) => isJsonObject(n) && n['args'] !== undefined))),
  );
}

/** Which `hard_sigmoid` a file means; see the rules above. */
export function activationDialect(topology: JsonObject, labels: FileLabels): ActivationDialect {
  if (labels.ridgeFormat === 'ridge') return { legacy: false, origin: "Ridge (format 'ridge')", certain: true };
  if (labels.ridgeFormat === 'tfjs-layers') return { legacy: true, origin: "Ridge (format 'tfjs-layers')", certain: true };
  const version = labels.kerasVersion;
  if (version !== undefined && /^[12]\./.test(version)) return { legacy: true, origin: `Keras ${version}`, certain: true };
  if ((version !== undefined && /^3\./.test(version)) || looksKeras3(topology)) return { legacy: false, origin: 'Keras 3', certain: true };
  const by = labels.generatedBy;
  if (by !== undefined) {
    if (by.startsWith('Ridge ')) return { legacy: false, origin: `${by}, before 'hard_sigmoid_legacy'`, certain: true };
    if (by.startsWith('TensorFlow.js tfjs-layers') || /^keras v[12]\./.test(by)) return { legacy: true, origin: by, certain: true };
    if (/^keras v3\./.test(by)) return { legacy: false, origin: by, certain: true };
  }
  if (version !== undefined && version.startsWith('tfjs-layers')) {
    return { legacy: true, origin: `keras_version '${version}' (tfjs-layers, or Ridge before it wrote ${RIDGE_FORMAT_KEY})`, certain: false };
  }
  return { legacy: false, origin: 'no keras_version, generatedBy or ridge_format', certain: false };
}

const isActivationKey = (key: string): boolean => /[aA]ctivation$/.test(key);
const isHardSigmoid = (value: JsonValue | undefined): boolean => value === 'hard_sigmoid' || value === 'hardSigmoid';

/** The name of the layer a config belongs to, for messages. */
function nameIn(value: JsonObject, fallback: string): string {
  const config = value['config'];
  if (isJsonObject(config) && typeof config['name'] === 'string') return config['name'];
  return typeof value['name'] === 'string' ? value['name'] : fallback;
}

/**
 * A copy of `value` in which every activation named `'hard_sigmoid'` (an `activation`,
 * `recurrent_activation` or `recurrentActivation`, at any depth: layers, cells, nested models) is
 * `replacement`, or `value` itself when there is none; `layers` collects the names of the layers
 * that had one. With no replacement it only collects.
 */
export function mapHardSigmoid(value: JsonValue, replacement: string | undefined, layers: Set<string>, layer = ''): JsonValue {
  if (Array.isArray(value)) {
    const mapped = value.map((v) => mapHardSigmoid(v, replacement, layers, layer));
    return mapped.some((v, i) => v !== value[i]) ? mapped : value;
  }
  if (!isJsonObject(value)) return value;
  const here = nameIn(value, layer);
  let out: JsonObject | undefined;
  for (const [key, v] of Object.entries(value)) {
    let mapped: JsonValue;
    if (isActivationKey(key) && isHardSigmoid(v)) {
      layers.add(here);
      mapped = replacement ?? v;
    } else mapped = mapHardSigmoid(v, replacement, layers, here);
    if (mapped !== v) (out ??= { ...value })[key] = mapped;
  }
  return out ?? value;
}

/**
 * The topology in Ridge's names: in a legacy file, `'hard_sigmoid'` becomes
 * `'hard_sigmoid_legacy'`. Returns the layers that use `hard_sigmoid` either way.
 */
export function toRidgeActivations(topology: JsonObject, dialect: ActivationDialect): { topology: JsonObject; layers: string[] } {
  const layers = new Set<string>();
  const mapped = mapHardSigmoid(topology, dialect.legacy ? HARD_SIGMOID_LEGACY : undefined, layers) as JsonObject;
  return { topology: mapped, layers: [...layers] };
}

/** The warning for a file whose `hard_sigmoid` could be either. */
export function uncertainHardSigmoidMessage(modelName: string, layers: readonly string[], dialect: ActivationDialect): string {
  const assumed = dialect.legacy
    ? "tfjs-layers' and Keras 2's clip(0.2 x + 0.5, 0, 1) (Ridge's 'hard_sigmoid_legacy')"
    : "Keras 3's relu6(x + 3) / 6 (Ridge's 'hard_sigmoid')";
  const other = dialect.legacy ? "'ridge' (Keras 3's form)" : "'tfjs-layers' (the clip form)";
  return (
    `Model '${modelName}' uses 'hard_sigmoid' (${layers.map((l) => `'${l}'`).join(', ')}), which tfjs-layers and Keras 2 define as ` +
    `clip(0.2 x + 0.5, 0, 1) and Keras 3 and Ridge as relu6(x + 3) / 6, and the file does not say which library wrote it ` +
    `(${dialect.origin}). Ridge assumed ${assumed}. If the file meant the other, set "${RIDGE_FORMAT_KEY}": ${other} ` +
    `beside its keras_version.`
  );
}

/**
 * Layers whose config (at any depth) uses Ridge's Keras 3 `'hard_sigmoid'`; the `'tfjs-layers'`
 * format writes it under the same name, which tfjs-layers reads as its clip form.
 */
export function keras3HardSigmoidIn(config: JsonObject, layer: string): string[] {
  const layers = new Set<string>();
  mapHardSigmoid({ name: layer, config }, undefined, layers, layer);
  return [...layers];
}
