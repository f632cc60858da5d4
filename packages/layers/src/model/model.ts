import {
  argumentError,
  describeValue,
  getLoss,
  getOptimizer,
  mustBeError,
  RidgeError,
  type JsonObject,
  type Loss,
  type LossSpec,
  type OptimizerSpec,
  type WeightInfo,
} from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import '@ridge/backend/gradients';
import { checkOptions, optionError, who, withMessagePrefix } from '../engine/errors.js';
import { Layer, type CallContext } from '../engine/layer.js';
import { formatShape, type Shape } from '../engine/shape.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { isSymbolic } from '../engine/symbolic.js';
import type { LayerWeight } from '../engine/weight.js';
import { InputLayer } from '../layers/input-layer.js';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import type { ModelData, Slot } from './data.js';
import { fitModel, type BatchSource, type FitArgs, type History } from './fit.js';
import { buildGraph, runGraph, setNestedGraph, type Graph } from './graph.js';
import { resolveMetric, type Metric, type MetricSpec } from './metrics.js';
import type { LossOrMetricFunction } from './functions.js';
import { probeTerms, weightTerms, type CompiledRule, type RegularizationOption } from './regularization.js';
import type { Compiled } from './step.js';
import { feature, type Features, type ModelInternals } from './features.js';
import type { ModelTopologyJSON, ToJSONOptions } from '../io/model-json.js';
import type { SaveOptions } from '../io/save.js';

export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
}

/** For subclasses that build their graph later (sequential). */
export interface DeferredGraph {
  readonly deferred: true;
  readonly name?: string | undefined;
}

export interface CompileArgs {
  optimizer: OptimizerSpec;
  /**
   * One loss for every output, a list (one per output), or a record by output name. A loss is a
   * name, a `Loss`, `{ className, config }`, or a function `(yTrue, yPred) => Tensor` returning one
   * value per sample (or per element), named by the function's name (Keras's `LossFunctionWrapper`).
   */
  loss: CompileLoss | readonly CompileLoss[] | Readonly<Record<string, CompileLoss>>;
  /** Metrics of every sample alike (Keras's `metrics`): sample and class weights do not weigh them. */
  metrics?: readonly MetricSpec[] | Readonly<Record<string, readonly MetricSpec[]>>;
  /**
   * Metrics weighted by the sample (and class) weights (Keras's `weighted_metrics`): over an
   * epoch, `sum(w * value) / sum(w)`. A key of `metrics` with the same name gets a `weighted_`
   * prefix here. Without weights they equal their unweighted values.
   */
  weightedMetrics?: readonly MetricSpec[] | Readonly<Record<string, readonly MetricSpec[]>>;
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /** Model-level regularization: a regularizer spec, a rule, or a list of rules (DESIGN.md section 5). */
  regularization?: RegularizationOption;
}

/** What `compile({ loss })` takes for one output. */
export type CompileLoss = LossSpec | LossOrMetricFunction;

export interface EvaluateArgs {
  batchSize?: number;
  /** One weight per sample, `[n]`, or per time step of a sequence output, `[n, time]`, as in `fit`. */
  sampleWeight?: ModelData;
  /** 1 or 2 prints one line with the logs (needs `@ridge/layers/progress` with `/base`); default 0, silent. */
  verbose?: 0 | 1 | 2;
}

export interface PredictArgs {
  batchSize?: number;
  /** 1 or 2 prints one line with the steps and time (needs `@ridge/layers/progress` with `/base`); default 0, silent. */
  verbose?: 0 | 1 | 2;
}

/** One penalty term of `model.penalties()`. */
export interface PenaltyTerm {
  /** `dense_1/kernel`, or `dense_1/activity`, or `dense_1/<name>` for `addLoss` terms. */
  readonly path: string;
  readonly kind: 'weight' | 'activity' | 'custom';
  /** The regularizer's class name (or the custom loss name). */
  readonly regularizer: string;
  readonly config: JsonObject | undefined;
  readonly source: 'layer' | 'model';
  readonly value: number;
}

