import {
  argumentError,
  getConstraint,
  getInitializer,
  getRegularizer,
  mustBeError,
  shapeError,
  type Constraint,
  type ConstraintSpec,
  type Initializer,
  type InitializerSpec,
  type JsonObject,
  type LayerInstance,
  type Regularizer,
  type RegularizerSpec,
  type WeightRole,
} from '@ridge/core';
import { tf } from './tfjs.js';
import { forArgument, layerArgError, who } from './errors.js';
import { peekLayerName, reserveLayerName, snakeCase, uniqueLayerName, uniqueVariableName } from './naming.js';
import { checkArgKeys, type ArgKeys } from './arg-keys.js';
import { checkShape, formatShape, type Shape } from './shape.js';
import { SymbolicTensor, isSymbolic, type Node } from './symbolic.js';
import { LayerWeight } from './weight.js';
import { probeRegularizer } from './probe.js';
import { feature, findFeature } from '../model/features.js';
import type { OutputObserver } from '../model/graph.js';

export interface LayerArgs {
  /** Unique layer name; default: the snake_case class name, numbered (`dense`, `dense_1`). */
  name?: string;
  /** Whether the layer's weights are updated (and penalized) in training. Default true. */
  trainable?: boolean;
  /** Input shape without the batch dimension, for the first layer of a `sequential` model. */
  inputShape?: Shape;
  /** Input shape with the batch dimension. */
  batchInputShape?: Shape;
  batchSize?: number;
  dtype?: 'float32';
  /** A penalty on the layer's outputs, divided by the batch size. */
  activityRegularizer?: RegularizerSpec | null;
}

export interface CallOptions {
  /** Training mode: dropout drops, batch normalization uses batch statistics. Default false. */
  training?: boolean;
  /**
   * A mask for the (single) input, as Keras's `mask=` argument: `[batch, time]`, true (or nonzero)
   * for the time steps to use. Only layers that support masking take one (see `supportsMasking`).
   */
  mask?: tf.Tensor;
}

/** What a layer sees when it is called. */
export interface CallContext {
  readonly training: boolean;
  /**
   * For each input, whether it is data that needs no gradient (a model input during training).
   * Layers may skip that gradient; absent means every input may need one.
   */
  readonly constantInputs?: readonly boolean[];
  /**
   * Set by a model for the layers of its graph during a training step or a penalty report: a
   * model used as a layer passes it to its own layers (see `runGraph`). Other layers ignore it.
   */
  readonly observe?: OutputObserver;
  /**
   * The inputs' masks (Keras's `mask` argument), one entry per input, undefined where an input
   * has none; absent when no input has one. Only layers that support masking receive it.
   */
  readonly masks?: readonly (tf.Tensor | undefined)[];
  /**
   * The call arguments that are not tensors which the graph node recorded, as Keras names them
   * (`use_causal_mask`); absent when there are none. Graph runs with `@ridge/layers/masking`
   * (which the package root loads) pass them; the attention layers read them.
   */
  readonly callArgs?: Readonly<Record<string, unknown>>;
}

/** A penalty a layer adds with `addLoss`: computed on every step, inside the gradient tape. */
export interface CustomLoss {
  readonly name: string;
  readonly fn: () => tf.Scalar;
}

export interface AddWeightArgs {
  name: string;
  role: WeightRole;
  shape: readonly number[];
  initializer: Initializer;
  regularizer?: Regularizer | undefined;
  constraint?: Constraint | undefined;
  trainable?: boolean;
  dtype?: tf.DataType;
  /** The constructor argument the regularizer came from, for messages; default `<name>Regularizer`. */
  regularizerArgument?: string;
}

/** What a layer's constructor arguments say about one of its weights. */
export interface WeightPartSpecs {
  initializer?: InitializerSpec;
  regularizer?: RegularizerSpec | null;
  constraint?: ConstraintSpec | null;
  /** The layer's initializer when the argument is absent. */
  defaultInitializer: () => Initializer;
}

