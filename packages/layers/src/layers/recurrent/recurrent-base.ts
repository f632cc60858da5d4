import {
  RidgeError,
  type ConstraintSpec,
  type Initializer,
  type InitializerSpec,
  type JsonObject,
  type RegularizerSpec,
} from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { forArgument, layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';
import { Orthogonal } from '../../initializers/orthogonal.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { feature } from '../../model/features.js';
import { argKeys, parts, type ArgKeys } from '../../engine/arg-keys.js';
import { projectInputs, recurrentProduct } from './recurrent-product.js';

/** Arguments shared by SimpleRNN, LSTM and GRU (Keras 3 names and defaults). */
export interface RecurrentArgs extends LayerArgs {
  /** Size of the hidden state (and of the output's last axis). */
  units: number;
  /** Keras activation name for the candidate state and output; default `'tanh'`, `null` is linear. */
  activation?: string | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  recurrentInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec | null;
  recurrentRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
  recurrentConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
  /** Fraction of the input features dropped in training, in [0, 1); one mask per sequence. */
  dropout?: number;
  /** Fraction of the hidden state dropped before the recurrent product in training, in [0, 1). */
  recurrentDropout?: number;
  /** Seed of the dropout masks: an integer >= 0. */
  seed?: number | null;
  /** Return the output of every time step ([batch, time, units]) instead of the last one. */
  returnSequences?: boolean;
  /** Also return the final state(s): `applyAll` gives `[output, h]` (LSTM: `[output, h, c]`). */
  returnState?: boolean;
  /** Process the sequence from the last step to the first (and return the reversed sequence). */
  goBackwards?: boolean;
  /**
   * With a mask, what the output sequence holds at masked time steps: false (default, Keras 3's)
   * repeats the last unmasked step's output; true gives zeros (and a zero last output when the
   * last step processed is masked), as Keras's `zero_output_for_mask`.
   */
  zeroOutputForMask?: boolean;
  /** Keras's stateful RNNs are not supported; only `false` is accepted. */
  stateful?: boolean;
  /** Accepted for Keras configs; the time loop always runs step by step in JavaScript. */
  unroll?: boolean;
}

/** The optional arguments of every recurrent layer (see `Layer.argKeys`). */
export const RECURRENT_OPTIONAL = [
  'activation', 'useBias', ...parts('kernel', 'recurrent', 'bias'), 'dropout', 'recurrentDropout', 'seed',
  'returnSequences', 'returnState', 'goBackwards', 'zeroOutputForMask', 'stateful', 'unroll',
] as const;

/** Arguments of the gated layers (LSTM, GRU). */
export interface GatedRecurrentArgs extends RecurrentArgs {
  /** Keras activation name for the gates; default `'sigmoid'`, `null` is linear. */
  recurrentActivation?: string | null;
}

/** What one time step sees; like the states, everything is transposed, batch last. */
export interface StepWeights {
  /**
   * The transposed recurrent kernel, [gates * units, units], or the row blocks a layer split it
   * into; a step multiplies the transposed state as `matMul(kernel, h)`.
   */
  readonly recurrentKernels: readonly tf.Tensor2D[];
  /** The bias term added after the recurrent product (GRU with `resetAfter`), [gates * units, 1], else undefined. */
  readonly recurrentBias: tf.Tensor | undefined;
  /** The recurrent dropout mask ([units, batch], already scaled) in training, else undefined. */
  readonly recurrentMask: tf.Tensor2D | undefined;
  /**
   * `matMul(recurrentKernels[part], h)`, plus `addend` if given, with a gradient that multiplies
   * without transpose flags.
   */
  readonly product: (part: number, h: tf.Tensor, addend?: tf.Tensor) => tf.Tensor2D;
}

/** A dropout rate: `undefined` is 0, else a number in [0, 1). */
export function checkRate(owner: Layer, argument: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw layerArgError(owner, argument, value, 'a number in [0, 1)');
  }
  return value;
}

/** A boolean argument, `fallback` when undefined. */
export function checkBoolean(owner: Layer, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw layerArgError(owner, argument, value, 'true or false');
  return value;
}

/** Activations that normalize over the units (the last axis batch-major) rather than entry by entry. */
const OVER_UNITS = new Set(['softmax', 'log_softmax']);

/**
 * The activation `name` (canonical) for the step's transposed [units, batch] tensors: the
 * entry-wise ones as they are, the normalizing ones across the units, as on [batch, units].
 */
export function stepActivation(name: string): ActivationFn {
  const fn = getActivation(name);
  return OVER_UNITS.has(name) ? (x) => tf.transpose(fn(tf.transpose(x))) : fn;
}

