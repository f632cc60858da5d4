import { initBackend } from '@ridge/backend';
import { NORMALIZATION_ROLES, RidgeError, deserializeOptimizer, getOptimizer } from '@ridge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Nadam,
  RMSprop,
  SGD,
  adadelta,
  adagrad,
  adam,
  adamax,
  adamw,
  nadam,
  rmsprop,
  sgd,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const unset = { weightDecay: 0, excludeFromWeightDecay: [], clipNorm: null, globalClipNorm: null, clipValue: null };

describe('config', () => {
  it('defaults are Keras 3 defaults', () => {
    expect(new SGD().getConfig()).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false, ...unset });
    expect(new Adam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...unset });
    expect(new AdamW().getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      ...unset,
      weightDecay: 0.004,
      excludeFromWeightDecay: ['bias', ...NORMALIZATION_ROLES],
    });
    expect(new RMSprop().getConfig()).toEqual({
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
      ...unset,
    });
    expect(new Adagrad().getConfig()).toEqual({
      learningRate: 0.001,
      initialAccumulatorValue: 0.1,
      epsilon: 1e-7,
      ...unset,
    });
  });

  it('Nadam, Adamax and Adadelta defaults are Keras 3 defaults', () => {
    expect(new Nadam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...unset });
    expect(new Adamax().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, ...unset });
    expect(new Adadelta().getConfig()).toEqual({ learningRate: 0.001, rho: 0.95, epsilon: 1e-7, ...unset });
    expect(nadam(0.02)).toBeInstanceOf(Nadam);
    expect(adamax(0.02).learningRate).toBe(0.02);
    expect(adadelta(1).getConfig()).toMatchObject({ learningRate: 1 });
  });

  it('factories take a config or a learning rate', () => {
    expect(sgd(0.1).learningRate).toBe(0.1);
    expect(sgd(0.1).getConfig()).toEqual(sgd({ learningRate: 0.1 }).getConfig());
    expect(adam(0.02)).toBeInstanceOf(Adam);
    expect(adamw(0.02)).toBeInstanceOf(AdamW);
    expect(adamw(0.02)).toBeInstanceOf(Adam);
    expect(rmsprop(0.02).learningRate).toBe(0.02);
    expect(adagrad({ learningRate: 0.5, epsilon: 0.01 }).getConfig()).toMatchObject({ learningRate: 0.5, epsilon: 0.01 });
    expect(adam({ learningRate: 0.002, clipNorm: 1 }).getConfig()).toMatchObject({ learningRate: 0.002, clipNorm: 1 });
  });

  it("serializes excludeFromWeightDecay: strings as they are, a RegExp as { regexp, flags }", () => {
    const opt = adamw({ excludeFromWeightDecay: ['bias', 'block_*/**', /norm/i] });
    expect(opt.getConfig()['excludeFromWeightDecay']).toEqual(['bias', 'block_*/**', { regexp: 'norm', flags: 'i' }]);
    const back = AdamW.fromConfig(opt.getConfig());
    expect(back.getConfig()).toEqual(opt.getConfig());
    expect(adamw({ excludeFromWeightDecay: /x/ }).getConfig()['excludeFromWeightDecay']).toEqual({ regexp: 'x', flags: '' });
  });

  it('a predicate selector works but cannot be serialized: getConfig throws INVALID_CONFIG', () => {
    const opt = adamw({ excludeFromWeightDecay: ['bias', (w) => w.path.startsWith('head/')] });
    expect(() => opt.getConfig()).toThrow(
      expect.objectContaining({
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(/AdamW\.getConfig\(\) cannot serialize excludeFromWeightDecay\[1\].*predicate/),
      }),
    );
  });
});

