import {
  checkConfigKeys,
  checkNonNegativeNumber,
  invalidArgument,
  shapeError,
  type JsonObject,
  type Optimizer,
  type WeightGradient,
  type WeightInfo,
  type WeightSelector,
} from '@ridge/core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { tf } from './tfjs.js';
import { feature, findFeature, type ClipSettings, type Features, type SlotRecord, type SlotState } from './features.js';
import type { WeightDecaySelector } from './weight-decay-selector.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Options every optimizer takes. `null` means "unset", as in Keras JSON. With
 * `@ridge/optimizers/base` alone, a nonzero `weightDecay` or an `excludeFromWeightDecay` needs
 * `@ridge/optimizers/weight-decay` (AdamW has it), and the clip options `@ridge/optimizers/clipping`.
 */
export interface OptimizerConfig {
  /**
   * The step size, or a schedule that gives it per step (`exponentialDecay({ ... })`, Keras:
   * `keras.optimizers.schedules`). Keras: `learning_rate`.
   */
  learningRate?: number | LearningRateSchedule;
  /**
   * Decoupled weight decay: before each update, `w -= learningRate * weightDecay * w`
   * (Keras: `weight_decay`). 0 turns it off.
   */
  weightDecay?: number | null;
  /** Weights that weight decay skips; `null` or absent means the optimizer's default. */
  excludeFromWeightDecay?: WeightDecaySelector | null;
  /** Clips each gradient to this L2 norm on its own (Keras: `clipnorm`). */
  clipNorm?: number | null;
  /** Scales all gradients together so that their joint L2 norm is at most this (Keras: `global_clipnorm`). */
  globalClipNorm?: number | null;
  /** Clips every gradient element to `[-clipValue, clipValue]` (Keras: `clipvalue`). */
  clipValue?: number | null;
}

/** One tensor of an optimizer's state, as `getWeights` returns it and `setWeights` reads it. */
export interface OptimizerWeight {
  readonly name: string;
  readonly tensor: Tensor;
}

/** What an optimizer class uses for options it was not given. */
export interface OptimizerDefaults {
  readonly learningRate: number;
  readonly weightDecay: number;
  readonly excludeFromWeightDecay: WeightSelector;
}

/**
 * One step's update of one weight. Receives the weight's value (already decayed when weight decay
 * applies to it), its gradient (already clipped) and its slot variables; assigns the slots and
 * returns the weight's new value. Runs inside the step's `tidy`.
 */
export type WeightUpdate = (weight: Tensor, gradient: Tensor, slots: readonly Variable[]) => Tensor;

const CLIP_KEYS = ['clipNorm', 'globalClipNorm', 'clipValue'] as const;
const SHARED_KEYS = ['learningRate', 'weightDecay', 'excludeFromWeightDecay', ...CLIP_KEYS];
const NO_CLIPS: ClipSettings = { clipNorm: null, globalClipNorm: null, clipValue: null };

/** A learning rate: a finite number >= 0. */
export function checkLearningRate(value: unknown): number {
  return checkNonNegativeNumber('learningRate', value);
}

/** A decay rate such as Adam's betas or RMSprop's rho: `0 <= value < 1`. */
export function checkDecayRate(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw invalidArgument(argument, value, 'a number >= 0 and < 1');
  }
  return value;
}

export function checkBoolean(argument: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(argument, value, 'true or false');
  return value;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return tf.util.arraysEqual(a as number[], b as number[]);
}

/**
 * The shared part of every Ridge optimizer: validation, decoupled weight decay with exclusions,
 * gradient clipping, slot variables kept per weight, config and slot state. A subclass names its
 * slots and writes one weight's update (`makeUpdate`); everything else happens here, in a single
 * `tidy` per step, with no reads back from the device.
 *
 * Slots are keyed by the weight's variable, not by its position in the list, so a weight that is
 * frozen, unfrozen or missing from a step keeps its own state.
 *
 * Clipping, weight decay, `getConfig`/`fromConfig` and `getWeights`/`setWeights` are features
 * (`features.ts`): `@ridge/optimizers` loads them all. With `@ridge/optimizers/base` alone, using one
 * throws `FEATURE_NOT_LOADED` naming the entry that adds it, at construction for an option.
 */
