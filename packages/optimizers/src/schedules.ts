import { RidgeError, camelCaseKeys, checkConfigKeys, describeValue, invalidArgument, normalizeSerialized, type JsonObject } from '@ridge/core';

/**
 * A learning rate that changes with the step, as Keras 3's `keras.optimizers.schedules`: pass one
 * as any optimizer's `learningRate` (`adam({ learningRate: exponentialDecay({ ... }) })`). Before
 * each step the optimizer sets its rate to `valueAt(iterations)`, the number of steps taken so far
 * (0 for the first step), as Keras calls `schedule(optimizer.iterations)`.
 */
export interface LearningRateSchedule {
  /** The name saved configs carry (`'ExponentialDecay'`, ...). */
  readonly className: string;
  /** The rate of the step that follows `step` steps; a finite number >= 0. */
  valueAt(step: number): number;
  /** The options as camelCase JSON, read back by the class's constructor. */
  getConfig(): JsonObject;
}

/** Whether `value` is a schedule object (rather than a number or a saved `{ className, config }`). */
export function isSchedule(value: unknown): value is LearningRateSchedule {
  return typeof value === 'object' && value !== null && typeof (value as LearningRateSchedule).valueAt === 'function';
}

function finite(className: string, argument: string, value: unknown, min = Number.NEGATIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw invalidArgument(`${className}: ${argument}`, value, min === 0 ? 'a finite number >= 0' : 'a finite number');
  }
  return value;
}

function positive(className: string, argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalidArgument(`${className}: ${argument}`, value, 'a finite number > 0');
  return value;
}

