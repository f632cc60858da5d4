import { argumentError } from '@ridge/core';
import { checkDtype, checkKeys } from './errors.js';
import type { LayerArgs } from './layer.js';

/**
 * A layer class's own argument keys, beyond the base ones every layer takes: `[required,
 * optional]`. The constructor of `Layer` refuses any other key (a misspelled
 * `kernel_regularizer` must not train a model without its penalty).
 */
export type ArgKeys = readonly [required: readonly string[], optional: readonly string[]];

/** The keys of `LayerArgs`, which every layer takes (checked against the interface below). */
export const BASE_ARG_KEYS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'activityRegularizer'] as const;

type Own<A, P> = Exclude<keyof A, keyof P> & string;
type RequiredOf<A> = { [K in keyof A]-?: object extends Pick<A, K> ? never : K }[keyof A];

/**
 * Declares the argument keys of a layer whose arguments are `A` (beyond `P`'s, by default the
 * base `LayerArgs`), as `argKeys<DenseArgs>()(['units'], ['activation', ...])`. The compiler
 * checks that the two lists are exactly `A`'s own required and optional keys: a key listed that
 * `A` lacks, or put in the wrong list, does not type-check, and a key of `A` missing from both
 * asks for a third argument naming it. So the lists cannot drift from the interfaces.
 */
export function argKeys<A, P = LayerArgs>() {
  return <R extends Own<A, P> & RequiredOf<A>, O extends Exclude<Own<A, P>, RequiredOf<A>>>(
    required: readonly R[],
    optional: readonly O[],
    ..._missing: [Own<A, P>] extends [R | O] ? [] : [missing: Exclude<Own<A, P>, R | O>]
  ): ArgKeys => [required, optional];
}

/** The initializer, regularizer and constraint keys of weights: `parts('kernel')` is `kernelInitializer`, `kernelRegularizer`, `kernelConstraint`. */
export function parts<K extends string>(...weights: readonly K[]): (`${K}Initializer` | `${K}Regularizer` | `${K}Constraint`)[] {
  return weights.flatMap((w) => [`${w}Initializer`, `${w}Regularizer`, `${w}Constraint`] as const);
}

/**
 * Checks a layer's arguments before anything is created: INVALID_ARGUMENT for arguments that are
 * not an object, for a key the layer does not take (naming the closest one it does), and for a
 * required key that is absent, and for a `dtype` other than `'float32'` (or `'int32'` for an
 * input: see `checkDtype`). `who` names the layer (`Dense 'dense_3'`).
 */
export function checkArgKeys(who: string, args: unknown, [required, optional]: ArgKeys, base: readonly string[] = BASE_ARG_KEYS): void {
  checkKeys(who, args, [...required, ...optional, ...base]);
  // A layer computes in float32; an input (whose keys are its own, not the base ones) may also be int32.
  checkDtype(who, (args as LayerArgs).dtype, base !== BASE_ARG_KEYS);
  const missing = required.find((key) => (args as Record<string, unknown>)[key] === undefined);
  if (missing !== undefined) throw argumentError(`${who}: ${missing} is required; received undefined.`, { argument: missing });
}
