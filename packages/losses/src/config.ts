import {
  checkConfigKeys,
  checkNumber,
  checkOneOf,
  invalidArgument,
  isJsonObject,
  type LossReduction,
} from '@ridge/core';

/** A reduction as Ridge writes it, or one of the Keras spellings accepted on input. */
export type ReductionInput = LossReduction | 'sum_over_batch_size' | 'auto';

/** The option every loss has. */
export interface LossConfig {
  /**
   * `'mean'` (the default; Keras' `'sum_over_batch_size'`): sum of the weighted per-sample
   * losses divided by the batch size. `'sum'`: their sum. `'none'`: one value per sample.
   * Keras' `'sum_over_batch_size'` and `'auto'` are read as `'mean'`.
   */
  reduction?: ReductionInput;
}

const REDUCTIONS = ['mean', 'sum', 'none', 'sum_over_batch_size', 'auto'] as const;

/**
 * Keys Keras writes into every loss config that mean nothing here (Ridge losses have no name
 * and always compute in float32). Accepted so Keras JSON imports, and dropped.
 */
const KERAS_ONLY_KEYS: readonly string[] = ['name', 'dtype'];

/**
 * Checks that a config is an object whose keys are all known to the loss (or Keras-only keys it
 * drops), so a misspelt option fails loudly instead of silently taking its default.
 */
export function checkLossConfig(className: string, config: unknown, optionKeys: readonly string[]): void {
  if (config === undefined) return;
  if (!isJsonObject(config)) throw invalidArgument(`${className} config`, config, 'an object of options');
  checkConfigKeys(className, config, ['reduction', ...optionKeys, ...KERAS_ONLY_KEYS]);
}

export function readReduction(className: string, value: unknown): LossReduction {
  if (value === undefined) return 'mean';
  // Keras 3 serializes `reduction=None` (no reduction) as null.
  if (value === null) return 'none';
  const reduction = checkOneOf(`${className}.reduction`, value, REDUCTIONS);
  return reduction === 'sum_over_batch_size' || reduction === 'auto' ? 'mean' : reduction;
}

export function readBoolean(argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidArgument(argument, value, 'true or false');
  return value;
}

export function readLabelSmoothing(className: string, value: unknown): number {
  return checkNumber(`${className}.labelSmoothing`, value ?? 0, { min: 0, max: 1 });
}

export function readAxis(className: string, value: unknown): number {
  return checkNumber(`${className}.axis`, value ?? -1, { integer: true });
}

/** A focal loss' focusing parameter: a finite number >= 0 (0 turns the focal factor off). */
export function readGamma(className: string, value: unknown): number {
  return checkNumber(`${className}.gamma`, value ?? 2, { min: 0 });
}
