import { getRegularizer, type ConfigOf, type Regularizer, type RegularizerName } from '@ridge/core';
import { dense } from '@ridge/layers';
import { describe, expectTypeOf, it } from 'vitest';
import { groupLasso, type GroupLassoConfig } from './index.js';

describe('the names type-check once the package root is imported', () => {
  it('accepts both names, typed by the config', () => {
    expectTypeOf<'groupLasso' | 'ridge-regularizer-group-lasso>GroupLasso'>().toExtend<RegularizerName>();
    expectTypeOf(getRegularizer('groupLasso')).toEqualTypeOf<Regularizer>();
    expectTypeOf<ConfigOf<'regularizer', 'groupLasso'>>().toEqualTypeOf<GroupLassoConfig>();
    getRegularizer({ className: 'ridge-regularizer-group-lasso>GroupLasso', config: { factor: 0.1, axis: [0, 1, 2] } });
    dense({ units: 4, kernelRegularizer: 'groupLasso' });
  });

  it('rejects typos and bad configs at compile time', () => {
    // @ts-expect-error a misspelt name
    getRegularizer('groupLaso');
    // @ts-expect-error factor is a number
    getRegularizer({ className: 'groupLasso', config: { factor: '0.1' } });
    // @ts-expect-error GroupLasso has no key 'l2'
    groupLasso({ l2: 0.1 });
    // @ts-expect-error a misspelt name in a layer
    dense({ units: 4, kernelRegularizer: 'group_lasso' });
  });
});
