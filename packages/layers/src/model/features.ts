import { featureTable, type WeightInfo } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { L1L2PassAttrs } from '../engine/l1l2-kernel.js';
import type { Described } from '../engine/errors.js';
import type { CallContext, CallOptions, Layer } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import type { ModelTopologyJSON } from '../io/model-json.js';
import type { SaveOptions } from '../io/save.js';
import type { Callback, Logs } from './callbacks.js';
import type { HostData, ModelData, Prepared, Slot, TensorLike } from './data.js';
import type { FitCallbacks } from './fit-callbacks.js';
import type { EpochBatches, FitArgs } from './fit.js';
import type { Graph, OutputObserver } from './graph.js';
import type { LogSums } from './log-sums.js';
import type { FunctionLoss, LossOrMetricFunction } from './functions.js';
import type { MaskedScores } from './masked-scores.js';
import type { Metric, MetricSpec } from './metrics.js';
import type { EvaluateArgs, Model, PenaltyReport, PredictArgs } from './model.js';
import type { CompiledRule, RegularizationOption } from './regularization.js';
import type { Compiled } from './step.js';

/** What fit tells a progress display (verbosity 1 or 2). */
export interface ProgressView {
  /** Whether `batch` would draw now (so fit reads the running logs only then). */
  wantsDraw(now: number): boolean;
  epochBegin(epoch: number): void;
  /** Draws the running averages of `sums` (read with `peekLogs`). */
  batch(step: number, samplesDone: number, sums: LogSums): void;
  epochEnd(epoch: number, steps: number, samples: number, logs: Logs): void;
}

/** What the optional parts see of a model: its graph and compile state, which are not public. */
export interface ModelInternals {
  /** The graph; throws NOT_COMPILED for a sequential model that has no input shape yet. */
  graph(): Graph;
  /** Builds a deferred graph from the first data (`method` names the call, for errors). */
  beforeData(x: unknown, method: string): void;
  /** The resolved compile state; throws NOT_COMPILED before compile (`what` names the call). */
  compiled(what: string): Compiled;
  /** The model-level rules in force (none before compile). */
  rules(): readonly CompiledRule[];
  inputSlots(): Slot[];
  outputSlots(): Slot[];
}

/**
 * The optional parts of a model, each installed by the module that implements it when that module
 * is imported. `Model` calls them through this table instead of importing them, so a bundle made
 * from `@ridge/layers/base` leaves out what the app never imports (saving, the summary table, the
 * progress bar, model-level rules, data other than tensors, predict/evaluate/penalties, the fused
 * penalty kernels, masking).
 */
