import { checkNumber, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { forArgument } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightPartSpecs, type WeightParts } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';
import { floatInput } from '../float-input.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { dilateKernel } from './base-conv.js';
import { expectChannels, expectRank, spatialOutput, type DataFormat, type Padding } from './conv-utils.js';
import { checkUseBias, checkWindow } from './window-args.js';

/*
 * What DepthwiseConv1D/2D and SeparableConv1D/2D share: one class per family, for any spatial
 * rank. The 1-D and 2-D layers differ only in their `SpatialRank`: the rank of the window and the
 * two convolutions (the 1-D ones run the 2-D ops on `[batch, 1, steps, channels]`).
 */

/** A spatial rank of the depthwise family: its window's rank and how it convolves. */
export interface SpatialRank {
  readonly rank: 1 | 2;
  /** The depthwise convolution of `x` with `kernel` (dilation already applied). */
  readonly depthwise: (x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], padding: Padding, inputNeedsGradient: boolean) => tf.Tensor;
  /** The 1x1 convolution of `x` with a pointwise `kernel` (`[1, (1,) in, filters]`). */
  readonly pointwise: (x: tf.Tensor, kernel: tf.Tensor) => tf.Tensor;
}

/**
 * The arguments both families take. Each layer's Args interface extends these and documents its
 * `kernelSize` (and `padding`) for its rank.
 */
export interface DepthwiseFamilyArgs extends LayerArgs {
  /** Window size (of the depthwise step). */
  kernelSize: number | readonly number[];
  /** Default 1. Strides > 1 cannot be combined with dilationRate > 1 (as in Keras). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`. */
  padding?: Padding;
  /** Output channels (of the depthwise step) per input channel; default 1. */
  depthMultiplier?: number;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: number | readonly number[];
  /** Keras activation name; default linear. */
  activation?: string | null;
  useBias?: boolean;
  depthwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  depthwiseConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

export interface SeparableFamilyArgs extends DepthwiseFamilyArgs {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  pointwiseInitializer?: InitializerSpec;
  pointwiseRegularizer?: RegularizerSpec | null;
  pointwiseConstraint?: ConstraintSpec | null;
}

type PartName = 'depthwise' | 'pointwise' | 'bias';

/** The window, depth multiplier, activation, bias and weight parts, checked; the depthwise step. */
abstract class DepthwiseFamily extends Layer {
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly depthMultiplier: number;
  readonly activation: string;
  readonly useBias: boolean;
  depthwiseKernel!: LayerWeight;
  bias: LayerWeight | undefined;
  protected readonly spatial: SpatialRank;
  protected readonly parts: Partial<Record<PartName, WeightParts>>;
  readonly #activationFn: ActivationFn;