/** A dropout mask with Keras's scaling: kept entries are 1 / (1 - rate), dropped ones 0. */
export function dropoutMask(shape: number[], rate: number, seed: number | undefined): tf.Tensor {
  const keep = 1 - rate;
  return tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keep)), keep);
}

/**
 * What SimpleRNN, LSTM, GRU and the ConvLSTMs share, read and written the same way (Keras's RNN
 * base): the kernel/recurrent/bias weight parts, dropout, seed, the sequence options, masks, and
 * the tail of the config. A subclass checks its own arguments after this constructor has.
 */
export abstract class SequenceLayer extends Layer {
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly zeroOutputForMask: boolean;
  protected readonly parts: Record<'kernel' | 'recurrent' | 'bias', WeightParts>;
  kernel!: LayerWeight;
  recurrentKernel!: LayerWeight;
  bias: LayerWeight | undefined;

  /** (`Layer`'s constructor has refused arguments that are not an object.) */
  protected constructor(args: RecurrentArgs | Omit<RecurrentArgs, 'units'>) {
    super(args);
    this.parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      recurrent: {
        initializer: args.recurrentInitializer,
        regularizer: args.recurrentRegularizer,
        constraint: args.recurrentConstraint,
        defaultInitializer: () => new Orthogonal(),
      },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
    this.dropout = checkRate(this, 'dropout', args.dropout);
    this.recurrentDropout = checkRate(this, 'recurrentDropout', args.recurrentDropout);
    if (args.seed !== undefined && args.seed !== null && !(Number.isInteger(args.seed) && args.seed >= 0)) {
      throw layerArgError(this, 'seed', args.seed, 'an integer >= 0 or null');
    }
    this.seed = args.seed ?? null;
    this.returnSequences = checkBoolean(this, 'returnSequences', args.returnSequences, false);
    this.returnState = checkBoolean(this, 'returnState', args.returnState, false);
    this.goBackwards = checkBoolean(this, 'goBackwards', args.goBackwards, false);
    if (checkBoolean(this, 'stateful', args.stateful, false)) {
      throw layerArgError(this, 'stateful', args.stateful, 'false (stateful recurrent layers are not supported; pass the state through returnState instead)');
    }
    this.unroll = checkBoolean(this, 'unroll', args.unroll, false);
    this.zeroOutputForMask = checkBoolean(this, 'zeroOutputForMask', args.zeroOutputForMask, false);
  }

  /** A mask `[batch, time]` says which time steps to use: the others keep the states (Keras's RNN). */
  override get supportsMasking(): boolean {
    return true;
  }

  /** The mask goes on with the sequence (`returnSequences`), never with the last output or the states. */
  override computeOutputMasked(inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, (_, i) => i === 0 && this.returnSequences && inputsMasked.some(Boolean));
  }

  override computeMask(_inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    return Array.from({ length: outputCount }, (_, i) => (i === 0 && this.returnSequences ? masks[0] : undefined));
  }

  /** The weight parts' keys, then `extra` (a subclass's keys between them), then the sequence options: Keras's order. */
  protected sequenceConfig(extra: JsonObject = {}): JsonObject {
    return {
      ...this.weightPartsConfig(this.parts, { kernel: this.kernel, recurrent: this.recurrentKernel, bias: this.bias }),
      ...extra,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      seed: this.seed,
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: this.unroll,
      zeroOutputForMask: this.zeroOutputForMask,
    };
  }
}

/**
 * The time loop shared by SimpleRNN, LSTM and GRU. The input projection `x W (+ b)` of every
 * time step is one matrix product before the loop; each step then only multiplies the state by
 * the recurrent kernel. The loop runs inside the caller's tidy and gradient tape, so gradients
 * flow through time. Dropout masks are sampled once per call (per sequence), as Keras does.
 *
 * The loop works on transposed tensors, batch last: the projection is laid out [time, gates *
 * units, batch] and the states [units, batch]. Then every per-step piece (one time step, one
 * gate's block of rows) is a contiguous run of memory, which every backend copies in one go;
 * tfjs-backend-cpu copies a slice along an inner axis element by element. Batch-major, the
 * unstack over time and the per-step split into gates took 60% of an LSTM training step on cpu
 * (20 steps x 16 features -> 32 units, batch 64: 376 ms a step, Unpack 97 ms, SplitV 94 ms);
 * transposed, 115 to 125 ms a step, of which 15 ms transpose the projection and its gradient.
 * On wasm, training takes the same time (a forward pass alone 3% more, for the transposes).
 * Per-gate kernel blocks (four products a step, no split) were as fast on cpu but 10% slower on
 * wasm.
 *
 * The projection and each step's recurrent product have their own gradients without transpose
 * flags (`recurrent-product.ts`): with tfjs-core's, the products took 18 of the 31 ms of kernel
 * time of that LSTM's training step on wasm; with these, about 4 ms.
 */
