import { compileSelector, getRegularizer, RidgeError, describeValue, type RegularizerSpec } from '@ridge/core';
import { withMessagePrefix } from '../engine/errors.js';
import type { CompiledRule, RegularizationOption, RegularizationRule } from './regularization.js';

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
