// The side-effect-free entry (`ridge-regularizer-group-lasso/base`): the class, the factory and
// the config type, registering nothing. Import the package root to register the names too.
export { GROUP_LASSO_CLASS_NAME, GROUP_LASSO_EPSILON, GroupLasso, groupLasso } from './group-lasso.js';
export type { GroupAxis, GroupLassoConfig } from './group-lasso.js';
export { manifest } from './manifest.js';
