import type { Configurable, JsonObject, JsonValue } from '@ridge/core';
import { InputLayer } from '../layers/input-layer.js';
import { installLayerConfigs, type Layer, type WeightParts } from './layer.js';
import type { LayerWeight } from './weight.js';

/** `{ className, config }` for each present part, `null` for absent ones (as Keras writes). */
export function serializeParts(parts: Record<string, Configurable | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, part] of Object.entries(parts)) {
    out[key] = part === undefined ? null : ({ className: part.className, config: part.getConfig() } as JsonValue);
  }
  return out;
}

/** The keys every layer's config has; an input layer's whole config (as tfjs-layers writes it). */
function baseConfig(layer: Layer): JsonObject {
  if (layer instanceof InputLayer) return { name: layer.name, batchInputShape: [...layer.batchInputShape!], dtype: layer.inputDtype, sparse: false };
  const config: JsonObject = { name: layer.name, trainable: layer.trainable, dtype: layer.dtype };
  if (layer.batchInputShape) config['batchInputShape'] = [...layer.batchInputShape];
  const activity = layer.activityRegularizer;
  if (activity) config['activityRegularizer'] = { className: activity.className, config: activity.getConfig() };
  return config;
}

/**
 * The config entries of weights' parts, as Keras orders them (initializers, regularizers,
 * constraints). A weight that exists holds its current regularizer and constraint (they can be
 * set after construction); for one that does not (not built yet, or left out, as the bias with
 * `useBias: false`), the constructor's are reported, as Keras does and as BatchNormalization and
 * LayerNormalization do for `center`/`scale: false`.
 */
function weightPartsConfig(parts: Record<string, WeightParts>, weights: Record<string, LayerWeight | undefined>): JsonObject {
  const keys = Object.keys(parts);
  const entries: Record<string, Configurable | undefined> = {};
  for (const k of keys) entries[`${k}Initializer`] = parts[k]!.initializer;
  for (const k of keys) entries[`${k}Regularizer`] = (weights[k] ?? parts[k]!).regularizer;
  for (const k of keys) entries[`${k}Constraint`] = (weights[k] ?? parts[k]!).constraint;
  return serializeParts(entries);
}

/** Installs `layer.getConfig()`; imported by `@ridge/layers/io`. */
export function installConfigs(): void {
  installLayerConfigs({ base: baseConfig, weightParts: weightPartsConfig });
}
