import { registry, type FactoryEntry } from '@ridge/core';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  AdamW,
  Nadam,
  RMSprop,
  SGD,
  type AdadeltaConfig,
  type AdagradConfig,
  type AdamConfig,
  type AdamaxConfig,
  type AdamWConfig,
  type NadamConfig,
  type RMSpropConfig,
  type SGDConfig,
} from './base.js';
// The registered factories build optimizers from configs (Ridge's and Keras's): `fromConfig`.
import './features/io.js';

const PACKAGE = '@ridge/optimizers';

/** The registry entries of this package: Keras class names, with Keras's and tfjs's aliases. */
const optimizerEntries: readonly FactoryEntry<'optimizer'>[] = [
  { kind: 'optimizer', name: 'SGD', aliases: ['sgd'], package: PACKAGE, create: (c) => SGD.fromConfig(c) },
  { kind: 'optimizer', name: 'Adam', aliases: ['adam'], package: PACKAGE, create: (c) => Adam.fromConfig(c) },
  { kind: 'optimizer', name: 'AdamW', aliases: ['adamw', 'adamW'], package: PACKAGE, create: (c) => AdamW.fromConfig(c) },
  { kind: 'optimizer', name: 'RMSprop', aliases: ['rmsprop', 'RMSProp'], package: PACKAGE, create: (c) => RMSprop.fromConfig(c) },
  { kind: 'optimizer', name: 'Adagrad', aliases: ['adagrad'], package: PACKAGE, create: (c) => Adagrad.fromConfig(c) },
  { kind: 'optimizer', name: 'Nadam', aliases: ['nadam'], package: PACKAGE, create: (c) => Nadam.fromConfig(c) },
  { kind: 'optimizer', name: 'Adamax', aliases: ['adamax'], package: PACKAGE, create: (c) => Adamax.fromConfig(c) },
  { kind: 'optimizer', name: 'Adadelta', aliases: ['adadelta'], package: PACKAGE, create: (c) => Adadelta.fromConfig(c) },
];

for (const entry of optimizerEntries) registry('optimizer').register(entry);

declare module '@ridge/core' {
  interface OptimizerRegistry {
    SGD: SGDConfig;
    sgd: SGDConfig;
    Adam: AdamConfig;
    adam: AdamConfig;
    AdamW: AdamWConfig;
    adamw: AdamWConfig;
    adamW: AdamWConfig;
    RMSprop: RMSpropConfig;
    rmsprop: RMSpropConfig;
    RMSProp: RMSpropConfig;
    Adagrad: AdagradConfig;
    adagrad: AdagradConfig;
    Nadam: NadamConfig;
    nadam: NadamConfig;
    Adamax: AdamaxConfig;
    adamax: AdamaxConfig;
    Adadelta: AdadeltaConfig;
    adadelta: AdadeltaConfig;
  }
}