export interface PenaltyReport {
  readonly total: number;
  readonly terms: readonly PenaltyTerm[];
}

function asList<T>(x: T | readonly T[]): T[] {
  return Array.isArray(x) ? [...(x as T[])] : [x as T];
}

/** A model: a graph of layer calls from inputs to outputs, with Keras's training API. */
export class Model extends Layer implements CallbackModel {
  static override readonly className: string = 'Functional';
  protected graphState: Graph | undefined;
  #compiled: Compiled | undefined;
  #compileArgs: CompileArgs | undefined;
  #busy: 'fit' | undefined;
  #disposed = false;
  stopTraining = false;

  constructor(args: ModelArgs | DeferredGraph) {
    if (typeof args !== 'object' || args === null) throw argumentError(`model: expected { inputs, outputs }; received ${describeValue(args)}.`);
    super({ name: args.name });
    if ('deferred' in args) return;
    const inputs = asList(args.inputs);
    const outputs = asList(args.outputs);
    for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
      if (list.length === 0 || !list.every(isSymbolic)) {
        throw mustBeError(`model: ${what}`, what === 'inputs' ? args.inputs : args.outputs, 'symbolic tensors (from input() and layer.apply())', { argument: what });
      }
    }
    this.setGraph(buildGraph(inputs, outputs));
  }

  /** The graph, for subclasses that build it later (sequential). */
  protected get graph(): Graph {
    if (!this.graphState) {
      throw new RidgeError('NOT_COMPILED', `${who(this)} has no input shape yet; give the first layer inputShape, or call fit/predict once.`);
    }
    return this.graphState;
  }

  protected setGraph(graph: Graph): void {
    this.graphState = graph;
    this.built = true;
    setNestedGraph(this, graph);
  }

  /**
   * Setting it sets every layer of the model too, as in Keras: `base.trainable = false` freezes a
   * model used as a layer (its weights get no updates and no penalties, and its batch
   * normalization layers run in inference mode), and `true` unfreezes every layer.
   */
  override get trainable(): boolean {
    return super.trainable;
  }

  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.graphState?.layers ?? []) layer.trainable = value;
  }

  get inputs(): readonly SymbolicTensor[] {
    return this.graph.inputs;
  }

  get outputs(): readonly SymbolicTensor[] {
    return this.graph.outputs;
  }

  /** Every layer, input layers first, in execution order. */
  get layers(): Layer[] {
    return [...this.graph.layers];
  }

  get inputNames(): string[] {
    return this.graph.inputs.map((t) => t.sourceLayer.name);
  }

  get outputNames(): string[] {
    return this.graph.outputs.map((t) => t.sourceLayer.name);
  }

  /** Every weight of every layer, once (shared layers count once). */
  override get weights(): LayerWeight[] {
    return [...new Set((this.graphState?.layers ?? []).flatMap((l) => l.weights))];
  }

  get isCompiled(): boolean {
    return this.#compiled !== undefined || this.#compileArgs !== undefined;
  }

  /** The arguments of the last successful `compile`. */
  get compileArgs(): CompileArgs | undefined {
    return this.#compileArgs;
  }

  get optimizer(): Compiled['optimizer'] | undefined {
    return this.#compiled?.optimizer;
  }

  /** A layer by name or by index in `layers`. Needs `@ridge/layers/inference` with `/base`. */
  getLayer(nameOrIndex: string | number): Layer {
    return this.#inference('getLayer').getLayer(this, nameOrIndex);
  }

  override computeOutputShape(_inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.graph.outputs.map((o) => o.shape);
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor | tf.Tensor[] {
    // As a layer of another model: its observer and which inputs are data go along.
    const outs = runGraph(this.graph, asList(inputs), ctx, ctx.observe, ctx.constantInputs ?? false);
    return outs.length === 1 ? outs[0]! : outs;
  }

  /**
   * A model used as a layer passes masks to its layers, as Keras's Functional does (its graph
   * decides which outputs carry one: see model/masking.ts).
   */
  override get supportsMasking(): boolean {
    return true;
  }

  protected inputSlots(): Slot[] {
    return this.graph.inputs.map((t) => ({ name: t.sourceLayer.name, shape: t.shape }));
  }

  protected outputSlots(): Slot[] {
    return this.graph.outputs.map((t) => ({ name: t.sourceLayer.name, shape: undefined }));
  }

  /**
   * Resolves the optimizer, losses, metrics and model-level regularization. Everything is
   * checked before anything changes: a rejected call leaves the model as it was.
   */
  compile(args: CompileArgs): void {
    if (typeof args !== 'object' || args === null) throw argumentError(`compile: expected { optimizer, loss }; received ${describeValue(args)}.`);
    this.#refuseWhileFit('compile while fit runs; wait for fit to finish.');
    this.#refuseDisposed('compile()');
    checkOptions('compile', args, COMPILE_KEYS);
    if (!this.graphState && this.deferCompile) {
      const deferred = this.deferCompile(args);
      this.#replaceOptimizer(deferred.optimizer);
      this.#compileArgs = deferred;
      return;
    }
    const outputNames = this.outputNames;
    const perOutput = <T>(value: T | readonly T[] | Readonly<Record<string, T>> | undefined, argument: string, fallback: T | undefined): T[] => {
      if (value === undefined) {
        if (fallback === undefined) throw optionError('compile', argument, `${argument} is required.`);
        return outputNames.map(() => fallback);
      }
      // A list, or a record by output name (not a loss object), needs the multi-io feature. A loss
      // weight is a number, so any object there is a record, also one that names no output.
      if (Array.isArray(value) || (typeof value === 'object' && value !== null && (argument === 'lossWeights' || outputNames.some((n) => n in (value as object))) && !('className' in (value as object)))) {
        return feature('multiIo', `compile({ ${argument} }) per output`).perOutput(value as readonly T[] | Readonly<Record<string, T>>, argument, fallback, outputNames);
      }
      return outputNames.map(() => value as T);
    };
    const withArg = <T>(argument: string, fn: () => T): T => withMessagePrefix(`compile: ${argument}: `, fn, { argument });
    if (args.optimizer === undefined) throw optionError('compile', 'optimizer', 'optimizer is required (for example \'adam\').');
    const lossSpecs = perOutput<CompileLoss>(args.loss as never, 'loss', undefined);
    const losses: Loss[] = lossSpecs.map((spec, i) => withArg(outputNames.length > 1 ? `loss['${outputNames[i]}']` : 'loss', () => lossOf(spec)));
    const lossWeights = perOutput<number>(args.lossWeights as never, 'lossWeights', 1);
    lossWeights.forEach((w, i) => {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        throw mustBeError(`compile: lossWeights[${i}]`, w, 'a finite number >= 0', { argument: 'lossWeights' });
      }
    });
    const resolveMetrics = (argument: 'metrics' | 'weightedMetrics'): Metric[][] => {
      const value = args[argument];
      const specs = value === undefined ? outputNames.map(() => [] as MetricSpec[]) : perMetric(value, outputNames, argument);
      return specs.map((list) => list.map((spec, j) => resolveMetric(spec, `${argument}[${j}]`)));
    };
    const metrics = resolveMetrics('metrics');
    const weightedMetrics = resolveMetrics('weightedMetrics');
    const rules = modelRules(args.regularization, this.weights);
    probeTerms(weightTerms(this.weights, rules), 'compile');
    const optimizer = withArg('optimizer', () => getOptimizer(args.optimizer));
    this.#replaceOptimizer(optimizer);
    this.#compiled = { optimizer, losses, lossWeights, metrics, weightedMetrics, rules, outputNames };
    this.#compileArgs = args;
  }

  /**
   * For a model whose graph is not built yet (a sequential model without an input shape): checks
   * what it can now and returns the arguments to finish compiling with when the graph is built.
   */
  protected deferCompile?(args: CompileArgs): CompileArgs;

  /** Called with the data of fit, evaluate and predict (`method`) before anything else; builds deferred graphs. */
  protected beforeData(_x: unknown, _method: string): void {}

  /** What fit and the optional parts see of this model. */
  #internals(): ModelInternals {
    return {
      graph: () => this.graph,
      beforeData: (x, method) => this.beforeData(x, method),
      compiled: (what) => this.compiledOrThrow(what),
      rules: () => this.#compiled?.rules ?? [],
      inputSlots: () => this.inputSlots(),
      outputSlots: () => this.outputSlots(),
    };
  }

  /** The resolved compile state; throws NOT_COMPILED before compile. */
  protected compiledOrThrow(what: string): Compiled {
    if (!this.#compiled && this.#compileArgs && this.graphState) this.compile(this.#compileArgs);
    if (!this.#compiled) {
      throw new RidgeError('NOT_COMPILED', `${who(this)}: ${what} needs compile() first, for example model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' }).`);
    }
    return this.#compiled;
  }

  /** Trains. Takes tensors or nested arrays (`fit(x, y, args)`), or an async iterable of batches (`fit(batches, args)`). */
  fit(x: ModelData, y: ModelData, args?: FitArgs): Promise<History>;
  fit(batches: AsyncIterable<BatchSource> | Iterable<BatchSource>, args?: FitArgs): Promise<History>;
  async fit(x: ModelData | AsyncIterable<BatchSource> | Iterable<BatchSource>, y?: ModelData | FitArgs, args?: FitArgs): Promise<History> {
    this.#refuseWhileFit('fit is already running; wait for it to finish before calling fit again.');
    this.#refuseDisposed('fit()');
    this.beforeData(x, 'fit');
    const compiled = this.compiledOrThrow('fit');
    this.#busy = 'fit';
    try {
      return await fitModel(this, this.#internals(), compiled, x, y, args);
    } finally {
      this.#busy = undefined;
    }
  }

  /**
   * Disposes the optimizer of the last compile unless the new compile keeps it (the same
   * instance, as in `compile({ ...args, optimizer: model.optimizer, regularization })`): a
   * re-compile must not reset the state (moments, step count) of the optimizer it goes on with.
   */
  #replaceOptimizer(next: unknown): void {
    const previous = this.#compiled?.optimizer;
    if (previous !== undefined && previous !== next) previous.dispose();
  }

  /** Throws INVALID_ARGUMENT, naming the model and the call, after `dispose()`. */
  #refuseDisposed(call: string): void {
    if (this.#disposed) {
      throw argumentError(`${who(this)} was disposed; ${call} needs a live model. Build or load the model again.`, { argument: 'model', disposed: true });
    }
  }

  /** Throws BUSY, naming the model, while fit runs. */
  #refuseWhileFit(message: string): void {
    if (this.#busy) throw new RidgeError('BUSY', `${who(this)}: ${message}`);
  }

  /** The inference feature, for `model.<method>()`. */
  #inference(method: string): Features['inference'] {
    this.#refuseDisposed(`${method}()`);
    return feature('inference', `model.${method}()`);
  }

  /** What `@ridge/layers/batch` (`trainOnBatch`, `testOnBatch`, `predictOnBatch`) works with; refused after `dispose()`. */
  protected batchInternals(call: string): ModelInternals {
    this.#refuseDisposed(call);
    return this.#internals();
  }

  /** Whether fit is running. */
  get isTraining(): boolean {
    return this.#busy === 'fit';
  }

  /** Loss, data loss, every penalty term and the metrics on data, computed as in training. Needs `@ridge/layers/inference` with `/base`. */
  async evaluate(x: ModelData, y: ModelData, args: EvaluateArgs = {}): Promise<Logs> {
    return this.#inference('evaluate').evaluate(this, this.#internals(), x, y, args);
  }

  /** Outputs for inputs, in inference mode, batch by batch. One tensor per output. Needs `@ridge/layers/inference` with `/base`. */
  predict(x: ModelData, args: PredictArgs = {}): tf.Tensor | tf.Tensor[] {
    return this.#inference('predict').predict(this, this.#internals(), x, args);
  }

  /**
   * Every penalty term with its current value: one per regularized trainable weight (from the
   * layer or from the model-level rules), `addLoss` terms, and, given inputs, one per activity
   * regularizer (divided by the batch size, as in training). Needs `@ridge/layers/inference` with `/base`.
   */
  penalties(x?: ModelData): PenaltyReport {
    return this.#inference('penalties').penalties(this, this.#internals(), x);
  }

  /**
   * A table of layers, output shapes, parameter counts and each layer's regularizers, printed line
   * by line with `print` (default `console.log`; `false` prints nothing) and returned.
   */
  summary(print?: ((line: string) => void) | false): string {
    this.#refuseDisposed('summary()');
    return feature('summary', 'model.summary()')(this, this.#compiled?.rules ?? [], this.graphState, print);
  }

  /**
   * The topology and compile state as Keras JSON, in the form tfjs-layers writes (`class_name`,
   * `config`, snake_case keys); `JSON.stringify(model)` gives its text. `modelFromJSON` reads it.
   */
  toJSON(options: ToJSONOptions = {}): ModelTopologyJSON {
    this.#refuseDisposed('toJSON()');
    return feature('io', 'model.toJSON()').toJSON(this, options);
  }

  /**
   * Saves topology, compile state and weights as tfjs-layers does: `'file://dir'` in Node writes
   * `model.json` and `weights.bin`; any tfjs-core handler or URL works too. `loadModel` reads it.
   */
  save(target: string | tf.io.IOHandler, options: SaveOptions = {}): Promise<tf.io.SaveResult> {
    this.#refuseDisposed('save()');
    return feature('io', 'model.save()').save(this, target, options);
  }

  /** Callbacks see the model through this. */
  asCallbackModel(): CallbackModel {
    return this;
  }

  override dispose(): void {
    this.#refuseWhileFit('dispose while fit runs; wait for fit to finish (or set stopTraining).');
    for (const l of this.graphState?.layers ?? []) l.dispose();
    this.#compiled?.optimizer.dispose();
    this.#compiled = undefined;
    this.#disposed = true;
  }

  protected override layerConfig(): JsonObject {
    return {};
  }

  /** Input layers, for subclasses and serialization. */
  get inputLayers(): InputLayer[] {
    return this.graph.inputs.map((t) => t.sourceLayer as InputLayer);
  }

  override toString(): string {
    return `${who(this)} ${this.graph.inputs.map((t) => formatShape(t.shape)).join(', ')} -> ${this.graph.outputs.map((t) => formatShape(t.shape)).join(', ')}`;
  }
}

