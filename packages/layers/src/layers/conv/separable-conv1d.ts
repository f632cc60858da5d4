import { checkNumber, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { forArgument } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { dilateKernel } from './base-conv.js';
import { conv2dOp } from './conv2d-op.js';
import { expectChannels, expectRank, spatialOutput, type DataFormat, type Padding } from './conv-utils.js';
import { depthwiseConv1dOp } from './depthwise-conv1d.js';
import { checkUseBias } from './window-args.js';
import { checkWindow1d } from './window1d.js';

export interface SeparableConv1DArgs extends LayerArgs {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  /** Window size of the depthwise step: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /** Default 1. Strides > 1 cannot be combined with dilationRate > 1 (as in Keras). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`; Keras 3 has no `'causal'` here. */
  padding?: Padding;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: number | readonly number[];
  /** Depthwise output channels per input channel; default 1. */
  depthMultiplier?: number;
  /** Keras activation name; default linear. */
  activation?: string | null;
  useBias?: boolean;
  depthwiseInitializer?: InitializerSpec;
  pointwiseInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
  depthwiseRegularizer?: RegularizerSpec | null;
  pointwiseRegularizer?: RegularizerSpec | null;
  biasRegularizer?: RegularizerSpec | null;
  depthwiseConstraint?: ConstraintSpec | null;
  pointwiseConstraint?: ConstraintSpec | null;
  biasConstraint?: ConstraintSpec | null;
}

/**
 * Depthwise separable 1-D convolution: a depthwise convolution over the steps (each input channel
 * on its own, `depthMultiplier` filters each, with the layer's strides, padding and dilation),
 * then a 1-wide convolution that mixes the channels into `filters` outputs. Weights
 * `depthwise_kernel` `[kernelSize, channels, depthMultiplier]` (role `depthwiseKernel`),
 * `pointwise_kernel` `[1, channels * depthMultiplier, filters]` (role `pointwiseKernel`) and
 * `bias` `[filters]`, as in Keras 3.
 */
export class SeparableConv1D extends Layer {
  static override readonly className: string = 'SeparableConv1D';
  static override readonly argKeys = argKeys<SeparableConv1DArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'dataFormat', 'dilationRate', 'depthMultiplier', 'activation', 'useBias', ...parts('depthwise', 'pointwise', 'bias')],
  );
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly depthMultiplier: number;
  readonly activation: string;
  readonly useBias: boolean;
  readonly #activationFn: ActivationFn;
  readonly #parts: Record<'depthwise' | 'pointwise' | 'bias', WeightParts>;
  depthwiseKernel!: LayerWeight;
  pointwiseKernel!: LayerWeight;
  bias: LayerWeight | undefined;

  constructor(args: SeparableConv1DArgs) {
    super(args);
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate } =
      checkWindow1d(this, args));
    this.depthMultiplier = forArgument(this, 'depthMultiplier', () => checkNumber('depthMultiplier', args.depthMultiplier ?? 1, { min: 1, integer: true }));
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#activationFn = getActivation(this.activation);
    this.useBias = checkUseBias(this, args.useBias);
    this.#parts = this.resolveWeightParts({
      depthwise: {
        initializer: args.depthwiseInitializer,
        regularizer: args.depthwiseRegularizer,
        constraint: args.depthwiseConstraint,
        defaultInitializer: () => new GlorotUniform(),
      },
      pointwise: {
        initializer: args.pointwiseInitializer,
        regularizer: args.pointwiseRegularizer,
        constraint: args.pointwiseConstraint,
        defaultInitializer: () => new GlorotUniform(),
      },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const channels = expectChannels(this, shape);
    spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    this.depthwiseKernel = this.addWeight({
      name: 'depthwise_kernel',
      role: 'depthwiseKernel',
      shape: [this.kernelSize[0]!, channels, this.depthMultiplier],
      regularizerArgument: 'depthwiseRegularizer',
      ...this.#parts.depthwise,
    });
    this.pointwiseKernel = this.addWeight({
      name: 'pointwise_kernel',
      role: 'pointwiseKernel',
      shape: [1, channels * this.depthMultiplier, this.filters],
      regularizerArgument: 'pointwiseRegularizer',
      ...this.#parts.pointwise,
    });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [this.filters], ...this.#parts.bias });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const steps = spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    return [shape[0] ?? null, ...steps, this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 1);
    expectChannels(this, x.shape, this.depthwiseKernel.shape[1]);
    spatialOutput(this, x.shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    const kernel = dilateKernel(this.depthwiseKernel.read(), this.dilationRate);
    const depthwise = depthwiseConv1dOp(x, kernel, this.strides[0]!, this.padding, ctx.constantInputs?.[0] !== true);
    const pointwise = conv2dOp(tf.expandDims(depthwise, 1) as tf.Tensor4D, tf.expandDims(this.pointwiseKernel.read(), 0) as tf.Tensor4D, [1, 1], 'valid', true);
    let y: tf.Tensor = tf.squeeze(pointwise, [1]);
    if (this.bias) y = tf.add(y, this.bias.read());
    return this.#activationFn(y);
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
      ...this.weightPartsConfig(this.#parts, { depthwise: this.depthwiseKernel, pointwise: this.pointwiseKernel, bias: this.bias }),
    };
  }
}

/** Creates a SeparableConv1D layer. */
export function separableConv1d(args: SeparableConv1DArgs): SeparableConv1D {
  return new SeparableConv1D(args);
}
