import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';

/** Numbers keyed like Keras logs: `loss`, `data_loss`, `penalty/dense_1/kernel`, `val_loss`, ... */
export type Logs = Record<string, number>;

/** What callbacks may do to the model they watch. */
export interface CallbackModel {
  /** Set to true to stop after the current batch. */
  stopTraining: boolean;
  getWeights(): tf.Tensor[];
  setWeights(values: readonly tf.Tensor[]): void;
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
  /** Epochs without improvement before stopping; default 0. */
  patience?: number;
  /** `'min'`, `'max'`, or `'auto'` (max for accuracy-like keys); default `'auto'`. */
  mode?: 'min' | 'max' | 'auto';
  /** Put back the weights of the best epoch when stopping. */
  restoreBestWeights?: boolean;
}

/** Stops training when a monitored value stops improving, as Keras's EarlyStopping. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: 'min' | 'max';
  readonly restoreBestWeights: boolean;
  stoppedEpoch = -1;
  bestEpoch = -1;
  private best = Number.NaN;
  private wait = 0;
  private model: CallbackModel | undefined;
  private bestWeights: tf.Tensor[] | undefined;

  constructor(args: EarlyStoppingArgs = {}) {
    this.monitor = args.monitor ?? 'val_loss';
    const minDelta = args.minDelta ?? 0;
    const patience = args.patience ?? 0;
    if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
      throw new RidgeError('INVALID_ARGUMENT', `earlyStopping: minDelta must be a finite number >= 0; received ${describeValue(minDelta)}.`, {
        argument: 'minDelta',
      });
    }
    if (!Number.isInteger(patience) || patience < 0) {
      throw new RidgeError('INVALID_ARGUMENT', `earlyStopping: patience must be an integer >= 0; received ${describeValue(patience)}.`, {
        argument: 'patience',
      });
    }
    this.minDelta = minDelta;
    this.patience = patience;
    const mode = args.mode ?? 'auto';
    if (!['min', 'max', 'auto'].includes(mode)) {
      throw new RidgeError('INVALID_ARGUMENT', `earlyStopping: mode must be 'min', 'max' or 'auto'; received ${describeValue(mode)}.`, {
        argument: 'mode',
      });
    }
    this.mode = mode === 'auto' ? (/acc/.test(this.monitor) ? 'max' : 'min') : mode;
    this.restoreBestWeights = args.restoreBestWeights ?? false;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    this.best = Number.NaN;
    this.wait = 0;
    this.stoppedEpoch = -1;
    this.bestEpoch = -1;
    this.release();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `earlyStopping: monitor '${this.monitor}' is not in the logs; available: ${Object.keys(logs).join(', ')}.`,
        { argument: 'monitor', received: this.monitor },
      );
    }
    const improved =
      Number.isNaN(this.best) || (this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta);
    if (improved) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) {
        this.release();
        this.bestWeights = this.model.getWeights();
      }
      return;
    }
    this.wait++;
    if (this.wait > this.patience && this.model) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.stoppedEpoch >= 0 && this.restoreBestWeights && this.bestWeights && this.model) this.model.setWeights(this.bestWeights);
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
