// The side-effect-free entry (`@ridge/regularizers/base`): classes, factories and config types,
// without registering any name. Import the package root to register them too.
export { L1, l1 } from './l1.js';
export type { L1Config } from './l1.js';
export { L2, l2 } from './l2.js';
export type { L2Config } from './l2.js';
export { L1L2, l1l2 } from './l1l2.js';
export type { L1L2Config } from './l1l2.js';
export { ORTHOGONAL_MODES, OrthogonalRegularizer, orthogonal } from './orthogonal.js';
export type { OrthogonalMode, OrthogonalRegularizerConfig } from './orthogonal.js';
export { MaxNorm, maxNorm } from './constraints/max-norm.js';
export type { MaxNormConfig } from './constraints/max-norm.js';
export { NonNeg, nonNeg } from './constraints/non-neg.js';
export type { NonNegConfig } from './constraints/non-neg.js';
export { UnitNorm, unitNorm } from './constraints/unit-norm.js';
export type { UnitNormConfig } from './constraints/unit-norm.js';
export { MinMaxNorm, minMaxNorm } from './constraints/min-max-norm.js';
export type { MinMaxNormConfig } from './constraints/min-max-norm.js';
export type { Axis } from './constraints/norms.js';
