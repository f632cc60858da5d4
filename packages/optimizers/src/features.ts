import { featureTable, type JsonObject, type WeightInfo, type WeightSelector } from '@ridge/core';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { OptimizerBase, OptimizerConfig, OptimizerWeight } from './optimizer-base.js';
import type { WeightDecaySelector } from './weight-decay-selector.js';
import type { AdamFactors } from './adam-kernel.js';
import type { RMSpropFactors } from './rmsprop-kernel.js';
import type { LearningRateSchedule } from './schedules.js';

/** The clip options of an optimizer after validation, and the step's clipping when one is set. */
export interface ClipSettings {
  readonly clipNorm: number | null;
  readonly globalClipNorm: number | null;
  readonly clipValue: number | null;
  /** Clips one step's gradients; `constant` gives scalars kept for the optimizer's life. */
  readonly clip?: (gradients: Tensor[], constant: (value: number) => Scalar) => Tensor[];
}

/** The slot variables of one weight, kept by the weight's variable. */
export interface SlotRecord {
  readonly path: string;
  readonly variable: Variable;
  readonly slots: readonly Variable[];
  readonly decays: boolean;
}

/** What `getWeights`/`setWeights` read and write of an optimizer. */
export interface SlotState {
  readonly className: string;
  readonly slotNames: readonly string[];
  readonly iterations: number;
  readonly records: ReadonlyMap<Variable, SlotRecord>;
  /** Slot values restored for weights the optimizer has not seen yet, by `<weight path>/<slot>`. */
  readonly pending: Map<string, Tensor>;
}

/**
 * The optional parts of an optimizer, each installed by the module that implements it when that
 * module is imported. `OptimizerBase` calls them through this table instead of importing them, so a
 * bundle made from `@ridge/optimizers/base` leaves out what the app never uses.
 */
export interface Features {
  /** `clipNorm`, `globalClipNorm`, `clipValue`. */
  clipping: {
    /** Validates the three options (at most one set, as in Keras). */
    check(config: OptimizerConfig): ClipSettings;
  };
  /** `weightDecay` > 0 and `excludeFromWeightDecay`. */
  weightDecay: {
    /** Validates a selector and compiles it to a predicate. */
    exclusion(selector: WeightDecaySelector): { selector: WeightSelector; excluded: (weight: WeightInfo) => boolean };
  };
  /** `getConfig`, `fromConfig` (Ridge and Keras configs), `getWeights` and `setWeights` (the optimizer's state). */
  io: {
    /** `optimizer.getConfig()`, given the class's own options. */
    getConfig(optimizer: OptimizerBase, own: JsonObject): JsonObject;
    readConfig(className: string, config: unknown): Record<string, unknown>;
    getWeights(state: SlotState): OptimizerWeight[];
    /** Restores state; returns the restored step count, if the state has one. */
    setWeights(state: SlotState, weights: readonly OptimizerWeight[]): number | undefined;
    /** The slot `setWeights` restored for a weight seen for the first time, taken out of `pending`. */
    restoreSlot(pending: Map<string, Tensor>, weight: WeightInfo, slot: string): Variable | undefined;
  };
  /** A schedule as `learningRate` (an object, or a saved `{ className: 'ExponentialDecay', config }`). */
  schedules: {
    resolve(value: object): LearningRateSchedule;
    /**
     * The rate `schedule` gives after `step` steps; a value that is not a finite number >= 0 is
     * refused, naming the optimizer (`className`), the schedule and the step.
     */
    rateAt(className: string, schedule: LearningRateSchedule, step: number): number;
    /** The error for setting `learningRate` of an optimizer that has a schedule. */
    notSettable(className: string, schedule: LearningRateSchedule, value: unknown): Error;
  };
  /** One-kernel updates on cpu and wasm; without them the ops run, with the same results. */
  fused: {
    /** `[w, m, v]` after one Adam step, or undefined where no kernel runs (then the ops do). */
    adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, factors: AdamFactors): [Tensor, Tensor, Tensor] | undefined;
    /** `[w, velocity]` after one SGD step with momentum (> 0), or undefined where no kernel runs. */
    sgdUpdate(w: Tensor, g: Tensor, velocity: Tensor, lr: number, momentum: number, nesterov: boolean): [Tensor, Tensor] | undefined;
    /** `[w, accumulator]` after one Adagrad step, or undefined where no kernel runs. */
    adagradUpdate(w: Tensor, g: Tensor, accumulator: Tensor, lr: number, epsilon: number): [Tensor, Tensor] | undefined;
    /** `[w, ...slots]` after one RMSprop step (slots `[velocity, momentum?, average?]`), or undefined where no kernel runs. */
    rmspropUpdate(w: Tensor, g: Tensor, slots: readonly Tensor[], factors: RMSpropFactors): Tensor[] | undefined;
  };
}

export type FeatureName = keyof Features & string;

/** The entry that installs each feature, and what it is, for the error that names it. */
const table = featureTable<Features>('@ridge/optimizers/base', '@ridge/optimizers', {
  clipping: ['/clipping', 'gradient clipping'],
  weightDecay: ['/weight-decay', 'weight decay'],
  io: ['/io', 'the optimizer io feature (getConfig, fromConfig, getWeights, setWeights)'],
  fused: ['/fused', 'fused optimizer updates'],
  schedules: ['/schedules', 'learning-rate schedules'],
});

/** Called by a feature's entry module when it is imported. Installing the same feature again replaces it. */
export const installFeature = table.install;

/** The installed feature, or `undefined`. Read by `OptimizerBase` where a feature is optional. */
export const findFeature = table.find;

/**
 * The installed feature, or `FEATURE_NOT_LOADED` naming the call and the import that adds it.
 * `call` is what the user wrote, for example `'Adam({ clipNorm })'`.
 */
export const feature = table.get;

/**
 * The new weight from a fused update's `[w, ...slots]`, after assigning the slots their new values
 * (in the optimizer's slot order); undefined when no fused kernel ran (the optimizer then uses its ops).
 */
export function fusedWeight(result: readonly Tensor[] | undefined, slots: readonly Variable[]): Tensor | undefined {
  if (!result) return undefined;
  slots.forEach((slot, i) => slot.assign(result[i + 1]!));
  return result[0];
}

/** A Ridge or Keras config read for `fromConfig` (needs `@ridge/optimizers/io`). */
export function readConfig(className: string, config: unknown): Record<string, unknown> {
  return feature('io', `${className}.fromConfig()`).readConfig(className, config);
}
