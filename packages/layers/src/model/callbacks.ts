import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import { checkOptions } from '../engine/errors.js';
import { tf } from '../engine/tfjs.js';

/** Numbers keyed like Keras logs: `loss`, `data_loss`, `penalty/dense_1/kernel`, `val_loss`, ... */
export type Logs = Record<string, number>;

/** Keras 3's metrics with `_direction` "up": accuracies (any key holding `acc`), and these, by their log names. */
const UP = /acc|(^|_)(cosine_similarity|auc|precision|recall|sensitivity|specificity|f1_score|fbeta_score|r2_score|io_u|true_positives|true_negatives)(_\d+)?$/;
/**
 * Keras 3's metrics with `_direction` "down": the errors, the losses wrapped as metrics
 * (`MeanMetricWrapper` of a Keras loss), false positives and negatives; by Keras's and Ridge's names.
 */
const DOWN =
  /(^|_)(mse|mae|mape|msle|mean_squared_error|mean_absolute_error|mean_absolute_percentage_error|mean_squared_logarithmic_error|root_mean_squared_error|log_cosh_error|logcosh|binary_crossentropy|categorical_crossentropy|sparse_categorical_crossentropy|kl_divergence|kld|poisson|hinge|squared_hinge|categorical_hinge|false_positives|false_negatives)(_\d+)?$/;

/**
 * The direction `mode: 'auto'` gives a monitored log key, as Keras 3 reads it from the metric's
 * `_direction`: 'max' for what Keras maximizes (accuracies, cosine similarity, AUC, precision,
 * recall, F-scores, R2, IoU, true positives and negatives, and the "X at Y" metrics), 'min' for
 * losses, penalties and what Keras minimizes (errors, crossentropies, hinge, KL divergence,
 * Poisson, false positives and negatives). Any other key (a metric of your own, `learning_rate`)
 * has no direction: undefined, where Keras 3 raises. Log keys may carry `val_`, an output name and
 * a `_1` suffix; camelCase names (`meanSquaredError`) are read as their snake_case.
 */
export function autoMode(monitor: string): 'min' | 'max' | undefined {
  const key = monitor.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  // A loss or a penalty is minimized, whatever its output or layer is called.
  if (/(^|_)loss(_\d+)?$|(^|_)penalty($|\/)/.test(key)) return 'min';
  if (UP.test(key)) return 'max';
  return DOWN.test(key) ? 'min' : undefined;
}

/**
 * `mode` of a monitoring callback: 'min' or 'max' as given, or from `autoMode`; 'auto' stays for a
 * key whose direction is not known, and the callback then throws `unknownDirection` where Keras 3
 * raises (its `_set_monitor_op`): at the end of the first epoch, before it acts on any value.
 */
export function monitorMode(mode: 'min' | 'max' | 'auto', monitor: string): 'min' | 'max' | 'auto' {
  return mode === 'auto' ? (autoMode(monitor) ?? 'auto') : mode;
}

/** The error for `mode: 'auto'` on a key whose direction `autoMode` cannot tell (Keras 3 raises a ValueError there). */
export function unknownDirection(call: string, monitor: string): RidgeError {
  return new RidgeError(
    'INVALID_ARGUMENT',
    `${call}: monitor ${describeValue(monitor)} has no known direction, so mode 'auto' cannot tell whether it should be minimized or maximized ` +
      `(it knows losses, penalties and Keras's built-in metrics). Pass mode: 'min' to watch for the lowest value, or mode: 'max' for the highest.`,
    { argument: 'monitor', received: monitor },
  );
}

/** What callbacks may do to the model's optimizer. */
export interface CallbackOptimizer {
  /**
   * The step size of the following steps; set it between steps (Keras:
   * `model.optimizer.learning_rate`). Every optimizer of `@ridge/optimizers` takes a finite
   * number >= 0.
   */
  learningRate: number;
}

/** What callbacks may do to the model they watch. */
export interface CallbackModel {
  /** Set to true to stop after the current batch. */
  stopTraining: boolean;
  getWeights(): tf.Tensor[];
  setWeights(values: readonly tf.Tensor[]): void;
  /** The compiled optimizer (always there during fit; undefined before compile). */
  readonly optimizer?: CallbackOptimizer | undefined;
}