export abstract class RecurrentLayer extends SequenceLayer {
  static override readonly argKeys: ArgKeys = argKeys<RecurrentArgs>()(['units'], RECURRENT_OPTIONAL);
  readonly units: number;
  readonly activation: string;
  readonly useBias: boolean;
  /** The activation, for the step's transposed tensors. */
  protected readonly activationFn: ActivationFn;

  /** Column blocks of the kernels: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h). */
  protected abstract readonly gates: number;
  /** Number of state tensors: 1 (h), or 2 for LSTM (h, c). */
  protected abstract readonly stateCount: number;

  constructor(args: RecurrentArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw layerArgError(this, 'units', args.units, 'an integer >= 1');
    this.units = args.units;
    this.activation = args.activation === undefined ? 'tanh' : forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.activationFn = stepActivation(this.activation);
    this.useBias = checkBoolean(this, 'useBias', args.useBias, true);
  }

  /** The bias weight's shape; GRU with `resetAfter` has two rows. */
  protected biasShape(): number[] {
    return [this.gates * this.units];
  }

  /** The bias initializer; LSTM wraps it for `unitForgetBias`. */
  protected biasInitializer(): Initializer {
    return this.parts.bias.initializer;
  }

  /** The bias added to the input projection `x W`. */
  protected inputBias(bias: tf.Tensor): tf.Tensor {
    return bias;
  }

  /**
   * The transposed recurrent kernel, [gates * units, units], as the step uses it, split once
   * before the loop if the step needs blocks.
   */
  protected recurrentKernelParts(kernel: tf.Tensor2D): tf.Tensor2D[] {
    return [kernel];
  }

  /** The bias added after the recurrent product (GRU with `resetAfter`), as a column [gates * units, 1]. */
  protected recurrentBias(_bias: tf.Tensor): tf.Tensor | undefined {
    return undefined;
  }

  /**
   * One time step: `xw` is this step's input projection (bias included), transposed: [gates *
   * units, batch]; `states` the previous states, [units, batch]; returns the new states, the
   * output being the first.
   */
  protected abstract step(xw: tf.Tensor2D, states: readonly tf.Tensor2D[], weights: StepWeights): tf.Tensor2D[];

