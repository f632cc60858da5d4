import {
  RidgeError,
  checkNumber,
  type ConstraintSpec,
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
import { floatInput } from '../float-input.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import {
  checkDataFormat,
  checkPadding,
  expectChannels,
  expectRank,
  normalizeTuple,
  spatialOutput,
  type ConvPadding,
  type DataFormat,
  type Padding,
} from './conv-utils.js';
import { argKeys, parts } from '../../engine/arg-keys.js';

export interface ConvArgs<P extends ConvPadding = Padding> extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: one integer for every spatial axis, or one per axis. */
  kernelSize: number | readonly number[];
  /** Default 1. Strides > 1 cannot be combined with dilationRate > 1 (as in Keras). */
  strides?: number | readonly number[];
  /** `'valid'` (default): no padding; `'same'`: output size `ceil(input / stride)`. */
  padding?: P;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: number | readonly number[];
  /** Split the channels into this many groups, convolved separately; default 1. */
  groups?: number;
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

/**
 * The shared part of Conv1D and Conv2D: `activation(conv(x, kernel) + bias)` on channels-last
 * inputs, kernel shape `[...kernelSize, inputChannels / groups, filters]`.
 */
export abstract class Conv extends Layer {
  static override readonly className: string = 'Conv';
  static override readonly argKeys = argKeys<ConvArgs>()(['filters', 'kernelSize'], ['strides', 'padding', 'dataFormat', 'dilationRate', 'groups', 'activation', 'useBias', ...parts('kernel', 'bias')]);
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: ConvPadding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly groups: number;
  readonly activation: string;
  readonly useBias: boolean;
  private readonly spatialRank: number;
  private readonly activationFn: ActivationFn;
  private readonly parts: Record<'kernel' | 'bias', WeightParts>;
  kernel!: LayerWeight;
  bias: LayerWeight | undefined;

  protected constructor(spatialRank: number, args: ConvArgs<ConvPadding>, paddings: readonly ConvPadding[], paddingHint = '') {
    super(args);
    this.spatialRank = spatialRank;
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    this.kernelSize = normalizeTuple(this, 'kernelSize', args.kernelSize, spatialRank, 1);
    this.strides = normalizeTuple(this, 'strides', args.strides ?? 1, spatialRank, 1);
    this.padding = checkPadding(this, args.padding, paddings, paddingHint);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
    this.dilationRate = normalizeTuple(this, 'dilationRate', args.dilationRate ?? 1, spatialRank, 1);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw layerArgError(
        this,
        'strides',
        args.strides,
        `1 when dilationRate > 1 (strides > 1 with dilation > 1 is not supported; dilationRate is ${formatShape(this.dilationRate)})`,
      );
    }
    this.groups = forArgument(this, 'groups', () => checkNumber('groups', args.groups ?? 1, { min: 1, integer: true }));
    if (this.filters % this.groups !== 0) {
      throw layerArgError(this, 'groups', args.groups, `a divisor of filters (${this.filters})`);
    }
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.activationFn = getActivation(this.activation);
    if (args.useBias !== undefined && typeof args.useBias !== 'boolean') throw layerArgError(this, 'useBias', args.useBias, 'true or false');
    this.useBias = args.useBias ?? true;
    this.parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  /**
   * The convolution proper, dilation 1 and one group. `inputNeedsGradient` is false when `x` is
   * a model input (training computes no gradient for data).
   */
  protected abstract convolve(x: tf.Tensor, kernel: tf.Tensor, padding: Padding, inputNeedsGradient: boolean): tf.Tensor;

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.spatialRank);
    const channels = expectChannels(this, shape);
    if (channels % this.groups !== 0) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: the input channels (${channels}) must be a multiple of groups (${this.groups}); received shape ${formatShape(shape)}.`,
        { layer: this.name, argument: 'inputs', received: shape },
      );
    }
    spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    this.kernel = this.addWeight({
      name: 'kernel',
      role: 'kernel',
      shape: [...this.kernelSize, channels / this.groups, this.filters],
      ...this.parts.kernel,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias',
        role: 'bias',
        shape: [this.filters],
        ...this.parts.bias,
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.spatialRank);
    const spatial = spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    return [shape[0] ?? null, ...spatial, this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = floatInput(inputs as tf.Tensor);
    const needsGradient = ctx.constantInputs?.[0] !== true;
    expectRank(this, x.shape, this.spatialRank);
    expectChannels(this, x.shape, this.kernel.shape[this.spatialRank]! * this.groups);
    spatialOutput(this, x.shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    const kernel = dilateKernel(this.kernel.read(), this.dilationRate);
    let padded = x;
    let padding: Padding;
    if (this.padding === 'causal') {
      const left = (this.kernelSize[0]! - 1) * this.dilationRate[0]!;
      padded = tf.pad(x, [[0, 0], [left, 0], [0, 0]]);
      padding = 'valid';
    } else {
      padding = this.padding;
    }
    let y: tf.Tensor;
    if (this.groups === 1) {
      y = this.convolve(padded, kernel, padding, needsGradient);
    } else {
      const xs = tf.split(padded, this.groups, -1);
      const ks = tf.split(kernel, this.groups, -1);
      y = tf.concat(xs.map((xi, i) => this.convolve(xi, ks[i]!, padding, needsGradient)), -1);
    }
    if (this.bias) y = tf.add(y, this.bias.read());
    return this.activationFn(y);
  }

  protected override layerConfig(): JsonObject {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      groups: this.groups,
      activation: this.activation,
      useBias: this.useBias,
      ...this.weightPartsConfig(this.parts, { kernel: this.kernel, bias: this.bias }),
    };
  }
}

/**
 * Spreads the kernel's spatial axes by inserting `dilation - 1` zeros between taps, so a dilated
 * convolution runs as an ordinary one. tfjs-core's Conv2D gradient rejects dilations > 1, so
 * training a dilated layer through tf.conv2d's own `dilations` would fail.
 */
export function dilateKernel(kernel: tf.Tensor, dilation: readonly number[]): tf.Tensor {
  let k = kernel;
  dilation.forEach((d, axis) => {
    if (d === 1) return;
    const shape = k.shape;
    const taps = shape[axis]!;
    const padding = [...shape.map((): [number, number] => [0, 0]), [0, 0] as [number, number]];
    padding[axis + 1] = [0, d - 1];
    const spread = tf.reshape(tf.pad(tf.expandDims(k, axis + 1), padding), [...shape.slice(0, axis), taps * d, ...shape.slice(axis + 1)]);
    const size = [...shape];
    size[axis] = (taps - 1) * d + 1;
    k = tf.slice(spread, shape.map(() => 0), size);
  });
  return k;
}
