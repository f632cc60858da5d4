import type { Regularizer, RegularizerSpec, WeightInfo, WeightSelector } from '@ridge/core';
import type { LayerWeight } from '../engine/weight.js';
import { probeRegularizer } from '../engine/probe.js';

export type OnConflict = 'skip' | 'add' | 'replace';

/** A model-level regularization rule (DESIGN.md section 5). */
export interface RegularizationRule {
  regularizer: RegularizerSpec;
  /** Which weights; default `'kernels'`. */
  include?: WeightSelector;
  exclude?: WeightSelector;
  /** For a weight that has its own (per-layer) regularizer: `'skip'` (default), `'add'` or `'replace'`. */
  onConflict?: OnConflict;
}

/** `compile({ regularization })`: a regularizer spec, a rule, or a list of rules. */
export type RegularizationOption = RegularizerSpec | RegularizationRule | readonly RegularizationRule[];

export interface CompiledRule {
  readonly regularizer: Regularizer;
  readonly include: (w: WeightInfo) => boolean;
  readonly exclude: (w: WeightInfo) => boolean;
  readonly onConflict: OnConflict;
  /** The rule as given, for serialization (selectors that are strings or lists of strings). */
  readonly source: { include: WeightSelector; exclude: WeightSelector | undefined };
}

/** One penalty on one weight, with where it came from. */
export interface WeightTerm {
  readonly path: string;
  readonly weight: LayerWeight;
  readonly regularizer: Regularizer;
  readonly source: 'layer' | 'model';
}

/**
 * The weight penalties of a step, read from the weights now (so a regularizer set after compile
 * counts). Only trainable weights carry penalties. For each weight the first matching model rule
 * applies; its `onConflict` decides what happens to the weight's own regularizer.
 */
export function weightTerms(weights: readonly LayerWeight[], rules: readonly CompiledRule[]): WeightTerm[] {
  const terms: WeightTerm[] = [];
  for (const weight of weights) {
    if (!weight.trainable) continue;
    const own = weight.regularizer;
    const rule = rules.find((r) => r.include(weight) && !r.exclude(weight));
    if (own && (!rule || rule.onConflict !== 'replace')) terms.push({ path: weight.path, weight, regularizer: own, source: 'layer' });
    if (rule && (!own || rule.onConflict !== 'skip')) terms.push({ path: weight.path, weight, regularizer: rule.regularizer, source: 'model' });
  }
  return terms;
}

/**
 * Applies every term once to a zero tensor of its weight's shape, so a regularizer that cannot
 * apply to a weight (an orthogonal regularizer on a bias) fails at compile or build, naming both.
 */
export function probeTerms(terms: readonly WeightTerm[], context: string): void {
  for (const term of terms) probeRegularizer(term.regularizer, term.weight.shape, `${context}: ${term.source === 'model' ? 'model-level regularization' : 'regularizer'} on ${term.path}`);
}