export interface Features {
  /** `model.save`, `model.toJSON` (and `JSON.stringify(model)`). */
  io: {
    save(model: Model, target: string | tf.io.IOHandler, options: SaveOptions): Promise<tf.io.SaveResult>;
    toJSON(model: Model, options: unknown): ModelTopologyJSON;
  };
  /** `model.summary()`: the table, printed line by line with `print` (default `console.log`; `false` prints nothing). */
  summary: (model: Model, rules: readonly CompiledRule[], graph: Graph | undefined, print: ((line: string) => void) | false | undefined) => string;
  /** `fit({ verbose: 1 | 2 })`, and `verbose: 1` by default in a terminal. */
  progress: {
    defaultVerbosity(): 0 | 1;
    /** Prints the one line of `evaluate` (with its logs) or `predict` (without). */
    summary(steps: number, samples: number, seconds: number, logs?: Logs): void;
    create(verbose: 1 | 2, epochs: number, steps: number | undefined, samplesPerStep: number): ProgressView;
  };
  /** `compile({ regularization })`: resolves the model-level rules. */
  regularization: (option: RegularizationOption, weights?: readonly WeightInfo[]) => CompiledRule[];
  /** `fit({ callbacks })`: checks the callbacks and returns what the training loop calls. */
  callbacks: (callbacks: Callback | readonly Callback[]) => FitCallbacks;
  /**
   * Data in other forms than tensors: nested arrays, typed arrays and numbers; batches from an
   * (async) iterable; sample weights and class weights.
   */
  data: {
    /** A tensor from nested arrays (checked numeric, finite and rectangular), a typed array or a number. */
    tensorFrom(value: Exclude<TensorLike, tf.Tensor>, argument: string, dtype: tf.DataType): tf.Tensor;
    /** The shape of nested arrays, read along their first elements. */
    nestedShape(value: readonly unknown[]): number[];
    /**
     * The weights of a fit (per sample, or per step of a sequence output): `sampleWeight`, times
     * `classWeight` read from the labels (and checked against the model's outputs).
     */
    fitWeights(args: FitArgs, ys: readonly HostData[], n: number, model: Pick<ModelInternals, 'graph' | 'outputSlots'>): { weights: HostData; owned: tf.Tensor[] };
    /** `fit({ validationData })`, as host copies checked finite; the tensors it made are in `owned`. */
    validationData(
      value: NonNullable<FitArgs['validationData']>,
      slots: Pick<ModelInternals, 'inputSlots' | 'outputSlots' | 'graph'>,
    ): { xs: HostData[]; ys: HostData[]; sw: HostData | undefined; owned: tf.Tensor[] };
    /**
     * Sample weights (`validationData[2]`, `evaluate({ sampleWeight })`) for labels `ys`: one per
     * sample, or one per step of the output's losses; host copy checked finite and >= 0.
     */
    sampleWeight(value: ModelData, ys: readonly { readonly shape: readonly number[] }[], argument: string, method: string, model: Pick<ModelInternals, 'graph' | 'outputSlots'>): Prepared;
    /** A fit's batches from an iterable, iterated once per epoch. */
    iterableBatches(source: AsyncIterable<unknown> | Iterable<unknown>, slots: Pick<ModelInternals, 'inputSlots' | 'outputSlots' | 'graph'>, outputNames: readonly string[], args: FitArgs): EpochBatches;
  };
  /**
   * Models with several inputs or outputs: data as a list (one entry per input or output) or a
   * record by name, and compile arguments per output.
   */
  multiIo: {
    /** One item per slot from a list or a record by name, checked against the slots. */
    split(data: ModelData, slots: readonly Slot[], argument: string): TensorLike[];
    /** Throws unless every tensor has as many samples as the first. */
    sameSamples(tensors: readonly tf.Tensor[], slots: readonly Slot[], argument: string): void;
    /** `loss` or `lossWeights` as a list (one per output) or a record by output name. */
    perOutput<T>(value: readonly T[] | Readonly<Record<string, T>>, argument: string, fallback: T | undefined, outputNames: readonly string[]): T[];
    /** `metrics` (or `weightedMetrics`, named by `argument`) as a record by output name. */
    perMetric(record: Readonly<Record<string, readonly MetricSpec[]>>, outputNames: readonly string[], argument?: string): MetricSpec[][];
  };
  /** `model.predict`, `model.evaluate`, `model.penalties` and `model.getLayer`. */
  inference: {
    predict(model: Model, internals: ModelInternals, x: ModelData, args: PredictArgs): tf.Tensor | tf.Tensor[];
    evaluate(model: Model, internals: ModelInternals, x: ModelData, y: ModelData, args: EvaluateArgs): Logs;
    penalties(model: Model, internals: ModelInternals, x: ModelData | undefined): PenaltyReport;
    getLayer(model: Model, nameOrIndex: string | number): Layer;
  };
  /**
   * The L1/L2/L1L2 penalty of a training step as one kernel on cpu and on wasm (with WebAssembly
   * SIMD): `[value, gradient?]`, or undefined where no kernel runs (then the generic ops do).
   */
  fused: {
    l1l2Penalty(x: tf.Tensor, attrs: L1L2PassAttrs, g?: tf.Tensor): [tf.Scalar, tf.Tensor?] | undefined;
  };
  /**
   * Keras-style masking: `embedding({ maskZero: true })` and `layer.apply(x, { mask })`, the only
   * ways to make a mask. Without it no mask exists, and graphs run without mask bookkeeping.
   */
  masking: {
    /** `layer.apply(x, { mask })` on tensors: builds the layer for `inputShape`, then calls it. */
    apply(layer: Layer, inputs: readonly tf.Tensor[], inputShape: Shape | Shape[], options: CallOptions): tf.Tensor[];
    /**
     * A layer called on symbolic tensors, before it builds: the function returned records which
     * of the call's outputs carry a mask (and warns of a mask dropped by a layer that cannot take it).
     */
    symbolic(layer: Layer, inputs: readonly SymbolicTensor[]): (outputs: readonly SymbolicTensor[]) => void;
    /** `runGraph`, passing masks from layer to layer. */
    runGraph(graph: Graph, inputs: readonly tf.Tensor[], ctx: CallContext, observe: OutputObserver | undefined, inputsAreData: boolean | readonly boolean[]): tf.Tensor[];
    /**
     * The data losses and metrics of a training or evaluation step, weighed by the outputs' masks
     * and by sample weights per step as Keras 3 weighs them; undefined when no output of `graph`
     * carries a mask or has losses per step (rank 3 or more).
     */
    scores(graph: Graph, compiled: Compiled): MaskedScores | undefined;
    /** A recurrent layer's mask per time step, in time order, as booleans [units, batch]; checks it is [batch, time]. */
    stepMasks(layer: Described, mask: tf.Tensor, units: number, batch: number, time: number): tf.Tensor[];
  };
  /** `compile` with plain functions as losses and metrics (Keras's LossFunctionWrapper and MeanMetricWrapper). */
  functions: {
    loss(fn: LossOrMetricFunction): FunctionLoss;
    metric(fn: LossOrMetricFunction): Metric;
  };
}

export type FeatureName = keyof Features & string;

/** The entry that installs each feature, and what it is, for the error that names it. */
const table = featureTable<Features>('@ridge/layers/base', '@ridge/layers', {
  io: ['/io', 'saving and JSON'],
  summary: ['/summary', 'the summary table'],
  progress: ['/progress', 'progress output'],
  regularization: ['/regularization', 'model-level regularization'],
  callbacks: ['/callbacks', 'training callbacks'],
  data: ['/data', 'data other than x and y tensors'],
  multiIo: ['/multi-io', 'several inputs or outputs (lists or records by name)'],
  inference: ['/inference', 'running the model outside fit'],
  fused: ['/fused', 'fused penalty kernels'],
  masking: ['/masking', 'Keras-style masking'],
  functions: ['/functions', 'functions as losses and metrics'],
});

/** Called by a feature's entry module when it is imported. Installing the same feature again replaces it. */
export const installFeature = table.install;

/** The installed feature, or `undefined` (for callers that have a path without it). */
export const findFeature = table.find;

/**
 * The installed feature, or `FEATURE_NOT_LOADED` naming the call and the import that adds it.
 * `call` is what the user wrote, for example `'model.save()'`.
 */
export const feature = table.get;