/** A weight's initializer, regularizer and constraint, resolved when the layer is constructed. */
export interface WeightParts {
  readonly initializer: Initializer;
  readonly regularizer: Regularizer | undefined;
  readonly constraint: Constraint | undefined;
}

/** The static side of a layer class: its Keras class name and its own argument keys. */
export interface LayerClass {
  readonly className: string;
  readonly argKeys: ArgKeys;
}

/** How layers describe themselves as config, installed with saving (`@ridge/layers/io`). */
export interface LayerConfigs {
  /** The keys every layer has: name, trainable, dtype, batchInputShape, activityRegularizer. */
  base(layer: Layer): JsonObject;
  /** See `Layer.weightPartsConfig`. */
  weightParts(parts: Record<string, WeightParts>, weights: Record<string, LayerWeight | undefined>): JsonObject;
}

let installedConfigs: LayerConfigs | undefined;

/** Called by `@ridge/layers/io` when it is imported. */
export function installLayerConfigs(configs: LayerConfigs): void {
  installedConfigs = configs;
}

/** The installed layer configs, or FEATURE_NOT_LOADED naming `@ridge/layers/io`. */
export function layerConfigs(): LayerConfigs {
  if (installedConfigs === undefined) feature('io', 'layer.getConfig()');
  return installedConfigs!;
}

/**
 * The base of every layer. A subclass creates its weights in `build(inputShape)` through
 * `addWeight`, computes in `call(inputs, ctx)`, and describes its output shape in
 * `computeOutputShape`. `apply` works on symbolic tensors (building a graph) and on real tensors.
 */
export abstract class Layer implements LayerInstance {
  static readonly className: string = 'Layer';
  /**
   * The keys a subclass's constructor takes beyond the base ones (`LayerArgs`), declared next to
   * its Args interface with `argKeys<XArgs>()(required, optional)`, which the compiler holds equal
   * to the interface. The base constructor refuses any other key.
   */
  static readonly argKeys: ArgKeys = [[], []];

  declare readonly name: string;
  /** The weights this layer created (a model's `weights` gathers its layers'). */
  protected readonly ownWeights: LayerWeight[] = [];
  readonly inboundNodes: Node[] = [];
  declare readonly batchInputShape: Shape | undefined;
  readonly dtype: 'float32' = 'float32';
  built = false;
  #trainable: boolean;
  #activityRegularizer: Regularizer | undefined;
  readonly #losses: CustomLoss[] = [];
  /** The layer takes a list of inputs (merge layers); others take exactly one. */
  protected readonly multiInput: boolean = false;

