import type { Regularizer } from '@ridge/core';
import { activation, dense, input, model, type Model } from '@ridge/layers';
import '@ridge/losses';
import { adam, adamw } from '@ridge/optimizers';
import { l1, l1l2, l2 } from '@ridge/regularizers';
import type { ExperimentConfig, LayerChoice, RegularizerChoice } from './configs.js';
import { CLASSES, PIXELS } from './digits.js';

export const HIDDEN_UNITS = 250;

export function makeRegularizer(choice: RegularizerChoice | undefined): Regularizer | undefined {
  if (!choice || choice.kind === 'none') return undefined;
  switch (choice.kind) {
    case 'l1':
      return l1(choice.factor);
    case 'l2':
      return l2(choice.factor);
    case 'l1l2':
      return l1l2(choice.factor, choice.factor);
  }
}

function layerRegularizers(choice: LayerChoice | undefined) {
  const kernel = makeRegularizer(choice?.kernel);
  const bias = makeRegularizer(choice?.bias);
  const activity = makeRegularizer(choice?.activity);
  return {
    ...(kernel ? { kernelRegularizer: kernel } : {}),
    ...(bias ? { biasRegularizer: bias } : {}),
    ...(activity ? { activityRegularizer: activity } : {}),
  };
}

/**
 * The question's model, 784 -> Dense(250, tanh) -> Dense(10) -> softmax, with Adam and
 * categorical crossentropy, regularized as `config` says. Initial weights depend on `seed` only,
 * so every configuration starts from the same weights.
 */
export function buildModel(config: ExperimentConfig, seed: number): Model {
  const glorot = (s: number) => ({ className: 'GlorotUniform' as const, config: { seed: s } });
  const inp = input({ name: 'digits', shape: [PIXELS] });
  let x = dense({
    units: HIDDEN_UNITS,
    activation: 'tanh',
    name: 'dense_1',
    kernelInitializer: glorot(seed),
    ...layerRegularizers(config.layers.dense_1),
  }).apply(inp);
  x = dense({ units: CLASSES, name: 'dense_2', kernelInitializer: glorot(seed + 1), ...layerRegularizers(config.layers.dense_2) }).apply(x);
  const y = activation({ activation: 'softmax', name: 'softmax' }).apply(x);
  const m = model({ inputs: inp, outputs: y, name: config.id });
  const rule = config.model && config.model.kind !== 'none' ? makeRegularizer(config.model) : undefined;
  m.compile({
    optimizer: config.optimizer.name === 'adamw' ? adamw({ weightDecay: config.optimizer.weightDecay }) : adam(),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    ...(rule && config.model ? { regularization: { regularizer: rule, include: config.model.include, onConflict: config.model.onConflict } } : {}),
  });
  return m;
}
