import type { Configurable, JsonObject, JsonValue } from '@ridge/core';

/** `{ className, config }` for each present part, `null` for absent ones (as Keras writes). */
export function serializeParts(parts: Record<string, Configurable | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, part] of Object.entries(parts)) {
    out[key] = part === undefined ? null : ({ className: part.className, config: part.getConfig() } as JsonValue);
  }
  return out;
}
