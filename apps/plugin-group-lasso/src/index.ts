import { registry, type FactoryEntry } from '@ridge/core';
import { GROUP_LASSO_CLASS_NAME, GroupLasso, type GroupLassoConfig } from './group-lasso.js';
import { manifest } from './manifest.js';

// The names are registered at run time further down in this same module, so the types and the
// registry cannot disagree: 'groupLasso' type-checks exactly where this module is imported.
declare module '@ridge/core' {
  interface RegularizerRegistry {
    'ridge-regularizer-group-lasso>GroupLasso': GroupLassoConfig;
    groupLasso: GroupLassoConfig;
  }
}

/** The registry entry; the constructor checks every key and value of a config read from JSON. */
export const groupLassoEntry: FactoryEntry<'regularizer'> = {
  kind: 'regularizer',
  name: GROUP_LASSO_CLASS_NAME,
  aliases: ['groupLasso'],
  package: manifest.name,
  manifest,
  create: (config) => new GroupLasso(config as GroupLassoConfig),
};

registry('regularizer').register(groupLassoEntry);

export * from './base.js';
