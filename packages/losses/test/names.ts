/** Every name @ridge/losses registers, by the class it builds. Written out, not derived. */
export const NAMES_BY_CLASS = {
  CategoricalCrossentropy: ['CategoricalCrossentropy', 'categoricalCrossentropy', 'categorical_crossentropy'],
  SparseCategoricalCrossentropy: [
    'SparseCategoricalCrossentropy',
    'sparseCategoricalCrossentropy',
    'sparse_categorical_crossentropy',
  ],
  BinaryCrossentropy: ['BinaryCrossentropy', 'binaryCrossentropy', 'binary_crossentropy', 'bce', 'BCE'],
  MeanSquaredError: ['MeanSquaredError', 'meanSquaredError', 'mean_squared_error', 'mse', 'MSE'],
  MeanAbsoluteError: ['MeanAbsoluteError', 'meanAbsoluteError', 'mean_absolute_error', 'mae', 'MAE'],
  Huber: ['Huber', 'huber', 'huber_loss'],
  KLDivergence: [
    'KLDivergence',
    'klDivergence',
    'kullbackLeiblerDivergence',
    'kl_divergence',
    'kullback_leibler_divergence',
    'kld',
    'KLD',
  ],
  Hinge: ['Hinge', 'hinge'],
  CosineSimilarity: ['CosineSimilarity', 'cosineSimilarity', 'cosine_similarity'],
  BinaryFocalCrossentropy: ['BinaryFocalCrossentropy', 'binaryFocalCrossentropy', 'binary_focal_crossentropy'],
  CategoricalFocalCrossentropy: ['CategoricalFocalCrossentropy', 'categoricalFocalCrossentropy', 'categorical_focal_crossentropy'],
  CategoricalHinge: ['CategoricalHinge', 'categoricalHinge', 'categorical_hinge'],
  LogCosh: ['LogCosh', 'logCosh', 'log_cosh', 'logcosh'],
  MeanAbsolutePercentageError: ['MeanAbsolutePercentageError', 'meanAbsolutePercentageError', 'mean_absolute_percentage_error', 'mape', 'MAPE'],
  MeanSquaredLogarithmicError: ['MeanSquaredLogarithmicError', 'meanSquaredLogarithmicError', 'mean_squared_logarithmic_error', 'msle', 'MSLE'],
  Poisson: ['Poisson', 'poisson'],
  SquaredHinge: ['SquaredHinge', 'squaredHinge', 'squared_hinge'],
} as const;

export type RegisteredName = (typeof NAMES_BY_CLASS)[keyof typeof NAMES_BY_CLASS][number];

export const ALL_NAMES: readonly RegisteredName[] = Object.values(NAMES_BY_CLASS).flat();
