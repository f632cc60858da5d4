import { registry, type FactoryEntry, type JsonObject, type Loss } from '@ridge/core';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CosineSimilarity,
  Hinge,
  Huber,
  KLDivergence,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalFocalCrossentropy,
  CategoricalHinge,
  LogCosh,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Poisson,
  SquaredHinge,
  type BinaryCrossentropyConfig,
  type CategoricalCrossentropyConfig,
  type CosineSimilarityConfig,
  type HingeConfig,
  type HuberConfig,
  type KLDivergenceConfig,
  type MeanAbsoluteErrorConfig,
  type MeanSquaredErrorConfig,
  type SparseCategoricalCrossentropyConfig,
  type BinaryFocalCrossentropyConfig,
  type CategoricalFocalCrossentropyConfig,
  type CategoricalHingeConfig,
  type LogCoshConfig,
  type MeanAbsolutePercentageErrorConfig,
  type MeanSquaredLogarithmicErrorConfig,
  type PoissonConfig,
  type SquaredHingeConfig,
} from './base.js';

// The names below and the augmentation at the end of this file must list the same names:
// the augmentation makes a name type-check exactly when this module has registered it.

function entry<C>(
  name: string,
  aliases: readonly string[],
  Class: new (config: C) => Loss,
): FactoryEntry<'loss'> {
  return {
    kind: 'loss',
    name,
    aliases,
    package: '@ridge/losses',
    // A config from JSON is not yet a C: every constructor checks each key and value.
    create: (config: JsonObject = {}) => new Class(config as C),
  };
}

const entries: readonly FactoryEntry<'loss'>[] = [
  entry<CategoricalCrossentropyConfig>(
    'CategoricalCrossentropy',
    ['categoricalCrossentropy', 'categorical_crossentropy'],
    CategoricalCrossentropy,
  ),
  entry<SparseCategoricalCrossentropyConfig>(
    'SparseCategoricalCrossentropy',
    ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'],
    SparseCategoricalCrossentropy,
  ),
  entry<BinaryCrossentropyConfig>(
    'BinaryCrossentropy',
    ['binaryCrossentropy', 'binary_crossentropy', 'bce', 'BCE'],
    BinaryCrossentropy,
  ),
  entry<MeanSquaredErrorConfig>(
    'MeanSquaredError',
    ['meanSquaredError', 'mean_squared_error', 'mse', 'MSE'],
    MeanSquaredError,
  ),
  entry<MeanAbsoluteErrorConfig>(
    'MeanAbsoluteError',
    ['meanAbsoluteError', 'mean_absolute_error', 'mae', 'MAE'],
    MeanAbsoluteError,
  ),
  entry<HuberConfig>('Huber', ['huber', 'huber_loss'], Huber),
  entry<KLDivergenceConfig>(
    'KLDivergence',
    ['klDivergence', 'kullbackLeiblerDivergence', 'kl_divergence', 'kullback_leibler_divergence', 'kld', 'KLD'],
    KLDivergence,
  ),
  entry<HingeConfig>('Hinge', ['hinge'], Hinge),
  entry<CosineSimilarityConfig>('CosineSimilarity', ['cosineSimilarity', 'cosine_similarity'], CosineSimilarity),
  entry<BinaryFocalCrossentropyConfig>(
    'BinaryFocalCrossentropy',
    ['binaryFocalCrossentropy', 'binary_focal_crossentropy'],
    BinaryFocalCrossentropy,
  ),
  entry<CategoricalFocalCrossentropyConfig>(
    'CategoricalFocalCrossentropy',
    ['categoricalFocalCrossentropy', 'categorical_focal_crossentropy'],
    CategoricalFocalCrossentropy,
  ),
  entry<CategoricalHingeConfig>('CategoricalHinge', ['categoricalHinge', 'categorical_hinge'], CategoricalHinge),
  entry<LogCoshConfig>('LogCosh', ['logCosh', 'log_cosh', 'logcosh'], LogCosh),
  entry<MeanAbsolutePercentageErrorConfig>(
    'MeanAbsolutePercentageError',
    ['meanAbsolutePercentageError', 'mean_absolute_percentage_error', 'mape', 'MAPE'],
    MeanAbsolutePercentageError,
  ),
  entry<MeanSquaredLogarithmicErrorConfig>(
    'MeanSquaredLogarithmicError',
    ['meanSquaredLogarithmicError', 'mean_squared_logarithmic_error', 'msle', 'MSLE'],
    MeanSquaredLogarithmicError,
  ),
  entry<PoissonConfig>('Poisson', ['poisson'], Poisson),
  entry<SquaredHingeConfig>('SquaredHinge', ['squaredHinge', 'squared_hinge'], SquaredHinge),
];

