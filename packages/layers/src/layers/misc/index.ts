export { ActivityRegularization, activityRegularization, type ActivityRegularizationArgs } from './activity-regularization.js';
export { AlphaDropout, alphaDropout, type AlphaDropoutArgs } from './alpha-dropout.js';
export { BatchNormalization, batchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
export { Embedding, embedding, type EmbeddingArgs } from './embedding.js';
export { GaussianDropout, gaussianDropout, type GaussianDropoutArgs } from './gaussian-dropout.js';
export { GaussianNoise, gaussianNoise, type GaussianNoiseArgs } from './gaussian-noise.js';
export { LayerNormalization, layerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';
export { SpatialDropout1D, spatialDropout1d, type SpatialDropout1DArgs } from './spatial-dropout1d.js';
