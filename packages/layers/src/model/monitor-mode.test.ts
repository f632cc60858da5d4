import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import { dense, earlyStopping, input, model, modelCheckpoint, reduceLROnPlateau, type Callback } from '../index.js';

useCpu();

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
// Ridge's camelCase metric names log under that name; they mean what their snake_case means.
UP.push('val_categoricalAccuracy', 'cosineSimilarity');
DOWN.push('val_meanSquaredError', 'logCoshError', 'val_out_binaryCrossentropy');
/*
 * Keras 3 knows no direction for any other key: a metric of the user's (its Metric has no
 * `_direction`), or a log entry that is no metric. EarlyStopping's and ModelCheckpoint's
 * `_set_monitor_op` then raise a ValueError asking for mode='max' or 'min', at the end of the first
 * epoch (`on_epoch_end`, once the model's metrics are built), before the value is used.
 */
const UNKNOWN = ['my_score', 'val_my_score', 'learning_rate', 'val_out_a_f2'];

const makers = {
  earlyStopping: (monitor: string) => earlyStopping({ monitor }).mode,
  modelCheckpoint: (monitor: string) => modelCheckpoint({ filepath: 'file://./unused', monitor }).mode,
};

describe.each(Object.entries(makers))("%s: mode 'auto' follows Keras 3's metric directions", (_, modeOf) => {
  it.each(UP)('%s is maximized', (key) => expect(modeOf(key)).toBe('max'));
  it.each(DOWN)('%s is minimized', (key) => expect(modeOf(key)).toBe('min'));
  it.each(UNKNOWN)("%s has no direction: mode stays 'auto' until the first epoch's end refuses it", (key) => expect(modeOf(key)).toBe('auto'));
});

function expectUnknownDirection(error: unknown, call: string, monitor: string): void {
  expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
  const { message, details } = error as RidgeError;
  expect(message.startsWith(`${call}: monitor ${JSON.stringify(monitor)}`)).toBe(true);
  expect(message).toContain("Pass mode: 'min'");
  expect(message).toContain("mode: 'max'");
  expect(details).toMatchObject({ argument: 'monitor', received: monitor });
}

describe("mode 'auto' on a key of no known direction (Keras 3's ValueError)", () => {
  it.each(UNKNOWN)('earlyStopping(%s) throws at the end of the first epoch, before it compares or stops anything', async (monitor) => {
    const stopper = earlyStopping({ monitor, patience: 0 });
    const watched = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
    stopper.setModel(watched);
    stopper.onTrainBegin();
    expectUnknownDirection(await caught(() => stopper.onEpochEnd(0, { [monitor]: 1 })), 'earlyStopping', monitor);
    // Also when the key is missing from the logs: Keras sets its comparison before reading the value.
    expectUnknownDirection(await caught(() => stopper.onEpochEnd(0, {})), 'earlyStopping', monitor);
    expect(watched.stopTraining).toBe(false);
    expect(stopper.bestEpoch).toBe(-1);
  });

  it("with mode: 'min' or 'max' the same key is watched", () => {
    const stopper = earlyStopping({ monitor: 'my_score', mode: 'max', patience: 0 });
    const watched = { stopTraining: false, getWeights: () => [], setWeights: () => {} };
    stopper.setModel(watched);
    stopper.onTrainBegin();
    stopper.onEpochEnd(0, { my_score: 1 });
    stopper.onEpochEnd(1, { my_score: 2 });
    expect(watched.stopTraining).toBe(false);
    stopper.onEpochEnd(2, { my_score: 1.5 });
    expect(watched.stopTraining).toBe(true);
  });

  /** y = 2x on a dense layer, with a metric of the user's logged as `my_score`. */
  function scored() {
    const inp = input({ shape: [1], name: 'mm_in' });
    const m = model({ inputs: inp, outputs: dense({ units: 1, name: 'mm_d' }).apply(inp) });
    const my_score = (t: tf.Tensor, p: tf.Tensor) => tf.mean(tf.abs(tf.sub(t, p)), -1);
    m.compile({ optimizer: 'sgd', loss: 'mse', metrics: [my_score] });
    return m;
  }

  it.each([
    ['earlyStopping', () => earlyStopping({ monitor: 'my_score' })],
    ['modelCheckpoint', () => modelCheckpoint({ filepath: 'file:///nonexistent-dir/never-{epoch}', monitor: 'my_score' })],
  ] as const)('%s in fit: the first epoch ends with the error, nothing is saved, no tensor is left', async (call, make) => {
    const before = tf.memory().numTensors;
    const m = scored();
    const [x, y] = [tf.tensor2d([[1], [2], [3], [4]]), tf.tensor2d([[2], [4], [6], [8]])];
    const callback = make();
    let epochs = 0;
    const counter: Callback = { onEpochEnd: () => void epochs++ };
    const error = await caught(() => m.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0, callbacks: [callback, counter] }));
    expectUnknownDirection(error, call, 'my_score');
    // One epoch (2 steps) trained; the callbacks after it never saw an epoch end.
    expect(m.optimizer!.iterations).toBe(2);
    expect(epochs).toBe(0);
    if ('saved' in callback) expect(callback.saved).toEqual([]);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('modelCheckpoint saving every batch with saveBestOnly throws at the first save, before writing', async () => {
    const checkpoint = modelCheckpoint({ filepath: 'file:///nonexistent-dir/never-{batch}', monitor: 'my_score', saveBestOnly: true, saveFreq: 1 });
    let saves = 0;
    checkpoint.setModel({ stopTraining: false, getWeights: () => [], setWeights: () => {}, save: async () => void saves++ } as never);
    checkpoint.onTrainBegin();
    checkpoint.onEpochBegin(0);
    expectUnknownDirection(await caught(() => checkpoint.onBatchEnd(0, { my_score: 0.5 })), 'modelCheckpoint', 'my_score');
    expect(saves).toBe(0);
    expect(checkpoint.saved).toEqual([]);
  });
});

describe("reduceLROnPlateau's mode 'auto'", () => {
  // Keras 3's ReduceLROnPlateau did not move to metric directions: `"acc" not in monitor` is min.
  it.each([
    ['val_accuracy', 'max'],
    ['acc', 'max'],
    ['val_auc', 'min'],
    ['val_cosine_similarity', 'min'],
    ['val_loss', 'min'],
    // Every key has a direction by that rule, so Keras 3's ReduceLROnPlateau never raises: nor does Ridge's.
    ['my_score', 'min'],
    ['learning_rate', 'min'],
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
