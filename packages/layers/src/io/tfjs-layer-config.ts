import type { JsonObject } from '@ridge/core';

/**
 * Layer config keys that tfjs-layers 4.22 spells otherwise, by class: Ridge's (Keras 3's) key ->
 * tfjs-layers'. Ridge reads both spellings; the `'tfjs-layers'` format writes tfjs-layers'.
 */
const TFJS_KEYS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  LeakyReLU: { negativeSlope: 'alpha' },
};

/**
 * Settings tfjs-layers 4.22 has no argument for, by class, with the value at which leaving them
 * out changes nothing: it ignores the keys, so a file with other values loads there and computes
 * something else.
 */
const TFJS_IGNORES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ReLU: { negativeSlope: 0, threshold: 0 },
};

/** A layer's config (camelCase) with tfjs-layers' spelling of its keys. */
export function tfjsLayerConfig(className: string, config: JsonObject): JsonObject {
  const keys = TFJS_KEYS[className];
  if (!keys) return config;
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [keys[k] ?? k, v]));
}

/** What tfjs-layers would ignore in this layer's config (`'negativeSlope 0.1'`), for a warning. */
export function tfjsIgnored(className: string, config: JsonObject): string[] {
  const inert = TFJS_IGNORES[className];
  if (!inert) return [];
  return Object.entries(inert)
    .filter(([key, value]) => config[key] !== undefined && config[key] !== value)
    .map(([key]) => `${key} ${JSON.stringify(config[key])}`);
}
