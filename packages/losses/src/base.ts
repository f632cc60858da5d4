// The side-effect-free entry: classes, factories and config types. Importing it registers
// nothing; import '@ridge/losses' to make the names resolvable.
export { BinaryCrossentropy, binaryCrossentropy } from './binary-crossentropy.js';
export type { BinaryCrossentropyConfig } from './binary-crossentropy.js';
export { CategoricalCrossentropy, categoricalCrossentropy } from './categorical-crossentropy.js';
export type { CategoricalCrossentropyConfig } from './categorical-crossentropy.js';
export type { LossConfig, ReductionInput } from './config.js';
export { CosineSimilarity, cosineSimilarity } from './cosine-similarity.js';
export type { CosineSimilarityConfig } from './cosine-similarity.js';
export { Hinge, hinge } from './hinge.js';
export type { HingeConfig } from './hinge.js';
export { Huber, huber } from './huber.js';
export type { HuberConfig } from './huber.js';
export { KLDivergence, klDivergence } from './kl-divergence.js';
export type { KLDivergenceConfig } from './kl-divergence.js';
export { MeanAbsoluteError, meanAbsoluteError } from './mean-absolute-error.js';
export type { MeanAbsoluteErrorConfig } from './mean-absolute-error.js';
export { MeanSquaredError, meanSquaredError } from './mean-squared-error.js';
export type { MeanSquaredErrorConfig } from './mean-squared-error.js';
export { SparseCategoricalCrossentropy, sparseCategoricalCrossentropy } from './sparse-categorical-crossentropy.js';
export type { SparseCategoricalCrossentropyConfig } from './sparse-categorical-crossentropy.js';
