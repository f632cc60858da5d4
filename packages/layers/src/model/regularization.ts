import {
  compileSelector,
  getRegularizer,
  RidgeError,
  describeValue,
  type Regularizer,
  type RegularizerSpec,
  type WeightInfo,
  type WeightSelector,
} from '@ridge/core';
import type { LayerWeight } from '../engine/weight.js';
import { probeRegularizer } from '../engine/probe.js';
import { withMessagePrefix } from '../engine/errors.js';

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

/** A rule has a `regularizer` key; a regularizer (instance or `{ className, config }`) does not. */
function isRule(value: unknown): value is RegularizationRule {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'regularizer' in value;
}

/** Validates and resolves the `regularization` option. Throws RidgeError naming the bad part. */
export function compileRegularization(option: RegularizationOption | undefined): CompiledRule[] {
  if (option === undefined || option === null) return [];
  const rules: RegularizationRule[] = Array.isArray(option)
    ? [...(option as RegularizationRule[])]
    : isRule(option)
      ? [option]
      : [{ regularizer: option as RegularizerSpec }];
  if (Array.isArray(option) && rules.length === 0) {
    throw new RidgeError('INVALID_ARGUMENT', 'compile: regularization must not be an empty list; omit it for none.', {
      argument: 'regularization',
      received: option,
    });
  }
  return rules.map((rule, i) => {
    const at = Array.isArray(option) ? `regularization[${i}]` : 'regularization';
    if (!isRule(rule)) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `compile: ${at} must be a rule { regularizer, include?, exclude?, onConflict? }; received ${describeValue(rule)}.`,
        { argument: at, received: rule },
      );
    }
    const known = ['regularizer', 'include', 'exclude', 'onConflict'];
    for (const key of Object.keys(rule)) {
      if (!known.includes(key)) {
        throw new RidgeError('INVALID_ARGUMENT', `compile: ${at} has an unknown key ${describeValue(key)}; a rule has ${known.join(', ')}.`, {
          argument: `${at}.${key}`,
          received: key,
        });
      }
    }
    const regularizer = withMessagePrefix(`compile: ${at}.regularizer: `, () => getRegularizer(rule.regularizer));
    const includeSel = rule.include ?? 'kernels';
    const include = withMessagePrefix('compile: ', () => compileSelector(includeSel, `${at}.include`));
    const exclude = rule.exclude === undefined ? () => false : withMessagePrefix('compile: ', () => compileSelector(rule.exclude!, `${at}.exclude`));
    const onConflict = rule.onConflict ?? 'skip';
    if (!['skip', 'add', 'replace'].includes(onConflict)) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `compile: ${at}.onConflict must be 'skip', 'add' or 'replace'; received ${describeValue(onConflict)}.`,
        { argument: `${at}.onConflict`, received: onConflict },
      );
    }
    return { regularizer, include, exclude, onConflict, source: { include: includeSel, exclude: rule.exclude } };
  });
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
