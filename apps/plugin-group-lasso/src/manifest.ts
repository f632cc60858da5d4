import type { PluginManifest } from '@ridge/core';

/**
 * Who this plugin is and which @ridge/core it was made for. @ridge/core checks `core` when the
 * entry registers and refuses a mismatch with `INCOMPATIBLE_PLUGIN`. Keep `name` and `version`
 * equal to package.json (a test does), and `core` equal to the `@ridge/core` peer range.
 */
export const manifest: PluginManifest = {
  name: 'ridge-regularizer-group-lasso',
  version: '0.1.0',
  core: '^0.1.0',
};
