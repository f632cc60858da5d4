import { isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';

/**
 * The layer classes tfjs-layers 4.22 registers, and so can load (models and cells included):
 * tests/interop/tfjs-layers-classes.test.ts reads tfjs-layers' own registry and holds this list to
 * it. A Ridge layer of any other class (Lambda, SpatialDropout2D, Normalization, a plugin's) is
 * written in the `'tfjs-layers'` format as Keras writes it, with a warning.
 */
export const TFJS_LAYERS_CLASSES: readonly string[] = [
  'Activation', 'Add', 'AlphaDropout', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'BatchNormalization', 'Bidirectional', 'CategoryEncoding', 'CenterCrop', 'Concatenate', 'Conv1D', 'Conv2D',
  'Conv2DTranspose', 'Conv3D', 'Conv3DTranspose', 'ConvLSTM2D', 'ConvLSTM2DCell', 'Cropping2D', 'Dense',
  'DepthwiseConv2D', 'Dot', 'Dropout', 'ELU', 'Embedding', 'Flatten', 'Functional', 'GRU', 'GRUCell',
  'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D',
  'GlobalMaxPooling2D', 'InputLayer', 'LSTM', 'LSTMCell', 'LayerNormalization', 'LeakyReLU', 'Masking',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU', 'Permute',
  'RNN', 'RandomWidth', 'ReLU', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing', 'SeparableConv2D', 'Sequential',
  'SimpleRNN', 'SimpleRNNCell', 'Softmax', 'SpatialDropout1D', 'StackedRNNCells', 'ThresholdedReLU',
  'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
];

/**
 * Layer config keys that tfjs-layers 4.22 spells otherwise, by class: Ridge's (Keras 3's) key ->
 * tfjs-layers'. Ridge reads both spellings; the `'tfjs-layers'` format writes tfjs-layers'.
 */
const TFJS_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  LeakyReLU: { negativeSlope: 'alpha' },
};

/**
 * Config values that tfjs-layers 4.22 spells otherwise for the same meaning, by class and key:
 * Ridge's (Keras 3's) value -> tfjs-layers'. The `'tfjs-layers'` format writes tfjs-layers'
 * spelling, and reading takes both.
 */
const TFJS_VALUES: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>> = {
  CategoryEncoding: { outputMode: { one_hot: 'oneHot', multi_hot: 'multiHot' } },
};

const NO_KEEPDIMS = { keepdims: false };

/**
 * Settings tfjs-layers 4.22 has no argument for, by class, with the value at which leaving them
 * out changes nothing: it ignores the keys, so a file with other values loads there and computes
 * something else (or, for grouped convolutions, fails on the kernel's shape).
 */
const TFJS_IGNORES: Readonly<Record<string, Readonly<Record<string, JsonValue>>>> = {
  ReLU: { negativeSlope: 0, threshold: 0 },
  Conv1D: { groups: 1 },
  Conv2D: { groups: 1 },
  Conv3D: { groups: 1 },
  Conv2DTranspose: { outputPadding: null, dilationRate: [1, 1] },
  GlobalAveragePooling1D: NO_KEEPDIMS,
  GlobalAveragePooling2D: NO_KEEPDIMS,
  GlobalMaxPooling1D: NO_KEEPDIMS,
  GlobalMaxPooling2D: NO_KEEPDIMS,
};

/**
 * Layers tfjs-layers 4.22 has but computes otherwise than Keras 3 (and Ridge), or cannot load,
 * with some config: why, for a warning, or `undefined` when the config is one it reads the same.
 */