describe('Keras JSON', () => {
  it('loads a Keras 3 Adam, with null for unset options and the no-effect keys', () => {
    const opt = deserializeOptimizer({
      module: 'keras.optimizers',
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: 0.002,
        beta_1: 0.8,
        beta_2: 0.99,
        epsilon: 1e-7,
        amsgrad: false,
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
      },
      registered_name: null,
    });
    expect(opt).toBeInstanceOf(Adam);
    expect(opt.getConfig()).toEqual({ learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-7, ...unset });
  });

  it('loads Keras 3 Nadam, Adamax and Adadelta JSON', () => {
    const common = {
      weight_decay: null,
      clipnorm: null,
      global_clipnorm: null,
      clipvalue: null,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
    };
    const n = deserializeOptimizer({
      module: 'keras.optimizers',
      class_name: 'Nadam',
      config: { name: 'nadam', learning_rate: 0.002, beta_1: 0.85, beta_2: 0.99, epsilon: 1e-6, ...common },
      registered_name: null,
    });
    expect(n).toBeInstanceOf(Nadam);
    expect(n.getConfig()).toEqual({ learningRate: 0.002, beta1: 0.85, beta2: 0.99, epsilon: 1e-6, ...unset });
    const x = deserializeOptimizer({ class_name: 'Adamax', config: { name: 'adamax', learning_rate: 0.003, beta_1: 0.9, beta_2: 0.95, epsilon: 1e-7, ...common, clipnorm: 1 } });
    expect(x).toBeInstanceOf(Adamax);
    expect(x.getConfig()).toEqual({ learningRate: 0.003, beta1: 0.9, beta2: 0.95, epsilon: 1e-7, ...unset, clipNorm: 1 });
    const d = deserializeOptimizer({ class_name: 'Adadelta', config: { name: 'adadelta', learning_rate: 1.0, rho: 0.9, epsilon: 1e-6, ...common, weight_decay: 0.01 } });
    expect(d).toBeInstanceOf(Adadelta);
    expect(d.getConfig()).toEqual({ learningRate: 1, rho: 0.9, epsilon: 1e-6, ...unset, weightDecay: 0.01 });
    expect(() => deserializeOptimizer({ class_name: 'Nadam', config: { amsgrad: true } })).toThrow(/amsgrad = true/);
    expect(() => deserializeOptimizer({ class_name: 'Adamax', config: { beta_3: 0.5 } })).toThrow(/Adamax: unknown config key "beta3"/);
  });

  it("maps Keras's clipnorm, clipvalue, global_clipnorm and weight_decay", () => {
    const keras = (config: Record<string, unknown>) => deserializeOptimizer({ class_name: 'SGD', config });
    expect(keras({ learning_rate: 0.1, momentum: 0.9, nesterov: true, clipnorm: 2, weight_decay: 0.01 }).getConfig()).toMatchObject({
      learningRate: 0.1,
      momentum: 0.9,
      nesterov: true,
      clipNorm: 2,
      weightDecay: 0.01,
    });
    expect(keras({ clipvalue: 0.5 }).getConfig()).toMatchObject({ clipValue: 0.5, clipNorm: null });
    expect(keras({ global_clipnorm: 3 }).getConfig()).toMatchObject({ globalClipNorm: 3 });
    expect(deserializeOptimizer({ class_name: 'RMSprop', config: { rho: 0.95, centered: true } })).toMatchObject({ rho: 0.95, centered: true });
    expect(deserializeOptimizer({ class_name: 'Adagrad', config: { initial_accumulator_value: 0.2 } })).toMatchObject({
      initialAccumulatorValue: 0.2,
    });
    expect(deserializeOptimizer({ class_name: 'AdamW', config: { weight_decay: null } })).toMatchObject({ weightDecay: 0.004 });
  });

  it('accepts Keras 2 JSON (decay 0, is_legacy_optimizer, jit_compile)', () => {
    const opt = deserializeOptimizer({
      class_name: 'RMSprop',
      config: { name: 'RMSprop', learning_rate: 0.001, decay: 0.0, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false, jit_compile: true, is_legacy_optimizer: false },
    });
    expect(opt).toBeInstanceOf(RMSprop);
  });

  it('refuses Keras options that would change training rather than dropping them', () => {
    const load = (config: Record<string, unknown>) => () => deserializeOptimizer({ class_name: 'Adam', config });
    expect(load({ amsgrad: true })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('amsgrad = true') }));
    expect(load({ use_ema: true })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('useEma = true') }));
    expect(load({ gradient_accumulation_steps: 4 })).toThrow(/gradientAccumulationSteps = 4/);
    expect(load({ decay: 0.01 })).toThrow(/decay = 0.01/);
    // A schedule loads (see schedules.test.ts); an incomplete one fails naming what is missing.
    expect(load({ learning_rate: { class_name: 'ExponentialDecay', config: {} } })).toThrow(/ExponentialDecay: initialLearningRate must be a finite number >= 0; received undefined/);
  });

  it('rejects unknown keys with INVALID_CONFIG naming the key', () => {
    expect(() => deserializeOptimizer({ class_name: 'Adam', config: { beta_3: 0.5 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringMatching(/Adam: unknown config key "beta3" \(set to 0.5\)\. Did you mean 'beta1'\?/) }),
    );
    expect(() => adam({ lerningRate: 0.1 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining('"lerningRate"') }),
    );
    expect(() => sgd({ beta1: 0.9 } as never)).toThrow(/SGD: unknown config key "beta1"/);
  });
});

