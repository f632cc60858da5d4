import { registry, type FactoryEntry } from '@ridge/core';
import { MaxNorm, type MaxNormConfig } from './constraints/max-norm.js';
import { MinMaxNorm, type MinMaxNormConfig } from './constraints/min-max-norm.js';
import { NonNeg, type NonNegConfig } from './constraints/non-neg.js';
import { UnitNorm, type UnitNormConfig } from './constraints/unit-norm.js';
import { L1, type L1Config } from './l1.js';
import { L1L2, l1l2, type L1L2Config } from './l1l2.js';
import { L2, type L2Config } from './l2.js';
import { OrthogonalRegularizer, type OrthogonalRegularizerConfig } from './orthogonal.js';

// The names below are registered at run time further down in this same module, so the types
// and the registry cannot disagree: a name type-checks exactly when this module is loaded.
declare module '@ridge/core' {
  interface RegularizerRegistry {
    L1: L1Config;
    l1: L1Config;
    L2: L2Config;
    l2: L2Config;
    L1L2: L1L2Config;
    l1l2: L1L2Config;
    l1_l2: L1L2Config;
    OrthogonalRegularizer: OrthogonalRegularizerConfig;
    orthogonal: OrthogonalRegularizerConfig;
    orthogonal_regularizer: OrthogonalRegularizerConfig;
  }
  interface ConstraintRegistry {
    MaxNorm: MaxNormConfig;
    maxNorm: MaxNormConfig;
    max_norm: MaxNormConfig;
    NonNeg: NonNegConfig;
    nonNeg: NonNegConfig;
    non_neg: NonNegConfig;
    UnitNorm: UnitNormConfig;
    unitNorm: UnitNormConfig;
    unit_norm: UnitNormConfig;
    MinMaxNorm: MinMaxNormConfig;
    minMaxNorm: MinMaxNormConfig;
    min_max_norm: MinMaxNormConfig;
  }
}

const PACKAGE = '@ridge/regularizers';

// `create` receives configs read from JSON; the constructors check every key and every value at
// run time (unknown keys, non-numbers, negative factors), which is what the casts rely on.

/** Every regularizer entry this package registers. */
export const regularizerEntries: readonly FactoryEntry<'regularizer'>[] = [
  { kind: 'regularizer', name: 'L1', aliases: ['l1'], package: PACKAGE, create: (c) => new L1(c as L1Config) },
  { kind: 'regularizer', name: 'L2', aliases: ['l2'], package: PACKAGE, create: (c) => new L2(c as L2Config) },
  // The class name keeps Keras's class defaults (0 and 0), so a serialized L1L2 reads back as
  // written; the lower-case names are the factory, whose defaults are 0.01 and 0.01.
  { kind: 'regularizer', name: 'L1L2', package: PACKAGE, create: (c) => new L1L2(c as L1L2Config) },
  { kind: 'regularizer', name: 'l1l2', aliases: ['l1_l2'], package: PACKAGE, create: (c) => l1l2(c as L1L2Config) },
  {
    kind: 'regularizer',
    name: 'OrthogonalRegularizer',
    aliases: ['orthogonal', 'orthogonal_regularizer'],
    package: PACKAGE,
    create: (c) => new OrthogonalRegularizer(c as OrthogonalRegularizerConfig),
  },
];

/** Every constraint entry this package registers. */
export const constraintEntries: readonly FactoryEntry<'constraint'>[] = [
  {
    kind: 'constraint',
    name: 'MaxNorm',
    aliases: ['maxNorm', 'max_norm'],
    package: PACKAGE,
    create: (c) => new MaxNorm(c as MaxNormConfig),
  },
  {
    kind: 'constraint',
    name: 'NonNeg',
    aliases: ['nonNeg', 'non_neg'],
    package: PACKAGE,
    create: (c) => new NonNeg(c as NonNegConfig),
  },
  {
    kind: 'constraint',
    name: 'UnitNorm',
    aliases: ['unitNorm', 'unit_norm'],
    package: PACKAGE,
    create: (c) => new UnitNorm(c as UnitNormConfig),
  },
  {
    kind: 'constraint',
    name: 'MinMaxNorm',
    aliases: ['minMaxNorm', 'min_max_norm'],
    package: PACKAGE,
    create: (c) => new MinMaxNorm(c as MinMaxNormConfig),
  },
];

for (const entry of regularizerEntries) registry('regularizer').register(entry);
for (const entry of constraintEntries) registry('constraint').register(entry);