const TFJS_DIFFERS: Readonly<Record<string, (config: JsonObject) => string | undefined>> = {
  ELU: (c) => (c['alpha'] !== undefined && c['alpha'] !== 1 ? `alpha ${JSON.stringify(c['alpha'])}: tfjs-layers' ELU takes only alpha 1 and refuses the file` : undefined),
  UpSampling2D: (c) =>
    c['interpolation'] === 'bilinear'
      ? "interpolation 'bilinear', which tfjs-layers computes with its own sampling (Keras's uses half-pixel centers), so it loads and predicts otherwise"
      : undefined,
  Resizing: () => "tfjs-layers' Resizing aligns corners (Keras's uses half-pixel centers) and does not crop to the aspect ratio, so it loads and predicts otherwise",
  CenterCrop: () => "tfjs-layers' CenterCrop resizes crops with cropAndResize where Keras's cuts the centre out, so it loads and predicts otherwise",
  GRU: (c) => (c['resetAfter'] === true ? "resetAfter true (Keras 3's default), which tfjs-layers' GRU does not have: it refuses the file" : undefined),
};

/** A layer's config (camelCase) with tfjs-layers' spelling of its keys and values. */
export function tfjsLayerConfig(className: string, config: JsonObject): JsonObject {
  const keys = TFJS_KEYS[className];
  const values = TFJS_VALUES[className];
  if (!keys && !values) return config;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [keys?.[k] ?? k, (typeof v === 'string' && values?.[k]?.[v]) || v]));
}

/** A config in tfjs-layers' value spelling read back in Ridge's (`'multiHot'` -> `'multi_hot'`); keys are read by the layers. */
export function ridgeLayerConfig(className: string, config: JsonObject): JsonObject {
  const values = TFJS_VALUES[className];
  if (!values) return config;
  const read = (key: string, value: JsonValue): JsonValue =>
    typeof value === 'string' ? (Object.entries(values[key] ?? {}).find(([, tfjs]) => tfjs === value)?.[0] ?? value) : value;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, read(k, v)]));
}

/** What tfjs-layers would ignore in this layer's config (`'negativeSlope 0.1'`), for a warning. */
export function tfjsIgnored(className: string, config: JsonObject): string[] {
  const inert = TFJS_IGNORES[className];
  if (!inert) return [];
  return Object.entries(inert)
    .filter(([key, value]) => config[key] !== undefined && JSON.stringify(config[key]) !== JSON.stringify(value))
    .map(([key]) => `${key} ${JSON.stringify(config[key])}`);
}

/**
 * The layers a wrapper holds in its config (`layer`, and `backwardLayer` when it is of another
 * class: Bidirectional's two copies are one layer to the user), as `[className, config]`.
 */
function innerLayers(config: JsonObject): [string, JsonObject][] {
  const found: [string, JsonObject][] = [];
  for (const key of ['layer', 'backwardLayer']) {
    const inner = config[key];
    if (!isJsonObject(inner) || typeof inner['className'] !== 'string' || found.some(([cls]) => cls === inner['className'])) continue;
    found.push([inner['className'], isJsonObject(inner['config']) ? inner['config'] : {}]);
  }
  return found;
}

/**
 * How tfjs-layers 4.22 would take this layer (`name` of class `className`) and the layers it wraps:
 * `missing` names each one whose class it does not have (`Lambda 'fn'`), `differs` each one it
 * reads otherwise, with why.
 */
export function tfjsSupport(className: string, name: string, config: JsonObject): { missing: string[]; differs: string[] } {
  const missing: string[] = [];
  const differs: string[] = [];
  const visit = (cls: string, layerName: string, c: JsonObject, within = ''): void => {
    const who = `${cls} '${layerName}'${within}`;
    if (!TFJS_LAYERS_CLASSES.includes(cls)) missing.push(who);
    const why = TFJS_DIFFERS[cls]?.(c);
    if (why !== undefined) differs.push(`${who}: ${why}`);
    for (const [innerClass, innerConfig] of innerLayers(c)) {
      visit(innerClass, typeof innerConfig['name'] === 'string' ? innerConfig['name'] : innerClass, innerConfig, ` (in ${cls} '${layerName}')`);
    }
  };
  visit(className, name, config);
  return { missing, differs };
}
