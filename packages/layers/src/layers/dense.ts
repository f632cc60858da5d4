import { shapeError, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../engine/activations.js';
import { forArgument, layerArgError, who } from '../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../engine/layer.js';
import { formatShape, type Shape } from '../engine/shape.js';
import type { LayerWeight } from '../engine/weight.js';
import { GlorotUniform } from '../initializers/variance-scaling.js';
import { Zeros } from '../initializers/constant.js';
import { linear } from '../engine/linear.js';
import { argKeys, parts } from '../engine/arg-keys.js';

export interface DenseArgs extends LayerArgs {
  /** Output size (last axis). */
  units: number;
  /** Keras activation name; default linear. */
  activation?: string | null;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  kernelRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  kernelConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

/** `activation(x W + b)` on the last axis of inputs of any rank >= 2. */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  static override readonly argKeys = argKeys<DenseArgs>()(['units'], ['activation', 'useBias', ...parts('kernel', 'bias')]);

  /** Passes its input's mask on, as Keras (it acts on the last axis: a mask over the time steps still holds). */
  override get supportsMasking(): boolean {
    return true;
  }

  declare readonly units: number;
  declare readonly activation: string;
  declare readonly useBias: boolean;
  readonly #activationFn: ActivationFn;
  readonly #parts: Record<'kernel' | 'bias', WeightParts>;
  declare kernel: LayerWeight;
  declare bias: LayerWeight | undefined;

  constructor(args: DenseArgs) {
    super(args);
    if (!Number.isInteger(args.units) || args.units < 1) throw layerArgError(this, 'units', args.units, 'an integer >= 1');
    this.units = args.units;
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#activationFn = getActivation(this.activation);
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw layerArgError(this, 'useBias', args.useBias, 'true or false');
    this.useBias = args.useBias ?? true;
    this.#parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const inputDim = shape[shape.length - 1];
    if (shape.length < 2 || inputDim === null || inputDim === undefined) {
      throw shapeError(
        `${who(this)}: input shape must have rank >= 2 with a known last dimension; received ${formatShape(shape)}.`,
        { layer: this.name, argument: 'input shape', received: shape },
      );
    }
    this.kernel = this.addWeight({
      name: 'kernel',
      role: 'kernel',
      shape: [inputDim, this.units],
      ...this.#parts.kernel,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias',
        role: 'bias',
        shape: [this.units],
        ...this.#parts.bias,
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    // A built layer (shared, or applied again) takes only inputs that fit its kernel.
    if (this.kernel) this.#checkInput(shape);
    return [...shape.slice(0, -1), this.units];
  }

  /** SHAPE_MISMATCH unless `shape` has rank >= 2 and the kernel's input size last (or unknown, for symbolic shapes). */
  #checkInput(shape: readonly (number | null)[]): void {
    const inputDim = this.kernel.shape[0]!;
    const last = shape[shape.length - 1];
    if (shape.length < 2 || (last !== null && last !== inputDim)) {
      throw shapeError(
        `${who(this)}: expected inputs of rank >= 2 whose last dimension is ${inputDim}; received shape ${formatShape(shape)}.`,
        { layer: this.name, argument: 'inputs', received: shape },
      );
    }
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const inputDim = this.kernel.shape[0]!;
    this.#checkInput(x.shape);
    const flat = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, inputDim]);
    const needsInputGradient = ctx.constantInputs?.[0] !== true;
    let y: tf.Tensor = linear(flat as tf.Tensor2D, this.kernel.read() as tf.Tensor2D, this.bias?.read(), needsInputGradient);
    y = this.#activationFn(y);
    return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
  }

  protected override layerConfig(): JsonObject {
    return {
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      ...this.weightPartsConfig(this.#parts, { kernel: this.kernel, bias: this.bias }),
    };
  }
}

/** Creates a Dense layer. */
export function dense(args: DenseArgs): Dense {
  return new Dense(args);
}
