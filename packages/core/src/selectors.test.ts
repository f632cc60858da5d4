import { describe, expect, it } from 'vitest';
import type { WeightInfo } from './contracts.js';
import { compileSelector, selectsWeight } from './selectors.js';

const w = (path: string, role: string, trainable = true): WeightInfo =>
  ({ path, role, trainable, variable: undefined as never });

const weights = [
  w('dense_1/kernel', 'kernel'),
  w('dense_1/bias', 'bias'),
  w('lstm/recurrent_kernel', 'recurrentKernel'),
  w('bn/gamma', 'gamma'),
  w('embedding/embeddings', 'embeddings'),
  w('block/dense_2/kernel', 'kernel'),
];
const pick = (sel: Parameters<typeof compileSelector>[0]) => weights.filter(compileSelector(sel)).map((x) => x.path);

describe('weight selectors', () => {
  it('roles and groups', () => {
    expect(pick('bias')).toEqual(['dense_1/bias']);
    expect(pick('kernels')).toEqual(['dense_1/kernel', 'lstm/recurrent_kernel', 'embedding/embeddings', 'block/dense_2/kernel']);
    expect(pick('all')).toHaveLength(weights.length);
  });

  it('globs on the path: * stays within a segment, ** crosses segments', () => {
    expect(pick('dense_1/kernel')).toEqual(['dense_1/kernel']);
    expect(pick('dense_*/*')).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(pick('**/kernel')).toEqual(['dense_1/kernel', 'block/dense_2/kernel']);
  });

  it('RegExp, predicate and lists', () => {
    expect(pick(/gamma|beta/g)).toEqual(['bn/gamma']);
    expect(pick(/gamma|beta/g)).toEqual(['bn/gamma']); // a global RegExp keeps no state between calls
    expect(pick((x) => x.path.startsWith('lstm'))).toEqual(['lstm/recurrent_kernel']);
    expect(pick(['bias', 'gamma'])).toEqual(['dense_1/bias', 'bn/gamma']);
  });

  it('include and exclude', () => {
    expect(weights.filter((x) => selectsWeight(x, 'all', ['bias', 'gamma'])).map((x) => x.path)).toHaveLength(4);
    expect(weights.filter((x) => selectsWeight(x, undefined, undefined))).toHaveLength(weights.length);
  });

  it('rejects bad selectors with INVALID_ARGUMENT naming the argument', () => {
    expect(() => compileSelector('' as never, 'include')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('include must be') }));
    expect(() => compileSelector([42] as never, 'exclude')).toThrow(/exclude\[0\] must be/);
  });
});