/** Training hooks. Any of them may be async; training waits for it. */
export interface Callback {
  setModel?(model: CallbackModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  /** Asking for per-batch logs costs one small read per batch. */
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  /** Frees what the callback holds; fit calls it when it ends, normally or with an error. */
  dispose?(): void;
}

export interface EarlyStoppingArgs {
  /** The log key to watch; default `'val_loss'`. */
  monitor?: string;
  /** The smallest change that counts as an improvement; default 0. */
  minDelta?: number;
  /**
   * Epochs without improvement after which training stops; default 0 (stop at the first epoch
   * without improvement, as 1 does). As in Keras, the first epoch never stops training.
   */
  patience?: number;
  /** 1 prints a line when it stops training and when it restores weights; default 0. */
  verbose?: 0 | 1;
  /**
   * `'min'`, `'max'`, or `'auto'` (as Keras 3: max for accuracies, AUC, precision, recall, ...,
   * min for losses and errors; see `autoMode`); default `'auto'`. With `'auto'`, a key of no known
   * direction (a metric of your own) is a RidgeError at the end of the first epoch, as in Keras 3.
   */
  mode?: 'min' | 'max' | 'auto';
  /**
   * A value the monitored key must improve on: until an epoch beats it (and the best so far),
   * epochs count towards `patience` even when they improve. Default: none.
   */
  baseline?: number;
  /**
   * Put back, when training ends (stopped early or not), the weights of the best epoch seen;
   * default false.
   */
  restoreBestWeights?: boolean;
  /** Epochs to train before watching the key at all (a warm-up); default 0. */
  startFromEpoch?: number;
}

const EARLY_STOPPING_OPTIONS = ['monitor', 'minDelta', 'patience', 'verbose', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch'];

/** Stops training when a monitored value stops improving, as Keras 3's EarlyStopping. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  /** The direction; `'auto'` only for a key of no known direction, which fails the first epoch's end. */
  readonly mode: 'min' | 'max' | 'auto';
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  readonly startFromEpoch: number;
  /** The epoch at which it stopped training in the last fit, or -1. */
  stoppedEpoch = -1;
  /** The epoch of the best value in the last fit, or -1. */
  bestEpoch = -1;
  private best = Number.NaN;
  private wait = 0;
  private warned = false;
  private model: CallbackModel | undefined;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(args: EarlyStoppingArgs = {}) {
    checkOptions('earlyStopping', args, EARLY_STOPPING_OPTIONS);
    const check = (ok: boolean, argument: string, expected: string) => {
      if (!ok) throw mustBeError(`earlyStopping: ${argument}`, args[argument as keyof EarlyStoppingArgs], expected, { argument });
    };
    const { monitor = 'val_loss', minDelta = 0, patience = 0, verbose = 0, mode = 'auto', baseline, restoreBestWeights = false, startFromEpoch = 0 } = args;
    check(typeof monitor === 'string' && monitor !== '', 'monitor', 'a log key, such as \'val_loss\'');
    check(typeof minDelta === 'number' && Number.isFinite(minDelta) && minDelta >= 0, 'minDelta', 'a finite number >= 0');
    check(Number.isInteger(patience) && patience >= 0, 'patience', 'an integer >= 0');
    check(verbose === 0 || verbose === 1, 'verbose', '0 or 1');
    check(['min', 'max', 'auto'].includes(mode), 'mode', "'min', 'max' or 'auto'");
    check(baseline === undefined || (typeof baseline === 'number' && Number.isFinite(baseline)), 'baseline', 'a finite number');
    check(typeof restoreBestWeights === 'boolean', 'restoreBestWeights', 'true or false');
    check(Number.isInteger(startFromEpoch) && startFromEpoch >= 0, 'startFromEpoch', 'an integer >= 0');
    this.monitor = monitor;
    this.minDelta = minDelta;
    this.patience = patience;
    this.verbose = verbose;
    this.mode = monitorMode(mode, monitor);
    this.baseline = baseline;
    this.restoreBestWeights = restoreBestWeights;
    this.startFromEpoch = startFromEpoch;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.wait = 0;
    this.warned = false;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.release();
  }

  /** Whether `value` improves on `reference` by more than minDelta (anything improves on none). */
  private improves(value: number, reference: number | undefined): boolean {
    if (reference === undefined || Number.isNaN(reference)) return true;
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (this.mode === 'auto') throw unknownDirection('earlyStopping', this.monitor);
    const value = logs[this.monitor];
    if (value === undefined) {
      // As Keras: a warning, and training goes on (once per fit here, not every epoch).
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `earlyStopping: monitor '${this.monitor}' is not in the logs, so it cannot stop this fit; available: ${Object.keys(logs).join(', ')}.` +
            (this.monitor.startsWith('val_') ? ' Keys with val_ need fit({ validationSplit }) or fit({ validationData }).' : ''),
        );
      }
      return;
    }
    if (epoch < this.startFromEpoch || !this.model) return;
    // The weights of the first epoch watched are the best until an epoch improves on them.
    if (this.restoreBestWeights && !this.bestWeights) {
      this.bestWeights = this.model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.improves(value, this.best)) {
      this.best = value;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.release();
        this.bestWeights = this.model.getWeights();
      }
      // Only an epoch that also beats the baseline starts the count again.
      if (this.improves(value, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.verbose && this.stoppedEpoch >= 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights && this.model) {
      if (this.verbose) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model.setWeights(this.bestWeights);
    }
    this.release();
  }

