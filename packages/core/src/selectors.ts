import type { WeightInfo, WeightRole } from './contracts.js';
import { RidgeError, describeValue } from './errors.js';

/** Roles that hold a layer's main linear map: what `'kernels'` (and a bare spec) selects. */
export const KERNEL_ROLES: readonly WeightRole[] = [
  'kernel',
  'recurrentKernel',
  'embeddings',
  'depthwiseKernel',
  'pointwiseKernel',
];

/** Roles of normalization layers' scale and shift. */
export const NORMALIZATION_ROLES: readonly WeightRole[] = ['gamma', 'beta', 'movingMean', 'movingVariance'];

/**
 * Picks weights. A role (`'kernel'`, `'bias'`, ...), a group (`'kernels'`, `'all'`), a glob on
 * the weight path (`'dense_1/kernel'`, `'dense_*\/bias'`, `'**\/gamma'`), a RegExp on the path,
 * a predicate, or a list of any of these (a weight matches a list when it matches any item).
 */
export type WeightSelector =
  | 'kernels'
  | 'all'
  | WeightRole
  | RegExp
  | ((weight: WeightInfo) => boolean)
  | readonly WeightSelector[];

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${re}$`);
}

/** A string selector is a role or group when it has no `/` or wildcard; otherwise a path glob. */
function isPathPattern(s: string): boolean {
  return /[/*?]/.test(s);
}

/** Turns a selector into a predicate once, validating it. */
export function compileSelector(selector: WeightSelector, argument = 'selector'): (weight: WeightInfo) => boolean {
  if (typeof selector === 'function') return (w) => selector(w) === true;
  if (selector instanceof RegExp) return (w) => new RegExp(selector.source, selector.flags.replace('g', '')).test(w.path);
  if (Array.isArray(selector)) {
    const parts = selector.map((s, i) => compileSelector(s as WeightSelector, `${argument}[${i}]`));
    return (w) => parts.some((p) => p(w));
  }
  if (typeof selector === 'string' && selector !== '') {
    if (selector === 'all') return () => true;
    if (selector === 'kernels') return (w) => KERNEL_ROLES.includes(w.role);
    if (isPathPattern(selector)) {
      const re = globToRegExp(selector);
      return (w) => re.test(w.path);
    }
    return (w) => w.role === selector;
  }
  throw new RidgeError(
    'INVALID_ARGUMENT',
    `${argument} must be a weight role ('kernel', 'bias', ...), 'kernels', 'all', a path glob ` +
      `('dense_1/kernel'), a RegExp, a predicate or a list of these; received ${describeValue(selector)}.`,
    { argument, received: selector },
  );
}

/** Whether a weight is picked by `include` (default: all) and not by `exclude`. */
export function selectsWeight(
  weight: WeightInfo,
  include: WeightSelector | undefined,
  exclude: WeightSelector | undefined,
): boolean {
  const inc = include === undefined ? () => true : compileSelector(include, 'include');
  const exc = exclude === undefined ? () => false : compileSelector(exclude, 'exclude');
  return inc(weight) && !exc(weight);
}