describe('bad arguments', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['negative learning rate', () => sgd(-0.1), /learningRate must be a finite number >= 0; received -0\.1\./],
    ['NaN learning rate', () => adam({ learningRate: Number.NaN }), /learningRate .*received NaN/],
    ['Infinity weight decay', () => adamw({ weightDecay: Infinity }), /weightDecay .*received Infinity/],
    ['beta1 = 1', () => adam({ beta1: 1 }), /beta1 must be a number >= 0 and < 1; received 1\./],
    ['negative beta2', () => adam({ beta2: -0.5 }), /beta2 .*received -0\.5/],
    ['momentum > 1', () => sgd({ momentum: 1.5 }), /momentum must be a finite number between 0 \(inclusive\) and 1 \(inclusive\); received 1\.5/],
    ['string nesterov', () => sgd({ nesterov: 'yes' as never }), /nesterov must be true or false; received "yes"/],
    ['rho NaN', () => rmsprop({ rho: Number.NaN }), /rho .*received NaN/],
    ['negative epsilon', () => adagrad({ epsilon: -1 }), /epsilon .*received -1/],
    ['negative initialAccumulatorValue', () => adagrad({ initialAccumulatorValue: -0.1 }), /initialAccumulatorValue .*received -0\.1/],
    ['zero clipNorm', () => sgd({ clipNorm: 0 }), /clipNorm must be a finite number > 0; received 0\./],
    ['two clip options', () => sgd({ clipNorm: 1, clipValue: 1 }), /Only one of clipNorm, globalClipNorm and clipValue .*clipNorm = 1, clipValue = 1/],
    ['a number selector', () => adamw({ excludeFromWeightDecay: 42 as never }), /excludeFromWeightDecay must be .*received 42/],
    ['an empty-string selector in a list', () => sgd({ excludeFromWeightDecay: ['bias', ''] }), /excludeFromWeightDecay\[1\] must be .*received ""/],
    ['a broken JSON RegExp', () => adamw({ excludeFromWeightDecay: { regexp: '(' } }), /excludeFromWeightDecay must be a valid regular expression/],
    ['a non-object config', () => new Adam('fast' as never), /Adam config must be an object of options; received "fast"/],
  ];
  for (const [what, make, message] of cases) {
    it(`${what} -> RidgeError naming the argument and value`, () => {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error)).toBe(true);
      expect((error as RidgeError).message).toMatch(message);
    });
  }

  it('an invalid Keras value is reported through deserializeOptimizer as a RidgeError', () => {
    expect(() => getOptimizer({ className: 'SGD', config: { learningRate: -1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('received -1') }),
    );
  });
});
