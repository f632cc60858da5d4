import { describe, expect, it } from 'vitest';
import { earlyStopping, modelCheckpoint, reduceLROnPlateau } from '../index.js';

/*
 * `mode: 'auto'` in earlyStopping and modelCheckpoint picks the direction of the monitored key as
 * Keras 3's EarlyStopping and ModelCheckpoint do (`_set_monitor_op`): the metric's `_direction`. Keras 3 marks "up" (maximize) the accuracies,
 * CosineSimilarity, R2Score, AUC, Precision, Recall, F1Score/FBetaScore, the IoU metrics and
 * TruePositives/TrueNegatives (and the "X at Y" metrics: PrecisionAtRecall, ...); losses, errors,
 * FalsePositives and FalseNegatives are "down".
 */
const UP = [
  'accuracy',
  'val_accuracy',
  'val_top_k_categorical_accuracy',
  'cosine_similarity',
  'val_cosine_similarity',
  'val_out_a_cosine_similarity',
  'auc',
  'val_auc',
  'auc_1',
  'val_precision',
  'recall',
  'val_f1_score',
  'fbeta_score',
  'r2_score',
  'val_mean_io_u',
  'true_positives',
  'val_true_negatives',
  'precision_at_recall',
  'specificity_at_sensitivity',
];
// Losses and penalties are minimized whatever their output or layer is called ('accel' holds acc).
const DOWN = ['loss', 'val_loss', 'val_data_loss', 'accel_loss', 'val_accel_loss', 'penalty/accumulate/kernel', 'val_penalty', 'mse', 'val_mean_absolute_percentage_error', 'logcosh', 'false_positives', 'val_false_negatives', 'kl_divergence'];

const makers = {
  earlyStopping: (monitor: string) => earlyStopping({ monitor }).mode,
  modelCheckpoint: (monitor: string) => modelCheckpoint({ filepath: 'file://./unused', monitor }).mode,
};

describe.each(Object.entries(makers))("%s: mode 'auto' follows Keras 3's metric directions", (_, modeOf) => {
  it.each(UP)('%s is maximized', (key) => expect(modeOf(key)).toBe('max'));
  it.each(DOWN)('%s is minimized', (key) => expect(modeOf(key)).toBe('min'));
});

describe("reduceLROnPlateau's mode 'auto'", () => {
  // Keras 3's ReduceLROnPlateau did not move to metric directions: `"acc" not in monitor` is min.
  it.each([
    ['val_accuracy', 'max'],
    ['acc', 'max'],
    ['val_auc', 'min'],
    ['val_cosine_similarity', 'min'],
    ['val_loss', 'min'],
  ])("%s is %s, by Keras 3's substring rule", (monitor, mode) => expect(reduceLROnPlateau({ monitor }).mode).toBe(mode));
});

describe("mode 'auto' in use", () => {
  it('earlyStopping keeps training while val_cosine_similarity rises, and stops when it falls', () => {
    const stopper = earlyStopping({ monitor: 'val_cosine_similarity', patience: 1 });
    const model = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
    stopper.setModel(model);
    stopper.onTrainBegin();
    [0.2, 0.5, 0.8].forEach((v, epoch) => stopper.onEpochEnd(epoch, { val_cosine_similarity: v }));
    expect(model.stopTraining).toBe(false);
    stopper.onEpochEnd(3, { val_cosine_similarity: 0.7 });
    expect(model.stopTraining).toBe(true);
    expect(stopper.stoppedEpoch).toBe(3);
  });
});