  protected constructor(args: DepthwiseFamilyArgs, spatial: SpatialRank, pointwise?: SeparableFamilyArgs) {
    super(args);
    this.spatial = spatial;
    // A separable layer's `filters` is checked first, as Keras lists it first.
    if (pointwise) (this as unknown as { filters: number }).filters = forArgument(this, 'filters', () => checkNumber('filters', pointwise.filters, { min: 1, integer: true }));
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate } =
      checkWindow(this, args, spatial.rank));
    this.depthMultiplier = forArgument(this, 'depthMultiplier', () => checkNumber('depthMultiplier', args.depthMultiplier ?? 1, { min: 1, integer: true }));
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#activationFn = getActivation(this.activation);
    this.useBias = checkUseBias(this, args.useBias);
    const specs: Partial<Record<PartName, WeightPartSpecs>> = {
      depthwise: {
        initializer: args.depthwiseInitializer,
        regularizer: args.depthwiseRegularizer,
        constraint: args.depthwiseConstraint,
        defaultInitializer: () => new GlorotUniform(),
      },
      ...(pointwise
        ? {
            pointwise: {
              initializer: pointwise.pointwiseInitializer,
              regularizer: pointwise.pointwiseRegularizer,
              constraint: pointwise.pointwiseConstraint,
              defaultInitializer: () => new GlorotUniform(),
            },
          }
        : {}),
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    };
    this.parts = this.resolveWeightParts(specs as Record<PartName, WeightPartSpecs>);
  }

  /** Checks the input's rank, channels (against `expected`, once built) and window; returns its channels. */
  #checkInput(shape: Shape, expected?: number): number {
    expectRank(this, shape, this.spatial.rank);
    const channels = expectChannels(this, shape, expected);
    spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    return channels;
  }

  /** Builds the depthwise kernel for an input of `shape`; returns its channels. */
  protected buildDepthwise(shape: Shape): number {
    const channels = this.#checkInput(shape);
    this.depthwiseKernel = this.addWeight({
      name: 'depthwise_kernel',
      role: 'depthwiseKernel',
      shape: [...this.kernelSize, channels, this.depthMultiplier],
      regularizerArgument: 'depthwiseRegularizer',
      ...this.parts.depthwise!,
    });
    return channels;
  }

  /** The output's spatial sizes, after checking the input's rank. */
  protected spatialOutputOf(shape: Shape): (number | null)[] {
    expectRank(this, shape, this.spatial.rank);
    return spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
  }

  /** The depthwise step of `call`, after checking the input against the built kernel. */
  protected depthwiseStep(x: tf.Tensor, ctx: CallContext): tf.Tensor {
    this.#checkInput(x.shape, this.depthwiseKernel.shape[this.spatial.rank]);
    const kernel = dilateKernel(this.depthwiseKernel.read(), this.dilationRate);
    return this.spatial.depthwise(floatInput(x), kernel, this.strides, this.padding, ctx.constantInputs?.[0] !== true);
  }

  /** Adds the bias and applies the activation. */
  protected finish(y: tf.Tensor): tf.Tensor {
    return this.#activationFn(this.bias ? tf.add(y, this.bias.read()) : y);
  }
}

/** DepthwiseConv1D and DepthwiseConv2D. */
export abstract class DepthwiseConvBase extends DepthwiseFamily {
  protected constructor(args: DepthwiseFamilyArgs, spatial: SpatialRank) {
    super(args, spatial);
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = this.buildDepthwise(inputShape as Shape);
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [channels * this.depthMultiplier], ...this.parts.bias! });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    const spatial = this.spatialOutputOf(shape);
    const channels = shape[this.spatial.rank + 1] ?? null;
    return [shape[0] ?? null, ...spatial, channels === null ? null : channels * this.depthMultiplier];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    return this.finish(this.depthwiseStep(inputs as tf.Tensor, ctx));
  }

  protected override layerConfig(): JsonObject {
    return {
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      ...this.weightPartsConfig(this.parts as Record<'depthwise' | 'bias', WeightParts>, { depthwise: this.depthwiseKernel, bias: this.bias }),
    };
  }
}

/** SeparableConv1D and SeparableConv2D: the depthwise step, then a 1x1 convolution to `filters`. */
export abstract class SeparableConvBase extends DepthwiseFamily {
  /** Set (and checked) by the family's constructor, before the window. */
  declare readonly filters: number;
  pointwiseKernel!: LayerWeight;

  protected constructor(args: SeparableFamilyArgs, spatial: SpatialRank) {
    super(args, spatial, args);
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = this.buildDepthwise(inputShape as Shape);
    this.pointwiseKernel = this.addWeight({
      name: 'pointwise_kernel',
      role: 'pointwiseKernel',
      shape: [...this.kernelSize.map(() => 1), channels * this.depthMultiplier, this.filters],
      regularizerArgument: 'pointwiseRegularizer',
      ...this.parts.pointwise!,
    });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [this.filters], ...this.parts.bias! });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0] ?? null, ...this.spatialOutputOf(shape), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const depthwise = this.depthwiseStep(inputs as tf.Tensor, ctx);
    return this.finish(this.spatial.pointwise(depthwise, this.pointwiseKernel.read()));
  }

  protected override layerConfig(): JsonObject {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      depthMultiplier: this.depthMultiplier,
      activation: this.activation,
      useBias: this.useBias,
      ...this.weightPartsConfig(this.parts as Record<PartName, WeightParts>, { depthwise: this.depthwiseKernel, pointwise: this.pointwiseKernel, bias: this.bias }),
    };
  }
}