export abstract class OptimizerBase implements Optimizer {
  /** The Keras class name; implement it as a getter (see `defaults`). */
  abstract readonly className: string;
  // The public options are `declare`d: the constructor sets each, in this order, so no field
  // initializers are emitted for them.
  /** Decoupled weight decay factor; 0 when off. */
  declare readonly weightDecay: number;
  declare readonly clipNorm: number | null;
  declare readonly globalClipNorm: number | null;
  declare readonly clipValue: number | null;
  /** The weights weight decay skips, as a core `WeightSelector`. */
  declare readonly excludeFromWeightDecay: WeightSelector;

  #lr: number;
  readonly #schedule: LearningRateSchedule | undefined;
  #iter = 0;
  /** Whether weight decay skips a weight; unset without `@ridge/optimizers/weight-decay` (decay is then off). */
  readonly #excluded: ((weight: WeightInfo) => boolean) | undefined;
  readonly #clip: ClipSettings['clip'];
  readonly #records = new Map<Variable, SlotRecord>();
  /** Slot values restored by `setWeights` for weights this optimizer has not seen yet. */
  readonly #pending = new Map<string, Tensor>();
  /** Scalar constants, created once on the first step (not at construction, before any backend runs). */
  readonly #constants = new Map<number, Scalar>();