  constructor(args: LayerArgs = {}) {
    const cls = new.target as unknown as LayerClass;
    // Before the name is taken or anything resolved: a refused layer leaves no trace.
    const given = (args as LayerArgs | null)?.name;
    checkArgKeys(`${cls.className} '${typeof given === 'string' ? given : peekLayerName(snakeCase(cls.className))}'`, args, cls.argKeys);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '' || args.name.includes('/'))) {
      throw mustBeError(`${cls.className}: name`, args.name, "a non-empty string without '/'", { argument: 'name', received: args.name });
    }
    this.name = args.name ?? uniqueLayerName(snakeCase(cls.className));
    if (args.name !== undefined) reserveLayerName(args.name);
    if (args.trainable !== undefined && typeof args.trainable !== 'boolean') {
      throw layerArgError(this, 'trainable', args.trainable, 'true or false');
    }
    this.#trainable = args.trainable ?? true;
    const shapeArgument = (argument: string, value: unknown) => forArgument(this, argument, () => checkShape(argument, value, who(this)));
    if (args.batchInputShape !== undefined) {
      this.batchInputShape = shapeArgument('batchInputShape', args.batchInputShape);
    } else if (args.inputShape !== undefined) {
      this.batchInputShape = [args.batchSize ?? null, ...shapeArgument('inputShape', args.inputShape)];
    }
    // Keras and tfjs-layers JSON write `activity_regularizer: null` for none.
    this.#activityRegularizer = this.resolveRegularizer('activityRegularizer', args.activityRegularizer);
  }

  get className(): string {
    return (this.constructor as unknown as LayerClass).className;
  }

  get trainable(): boolean {
    return this.#trainable;
  }

  /** Freezing a layer freezes its weights: no updates and no weight penalties. */
  set trainable(value: boolean) {
    this.#trainable = value;
  }

  get activityRegularizer(): Regularizer | undefined {
    return this.#activityRegularizer;
  }

  set activityRegularizer(spec: RegularizerSpec | undefined | null) {
    this.#activityRegularizer = this.resolveRegularizer('activityRegularizer', spec);
  }

  get weights(): LayerWeight[] {
    return this.ownWeights;
  }

  get trainableWeights(): LayerWeight[] {
    return this.weights.filter((w) => w.trainable);
  }

  get nonTrainableWeights(): LayerWeight[] {
    return this.weights.filter((w) => !w.trainable);
  }

  /** Penalties added with `addLoss`. */
  get losses(): readonly CustomLoss[] {
    return this.#losses;
  }

  /** Adds a custom penalty, computed on every step (so it can depend on weights). */
  addLoss(fn: () => tf.Scalar, name = `loss_${this.#losses.length}`): void {
    if (typeof fn !== 'function') throw layerArgError(this, 'addLoss(fn)', fn, 'a function returning a scalar tensor');
    this.#losses.push({ name, fn });
  }

  /** Creates the layer's weights for an input shape. The default layer has none. */
  build(_inputShape: Shape | Shape[]): void {
    this.built = true;
  }

  /** The output shape for an input shape; the default keeps the shape. */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /**
   * Whether the layer takes a mask on its inputs (Keras's `supports_masking`): it receives the
   * masks in `ctx.masks`, and by default passes its input's mask on to its outputs. A layer that
   * does not is called without the mask and passes none on, with a warning when the graph is
   * built (Keras 3); a mask given to it by `apply(x, { mask })` is INVALID_ARGUMENT. Masks come
   * with `@ridge/layers/masking` (the package root loads it).
   */
  get supportsMasking(): boolean {
    return false;
  }

  /**
   * Which outputs carry a mask, given which inputs do (`outputCount` outputs); decided when the
   * graph is built. Without it: none, or the input's for a layer that supports masking. A layer
   * that computes its outputs' masks differently implements this and `computeMask` together.
   */
  computeOutputMasked?(inputsMasked: readonly boolean[], outputCount: number): boolean[];

  /**
   * The outputs' masks (Keras's `compute_mask`), one entry per output, for the outputs that
   * `computeOutputMasked` says carry one. Without it, the (first masked) input's mask goes on.
   */
  computeMask?(inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[];

  /** The computation. Receives one tensor, or a list for multi-input layers. */
  abstract call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor | tf.Tensor[];

  /** Layer-specific config; the base adds name, trainable and the input shape. */
  protected layerConfig(): JsonObject {
    return {};
  }

  /**
   * The layer's config (Keras keys, camelCase): name, trainable, dtype, the input shape, the
   * activity regularizer, then `layerConfig()`. Comes with saving: on `@ridge/layers/base` without
   * `@ridge/layers/io` it throws FEATURE_NOT_LOADED naming that import.
   */
  getConfig(): JsonObject {
    return { ...layerConfigs().base(this), ...this.layerConfig() };
  }

  /** Creates a weight (a tfjs variable) with its role, path, initializer, regularizer and constraint. */
  protected addWeight(args: AddWeightArgs): LayerWeight {
    const { name, shape, regularizer } = args;
    const trainable = args.trainable ?? true;
    if (regularizer) {
      const argument = args.regularizerArgument ?? `${name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}Regularizer`;
      forArgument(this, argument, () => probeRegularizer(regularizer, shape, `the ${name} regularizer`));
    }
    const value = tf.tidy(() => args.initializer.apply(shape, args.dtype ?? 'float32'));
    const variable = tf.variable(value, trainable, uniqueVariableName(`${this.name}/${name}`));
    value.dispose();
    const weight = new LayerWeight(this, name, args.role, variable, { trainable, regularizer, constraint: args.constraint });
    this.ownWeights.push(weight);
    return weight;
  }

  /**
   * Resolves the `<key>Initializer`, `<key>Regularizer` and `<key>Constraint` arguments of each
   * weight (`kernel`, `recurrent`, `bias`, ...), at construction, so a bad name fails there and
   * not at build: every initializer first, then every regularizer, then every constraint.
   */
  protected resolveWeightParts<K extends string>(specs: Record<K, WeightPartSpecs>): Record<K, WeightParts> {
    const keys = Object.keys(specs) as K[];
    const initializers = keys.map((k) => {
      const spec = specs[k].initializer;
      return spec === undefined ? specs[k].defaultInitializer() : this.resolveInitializer(`${k}Initializer`, spec);
    });
    const regularizers = keys.map((k) => this.resolveRegularizer(`${k}Regularizer`, specs[k].regularizer));
    const constraints = keys.map((k) => this.resolveConstraint(`${k}Constraint`, specs[k].constraint));
    return Object.fromEntries(
      keys.map((k, i) => [k, { initializer: initializers[i]!, regularizer: regularizers[i], constraint: constraints[i] }]),
    ) as Record<K, WeightParts>;
  }

  /**
   * The config entries of weights' parts, as Keras orders them (initializers, regularizers,
   * constraints): a weight's current regularizer and constraint, or the constructor's for a weight
   * that does not exist (not built yet, or left out, as the bias with `useBias: false`).
   */
  protected weightPartsConfig<K extends string>(parts: Record<K, WeightParts>, weights: Record<K, LayerWeight | undefined>): JsonObject {
    return layerConfigs().weightParts(parts, weights);
  }

  /** Resolves initializer, regularizer and constraint arguments, naming the layer on error. */
  protected resolveInitializer(argument: string, spec: InitializerSpec): Initializer {
    return forArgument(this, argument, () => getInitializer(spec));
  }

  protected resolveRegularizer(argument: string, spec: RegularizerSpec | undefined | null): Regularizer | undefined {
    return spec === undefined || spec === null ? undefined : forArgument(this, argument, () => getRegularizer(spec));
  }

  protected resolveConstraint(argument: string, spec: ConstraintSpec | undefined | null): Constraint | undefined {
    return spec === undefined || spec === null ? undefined : forArgument(this, argument, () => getConstraint(spec));
  }

  /** Builds if needed, checking the shape first. */
  ensureBuilt(inputShape: Shape | Shape[]): void {
    if (this.built) return;
    const before = this.ownWeights.length;
    try {
      this.build(inputShape);
    } catch (error) {
      // A build that fails half-way (the second weight's regularizer is invalid) leaves no weights.
      for (const w of this.ownWeights.splice(before)) w.dispose();
      this.built = false;
      throw error;
    }
    this.built = true;
  }

  /**
   * Calls the layer. On symbolic tensors it records the call in the graph and returns the
   * symbolic output; on real tensors it computes (in inference mode unless `training: true`).
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
  apply(inputs: tf.Tensor | readonly tf.Tensor[], options?: CallOptions): tf.Tensor;
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: CallOptions = {}): SymbolicTensor | tf.Tensor {
    const out = this.applyAll(inputs as never, options);
    if (out.length !== 1) {
      tf.dispose(out.filter((t): t is tf.Tensor => t instanceof tf.Tensor));
      throw argumentError(`${who(this)} has ${out.length} outputs; use applyAll() to get all of them.`, { layer: this.name });
    }
    return out[0]!;
  }

  /** Like `apply`, returning every output (for layers with several, such as RNNs with state). */
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[];
  applyAll(inputs: tf.Tensor | readonly tf.Tensor[], options?: CallOptions): tf.Tensor[];
  applyAll(inputs: SymbolicTensor | readonly SymbolicTensor[] | tf.Tensor | readonly tf.Tensor[], options: CallOptions = {}): SymbolicTensor[] | tf.Tensor[] {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as unknown[];
    if (list.length === 0) throw layerArgError(this, 'inputs', inputs, 'a tensor or a non-empty list of tensors');
    if (!this.multiInput && list.length !== 1) {
      throw layerArgError(this, 'inputs', `${list.length} tensors`, 'exactly one input');
    }
    if (list.every(isSymbolic)) return this.#applySymbolic(list);
    if (list.every((x) => x instanceof tf.Tensor)) {
      const tensors = list as tf.Tensor[];
      const shapes = tensors.map((t) => t.shape as Shape);
      const shapeArg = this.multiInput ? shapes : shapes[0]!;
      // Without the masking entry, refused before the build: a masked call changes nothing.
      if (options.mask !== undefined) return feature('masking', 'layer.apply(x, { mask })').apply(this, tensors, shapeArg, options);
      this.ensureBuilt(shapeArg);
      return tf.tidy(() => this.invoke(tensors, { training: options.training ?? false }));
    }
    throw layerArgError(this, 'inputs', inputs, 'symbolic tensors (from input()) or tf.Tensors, not a mix');
  }

  /** Runs `call` with the single-or-list convention and returns a list. */
  invoke(inputs: readonly tf.Tensor[], ctx: CallContext): tf.Tensor[] {
    const out = this.call(this.multiInput ? [...inputs] : inputs[0]!, ctx);
    return Array.isArray(out) ? out : [out];
  }

  #applySymbolic(inputs: SymbolicTensor[]): SymbolicTensor[] {
    const shapes = inputs.map((s) => s.shape);
    const shapeArg = this.multiInput ? shapes : shapes[0]!;
    // Masked inputs are refused before the build, so that a refused call creates no weights.
    const setMasks = findFeature('masking')?.symbolic(this, inputs);
    this.ensureBuilt(shapeArg);
    const outShape = this.computeOutputShape(shapeArg);
    const outShapes = (this.#isShapeList(outShape) ? outShape : [outShape]) as Shape[];
    const node: Node = { layer: this, inputs, outputs: [], kwargs: {} };
    node.outputs = outShapes.map((shape, i) => new SymbolicTensor(shape, this.outputDtype(inputs), this, node, i));
    setMasks?.(node.outputs);
    this.inboundNodes.push(node);
    return node.outputs;
  }

  /** Output dtype; float32 unless a layer says otherwise. */
  protected outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return 'float32';
  }

  #isShapeList(shape: Shape | Shape[]): shape is Shape[] {
    return shape.length > 0 && Array.isArray(shape[0]);
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Copies of the weights' values, in creation order. */
  getWeights(): tf.Tensor[] {
    return this.weights.map((w) => w.variable.clone());
  }

  /** Sets every weight at once; checks every shape before changing anything. */
  setWeights(values: readonly tf.Tensor[]): void {
    if (!Array.isArray(values)) throw layerArgError(this, 'setWeights(values)', values, 'a list of tensors, one per weight');
    values.forEach((v, i) => {
      if (!(v instanceof tf.Tensor) || v.isDisposed) {
        throw layerArgError(this, `setWeights(values)[${i}]`, v instanceof tf.Tensor ? 'a disposed tensor' : v, 'a live tf.Tensor');
      }
    });
    if (values.length !== this.weights.length) {
      throw layerArgError(this, 'setWeights(values)', `${values.length} tensors`, `${this.weights.length} tensors, one per weight`);
    }
    values.forEach((v, i) => {
      const w = this.weights[i]!;
      if (!tf.util.arraysEqual(v.shape, w.shape)) {
        throw shapeError(
          `${who(this)}: setWeights(values)[${i}] for ${w.path} has shape ${formatShape(v.shape)}; expected ${formatShape(w.shape)}.`,
          { layer: this.name, path: w.path },
        );
      }
    });
    values.forEach((v, i) => this.weights[i]!.assign(v));
  }

  /** Frees the layer's variables. */
  dispose(): void {
    for (const w of this.ownWeights) w.dispose();
    this.ownWeights.length = 0;
    this.built = false;
  }

  /** A short description for messages. */
  toString(): string {
    return `${who(this)}${this.batchInputShape ? ` input ${formatShape(this.batchInputShape)}` : ''}`;
  }
}