function flag(className: string, argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${className}: ${argument}`, value, 'true or false');
  return value;
}

function options<T extends object>(className: string, args: T, keys: readonly string[]): T {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw invalidArgument(`${className} config`, args, 'an object of options');
  checkConfigKeys(className, args as Record<string, unknown>, keys);
  return args;
}

// Keras 3 saves a `name` with every schedule; it changes nothing, so it is accepted and kept.
const NAME = 'name';

export interface ExponentialDecayConfig {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole `decaySteps` periods (`floor(step / decaySteps)`); default false. */
  staircase?: boolean;
  name?: string;
}

/**
 * What ExponentialDecay and InverseTimeDecay share: their options, checks and config. Each gives
 * its formula of `step / decaySteps`, the number of decay periods (floored with `staircase`).
 */
export abstract class StaircaseDecay implements LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  readonly staircase: boolean;
  readonly name: string;

  constructor(
    readonly className: string,
    config: ExponentialDecayConfig,
  ) {
    const c = options(className, config, ['initialLearningRate', 'decaySteps', 'decayRate', 'staircase', NAME]);
    this.initialLearningRate = finite(className, 'initialLearningRate', c.initialLearningRate, 0);
    this.decaySteps = positive(className, 'decaySteps', c.decaySteps);
    this.decayRate = finite(className, 'decayRate', c.decayRate, 0);
    this.staircase = flag(className, 'staircase', c.staircase ?? false);
    this.name = c.name ?? className;
  }

  /** The rate after `periods` decay periods. */
  protected abstract decay(periods: number): number;

  valueAt(step: number): number {
    const p = step / this.decaySteps;
    return this.decay(this.staircase ? Math.floor(p) : p);
  }

  getConfig(): JsonObject {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** `initialLearningRate * decayRate ^ (step / decaySteps)` (the exponent floored with `staircase`). */
export class ExponentialDecay extends StaircaseDecay {
  declare readonly className: 'ExponentialDecay';

  constructor(config: ExponentialDecayConfig) {
    super('ExponentialDecay', config);
  }

  protected decay(periods: number): number {
    return this.initialLearningRate * this.decayRate ** periods;
  }
}

export interface InverseTimeDecayConfig {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  /** Decay in whole `decaySteps` periods; default false. */
  staircase?: boolean;
  name?: string;
}

/** `initialLearningRate / (1 + decayRate * step / decaySteps)` (the ratio floored with `staircase`). */
export class InverseTimeDecay extends StaircaseDecay {
  declare readonly className: 'InverseTimeDecay';

  constructor(config: InverseTimeDecayConfig) {
    super('InverseTimeDecay', config);
  }

  protected decay(periods: number): number {
    return this.initialLearningRate / (1 + this.decayRate * periods);
  }
}

export interface PiecewiseConstantDecayConfig {
  /** Step counts, strictly increasing. */
  boundaries: number[];
  /** One more rate than boundaries: `values[0]` while `step <= boundaries[0]`, ..., `values[n]` after `boundaries[n - 1]`. */
  values: number[];
  name?: string;
}

/** A rate per interval of steps, as Keras's PiecewiseConstantDecay (boundaries are inclusive above). */
export class PiecewiseConstantDecay implements LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: readonly number[];
  readonly values: readonly number[];
  readonly name: string;

  constructor(config: PiecewiseConstantDecayConfig) {
    const c = options(this.className, config, ['boundaries', 'values', NAME]);
    const list = (argument: string, value: unknown, min?: number): number[] => {
      if (!Array.isArray(value)) throw invalidArgument(`${this.className}: ${argument}`, value, 'a list of numbers');
      return value.map((v, i) => finite(this.className, `${argument}[${i}]`, v, min));
    };
    const boundaries = list('boundaries', c.boundaries);
    const values = list('values', c.values, 0);
    if (values.length !== boundaries.length + 1) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `${this.className}: values must have one more entry than boundaries; received ${values.length} values for ${boundaries.length} boundaries.`,
        { argument: 'values', received: c.values },
      );
    }
    boundaries.forEach((b, i) => {
      if (i > 0 && !(b > boundaries[i - 1]!)) throw invalidArgument(`${this.className}: boundaries`, c.boundaries, 'strictly increasing step counts');
    });
    this.boundaries = boundaries;
    this.values = values;
    this.name = c.name ?? 'PiecewiseConstant';
  }

  valueAt(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i < 0 ? this.boundaries.length : i]!;
  }

  getConfig(): JsonObject {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

export interface PolynomialDecayConfig {
  initialLearningRate: number;
  decaySteps: number;
  /** The rate reached after `decaySteps`; default 0.0001 (Keras's). */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Start again after `decaySteps`, over the next multiple of it; default false. */
  cycle?: boolean;
  name?: string;
}

/** `(initial - end) * (1 - min(step, decaySteps) / decaySteps) ^ power + end`, as Keras's PolynomialDecay. */
export class PolynomialDecay implements LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;
  readonly name: string;

  constructor(config: PolynomialDecayConfig) {
    const c = options(this.className, config, ['initialLearningRate', 'decaySteps', 'endLearningRate', 'power', 'cycle', NAME]);
    this.initialLearningRate = finite(this.className, 'initialLearningRate', c.initialLearningRate, 0);
    this.decaySteps = positive(this.className, 'decaySteps', c.decaySteps);
    this.endLearningRate = finite(this.className, 'endLearningRate', c.endLearningRate ?? 0.0001, 0);
    this.power = finite(this.className, 'power', c.power ?? 1);
    this.cycle = flag(this.className, 'cycle', c.cycle ?? false);
    this.name = c.name ?? this.className;
  }

  valueAt(step: number): number {
    let steps = this.decaySteps;
    let s = step;
    // With cycle, the period is the first multiple of decaySteps that is >= step (1 at step 0).
    if (this.cycle) steps *= step === 0 ? 1 : Math.ceil(step / this.decaySteps);
    else s = Math.min(step, steps);
    return (this.initialLearningRate - this.endLearningRate) * (1 - s / steps) ** this.power + this.endLearningRate;
  }

  getConfig(): JsonObject {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      endLearningRate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

export interface CosineDecayConfig {
  initialLearningRate: number;
  decaySteps: number;
  /** The floor, as a fraction of the rate the decay starts from; default 0. */
  alpha?: number;
  /** With `warmupSteps`: rise linearly from `initialLearningRate` to this, then decay from it; default none (no warm-up). */
  warmupTarget?: number | null;
  /** Steps of the linear warm-up; default 0. */
  warmupSteps?: number;
  name?: string;
}

/**
 * Keras 3's CosineDecay: an optional linear warm-up from `initialLearningRate` to `warmupTarget`
 * over `warmupSteps`, then `from * ((1 - alpha) * 0.5 * (1 + cos(pi * t / decaySteps)) + alpha)`
 * with `t = min(step - warmupSteps, decaySteps)`.
 */
export class CosineDecay implements LearningRateSchedule {
  readonly className = 'CosineDecay';
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;
  readonly name: string;

  constructor(config: CosineDecayConfig) {
    const c = options(this.className, config, ['initialLearningRate', 'decaySteps', 'alpha', 'warmupTarget', 'warmupSteps', NAME]);
    this.initialLearningRate = finite(this.className, 'initialLearningRate', c.initialLearningRate, 0);
    this.decaySteps = positive(this.className, 'decaySteps', c.decaySteps);
    this.alpha = finite(this.className, 'alpha', c.alpha ?? 0, 0);
    this.warmupTarget = c.warmupTarget == null ? null : finite(this.className, 'warmupTarget', c.warmupTarget, 0);
    // A warmupTarget without warmupSteps decays from the target at once, as in Keras.
    this.warmupSteps = finite(this.className, 'warmupSteps', c.warmupSteps ?? 0, 0);
    this.name = c.name ?? this.className;
  }

  #decay(t: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos((Math.PI * t) / this.decaySteps));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  valueAt(step: number): number {
    if (this.warmupTarget === null) return this.#decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) return this.initialLearningRate + ((this.warmupTarget - this.initialLearningRate) * s) / this.warmupSteps;
    return this.#decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): JsonObject {
    return {
      initialLearningRate: this.initialLearningRate,
      decaySteps: this.decaySteps,
      alpha: this.alpha,
      warmupTarget: this.warmupTarget,
      warmupSteps: this.warmupSteps,
      name: this.name,
    };
  }
}

export interface CosineDecayRestartsConfig {
  initialLearningRate: number;
  /** Steps of the first period. */
  firstDecaySteps: number;
  /** Each period is `tMul` times longer than the one before; default 2. */
  tMul?: number;
  /** Each period starts at `mMul` times the previous period's starting rate; default 1. */
  mMul?: number;
  /** The floor, as a fraction of `initialLearningRate`; default 0. */
  alpha?: number;
  name?: string;
}

/** Keras 3's CosineDecayRestarts (SGDR): cosine periods, each `tMul` times longer, restarting at `mMul` times the rate. */
export class CosineDecayRestarts implements LearningRateSchedule {
  readonly className = 'CosineDecayRestarts';
  readonly initialLearningRate: number;
  readonly firstDecaySteps: number;
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(config: CosineDecayRestartsConfig) {
    const c = options(this.className, config, ['initialLearningRate', 'firstDecaySteps', 'tMul', 'mMul', 'alpha', NAME]);
    this.initialLearningRate = finite(this.className, 'initialLearningRate', c.initialLearningRate, 0);
    this.firstDecaySteps = positive(this.className, 'firstDecaySteps', c.firstDecaySteps);
    this.tMul = positive(this.className, 'tMul', c.tMul ?? 2);
    this.mMul = finite(this.className, 'mMul', c.mMul ?? 1, 0);
    this.alpha = finite(this.className, 'alpha', c.alpha ?? 0, 0);
    this.name = c.name ?? 'SGDRDecay';
  }

  valueAt(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods of length 1, tMul, tMul^2, ... (in first periods): restart i starts at (1 - tMul^i) / (1 - tMul).
      // The logarithm can land a hair below a whole number at a period's start; step to the period
      // that really holds `fraction`.
      const startOf = (i: number) => (1 - this.tMul ** i) / (1 - this.tMul);
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      while (restart > 0 && startOf(restart) > fraction) restart--;
      while (startOf(restart + 1) <= fraction) restart++;
      fraction = (fraction - startOf(restart)) / this.tMul ** restart;
    }
    const cosine = 0.5 * this.mMul ** restart * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): JsonObject {
    return { initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps, tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name };
  }
}

export const exponentialDecay = (config: ExponentialDecayConfig): ExponentialDecay => new ExponentialDecay(config);
export const inverseTimeDecay = (config: InverseTimeDecayConfig): InverseTimeDecay => new InverseTimeDecay(config);
export const piecewiseConstantDecay = (config: PiecewiseConstantDecayConfig): PiecewiseConstantDecay => new PiecewiseConstantDecay(config);
export const polynomialDecay = (config: PolynomialDecayConfig): PolynomialDecay => new PolynomialDecay(config);
export const cosineDecay = (config: CosineDecayConfig): CosineDecay => new CosineDecay(config);
export const cosineDecayRestarts = (config: CosineDecayRestartsConfig): CosineDecayRestarts => new CosineDecayRestarts(config);

const SCHEDULES: Readonly<Record<string, (config: never) => LearningRateSchedule>> = {
  ExponentialDecay: exponentialDecay,
  InverseTimeDecay: inverseTimeDecay,
  PiecewiseConstantDecay: piecewiseConstantDecay,
  PolynomialDecay: polynomialDecay,
  CosineDecay: cosineDecay,
  CosineDecayRestarts: cosineDecayRestarts,
};

/**
 * A schedule from a saved config: Ridge's `{ className, config }` with camelCase options, or
 * Keras 3's `{ module, class_name, config }` with snake_case ones.
 */
export function scheduleFromConfig(json: unknown): LearningRateSchedule {
  const { className, config } = normalizeSerialized(json, 'learningRate');
  const make = Object.hasOwn(SCHEDULES, className) ? SCHEDULES[className] : undefined;
  if (!make) {
    throw new RidgeError(
      'UNKNOWN_NAME',
      `learningRate: unknown learning-rate schedule ${describeValue(className)}. Known: ${Object.keys(SCHEDULES).join(', ')}.`,
      { argument: 'learningRate', received: className },
    );
  }
  return make(camelCaseKeys(config) as never);
}

/** The saved form of a schedule: `{ className, config }`. */
export function scheduleToConfig(schedule: LearningRateSchedule): JsonObject {
  return { className: schedule.className, config: schedule.getConfig() };
}
