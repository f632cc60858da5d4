import { describe, expectTypeOf, it } from 'vitest';
import { dense, getLoss, getOptimizer, getRegularizer, type LossName, type OptimizerName, type RegularizerName } from './index.js';

describe('one import brings every name into the types', () => {
  it('accepts the built-in names of every kind', () => {
    expectTypeOf<'l2' | 'l1_l2' | 'orthogonal'>().toExtend<RegularizerName>();
    expectTypeOf<'adam' | 'sgd' | 'adamw'>().toExtend<OptimizerName>();
    expectTypeOf<'categoricalCrossentropy' | 'mse'>().toExtend<LossName>();
    getRegularizer('l2');
    getOptimizer('adam');
    getLoss('mse');
    dense({ units: 2, kernelRegularizer: 'l1l2', kernelConstraint: 'maxNorm', kernelInitializer: 'heNormal' });
  });

  it('still rejects names nothing registered', () => {
    // @ts-expect-error not a regularizer
    getRegularizer('groupLasso');
    // @ts-expect-error not an optimizer
    getOptimizer('adamm');
  });
});
