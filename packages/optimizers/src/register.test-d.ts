import { getOptimizer, type ConfigOf, type Optimizer, type OptimizerName, type OptimizerSpec } from '@ridge/core';
import {
  adam,
  nadam,
  sgd,
  type Adadelta,
  type AdadeltaConfig,
  type AdamaxConfig,
  type AdamW,
  type Nadam,
  type NadamConfig,
  type SGD,
  type SGDConfig,
} from '@ridge/optimizers';
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

  it('Nadam, Adamax and Adadelta are in the registry, with their configs', () => {
    expectTypeOf<'Nadam' | 'nadam' | 'Adamax' | 'adamax' | 'Adadelta' | 'adadelta'>().toExtend<OptimizerName>();
    expectTypeOf<ConfigOf<'optimizer', 'nadam'>>().toEqualTypeOf<NadamConfig>();
    expectTypeOf<ConfigOf<'optimizer', 'Adamax'>>().toEqualTypeOf<AdamaxConfig>();
    expectTypeOf<ConfigOf<'optimizer', 'adadelta'>>().toEqualTypeOf<AdadeltaConfig>();
    expectTypeOf(getOptimizer({ className: 'Adamax', config: { beta2: 0.99, clipNorm: 1 } })).toEqualTypeOf<Optimizer>();
    expectTypeOf(nadam(0.1)).toEqualTypeOf<Nadam>();
    expectTypeOf<Adadelta>().toExtend<Optimizer>();
    // @ts-expect-error 'nadamm' is not a registered optimizer name
    getOptimizer('nadamm');
    // @ts-expect-error rho is not a Nadam option
    getOptimizer({ className: 'Nadam', config: { rho: 0.9 } });
  });

  it('every optimizer class has a settable learningRate, as the core contract says', () => {
    const opt = adam();
    expectTypeOf(opt.learningRate).toEqualTypeOf<number>();
    opt.learningRate = 0.01;
    const asContract: Optimizer = sgd(0.1);
    asContract.learningRate = asContract.learningRate / 10;
    // @ts-expect-error a number, not a schedule
    opt.learningRate = (step: number) => 0.1 / step;
  });
});
