import {
  RidgeError,
  checkConfigKeys,
  checkNonNegativeNumber,
  checkNumber,
  compileSelector,
  describeValue,
  invalidArgument,
  type JsonObject,
  type Optimizer,
  type WeightGradient,
  type WeightInfo,
  type WeightSelector,
} from '@ridge/core';
import {
  addN,
  cast,
  clipByValue,
  clone,
  dispose,
  div,
  fill,
  keep,
  maximum,
  mul,
  scalar,
  sqrt,
  square,
  sum,
  tidy,
  variable,
  zerosLike,
  type Scalar,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';
import { selectorToJson, toWeightSelector, type WeightDecaySelector } from './weight-decay-selector.js';

/** Options every optimizer takes. `null` means "unset", as in Keras JSON. */
export interface OptimizerConfig {
  /** The step size. Keras: `learning_rate`. */
  learningRate?: number;
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

const SHARED_KEYS = ['learningRate', 'weightDecay', 'excludeFromWeightDecay', 'clipNorm', 'globalClipNorm', 'clipValue'];

interface SlotRecord {
  readonly path: string;
  readonly variable: Variable;
  readonly slots: readonly Variable[];
  readonly decays: boolean;
}

/** A learning rate: a finite number >= 0. */
export function checkLearningRate(value: unknown): number {
  if (typeof value === 'object' && value !== null) {
    throw invalidArgument('learningRate', value, 'a finite number >= 0 (learning-rate schedules are not supported yet)');
  }
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

function checkClip(argument: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  return checkNumber(argument, value, { min: 0, minExclusive: true });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * The shared part of every Ridge optimizer: validation, decoupled weight decay with exclusions,
 * gradient clipping, slot variables kept per weight, config and slot state. A subclass names its
 * slots and writes one weight's update (`makeUpdate`); everything else happens here, in a single
 * `tidy` per step, with no reads back from the device.
 *
 * Slots are keyed by the weight's variable, not by its position in the list, so a weight that is
 * frozen, unfrozen or missing from a step keeps its own state.
 */
export abstract class OptimizerBase implements Optimizer {
  /** The Keras class name; implement it as a getter (see `defaults`). */
  abstract readonly className: string;
  /** Decoupled weight decay factor; 0 when off. */
  readonly weightDecay: number;
  readonly clipNorm: number | null;
  readonly globalClipNorm: number | null;
  readonly clipValue: number | null;
  /** The weights weight decay skips, as a core `WeightSelector`. */
  readonly excludeFromWeightDecay: WeightSelector;

  private lr: number;
  private iter = 0;
  private readonly excluded: (weight: WeightInfo) => boolean;
  private readonly records = new Map<Variable, SlotRecord>();
  /** Slot values restored by `setWeights` for weights this optimizer has not seen yet. */
  private readonly pending = new Map<string, Tensor>();
  /** Scalar constants, created once on the first step (not at construction, before any backend runs). */
  private readonly constants = new Map<number, Scalar>();

  protected constructor(config: OptimizerConfig = {}) {
    const { className, defaults, optionKeys } = this.classInfo();
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      throw invalidArgument(`${className} config`, config, 'an object of options');
    }
    checkConfigKeys(className, config as Record<string, unknown>, [...SHARED_KEYS, ...optionKeys]);
    this.lr = checkLearningRate(config.learningRate ?? defaults.learningRate);
    this.weightDecay = checkNonNegativeNumber('weightDecay', config.weightDecay ?? defaults.weightDecay);
    this.excludeFromWeightDecay = toWeightSelector(
      config.excludeFromWeightDecay ?? defaults.excludeFromWeightDecay,
      'excludeFromWeightDecay',
    );
    this.excluded = compileSelector(this.excludeFromWeightDecay, 'excludeFromWeightDecay');
    this.clipNorm = checkClip('clipNorm', config.clipNorm);
    this.globalClipNorm = checkClip('globalClipNorm', config.globalClipNorm);
    this.clipValue = checkClip('clipValue', config.clipValue);
    const clips = { clipNorm: this.clipNorm, globalClipNorm: this.globalClipNorm, clipValue: this.clipValue };
    const set = Object.entries(clips).filter(([, v]) => v !== null);
    if (set.length > 1) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `Only one of clipNorm, globalClipNorm and clipValue can be set (as in Keras); received ` +
          `${set.map(([k, v]) => `${k} = ${describeValue(v)}`).join(', ')}.`,
        { argument: set[1]![0], received: clips },
      );
    }
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

  /** A slot's starting value. */
  protected initialSlotValue(_slot: string): number {
    return 0;
  }

  /** A scalar kept for the optimizer's life (until the learning rate changes or `dispose`). */
  protected constant(value: number): Scalar {
    let c = this.constants.get(value);
    if (c === undefined || c.isDisposed) {
      c = keep(scalar(value));
      this.constants.set(value, c);
    }
    return c;
  }

  get learningRate(): number {
    return this.lr;
  }

  /** Sets the learning rate for the following steps (for schedules and callbacks). */
  set learningRate(value: number) {
    this.lr = checkLearningRate(value);
    this.clearConstants();
  }

  get iterations(): number {
    return this.iter;
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
    for (const pair of gradients as readonly WeightGradient[]) {
      if (!pair.weight.trainable || pair.gradient == null) continue;
      const { shape } = pair.weight.variable;
      if (!sameShape(pair.gradient.shape, shape)) {
        throw new RidgeError(
          'SHAPE_MISMATCH',
          `The gradient for ${pair.weight.path} has shape [${pair.gradient.shape.join(', ')}], ` +
            `but the weight has shape [${shape.join(', ')}].`,
          { path: pair.weight.path, gradientShape: pair.gradient.shape, weightShape: shape },
        );
      }
      pairs.push(pair);
    }
    if (pairs.length === 0) return;
    const step = this.iter + 1;
    tidy(() => {
      const records = pairs.map((p) => this.recordOf(p.weight));
      const grads = this.clipGradients(pairs.map((p) => p.gradient));
      const keepFactor = this.weightDecay > 0 ? this.constant(1 - this.lr * this.weightDecay) : undefined;
      const update = this.makeUpdate(step);
      records.forEach((record, i) => {
        const w = record.variable;
        const start = keepFactor !== undefined && record.decays ? mul(w, keepFactor) : w;
        w.assign(update(start, grads[i]!, record.slots));
      });
    });
    this.iter = step;
  }

  /** Keras 3's name for `applyGradients`. */
  apply(gradients: readonly WeightGradient[]): void {
    this.applyGradients(gradients);
  }

  getConfig(): JsonObject {
    return {
      learningRate: this.lr,
      ...this.ownConfig(),
      weightDecay: this.weightDecay,
      excludeFromWeightDecay: selectorToJson(this.excludeFromWeightDecay, 'excludeFromWeightDecay', this.className),
      clipNorm: this.clipNorm,
      globalClipNorm: this.globalClipNorm,
      clipValue: this.clipValue,
    };
  }

  /**
   * The optimizer's state as copies the caller owns: `iterations` (an int32 scalar), then one
   * tensor per slot, named `<weight path>/<slot>` (for example `dense_1/kernel/momentum`).
   */
  getWeights(): OptimizerWeight[] {
    const names = this.slotNames();
    const out: OptimizerWeight[] = [{ name: 'iterations', tensor: scalar(this.iter, 'int32') }];
    for (const record of this.records.values()) {
      record.slots.forEach((slot, k) => out.push({ name: `${record.path}/${names[k]!}`, tensor: clone(slot) }));
    }
    for (const [name, tensor] of this.pending) out.push({ name, tensor: clone(tensor) });
    return out;
  }

  /**
   * Restores state saved by `getWeights` (the tensors are copied, not kept). A slot of a weight this
   * optimizer has not seen yet is used when that weight first gets a gradient. Reads `iterations`
   * back from the device, so it is not meant for the training loop.
   */
  setWeights(weights: readonly OptimizerWeight[]): void {
    const names = this.slotNames();
    const byPath = new Map([...this.records.values()].map((r) => [r.path, r]));
    let iterations: number | undefined;
    const assigns: [Variable, Tensor][] = [];
    const restores: [string, Tensor][] = [];
    for (const { name, tensor } of weights) {
      if (name === 'iterations') {
        iterations = tensor.dataSync()[0];
        if (!(tensor.size === 1 && Number.isInteger(iterations) && iterations! >= 0)) {
          throw invalidArgument('iterations', iterations, 'a scalar integer >= 0', 'INVALID_WEIGHTS');
        }
        continue;
      }
      const cut = name.lastIndexOf('/');
      const slot = name.slice(cut + 1);
      const k = names.indexOf(slot);
      if (cut <= 0 || k < 0) {
        throw new RidgeError(
          'INVALID_WEIGHTS',
          `${this.className} has no slot ${describeValue(name)}; its state is 'iterations' and ` +
            `'<weight path>/<slot>' with slot ${names.length > 0 ? names.map((n) => `'${n}'`).join(' or ') : '(none)'}.`,
          { name, slots: names },
        );
      }
      const record = byPath.get(name.slice(0, cut));
      if (record === undefined) restores.push([name, tensor]);
      else {
        const target = record.slots[k]!;
        if (!sameShape(target.shape, tensor.shape)) {
          throw new RidgeError(
            'INVALID_WEIGHTS',
            `${name} has shape [${tensor.shape.join(', ')}], but the slot has shape [${target.shape.join(', ')}].`,
            { name, shape: tensor.shape, expected: target.shape },
          );
        }
        assigns.push([target, tensor]);
      }
    }
    tidy(() => {
      for (const [target, tensor] of assigns) target.assign(cast(tensor, 'float32'));
    });
    for (const [name, tensor] of restores) {
      dispose(this.pending.get(name));
      this.pending.set(name, keep(cast(tensor, 'float32')));
    }
    if (iterations !== undefined) this.iter = iterations;
  }

  /** Frees the slot variables and constants. The optimizer can be used again, from a fresh state. */
  dispose(): void {
    for (const record of this.records.values()) dispose(record.slots as Variable[]);
    this.records.clear();
    dispose([...this.pending.values()]);
    this.pending.clear();
    this.clearConstants();
    this.iter = 0;
  }

  /** The subclass's constant getters, read through a method so the base constructor can use them. */
  private classInfo(): { className: string; defaults: OptimizerDefaults; optionKeys: readonly string[] } {
    return { className: this.className, defaults: this.defaults, optionKeys: this.optionKeys };
  }

  private clearConstants(): void {
    dispose([...this.constants.values()]);
    this.constants.clear();
  }

  private recordOf(weight: WeightInfo): SlotRecord {
    const known = this.records.get(weight.variable);
    if (known !== undefined) return known;
    this.forgetDisposedWeights();
    const record: SlotRecord = {
      path: weight.path,
      variable: weight.variable,
      slots: this.slotNames().map((name) => this.createSlot(weight, name)),
      decays: !this.excluded(weight),
    };
    this.records.set(weight.variable, record);
    return record;
  }

  private createSlot(weight: WeightInfo, name: string): Variable {
    const key = `${weight.path}/${name}`;
    const restored = this.pending.get(key);
    if (restored !== undefined) {
      if (!sameShape(restored.shape, weight.variable.shape)) {
        throw new RidgeError(
          'INVALID_WEIGHTS',
          `The restored slot ${key} has shape [${restored.shape.join(', ')}], but the weight has shape ` +
            `[${weight.variable.shape.join(', ')}].`,
          { name: key, shape: restored.shape, expected: weight.variable.shape },
        );
      }
      this.pending.delete(key);
      const slot = variable(restored, false);
      restored.dispose();
      return slot;
    }
    const initial = this.initialSlotValue(name);
    const value = initial === 0 ? zerosLike(weight.variable) : fill(weight.variable.shape, initial, weight.variable.dtype);
    return variable(value, false);
  }

  /** Slots of weights whose variables were disposed (a rebuilt model) would otherwise leak. */
  private forgetDisposedWeights(): void {
    for (const [v, record] of this.records) {
      if (v.isDisposed) {
        dispose(record.slots as Variable[]);
        this.records.delete(v);
      }
    }
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipNorm !== null) {
      const c = this.constant(this.clipNorm);
      return grads.map((g) => mul(g, div(c, maximum(sqrt(sum(square(g))), c))));
    }
    if (this.globalClipNorm !== null) {
      const c = this.constant(this.globalClipNorm);
      const norm = sqrt(addN(grads.map((g) => sum(square(g)))));
      const scale = div(c, maximum(norm, c));
      return grads.map((g) => mul(g, scale));
    }
    if (this.clipValue !== null) {
      const v = this.clipValue;
      return grads.map((g) => clipByValue(g, -v, v));
    }
    return grads;
  }
}
