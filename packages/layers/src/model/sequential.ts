import { RidgeError, describeValue, getOptimizer } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { who } from '../engine/errors.js';
import { Layer, type CallContext } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import { isSymbolic, type SymbolicTensor } from '../engine/symbolic.js';
import { InputLayer, input } from '../layers/input-layer.js';
import type { Slot } from './data.js';
import { buildGraph } from './graph.js';
import { feature } from './features.js';
import { resolveMetric, type MetricSpec } from './metrics.js';
import { Model, lossOf, modelRules, type CompileArgs, type CompileLoss } from './model.js';

export interface SequentialArgs {
  /** The layers; the first may be `input({ shape })` itself, as Keras 3 writes `Sequential([Input(shape), ...])`. */
  layers?: readonly (Layer | SymbolicTensor)[];
  name?: string;
}

/**
 * A stack of layers, each taking the previous one's output. The graph is built as soon as the
 * input shape is known: from the first layer's `inputShape`, an `input()` layer, or the first
 * data given to fit, evaluate or predict.
 */
export class Sequential extends Model {
  static override readonly className = 'Sequential';
  private readonly stack: Layer[] = [];

  constructor(args: SequentialArgs = {}) {
    super({ deferred: true, name: args.name });
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /**
   * Appends a layer; builds the graph when the input shape is known. The first may be the result of
   * `input({ shape })` (its input layer is taken), as in Keras 3.
   */
  add(layerOrInput: Layer | SymbolicTensor): void {
    const layer = isSymbolic(layerOrInput) && layerOrInput.sourceLayer instanceof InputLayer ? layerOrInput.sourceLayer : layerOrInput;
    if (!(layer instanceof Layer)) throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: add() takes a layer; received ${describeValue(layer)}.`, { argument: 'layer' });
    if (layer instanceof InputLayer && this.stack.length > 0) {
      throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: an input can only be the first layer; '${layer.name}' comes after ${this.stack.length} layer(s).`, { argument: 'layer' });
    }
    if (this.stack.includes(layer)) throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: layer '${layer.name}' is already in the model.`, { argument: 'layer' });
    if (this.isCompiled) throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: add layers before compile().`, { argument: 'layer' });
    const next = [...this.stack, layer];
    if (!(next[0] instanceof InputLayer) && next[0]!.batchInputShape === undefined && this.stack.length === 0) {
      this.stack.push(layer);
      return;
    }
    if (this.graphState || next[0]!.batchInputShape !== undefined) this.rebuild(next);
    this.stack.push(layer);
  }

  /** The layers in order (without the implicit input layer). */
  override get layers(): Layer[] {
    return this.graphState ? super.layers.filter((l) => !(l instanceof InputLayer) || this.stack.includes(l)) : [...this.stack];
  }

  private rebuild(layers: readonly Layer[], batchShape?: Shape): void {
    const first = layers[0]!;
    let x: SymbolicTensor;
    let rest: readonly Layer[];
    if (first instanceof InputLayer) {
      x = first.output;
      rest = layers.slice(1);
    } else {
      const shape = batchShape ?? first.batchInputShape;
      if (!shape) throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: the first layer needs inputShape.`);
      x = input({ batchShape: shape, name: `${this.name}_input` });
      rest = layers;
    }
    const inputs = x;
    for (const layer of rest) x = layer.apply(x);
    this.setGraph(buildGraph([inputs], [x]));
  }

  /** Builds from data when no layer gave an input shape. */
  protected ensureGraphFor(shape: readonly number[]): void {
    if (this.graphState) return;
    if (this.stack.length === 0) throw new RidgeError('INVALID_ARGUMENT', `${who(this)} has no layers; add() some first.`);
    this.rebuild(this.stack, [null, ...shape.slice(1)]);
  }

  /**
   * A compile before the input shape is known checks what it can now and finishes when the graph
   * is built. Names are resolved now, as a built model's compile does, so a name registered (or
   * replaced) between this call and the first fit does not change what this compile meant.
   */
  protected override deferCompile(args: CompileArgs): CompileArgs {
    // Per-output forms need the multi-io feature: without it, refuse now rather than at the first fit.
    const perOutput = (v: unknown) => typeof v === 'object' && v !== null && !('className' in v) && typeof (v as { apply?: unknown }).apply !== 'function';
    for (const key of ['loss', 'lossWeights'] as const) if (perOutput(args[key])) feature('multiIo', `compile({ ${key} }) per output`);
    for (const key of ['metrics', 'weightedMetrics'] as const) if (perOutput(args[key]) && !Array.isArray(args[key])) feature('multiIo', `compile({ ${key} }) per output`);
    const optimizer = getOptimizer(args.optimizer);
    const loss = Array.isArray(args.loss)
      ? (args.loss as CompileLoss[]).map(lossOf)
      : typeof args.loss === 'object' && args.loss !== null && !('className' in args.loss) && typeof (args.loss as { apply?: unknown }).apply !== 'function'
        ? Object.fromEntries(Object.entries(args.loss as Record<string, CompileLoss>).map(([k, v]) => [k, lossOf(v)]))
        : lossOf(args.loss as CompileLoss);
    const rules = modelRules(args.regularization);
    for (const key of ['metrics', 'weightedMetrics'] as const) {
      const value = args[key];
      const specs = value === undefined ? [] : Array.isArray(value) ? value : Object.values(value).flat();
      specs.forEach((m, i) => resolveMetric(m as MetricSpec, `${key}[${i}]`));
    }
    return {
      ...args,
      optimizer,
      loss: loss as CompileArgs['loss'],
      ...(args.regularization !== undefined
        ? { regularization: rules.map((r) => ({ regularizer: r.regularizer, include: r.source.include, ...(r.source.exclude !== undefined ? { exclude: r.source.exclude } : {}), onConflict: r.onConflict })) }
        : {}),
    };
  }

  protected override beforeData(x: unknown, method: string): void {
    if (this.graphState) return;
    const first = Array.isArray(x) && x.length === 1 && x[0] instanceof tf.Tensor ? x[0] : x;
    if (first instanceof tf.Tensor) this.ensureGraphFor(first.shape);
    // Nested arrays need the data feature: without it, this throws before the graph is built.
    else if (Array.isArray(first)) this.ensureGraphFor(feature('data', `${method}() with x as nested arrays`).nestedShape(first));
  }

  protected override inputSlots(): Slot[] {
    if (!this.graphState) return [{ name: 'input', shape: undefined }];
    return super.inputSlots();
  }

  override call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor | tf.Tensor[] {
    const first = Array.isArray(inputs) ? inputs[0]! : inputs;
    this.ensureGraphFor(first.shape);
    return super.call(inputs, ctx);
  }
}

export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}
