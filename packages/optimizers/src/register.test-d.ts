import { getOptimizer, type Optimizer, type OptimizerName, type OptimizerSpec } from '@ridge/core';
import { adam, sgd, type AdamW, type SGD, type SGDConfig } from '@ridge/optimizers';
import { describe, expectTypeOf, it } from 'vitest';

describe('optimizer names after importing @ridge/optimizers', () => {
  it('registered names and { className, config } type-check', () => {
    expectTypeOf(getOptimizer('adam')).toEqualTypeOf<Optimizer>();
    expectTypeOf(getOptimizer({ className: 'AdamW', config: { weightDecay: 0.01 } })).toEqualTypeOf<Optimizer>();
    expectTypeOf<'sgd' | 'SGD' | 'adamW' | 'RMSProp' | 'adagrad'>().toExtend<OptimizerName>();
    expectTypeOf(adam()).toExtend<OptimizerSpec>();
  });

  it('a typo or a wrong config is a compile error', () => {
    // @ts-expect-error 'adamm' is not a registered optimizer name
    getOptimizer('adamm');
    // @ts-expect-error weightDecay is a number
    getOptimizer({ className: 'AdamW', config: { weightDecay: 'high' } });
    // @ts-expect-error beta1 is not an SGD option
    getOptimizer({ className: 'SGD', config: { beta1: 0.9 } });
    // @ts-expect-error lerningRate is misspelled
    adam({ lerningRate: 0.1 });
  });

  it('factories return their class and take a number or a config', () => {
    expectTypeOf(sgd(0.1)).toEqualTypeOf<SGD>();
    expectTypeOf(sgd).parameter(0).toEqualTypeOf<SGDConfig | number | undefined>();
    expectTypeOf<AdamW>().toExtend<Optimizer>();
  });
});
