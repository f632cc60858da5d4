import {
  KERNEL_ROLES,
  NORMALIZATION_ROLES,
  closestName,
  compileSelector,
  describeValue,
  getRegularizer,
  RidgeError,
  type RegularizerSpec,
  type WeightInfo,
  type WeightSelector,
} from '@ridge/core';
import { withMessagePrefix } from '../engine/errors.js';
import type { CompiledRule, RegularizationOption, RegularizationRule } from './regularization.js';

/** A rule has a `regularizer` key; a regularizer (instance or `{ className, config }`) does not. */
function isRule(value: unknown): value is RegularizationRule {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'regularizer' in value;
}

/** The bare role names in a selector (strings without `/` or wildcards, also inside lists). */
function roleNames(selector: WeightSelector | undefined): string[] {
  if (typeof selector === 'string') return /[/*?]/.test(selector) || selector === 'all' || selector === 'kernels' ? [] : [selector];
  return Array.isArray(selector) ? (selector as readonly WeightSelector[]).flatMap(roleNames) : [];
}

/** Globs (with `*` or `?`) without `/` or `**`: a weight path is `<layer>/<weight>`, so they match nothing. */
function slashlessGlobs(selector: WeightSelector | undefined): string[] {
  if (typeof selector === 'string') return /[*?]/.test(selector) && !selector.includes('/') && !selector.includes('**') ? [selector] : [];
  return Array.isArray(selector) ? (selector as readonly WeightSelector[]).flatMap(slashlessGlobs) : [];
}

/**
 * A role that no weight of the model has and that Ridge does not know either can match nothing:
 * almost always a typo (`'kernal'`), which would otherwise leave the model silently unregularized.
 * A known role the model lacks (`'recurrentKernel'` on a Dense model) is fine: a generic rule.
 */
function checkGlobs(at: string, key: 'include' | 'exclude', selector: WeightSelector | undefined): void {
  for (const glob of slashlessGlobs(selector)) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `compile: ${at}.${key} is the glob ${describeValue(glob)}, which has no '/' and so matches no weight path ('<layer>/<weight>'). ` +
        `Use '*/${glob}' to match weight names, or a RegExp.`,
      { argument: `${at}.${key}`, received: glob },
    );
  }
}

function checkRoles(at: string, key: 'include' | 'exclude', selector: WeightSelector | undefined, weights: readonly WeightInfo[]): void {
  const present = new Set(weights.map((w) => w.role));
  const known = new Set<string>([...KERNEL_ROLES, ...NORMALIZATION_ROLES, 'bias', ...present]);
  for (const role of roleNames(selector)) {
    if (known.has(role)) continue;
    const guess = closestName(role, known);
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `compile: ${at}.${key} names the weight role ${describeValue(role)}, which no weight of this model has` +
        `${guess ? `; did you mean '${guess}'?` : '.'} The model's roles: ${[...present].sort().join(', ') || '(none)'}. ` +
        `To pick weights by name, use a path glob such as 'dense_1/*'.`,
      { argument: `${at}.${key}`, received: role },
    );
  }
}

/**
 * Validates and resolves the `regularization` option. Given the model's weights, also rejects a
 * role selector that can match nothing. Throws RidgeError naming the bad part.
 */
export function compileRegularization(option: RegularizationOption | undefined, weights?: readonly WeightInfo[]): CompiledRule[] {
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
    checkGlobs(at, 'include', includeSel);
    checkGlobs(at, 'exclude', rule.exclude);
    if (weights) {
      checkRoles(at, 'include', includeSel, weights);
      checkRoles(at, 'exclude', rule.exclude, weights);
    }
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
