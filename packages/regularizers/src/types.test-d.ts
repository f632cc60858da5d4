import {
  getConstraint,
  getRegularizer,
  type ConfigOf,
  type Constraint,
  type ConstraintName,
  type Regularizer,
  type RegularizerName,
} from '@ridge/core';
import {
  l1l2,
  l2,
  maxNorm,
  orthogonal,
  type L1L2Config,
  type L2Config,
  type MaxNormConfig,
  type OrthogonalRegularizerConfig,
} from '@ridge/regularizers';
import { describe, expectTypeOf, it } from 'vitest';

describe('names type-check once the package root is imported', () => {
  it('accepts registered regularizer names and { className, config }', () => {
    expectTypeOf(getRegularizer('l2')).toEqualTypeOf<Regularizer>();
    expectTypeOf(getRegularizer({ className: 'L1L2', config: { l1: 0.1 } })).toEqualTypeOf<Regularizer>();
    getRegularizer('l1_l2');
    getRegularizer('orthogonal');
    getRegularizer({ className: 'OrthogonalRegularizer', config: { factor: 0.1, mode: 'columns' } });
    expectTypeOf<'l1' | 'l2' | 'L1L2' | 'l1l2' | 'l1_l2' | 'orthogonal_regularizer'>().toExtend<RegularizerName>();
  });

  it('rejects unknown names, wrong kinds and bad configs at compile time', () => {
    // @ts-expect-error 'l3' is not a registered regularizer
    getRegularizer('l3');
    // @ts-expect-error a constraint name is not a regularizer name
    getRegularizer('maxNorm');
    // @ts-expect-error the config of L1L2 has no key l_1
    getRegularizer({ className: 'L1L2', config: { l_1: 0.1 } });
    // @ts-expect-error mode is 'rows' or 'columns'
    getRegularizer({ className: 'orthogonal', config: { mode: 'diagonal' } });
    // @ts-expect-error a factor is a number
    l2('0.1');
    // @ts-expect-error l2's config has no key l_2
    l2({ l_2: 0.1 });
    // @ts-expect-error mode is 'rows' or 'columns'
    orthogonal({ mode: 'row' });
  });

  it('types each name by the config it accepts', () => {
    expectTypeOf<ConfigOf<'regularizer', 'l2'>>().toEqualTypeOf<L2Config>();
    expectTypeOf<ConfigOf<'regularizer', 'l1_l2'>>().toEqualTypeOf<L1L2Config>();
    expectTypeOf<ConfigOf<'regularizer', 'OrthogonalRegularizer'>>().toEqualTypeOf<OrthogonalRegularizerConfig>();
    expectTypeOf<ConfigOf<'constraint', 'max_norm'>>().toEqualTypeOf<MaxNormConfig>();
  });

  it('accepts constraint names', () => {
    expectTypeOf(getConstraint('maxNorm')).toEqualTypeOf<Constraint>();
    getConstraint({ className: 'MaxNorm', config: { maxValue: 3, axis: [0, 1] } });
    expectTypeOf<'NonNeg' | 'non_neg' | 'unitNorm' | 'min_max_norm'>().toExtend<ConstraintName>();
    // @ts-expect-error 'l2' is a regularizer, not a constraint
    getConstraint('l2');
  });

  it('types the factories', () => {
    expectTypeOf(l1l2).toBeCallableWith(0.1, 0.2);
    expectTypeOf(l1l2).toBeCallableWith({ l1: 0.1 });
    expectTypeOf(l2(0.1).getConfig()).toEqualTypeOf<{ l2: number }>();
    expectTypeOf(maxNorm().getConfig().axis).toEqualTypeOf<number | number[]>();
  });
});