for (const e of entries) registry('loss').register(e);

declare module '@ridge/core' {
  interface LossRegistry {
    CategoricalCrossentropy: CategoricalCrossentropyConfig;
    categoricalCrossentropy: CategoricalCrossentropyConfig;
    categorical_crossentropy: CategoricalCrossentropyConfig;
    SparseCategoricalCrossentropy: SparseCategoricalCrossentropyConfig;
    sparseCategoricalCrossentropy: SparseCategoricalCrossentropyConfig;
    sparse_categorical_crossentropy: SparseCategoricalCrossentropyConfig;
    BinaryCrossentropy: BinaryCrossentropyConfig;
    binaryCrossentropy: BinaryCrossentropyConfig;
    binary_crossentropy: BinaryCrossentropyConfig;
    bce: BinaryCrossentropyConfig;
    BCE: BinaryCrossentropyConfig;
    MeanSquaredError: MeanSquaredErrorConfig;
    meanSquaredError: MeanSquaredErrorConfig;
    mean_squared_error: MeanSquaredErrorConfig;
    mse: MeanSquaredErrorConfig;
    MSE: MeanSquaredErrorConfig;
    MeanAbsoluteError: MeanAbsoluteErrorConfig;
    meanAbsoluteError: MeanAbsoluteErrorConfig;
    mean_absolute_error: MeanAbsoluteErrorConfig;
    mae: MeanAbsoluteErrorConfig;
    MAE: MeanAbsoluteErrorConfig;
    Huber: HuberConfig;
    huber: HuberConfig;
    huber_loss: HuberConfig;
    KLDivergence: KLDivergenceConfig;
    klDivergence: KLDivergenceConfig;
    kullbackLeiblerDivergence: KLDivergenceConfig;
    kl_divergence: KLDivergenceConfig;
    kullback_leibler_divergence: KLDivergenceConfig;
    kld: KLDivergenceConfig;
    KLD: KLDivergenceConfig;
    Hinge: HingeConfig;
    hinge: HingeConfig;
    CosineSimilarity: CosineSimilarityConfig;
    cosineSimilarity: CosineSimilarityConfig;
    cosine_similarity: CosineSimilarityConfig;
    BinaryFocalCrossentropy: BinaryFocalCrossentropyConfig;
    binaryFocalCrossentropy: BinaryFocalCrossentropyConfig;
    binary_focal_crossentropy: BinaryFocalCrossentropyConfig;
    CategoricalFocalCrossentropy: CategoricalFocalCrossentropyConfig;
    categoricalFocalCrossentropy: CategoricalFocalCrossentropyConfig;
    categorical_focal_crossentropy: CategoricalFocalCrossentropyConfig;
    CategoricalHinge: CategoricalHingeConfig;
    categoricalHinge: CategoricalHingeConfig;
    categorical_hinge: CategoricalHingeConfig;
    LogCosh: LogCoshConfig;
    logCosh: LogCoshConfig;
    log_cosh: LogCoshConfig;
    logcosh: LogCoshConfig;
    MeanAbsolutePercentageError: MeanAbsolutePercentageErrorConfig;
    meanAbsolutePercentageError: MeanAbsolutePercentageErrorConfig;
    mean_absolute_percentage_error: MeanAbsolutePercentageErrorConfig;
    mape: MeanAbsolutePercentageErrorConfig;
    MAPE: MeanAbsolutePercentageErrorConfig;
    MeanSquaredLogarithmicError: MeanSquaredLogarithmicErrorConfig;
    meanSquaredLogarithmicError: MeanSquaredLogarithmicErrorConfig;
    mean_squared_logarithmic_error: MeanSquaredLogarithmicErrorConfig;
    msle: MeanSquaredLogarithmicErrorConfig;
    MSLE: MeanSquaredLogarithmicErrorConfig;
    Poisson: PoissonConfig;
    poisson: PoissonConfig;
    SquaredHinge: SquaredHingeConfig;
    squaredHinge: SquaredHingeConfig;
    squared_hinge: SquaredHingeConfig;
  }
}