  dispose(): void {
    this.release();
  }

  private release(): void {
    if (this.bestWeights) for (const t of this.bestWeights) t.dispose();
    this.bestWeights = undefined;
  }
}

export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}

export interface TerminateOnNaNArgs {
  /**
   * Put back the weights that gave the last finite loss. Costs a copy of the weights per batch
   * (two are kept: the loss of a batch is computed before its update). When the first batch of
   * the fit already gives a non-finite loss there is no such weights; the weights from before the
   * fit are put back, so the fit leaves the model as it found it.
   */
  restoreLastGood?: boolean;
}

/** Stops training at the first batch whose loss is NaN or infinite (Keras's TerminateOnNaN). */
export class TerminateOnNaN implements Callback {
  readonly restoreLastGood: boolean;
  private model: CallbackModel | undefined;
  /** Weights before the previous batch and before the current one. */
  private snapshots: (tf.Tensor[] | undefined)[] = [undefined, undefined];
  stoppedAtBatch = -1;
  restored = false;

  constructor(args: TerminateOnNaNArgs = {}) {
    checkOptions('terminateOnNaN', args, ['restoreLastGood']);
    if (args.restoreLastGood !== undefined && typeof args.restoreLastGood !== 'boolean') {
      throw new RidgeError('INVALID_ARGUMENT', `terminateOnNaN: restoreLastGood must be true or false; received ${describeValue(args.restoreLastGood)}.`, {
        argument: 'restoreLastGood',
      });
    }
    this.restoreLastGood = args.restoreLastGood ?? false;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.stoppedAtBatch = -1;
    this.restored = false;
    this.release();
  }

  onBatchBegin(): void {
    if (!this.restoreLastGood || !this.model) return;
    const [older] = this.snapshots;
    if (older) tf.dispose(older);
    this.snapshots = [this.snapshots[1], this.model.getWeights()];
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const loss = logs['loss'];
    if (loss === undefined || Number.isFinite(loss) || !this.model) return;
    this.stoppedAtBatch = batch;
    this.model.stopTraining = true;
    // The weights before this batch gave the non-finite loss; the ones before the previous
    // batch gave the last finite one. On the fit's first batch there is no previous one: the
    // weights before it are the model as the fit found it, which undoes the batch's update.
    const good = this.snapshots[0] ?? this.snapshots[1];
    if (this.restoreLastGood && good) {
      this.model.setWeights(good);
      this.restored = true;
    }
  }

  onTrainEnd(): void {
    this.release();
  }

  dispose(): void {
    this.release();
  }

  private release(): void {
    for (const s of this.snapshots) if (s) tf.dispose(s);
    this.snapshots = [undefined, undefined];
  }
}

export function terminateOnNaN(args: TerminateOnNaNArgs = {}): TerminateOnNaN {
  return new TerminateOnNaN(args);
}
