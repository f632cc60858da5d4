import { RidgeError, describeValue, mustBeError } from '@ridge/core';
import { checkOptions } from '../engine/errors.js';
import type { Callback, CallbackModel, CallbackOptimizer, Logs } from './callbacks.js';

/** The model's optimizer, which must have a numeric learning rate (Keras raises the same way). */
function optimizerOf(call: string, model: CallbackModel | undefined): CallbackOptimizer {
  const optimizer = model?.optimizer;
  if (typeof optimizer?.learningRate !== 'number') {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: the model's optimizer must have a numeric learningRate, as every @ridge/optimizers optimizer has; received ${optimizer ? `learningRate ${describeValue(optimizer.learningRate)}` : 'no optimizer (compile the model first)'}.`,
      { argument: 'optimizer' },
    );
  }
  return optimizer;
}

/** Sets the learning rate, refusing an optimizer that does not take it (a getter only, say). */
function setLearningRate(call: string, optimizer: CallbackOptimizer, value: number): void {
  try {
    optimizer.learningRate = value;
  } catch (error) {
    // The optimizer's own refusal (a rate its schedule sets), said by the callback that asked.
    if (RidgeError.is(error)) throw new RidgeError(error.code, `${call}: ${error.message}`, error.details);
  }
  if (optimizer.learningRate !== value) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: the model's optimizer did not take the learning rate ${value} (it still reads ${describeValue(optimizer.learningRate)}); it needs a learningRate setter, as every @ridge/optimizers optimizer has.`,
      { argument: 'optimizer', received: value },
    );
  }
}

export interface ReduceLROnPlateauArgs {
  /** The log key to watch; default `'val_loss'`. */
  monitor?: string;
  /** The new learning rate is `max(lr * factor, minLr)`; default 0.1, must be >= 0 and < 1. */
  factor?: number;
  /** Epochs without improvement after which the learning rate drops; default 10. */
  patience?: number;
  /** 1 prints a line each time the learning rate drops; default 0. */
  verbose?: 0 | 1;
  /**
   * `'min'`, `'max'`, or `'auto'` (max when the key contains `acc`, as Keras 3's ReduceLROnPlateau,
   * which gives every key a direction and so, unlike earlyStopping, refuses none); default `'auto'`.
   */
  mode?: 'min' | 'max' | 'auto';
  /** The smallest change that counts as an improvement; default 1e-4. */
  minDelta?: number;
  /**
   * Epochs after a drop in which epochs without improvement do not count; default 0. As in Keras,
   * the last of them already counts again, so `cooldown: 1` changes nothing.
   */
  cooldown?: number;
  /** The lowest learning rate it sets; default 0. */
  minLr?: number;
}

const REDUCE_OPTIONS = ['monitor', 'factor', 'patience', 'verbose', 'mode', 'minDelta', 'cooldown', 'minLr'];