const COMPILE_KEYS = ['optimizer', 'loss', 'metrics', 'weightedMetrics', 'lossWeights', 'regularization'];

/** The model-level rules of `compile({ regularization })`, resolved by the regularization feature. */
/** A compile loss: a function (through `@ridge/layers/functions`) or a spec the registry resolves. */
export function lossOf(spec: CompileLoss): Loss {
  return typeof spec === 'function' ? feature('functions', 'compile({ loss: function })').loss(spec) : getLoss(spec);
}

export function modelRules(option: RegularizationOption | undefined, weights?: readonly WeightInfo[]): CompiledRule[] {
  return option === undefined || option === null ? [] : feature('regularization', 'compile({ regularization })')(option, weights);
}


function perMetric(
  metrics: readonly MetricSpec[] | Readonly<Record<string, readonly MetricSpec[]>>,
  outputNames: readonly string[],
  argument: 'metrics' | 'weightedMetrics',
): MetricSpec[][] {
  if (Array.isArray(metrics)) return outputNames.map(() => [...(metrics as MetricSpec[])]);
  if (typeof metrics === 'object' && metrics !== null) {
    return feature('multiIo', `compile({ ${argument} }) per output`).perMetric(metrics as Readonly<Record<string, readonly MetricSpec[]>>, outputNames, argument);
  }
  throw mustBeError(`compile: ${argument}`, metrics, 'a list of metric names', { argument });
}

export type { Callback };
