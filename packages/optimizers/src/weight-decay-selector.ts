import {
  KERNEL_ROLES,
  NORMALIZATION_ROLES,
  RidgeError,
  closestName,
  compileSelector,
  describeValue,
  invalidArgument,
  type JsonValue,
  type WeightSelector,
} from '@ridge/core';
import type { Features } from './features.js';

/** A RegExp written as JSON, the way an optimizer config stores it: `{ regexp: source, flags }`. */
export interface RegExpJson {
  readonly regexp: string;
  readonly flags?: string;
}

/**
 * What `excludeFromWeightDecay` takes: any `WeightSelector` of @ridge/core (a role, `'kernels'`,
 * `'all'`, a path glob, a RegExp, a predicate or a list), plus RegExps written as JSON.
 */
export type WeightDecaySelector = WeightSelector | RegExpJson | readonly WeightDecaySelector[];

function isRegExpJson(value: unknown): value is RegExpJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof RegExp) return false;
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  return (
    typeof v['regexp'] === 'string' &&
    (v['flags'] === undefined || typeof v['flags'] === 'string') &&
    keys.every((k) => k === 'regexp' || k === 'flags')
  );
}

/** Turns JSON RegExps into RegExp objects, so that core's `compileSelector` can read the selector. */
export function toWeightSelector(selector: WeightDecaySelector, argument: string): WeightSelector {
  if (Array.isArray(selector)) {
    return (selector as readonly WeightDecaySelector[]).map((s, i) => toWeightSelector(s, `${argument}[${i}]`));
  }
  if (isRegExpJson(selector)) {
    try {
      return new RegExp(selector.regexp, selector.flags ?? '');
    } catch (error) {
      throw invalidArgument(argument, selector, `a valid regular expression (${(error as Error).message})`);
    }
  }
  return selector as WeightSelector;
}

/**
 * The JSON form of a selector: strings stay strings, a RegExp becomes `{ regexp, flags }`.
 * A predicate has no JSON form, so a config holding one cannot be saved: that throws rather than
 * silently dropping it, since the reloaded optimizer would then decay other weights.
 */
export function selectorToJson(selector: WeightSelector, argument: string, owner: string): JsonValue {
  if (typeof selector === 'string') return selector;
  if (selector instanceof RegExp) return { regexp: selector.source, flags: selector.flags };
  if (Array.isArray(selector)) {
    return (selector as readonly WeightSelector[]).map((s, i) => selectorToJson(s, `${argument}[${i}]`, owner));
  }
  throw new RidgeError(
    'INVALID_CONFIG',
    `${owner}.getConfig() cannot serialize ${argument}: it is ${describeValue(selector)}, and a predicate ` +
      `has no JSON form. To save this optimizer, select the weights with a role ('bias'), a path glob ` +
      `('dense_*/bias'), a RegExp or a list of these.`,
    { argument, received: selector },
  );
}

/** The roles of Ridge's layers and the groups, which a string without `/` or a wildcard names. */
const KNOWN = ['kernels', 'all', ...KERNEL_ROLES, 'bias', ...NORMALIZATION_ROLES];

/**
 * Refuses a string that can match no weight, as `compile({ regularization })` does: a role Ridge
 * does not know (`'kernal'`), or a glob without `/`, which no `<layer>/<weight>` path matches
 * (`'bias*'`). Such a typo would otherwise silently decay (or keep) every weight. The optimizer
 * does not know the model's weights, so a role of a third party's layer is refused too: the
 * message says how to pick it by path instead.
 */
function checkStrings(selector: WeightSelector, argument: string): void {
  if (Array.isArray(selector)) {
    (selector as readonly WeightSelector[]).forEach((s, i) => checkStrings(s, `${argument}[${i}]`));
    return;
  }
  if (typeof selector !== 'string' || selector === '' || KNOWN.includes(selector) || selector.includes('/') || selector.includes('**')) return;
  const glob = /[*?]/.test(selector);
  const guess = glob ? undefined : closestName(selector, KNOWN);
  throw new RidgeError(
    'INVALID_ARGUMENT',
    `${argument} is ${describeValue(selector)}, which matches no weight: ` +
      (glob
        ? `a glob without '/' cannot match a weight path, which is '<layer>/<weight>'. Use '*/${selector}' to match weight names, or a RegExp.`
        : `it is not a weight role Ridge knows${guess ? `; did you mean '${guess}'?` : '.'} The roles and groups: ${KNOWN.join(', ')}. ` +
          `To pick weights by name (also a role of your own layer), use a path glob such as '*/${selector}' or a RegExp.`),
    { argument, received: selector },
  );
}

/**
 * Weight decay as an optimizer feature: validates `excludeFromWeightDecay` and compiles it. Installed
 * by `@ridge/optimizers/weight-decay`; AdamW, which always decays, uses it directly.
 */
export const weightDecayFeature: Features['weightDecay'] = {
  exclusion(given) {
    const selector = toWeightSelector(given, 'excludeFromWeightDecay');
    const excluded = compileSelector(selector, 'excludeFromWeightDecay');
    checkStrings(selector, 'excludeFromWeightDecay');
    return { selector, excluded };
  },
};