  protected constructor(config: OptimizerConfig = {}) {
    // The subclass's constant getters, read through an alias: TypeScript rejects `this.<abstract member>` in a constructor.
    const self: OptimizerBase = this;
    const { className, defaults, optionKeys, ownWeightDecay } = self;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw invalidArgument(`${className} config`, config, 'an object of options');
    }
    const options = config as Record<string, unknown>;
    checkConfigKeys(className, options, [...SHARED_KEYS, ...optionKeys]);
    const lr: unknown = config.learningRate ?? defaults.learningRate;
    const schedule = typeof lr === 'object' && lr !== null ? feature('schedules', `${className}({ learningRate: schedule })`).resolve(lr) : undefined;
    this.#schedule = schedule;
    this.#lr = schedule ? this.#scheduledRate(schedule) : checkLearningRate(lr);
    this.weightDecay = checkNonNegativeNumber('weightDecay', config.weightDecay ?? defaults.weightDecay);
    // Weight decay off and no exclusion given: nothing to validate or compile without the feature.
    const decayKey = this.weightDecay > 0 ? 'weightDecay' : config.excludeFromWeightDecay != null ? 'excludeFromWeightDecay' : undefined;
    const decay = ownWeightDecay ?? (decayKey ? feature('weightDecay', `${className}({ ${decayKey} })`) : findFeature('weightDecay'));
    const exclusion = decay?.exclusion(config.excludeFromWeightDecay ?? defaults.excludeFromWeightDecay);
    this.#excluded = exclusion?.excluded;
    const clipKey = CLIP_KEYS.find((key) => options[key] != null);
    const clipping = clipKey ? feature('clipping', `${className}({ ${clipKey} })`) : findFeature('clipping');
    const clips = clipping?.check(config) ?? NO_CLIPS;
    this.clipNorm = clips.clipNorm;
    this.globalClipNorm = clips.globalClipNorm;
    this.clipValue = clips.clipValue;
    this.#clip = clips.clip;
    this.excludeFromWeightDecay = exclusion?.selector ?? defaults.excludeFromWeightDecay;
  }

  /**
   * Defaults for the shared options. Read while the base constructor runs, before subclass fields
   * exist: implement it (and `className`, `optionKeys`) as a getter that returns constants.
   */
  protected abstract get defaults(): OptimizerDefaults;
  /** The options this class takes beyond the shared ones (a getter; see `defaults`). */
  protected abstract get optionKeys(): readonly string[];
  /** The names of the slots kept per weight, for example `['momentum', 'velocity']`. */
  protected abstract slotNames(): readonly string[];
  /** Builds the update for one step (`step` counts from 1); called inside the step's tidy. */
  protected abstract makeUpdate(step: number): WeightUpdate;
  /** This class's own options, for `getConfig`. */
  protected abstract ownConfig(): JsonObject;

  /**
   * Weight decay this class always has, given directly rather than installed (AdamW's), so that it
   * works without `@ridge/optimizers/weight-decay`. A getter, read while the base constructor runs.
   */
  protected get ownWeightDecay(): Features['weightDecay'] | undefined {
    return undefined;
  }

  /** A slot's starting value. */
  protected initialSlotValue(_slot: string): number {
    return 0;
  }

  /** A scalar kept for the optimizer's life (until the learning rate changes or `dispose`). */
  protected constant(value: number): Scalar {
    let c = this.#constants.get(value);
    if (c === undefined || c.isDisposed) {
      c = tf.keep(tf.scalar(value));
      this.#constants.set(value, c);
    }
    return c;
  }

  /** The rate of the next step (with a schedule, its value at `iterations`). */
  get learningRate(): number {
    return this.#schedule ? this.#schedule.valueAt(this.#iter) : this.#lr;
  }

  /** Sets the learning rate for the following steps (for callbacks); not with a schedule, as in Keras. */
  set learningRate(value: number) {
    // Only @ridge/optimizers/schedules makes schedules, so it is there.
    if (this.#schedule) throw feature('schedules', 'learningRate').notSettable(this.className, this.#schedule, value);
    this.#setRate(value);
  }

  /** The schedule given as `learningRate`, if any. */
  get learningRateSchedule(): LearningRateSchedule | undefined {
    return this.#schedule;
  }

  #setRate(value: unknown): void {
    const lr = checkLearningRate(value);
    if (lr !== this.#lr) this.#clearConstants();
    this.#lr = lr;
  }

  /** The schedule's rate for the next step, checked by the schedules feature (which made the schedule). */
  #scheduledRate(schedule: LearningRateSchedule): number {
    return findFeature('schedules')!.rateAt(this.className, schedule, this.#iter);
  }

  get iterations(): number {
    return this.#iter;
  }

  /**
   * Applies one step: clipping, then decoupled weight decay, then the update (the order of
   * Keras 3). Non-trainable weights and missing gradients are skipped; a list with nothing to
   * apply changes nothing, not even `iterations`. The given gradients are not disposed.
   */
  applyGradients(gradients: readonly WeightGradient[]): void {
    if (!Array.isArray(gradients)) {
      throw invalidArgument('gradients', gradients, 'a list of { weight, gradient }');
    }
    const pairs: WeightGradient[] = [];
    // Every pair is checked before the step touches anything, so a bad one changes nothing.
    (gradients as readonly unknown[]).forEach((item, i) => {
      const pair = item as WeightGradient | null;
      if (typeof pair?.weight?.variable?.assign !== 'function' || typeof pair.weight.trainable !== 'boolean') {
        throw invalidArgument(`gradients[${i}]`, item, '{ weight, gradient } with weight a WeightInfo');
      }
      if (pair.gradient != null && !Array.isArray(pair.gradient.shape)) throw invalidArgument(`gradients[${i}].gradient`, pair.gradient, 'a Tensor or null');
    });
    for (const pair of gradients as readonly WeightGradient[]) {
      if (!pair.weight.trainable || pair.gradient == null) continue;
      const { shape } = pair.weight.variable;
      if (!sameShape(pair.gradient.shape, shape)) {
        throw shapeError(
          `The gradient for ${pair.weight.path} has shape [${pair.gradient.shape.join(', ')}], ` +
            `but the weight has shape [${shape.join(', ')}].`,
          { path: pair.weight.path, gradientShape: pair.gradient.shape, weightShape: shape },
        );
      }
      pairs.push(pair);
    }
    if (pairs.length === 0) return;
    if (this.#schedule) this.#setRate(this.#scheduledRate(this.#schedule));
    const step = this.#iter + 1;
    tf.tidy(() => {
      const records = pairs.map((p) => this.#recordOf(p.weight));
      const raw = pairs.map((p) => p.gradient);
      const grads = this.#clip ? this.#clip(raw, (value) => this.constant(value)) : raw;
      const keepFactor = this.weightDecay > 0 ? this.constant(1 - this.#lr * this.weightDecay) : undefined;
      const update = this.makeUpdate(step);
      records.forEach((record, i) => {
        const w = record.variable;
        const start = keepFactor !== undefined && record.decays ? tf.mul(w, keepFactor) : w;
        w.assign(update(start, grads[i]!, record.slots));
      });
    });
    this.#iter = step;
  }

  /** Keras 3's name for `applyGradients`. */
  apply(gradients: readonly WeightGradient[]): void {
    this.applyGradients(gradients);
  }

  /**
   * Every option as camelCase JSON: `learningRate`, the class's own options, then `weightDecay`,
   * `excludeFromWeightDecay`, `clipNorm`, `globalClipNorm`, `clipValue`. Needs `@ridge/optimizers/io`.
   */
  getConfig(): JsonObject {
    return this.#io('getConfig').getConfig(this, this.ownConfig());
  }

  /**
   * The optimizer's state as copies the caller owns: `iterations` (an int32 scalar), then one
   * tensor per slot, named `<weight path>/<slot>` (for example `dense_1/kernel/momentum`).
   * Needs `@ridge/optimizers/io`.
   */
  getWeights(): OptimizerWeight[] {
    return this.#io('getWeights').getWeights(this.#slotState());
  }

  /**
   * Restores state saved by `getWeights` (the tensors are copied, not kept). A slot of a weight this
   * optimizer has not seen yet is used when that weight first gets a gradient. Reads `iterations`
   * back from the device, so it is not meant for the training loop. Needs `@ridge/optimizers/io`.
   */
  setWeights(weights: readonly OptimizerWeight[]): void {
    const iterations = this.#io('setWeights').setWeights(this.#slotState(), weights);
    if (iterations !== undefined) this.#iter = iterations;
  }

  /** Frees the slot variables and constants. The optimizer can be used again, from a fresh state. */
  dispose(): void {
    for (const record of this.#records.values()) tf.dispose(record.slots as Variable[]);
    this.#records.clear();
    tf.dispose([...this.#pending.values()]);
    this.#pending.clear();
    this.#clearConstants();
    this.#iter = 0;
  }

  /** The io feature, for `<className>.<method>()`. */
  #io(method: string): Features['io'] {
    return feature('io', `${this.className}.${method}()`);
  }

  #slotState(): SlotState {
    return { className: this.className, slotNames: this.slotNames(), iterations: this.#iter, records: this.#records, pending: this.#pending };
  }

  #clearConstants(): void {
    tf.dispose([...this.#constants.values()]);
    this.#constants.clear();
  }

  #recordOf(weight: WeightInfo): SlotRecord {
    const known = this.#records.get(weight.variable);
    if (known !== undefined) return known;
    this.#forgetDisposedWeights();
    const record: SlotRecord = {
      path: weight.path,
      variable: weight.variable,
      slots: this.slotNames().map((name) => this.#createSlot(weight, name)),
      decays: this.#excluded !== undefined && !this.#excluded(weight),
    };
    this.#records.set(weight.variable, record);
    return record;
  }

  #createSlot(weight: WeightInfo, name: string): Variable {
    // Only `setWeights` (@ridge/optimizers/io) fills `pending`.
    const restored = this.#pending.size > 0 ? findFeature('io')?.restoreSlot(this.#pending, weight, name) : undefined;
    if (restored !== undefined) return restored;
    const initial = this.initialSlotValue(name);
    const value = initial === 0 ? tf.zerosLike(weight.variable) : tf.fill(weight.variable.shape, initial, weight.variable.dtype);
    return tf.variable(value, false);
  }

  /** Slots of weights whose variables were disposed (a rebuilt model) would otherwise leak. */
  #forgetDisposedWeights(): void {
    for (const [v, record] of this.#records) {
      if (v.isDisposed) {
        tf.dispose(record.slots as Variable[]);
        this.#records.delete(v);
      }
    }
  }
}
