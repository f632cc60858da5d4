import { initBackend } from '@ridge/backend';
import { getOptimizer, registry, serializeOptimizer, type Optimizer } from '@ridge/core';
import { expectConfigRoundTrip, expectNoTensorLeak, expectResolvable } from '@ridge/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { disposeAll, grad, weight } from '../test/helpers.js';
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
afterEach(disposeAll);

const NAMES: Record<string, readonly string[]> = {
  SGD: ['SGD', 'sgd'],
  Adam: ['Adam', 'adam'],
  AdamW: ['AdamW', 'adamw', 'adamW'],
  RMSprop: ['RMSprop', 'rmsprop', 'RMSProp'],
  Adagrad: ['Adagrad', 'adagrad'],
  Nadam: ['Nadam', 'nadam'],
  Adamax: ['Adamax', 'adamax'],
  Adadelta: ['Adadelta', 'adadelta'],
};

/** One instance per class with every option away from its default. */
const CUSTOM: [string, () => Optimizer][] = [
  ['SGD', () => sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.01, clipNorm: 2 })],
  ['Adam', () => adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, globalClipNorm: 5 })],
  ['AdamW', () => adamw({ weightDecay: 0.05, excludeFromWeightDecay: ['bias', /gamma$/], clipValue: 1 })],
  ['RMSprop', () => rmsprop({ rho: 0.95, momentum: 0.5, centered: true, epsilon: 1e-5, weightDecay: 0.001 })],
  ['Adagrad', () => adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5, epsilon: 1e-6, excludeFromWeightDecay: 'kernels' })],
  ['Nadam', () => nadam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, weightDecay: 0.01, excludeFromWeightDecay: ['bias'], clipNorm: 2 })],
  ['Adamax', () => adamax({ learningRate: 0.02, beta1: 0.85, beta2: 0.9, epsilon: 1e-5, globalClipNorm: 3 })],
  ['Adadelta', () => adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6, weightDecay: 0.001, clipValue: 0.5 })],
];

describe('registration', () => {
  it('registers exactly the Keras class names and aliases, in the optimizer registry only', () => {
    const all = Object.values(NAMES).flat();
    for (const name of all) {
      expect(registry('optimizer').resolve(name).package).toBe('@ridge/optimizers');
      expect(registry('regularizer').has(name)).toBe(false);
    }
    expect(registry('optimizer').list().filter((n) => all.includes(n))).toHaveLength(all.length);
  });

  it('each name builds its class', () => {
    const classes = { SGD, Adam, AdamW, RMSprop, Adagrad, Nadam, Adamax, Adadelta };
    for (const [className, names] of Object.entries(NAMES)) {
      for (const name of names) {
        const opt = getOptimizer(name as never);
        expect(opt.className).toBe(className);
        expect(opt).toBeInstanceOf(classes[className as keyof typeof classes]);
      }
    }
  });

  it('getOptimizer returns an instance as it is', () => {
    const opt = adam(0.123);
    expect(getOptimizer(opt)).toBe(opt);
    expect(serializeOptimizer(opt)).toEqual({ className: 'Adam', config: opt.getConfig() });
  });
});

describe('@ridge/testing contract', () => {
  for (const [className, make] of CUSTOM) {
    it(`${className}: config round trip (defaults and custom)`, () => {
      const rebuilt = expectConfigRoundTrip(make());
      expect(rebuilt.className).toBe(className);
      expectConfigRoundTrip(getOptimizer(className as never));
    });

    it(`${className}: every registered name is resolvable`, () => {
      for (const name of NAMES[className]!) expectResolvable('optimizer', name, { className });
      expectResolvable('optimizer', className, { config: make().getConfig() });
    });

    it(`${className}: no tensor leak in a step after warm-up`, async () => {
      const opt = make();
      const pairs = [
        grad(weight([1, 2, 3]), [0.1, -0.2, 0.3]),
        grad(weight([0.5], { path: 'dense_1/bias', role: 'bias' }), [1]),
        grad(weight([1], { path: 'bn/gamma', role: 'gamma' }), [-1]),
      ];
      opt.applyGradients(pairs);
      await expectNoTensorLeak(`${className}.applyGradients`, () => opt.applyGradients(pairs));
      opt.dispose();
    });
  }
});
