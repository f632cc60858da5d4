import { argumentError, closestName, describeValue, mustBeError, RidgeError } from '@ridge/core';

/** Something that names itself in error messages: `Dense 'dense_1'`. */
export interface Described {
  readonly className: string;
  readonly name: string;
}

export function who(owner: Described): string {
  return `${owner.className} '${owner.name}'`;
}

/** An INVALID_ARGUMENT error that names the layer, the argument and the value. */
export function layerArgError(owner: Described, argument: string, received: unknown, expected: string): RidgeError {
  return mustBeError(`${who(owner)}: ${argument}`, received, expected, { layer: owner.name, argument, received });
}

/**
 * Checks an object of named arguments: INVALID_ARGUMENT for a value that is not an object, or for
 * a key that is not `known`, naming the closest one that is (`batch_size` -> `batchSize`).
 * `who` starts the message; `noun` is what the keys are called there.
 */
export function checkKeys(who: string, args: unknown, known: readonly string[], noun = 'argument'): void {
  if (typeof args !== 'object' || args === null) throw mustBeError(`${who}: ${noun}s`, args, 'an object', { argument: `${noun}s` });
  for (const key of Object.keys(args)) {
    if (known.includes(key)) continue;
    const guess = closestName(key, known);
    throw argumentError(
      `${who}: unknown ${noun} ${describeValue(key)}${guess ? ` (did you mean '${guess}'?)` : ''}; ${noun}s: ${known.join(', ')}.`,
      { argument: key, received: key },
    );
  }
}

/** Checks the options object of `call` (`fit`, `compile`, `evaluate`, `predict`): see `checkKeys`. */
export function checkOptions(call: string, args: unknown, known: readonly string[]): void {
  checkKeys(call, args, known, 'option');
}

/** An INVALID_ARGUMENT error about one option of a call (`fit`, `compile`): `<call>: <message>`, details `{ argument }`. */
export function optionError(call: string, argument: string, message: string): RidgeError {
  return argumentError(`${call}: ${message}`, { argument });
}

/**
 * Runs `fn`; a RidgeError it throws is re-thrown with `prefix` (or the prefix computed from it)
 * before its message, keeping its code and adding `details`. Other errors pass through.
 */
export function withMessagePrefix<T>(prefix: string | ((error: RidgeError) => string), fn: () => T, details: Record<string, unknown> = {}): T {
  try {
    return fn();
  } catch (error) {
    if (!RidgeError.is(error)) throw error;
    throw new RidgeError(error.code, (typeof prefix === 'string' ? prefix : prefix(error)) + error.message, { ...error.details, ...details });
  }
}

/**
 * Runs a check or resolution for one argument of a layer; a RidgeError it throws is re-thrown
 * with the layer and the argument named, keeping its code.
 */
export function forArgument<T>(owner: Described, argument: string, fn: () => T): T {
  return withMessagePrefix(
    // "units must be ..." already names the argument: only the layer is added.
    (error) => (error.message.startsWith(`${argument} must`) ? `${who(owner)}: ` : `${who(owner)}: ${argument}: `),
    fn,
    { layer: owner.name, argument },
  );
}

/**
 * Refuses a `dtype` other than float32 (and int32 for an input, `int`): Ridge computes weights and
 * activations in float32, as tfjs-core does on every backend, so a float16, bfloat16, float64 or
 * mixed layer would silently compute as a float32 one.
 */
export function checkDtype(subject: string, dtype: unknown, int: boolean): void {
  // null too: Keras's `dtype=None`, the default.
  if (dtype != null && dtype !== 'float32' && !(int && dtype === 'int32')) {
    throw mustBeError(`${subject}: dtype`, dtype, `'float32'${int ? " or 'int32'" : ''} (Ridge computes in float32)`, { argument: 'dtype', received: dtype });
  }
}
