import { registry, type FactoryEntry, type JsonObject, type JsonValue } from '@ridge/core';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { Lambda, type LambdaArgs } from './lambda.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    Lambda: LambdaArgs;
  }
}

/** Keras 2 writes each function as three keys: the value, its type and its module. */
const KERAS2_KEYS = [
  ['function', 'functionType', 'module'],
  ['outputShape', 'outputShapeType', 'outputShapeModule'],
  ['mask', 'maskType', 'maskModule'],
] as const;

/**
 * A Keras 2 config in Keras 3's form: `function_type: 'function'` with a name is the saved name,
 * `'lambda'` is Python bytecode (which the layer refuses), `'raw'` a shape.
 */
function fromKeras2(config: JsonObject): JsonObject {
  const out: JsonObject = { ...config };
  for (const [key, typeKey, moduleKey] of KERAS2_KEYS) {
    const type = out[typeKey];
    const module = out[moduleKey];
    delete out[typeKey];
    delete out[moduleKey];
    const value = out[key];
    if (type === 'lambda') out[key] = { className: '__lambda__', config: {} };
    else if (type === 'function' && typeof value === 'string') {
      out[key] = { className: 'function', config: value, ...(typeof module === 'string' ? { module } : {}) } as JsonValue;
    }
  }
  return out;
}

/** The Lambda layer's registry entry. Its functions come from `customObjects` when a model is loaded. */
export const lambdaLayerEntries: readonly FactoryEntry<'layer'>[] = [
  {
    kind: 'layer',
    name: 'Lambda',
    package: '@ridge/layers',
    // Configs come from JSON, so the cast is checked by the constructor, not by the compiler.
    create: (config) => new Lambda(fromKeras2(withoutForeignKeys('Lambda', config ?? {})) as unknown as LambdaArgs),
  },
];

for (const e of lambdaLayerEntries) registry('layer').register(e);