  private inputShapeError(shape: Shape | readonly number[]): RidgeError {
    return new RidgeError(
      'SHAPE_MISMATCH',
      `${who(this)}: expected inputs of rank 3, [batch, time, features], with a known features dimension; received ${formatShape(shape)}.`,
      { layer: this.name, argument: 'inputs', received: shape },
    );
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const inputDim = shape[2];
    if (shape.length !== 3 || inputDim === null || inputDim === undefined) throw this.inputShapeError(shape);
    this.kernel = this.addWeight({
      name: 'kernel',
      role: 'kernel',
      shape: [inputDim, this.gates * this.units],
      ...this.parts.kernel,
    });
    this.recurrentKernel = this.addWeight({
      name: 'recurrent_kernel',
      role: 'recurrentKernel',
      shape: [this.units, this.gates * this.units],
      ...this.parts.recurrent,
      regularizerArgument: 'recurrentRegularizer',
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias',
        role: 'bias',
        shape: this.biasShape(),
        initializer: this.biasInitializer(),
        regularizer: this.parts.bias.regularizer,
        constraint: this.parts.bias.constraint,
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = inputShape as Shape;
    if (shape.length !== 3) throw this.inputShapeError(shape);
    const batch = shape[0] ?? null;
    const output: Shape = this.returnSequences ? [batch, shape[1] ?? null, this.units] : [batch, this.units];
    if (!this.returnState) return output;
    return [output, ...Array.from({ length: this.stateCount }, (): Shape => [batch, this.units])];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor | tf.Tensor[] {
    let x = inputs as tf.Tensor;
    const inputDim = this.kernel.shape[0]!;
    if (x.rank !== 3 || x.shape[2] !== inputDim) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: expected inputs of shape [batch, time, ${inputDim}]; received shape [${x.shape.join(', ')}].`,
        { layer: this.name, argument: 'inputs', received: x.shape },
      );
    }
    const [batch, time] = x.shape as [number, number, number];
    if (time === 0) {
      throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: inputs must have at least one time step; received shape [${x.shape.join(', ')}].`, {
        layer: this.name,
        argument: 'inputs',
        received: x.shape,
      });
    }
    const mask = ctx.masks?.[0];
    // Only `@ridge/layers/masking` passes masks: it is loaded when there is one.
    const stepMasks = mask && feature('masking', `${who(this)} with a mask`).stepMasks(this, mask, this.units, batch, time);
    const seed = this.seed ?? undefined;
    if (ctx.training && this.dropout > 0) {
      // One mask per sequence: the same features are dropped at every time step.
      x = tf.mul(x, tf.reshape(dropoutMask([batch, inputDim], this.dropout, seed), [batch, 1, inputDim]));
    }
    // Drawn [batch, units], as the outputs are laid out, so a seed drops the same units of the
    // same samples whatever the loop's layout; transposed for the loop below.
    const recurrentMask =
      ctx.training && this.recurrentDropout > 0
        ? (tf.transpose(dropoutMask([batch, this.units], this.recurrentDropout, seed === undefined ? undefined : seed + 1)) as tf.Tensor2D)
        : undefined;

    const width = this.gates * this.units;
    const bias = this.bias?.read();
    // Without transpose flags in its gradient, and no input gradient for data.
    const inputNeedsGradient = ctx.constantInputs?.[0] !== true;
    const projected = projectInputs(tf.reshape(x, [batch * time, inputDim]) as tf.Tensor2D, this.kernel.read() as tf.Tensor2D, bias && this.inputBias(bias), inputNeedsGradient);
    // [batch, time * width] transposed as a matrix is [time, width, batch]: tfjs-backend-cpu's
    // transpose costs per element and per axis (rank 2 took 13 ms instead of 17 ms, with the
    // product, for 20 steps x 128 x 64; 0.9 ms instead of 1.2 ms on wasm).
    const transposed = tf.reshape(tf.transpose(tf.reshape(projected, [batch, time * width])), [time, width, batch]);
    const unstacked = tf.unstack(transposed, 0) as tf.Tensor2D[];
    // A copy: the engine's gradient tape holds this very array as the op's outputs, and
    // reversing it in place would send each time step's gradient to another step.
    const steps = this.goBackwards ? [...unstacked].reverse() : unstacked;

    const stored = this.recurrentKernel.read() as tf.Tensor2D;
    // Transposed once here rather than by the product in each step: tfjs-backend-wasm hands
    // only untransposed products to XNNPACK (with its own loop instead, the forward pass of the
    // LSTM above took 12.9 ms a step instead of 8.3 ms on wasm).
    const recurrentKernels = this.recurrentKernelParts(tf.transpose(stored) as tf.Tensor2D);
    // The blocks as stored, for the products' gradients (one block: the kernel itself).
    const untransposed = recurrentKernels.length === 1 ? [stored] : recurrentKernels.map((k) => tf.transpose(k) as tf.Tensor2D);
    const weights: StepWeights = {
      recurrentKernels,
      recurrentBias: bias ? this.recurrentBias(bias) : undefined,
      recurrentMask,
      product: (part, h, addend) => recurrentProduct(recurrentKernels[part]!, untransposed[part]!, h as tf.Tensor2D, addend as tf.Tensor2D | undefined),
    };
    let states: tf.Tensor2D[] = Array.from({ length: this.stateCount }, () => tf.zeros([this.units, batch]) as tf.Tensor2D);
    const outputs: tf.Tensor2D[] = [];
    let last: tf.Tensor2D | undefined;
    steps.forEach((xw, t) => {
      const next = this.step(xw, states, weights);
      const keep = stepMasks?.[this.goBackwards ? time - 1 - t : t];
      // A masked step keeps the previous states; the output, the first state, keeps with them
      // (they start equal, at zero). `where` sends the step's gradient nowhere at masked steps.
      states = keep ? next.map((s, i) => tf.where(keep, s, states[i]!) as tf.Tensor2D) : next;
      last = keep && this.zeroOutputForMask ? (tf.where(keep, states[0]!, tf.zerosLike(states[0]!)) as tf.Tensor2D) : states[0]!;
      if (this.returnSequences) outputs.push(last);
    });
    const output = this.returnSequences ? tf.transpose(tf.stack(outputs), [2, 0, 1]) : tf.transpose(last!);
    return this.returnState ? [output, ...states.map((state) => tf.transpose(state))] : output;
  }

  /** The config shared by every recurrent layer; `extra` holds a subclass's own keys. */
  protected recurrentConfig(extra: JsonObject = {}): JsonObject {
    return { units: this.units, activation: this.activation, ...extra, useBias: this.useBias, ...this.sequenceConfig() };
  }

}

/** Resolves a gate activation (default sigmoid), naming the layer on error. */
export function recurrentActivationOf(owner: Layer, spec: string | null | undefined): string {
  return spec === undefined ? 'sigmoid' : forArgument(owner, 'recurrentActivation', () => canonicalActivation(spec));
}
