// The side-effect-free entry: classes, factories and config types. Importing it registers nothing;
// import the package root (or './register.js') to make 'adam', 'sgd', ... resolvable by name.
export { Adadelta, adadelta } from './adadelta.js';
export type { AdadeltaConfig } from './adadelta.js';
export { Adagrad, adagrad } from './adagrad.js';
export type { AdagradConfig } from './adagrad.js';
export { Adam, adam } from './adam.js';
export type { AdamConfig } from './adam.js';
export { Adamax, adamax } from './adamax.js';
export type { AdamaxConfig } from './adamax.js';
export { AdamW, adamw } from './adamw.js';
export type { AdamWConfig } from './adamw.js';
export { Nadam, nadam } from './nadam.js';
export type { NadamConfig } from './nadam.js';
export { OptimizerBase } from './optimizer-base.js';
export type { OptimizerConfig, OptimizerDefaults, OptimizerWeight, WeightUpdate } from './optimizer-base.js';
export { RMSprop, rmsprop } from './rmsprop.js';
export type { RMSpropConfig } from './rmsprop.js';
export { SGD, sgd } from './sgd.js';
export type { SGDConfig } from './sgd.js';
export type { RegExpJson, WeightDecaySelector } from './weight-decay-selector.js';
export {
  CosineDecay,
  CosineDecayRestarts,
  ExponentialDecay,
  InverseTimeDecay,
  PiecewiseConstantDecay,
  PolynomialDecay,
  cosineDecay,
  cosineDecayRestarts,
  exponentialDecay,
  inverseTimeDecay,
  piecewiseConstantDecay,
  polynomialDecay,
} from './schedules.js';
export type {
  CosineDecayConfig,
  CosineDecayRestartsConfig,
  ExponentialDecayConfig,
  InverseTimeDecayConfig,
  LearningRateSchedule,
  PiecewiseConstantDecayConfig,
  PolynomialDecayConfig,
} from './schedules.js';
