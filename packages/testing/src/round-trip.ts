import {
  KINDS,
  normalizeSerialized,
  registry,
  type Configurable,
  type FactoryKind,
  type JsonObject,
} from '@ridge/core';
import { ContractError } from './contract-error.js';
import { deepEqual, differences } from './deep-equal.js';

/** The kinds whose registry knows this class name; a round trip needs exactly one. */
function kindOf(obj: Configurable, kind: FactoryKind | undefined): FactoryKind {
  if (kind !== undefined) return kind;
  const found = KINDS.filter((k): k is FactoryKind => k !== 'backend' && registry(k).has(obj.className));
  if (found.length !== 1) {
    throw new ContractError(
      found.length === 0
        ? `${obj.className} is not registered under any kind; register it (or import its package) first.`
        : `${obj.className} is registered as ${found.join(' and ')}; pass the kind to check.`,
    );
  }
  return found[0]!;
}

/**
 * Checks the Keras config contract: `getConfig()` is JSON only, and serializing, sending the
 * JSON text through `JSON.stringify`/`JSON.parse`, and deserializing through the registry gives
 * an object of the same class with an equal config. Returns the rebuilt object.
 */
export function expectConfigRoundTrip<T extends Configurable>(obj: T, kind?: FactoryKind): T {
  const k = kindOf(obj, kind);
  const config: JsonObject = obj.getConfig();
  let text: string;
  try {
    text = JSON.stringify({ className: obj.className, config });
  } catch (error) {
    throw new ContractError(`${obj.className}.getConfig() is not JSON: ${(error as Error).message}`);
  }
  const parsed: unknown = JSON.parse(text);
  const sent = (parsed as { config: unknown }).config;
  if (!deepEqual(sent, config)) {
    throw new ContractError(
      `${obj.className}.getConfig() does not survive JSON (functions, undefined, NaN or class ` +
        `instances in it?): ${differences(config, sent).join('; ')}`,
    );
  }
  const { className, config: cfg } = normalizeSerialized(parsed, k);
  const rebuilt = registry(k).resolve(className).create(cfg) as unknown as T;
  if (rebuilt.className !== obj.className) {
    throw new ContractError(`Round trip of ${obj.className} built a ${rebuilt.className}.`);
  }
  const again = rebuilt.getConfig();
  if (!deepEqual(again, config)) {
    throw new ContractError(
      `Round trip of ${obj.className} changed its config: ${differences(config, again).join('; ')}`,
    );
  }
  return rebuilt;
}