/**
 * Multiplies the optimizer's learning rate by `factor` when a monitored value stops improving, as
 * Keras 3's ReduceLROnPlateau. Adds `learning_rate` (the rate the epoch trained with) to every
 * epoch's logs, so it is in the history.
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly verbose: 0 | 1;
  readonly mode: 'min' | 'max';
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** Epochs without improvement counted towards `patience` (Keras: `wait`). */
  wait = 0;
  /** Epochs of cooldown left (Keras: `cooldown_counter`). */
  cooldownCounter = 0;
  /** The best value seen in this fit. */
  best = Number.POSITIVE_INFINITY;
  private warned = false;
  private model: CallbackModel | undefined;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    checkOptions('reduceLROnPlateau', args, REDUCE_OPTIONS);
    const check = (ok: boolean, argument: string, expected: string) => {
      if (!ok) throw mustBeError(`reduceLROnPlateau: ${argument}`, args[argument as keyof ReduceLROnPlateauArgs], expected, { argument });
    };
    const { monitor = 'val_loss', factor = 0.1, patience = 10, verbose = 0, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 } = args;
    check(typeof monitor === 'string' && monitor !== '', 'monitor', "a log key, such as 'val_loss'");
    // Keras refuses factor >= 1 (it would not reduce); a negative one would make the rate negative.
    check(typeof factor === 'number' && factor >= 0 && factor < 1, 'factor', 'a number >= 0 and < 1');
    check(Number.isInteger(patience) && patience >= 0, 'patience', 'an integer >= 0');
    check(verbose === 0 || verbose === 1, 'verbose', '0 or 1');
    check(['min', 'max', 'auto'].includes(mode), 'mode', "'min', 'max' or 'auto'");
    check(typeof minDelta === 'number' && Number.isFinite(minDelta) && minDelta >= 0, 'minDelta', 'a finite number >= 0');
    check(Number.isInteger(cooldown) && cooldown >= 0, 'cooldown', 'an integer >= 0');
    check(typeof minLr === 'number' && Number.isFinite(minLr) && minLr >= 0, 'minLr', 'a finite number >= 0');
    this.monitor = monitor;
    this.factor = factor;
    this.patience = patience;
    this.verbose = verbose;
    // Keras 3's ReduceLROnPlateau keeps Keras 2's rule (unlike its EarlyStopping and ModelCheckpoint).
    this.mode = mode === 'auto' ? (monitor.includes('acc') ? 'max' : 'min') : mode;
    this.minDelta = minDelta;
    this.cooldown = cooldown;
    this.minLr = minLr;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onTrainBegin(): void {
    // Refuses an optimizer without a settable learning rate (one a schedule sets) before the
    // first step, not after `patience` epochs: setting the rate it has changes nothing else.
    const optimizer = optimizerOf('reduceLROnPlateau', this.model);
    setLearningRate('reduceLROnPlateau', optimizer, optimizer.learningRate);
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.wait = 0;
    this.cooldownCounter = 0;
    this.warned = false;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const optimizer = optimizerOf('reduceLROnPlateau', this.model);
    logs['learning_rate'] = optimizer.learningRate;
    const value = logs[this.monitor];
    if (value === undefined) {
      // As Keras: a warning, and training goes on (once per fit here, as earlyStopping does).
      if (!this.warned) {
        this.warned = true;
        console.warn(
          `reduceLROnPlateau: monitor '${this.monitor}' is not in the logs, so the learning rate stays; available: ${Object.keys(logs).join(', ')}.` +
            (this.monitor.startsWith('val_') ? ' Keys with val_ need fit({ validationSplit }) or fit({ validationData }).' : ''),
        );
      }
      return;
    }
    // Keras's order: the cooldown counts down first, so its last epoch already counts towards patience.
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved = this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
    if (improved) {
      this.best = value;
      this.wait = 0;
      return;
    }
    if (this.cooldownCounter > 0) return;
    this.wait++;
    if (this.wait < this.patience) return;
    const old = optimizer.learningRate;
    // Keras compares the float32 variable with float32(min_lr): a rate already clamped to minLr
    // is not "reduced" again because float32 rounding moved minLr.
    if (!(Math.fround(old) > Math.fround(this.minLr))) return;
    const lr = Math.max(old * this.factor, this.minLr);
    setLearningRate('reduceLROnPlateau', optimizer, lr);
    if (this.verbose) console.log(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
    this.cooldownCounter = this.cooldown;
    this.wait = 0;
  }
}

export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}

/** The learning rate for an epoch (counted from 0), given the current one. */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

export interface LearningRateSchedulerArgs {
  /** Called at the start of every epoch; must return a finite number >= 0. */
  schedule: EpochSchedule;
  /** 1 prints the learning rate it sets at the start of every epoch; default 0. */
  verbose?: 0 | 1;
}

/**
 * Sets the optimizer's learning rate to `schedule(epoch, learningRate)` at the start of every
 * epoch, as Keras 3's LearningRateScheduler. Adds `learning_rate` to every epoch's logs.
 */
export class LearningRateScheduler implements Callback {
  readonly schedule: EpochSchedule;
  readonly verbose: 0 | 1;
  private model: CallbackModel | undefined;

  /** Takes the schedule, or `{ schedule, verbose }`. */
  constructor(args: EpochSchedule | LearningRateSchedulerArgs) {
    // A bare value that is neither is refused as the schedule, not as the options object.
    const options = typeof args === 'object' && args !== null ? args : { schedule: args };
    checkOptions('learningRateScheduler', options, ['schedule', 'verbose']);
    const { schedule, verbose = 0 } = options;
    if (typeof schedule !== 'function') {
      throw mustBeError('learningRateScheduler: schedule', schedule, 'a function (epoch, learningRate) => learningRate', { argument: 'schedule' });
    }
    if (verbose !== 0 && verbose !== 1) throw mustBeError('learningRateScheduler: verbose', verbose, '0 or 1', { argument: 'verbose' });
    this.schedule = schedule;
    this.verbose = verbose;
  }

  setModel(model: CallbackModel): void {
    this.model = model;
  }

  onEpochBegin(epoch: number): void {
    const optimizer = optimizerOf('learningRateScheduler', this.model);
    const current = optimizer.learningRate;
    const lr: unknown = this.schedule(epoch, current);
    // Keras requires a float; Ridge's optimizers take a finite number >= 0. Checked before it is
    // set, so a refused value leaves the learning rate as it was.
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `learningRateScheduler: schedule must return a finite number >= 0 (the learning rate); schedule(${epoch}, ${current}) returned ${describeValue(lr)}.`,
        { argument: 'schedule', received: lr, epoch },
      );
    }
    setLearningRate('learningRateScheduler', optimizer, lr);
    if (this.verbose) console.log(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    logs['learning_rate'] = optimizerOf('learningRateScheduler', this.model).learningRate;
  }
}

/** `learningRateScheduler((epoch, lr) => ...)` or `learningRateScheduler({ schedule, verbose })`. */
export function learningRateScheduler(args: EpochSchedule | LearningRateSchedulerArgs): LearningRateScheduler {
  return new LearningRateScheduler(args);
}
