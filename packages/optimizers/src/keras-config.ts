import { RidgeError, camelCaseKeys, describeValue, isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';

/** Keras spellings that camelCasing alone does not turn into Ridge's names. */
const RENAMES: Readonly<Record<string, string>> = {
  clipnorm: 'clipNorm',
  clipvalue: 'clipValue',
  globalClipnorm: 'globalClipNorm',
};

interface IgnoredKey {
  /** Whether this value changes nothing here. */
  readonly harmless: (value: JsonValue) => boolean;
  /** Why another value cannot be honoured. */
  readonly why?: string;
}

const always: IgnoredKey = { harmless: () => true };

/**
 * Keras 2/3 keys that have no effect in Ridge, so real Keras JSON loads. A value that would change
 * training (AMSGrad, EMA weights, gradient accumulation, Keras 2's learning-rate decay) is refused
 * rather than silently dropped.
 */
const IGNORED: Readonly<Record<string, IgnoredKey>> = {
  name: always,
  jitCompile: always,
  isLegacyOptimizer: always,
  // Keras scales the loss up and the gradients back down by the same factor: no net effect in float32.
  lossScaleFactor: always,
  emaMomentum: always,
  emaOverwriteFrequency: always,
  useEma: { harmless: (v) => v === false || v === null, why: 'Ridge does not keep an exponential moving average of the weights' },
  amsgrad: { harmless: (v) => v === false || v === null, why: 'Ridge does not implement AMSGrad' },
  gradientAccumulationSteps: {
    harmless: (v) => v === null || v === 1,
    why: 'Ridge does not accumulate gradients over several steps',
  },
  decay: {
    harmless: (v) => v === null || v === 0,
    why: "Keras 2's learning-rate decay is not supported (a tfjs-core RMSProp config calls rho 'decay': rename it to rho)",
  },
};

/**
 * Reads a serialized optimizer config in Ridge's or Keras's dialect: snake_case keys are
 * camelCased, `clipnorm`/`clipvalue`/`global_clipnorm` renamed, `null` means "unset" (Keras writes
 * null for every option left at its default), and Keras keys without effect here are dropped.
 * Unknown keys are left in place for the constructor to reject.
 */
export function readKerasConfig(className: string, config: unknown): Record<string, unknown> {
  if (config === undefined || config === null) return {};
  if (!isJsonObject(config)) {
    throw new RidgeError(
      'INVALID_CONFIG',
      `${className} config must be an object; received ${describeValue(config)}.`,
      { className, received: config },
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(camelCaseKeys(config as JsonObject))) {
    const ignored = IGNORED[key];
    if (ignored !== undefined) {
      if (!ignored.harmless(value)) {
        throw new RidgeError(
          'INVALID_CONFIG',
          `${className} config has ${key} = ${describeValue(value)}, but ${ignored.why}. ` +
            `Remove the key (or set it to its Keras default) to load this optimizer.`,
          { className, key, received: value },
        );
      }
      continue;
    }
    if (value === null) continue;
    out[RENAMES[key] ?? key] = value;
  }
  return out;
}
