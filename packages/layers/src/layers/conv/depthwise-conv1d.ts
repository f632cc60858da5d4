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
import { expectChannels, expectRank, spatialOutput, type DataFormat, type Padding } from './conv-utils.js';
import { depthwiseConv2dOp } from './depthwise-conv2d-op.js';
import { checkUseBias } from './window-args.js';
import { checkWindow1d } from './window1d.js';

export interface DepthwiseConv1DArgs extends LayerArgs {
  /** Window size: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /** Default 1. Strides > 1 cannot be combined with dilationRate > 1 (as in Keras). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`; Keras 3 has no `'causal'` here. */
  padding?: Padding;
  /** Output channels per input channel; the output has `channels * depthMultiplier`. Default 1. */
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

/**
 * The depthwise 1-D convolution of `x` `[batch, steps, channels]` with `kernel`
 * `[k, channels, m]` (dilation already applied), as the 2-D one on `[batch, 1, steps, channels]`
 * (what Keras's depthwise_conv1d does), which trains on every backend (see depthwiseConv2dOp).
 */
export function depthwiseConv1dOp(x: tf.Tensor, kernel: tf.Tensor, stride: number, padding: Padding, inputNeedsGradient: boolean): tf.Tensor3D {
  const y = depthwiseConv2dOp(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(kernel, 0) as tf.Tensor4D, [1, stride], padding, inputNeedsGradient);
  return tf.squeeze(y, [1]) as tf.Tensor3D;
}

/**
 * Depthwise 1-D convolution over `[batch, steps, channels]`: each input channel is convolved with
 * its own `depthMultiplier` filters, with no sum over channels. Weight `depthwise_kernel` (role
 * `depthwiseKernel`) of shape `[kernelSize, channels, depthMultiplier]` and `bias`
 * `[channels * depthMultiplier]`; output channel `c * depthMultiplier + j` is filter j of input
 * channel c, as in Keras 3.
 */
export class DepthwiseConv1D extends Layer {
  static override readonly className: string = 'DepthwiseConv1D';
  static override readonly argKeys = argKeys<DepthwiseConv1DArgs>()(
    ['kernelSize'],
    ['strides', 'padding', 'depthMultiplier', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('depthwise', 'bias')],
  );
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: string;
  readonly useBias: boolean;
  readonly #activationFn: ActivationFn;
  readonly #parts: Record<'depthwise' | 'bias', WeightParts>;
  depthwiseKernel!: LayerWeight;
  bias: LayerWeight | undefined;

  constructor(args: DepthwiseConv1DArgs) {
    super(args);
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
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [channels * this.depthMultiplier], ...this.#parts.bias });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const steps = spatialOutput(this, shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    const channels = shape[2] ?? null;
    return [shape[0] ?? null, ...steps, channels === null ? null : channels * this.depthMultiplier];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 1);
    expectChannels(this, x.shape, this.depthwiseKernel.shape[1]);
    spatialOutput(this, x.shape, this.kernelSize, this.strides, this.dilationRate, this.padding, 'kernelSize');
    const kernel = dilateKernel(this.depthwiseKernel.read(), this.dilationRate);
    let y: tf.Tensor = depthwiseConv1dOp(x, kernel, this.strides[0]!, this.padding, ctx.constantInputs?.[0] !== true);
    if (this.bias) y = tf.add(y, this.bias.read());
    return this.#activationFn(y);
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
      ...this.weightPartsConfig(this.#parts, { depthwise: this.depthwiseKernel, bias: this.bias }),
    };
  }
}

/** Creates a DepthwiseConv1D layer. */
export function depthwiseConv1d(args: DepthwiseConv1DArgs): DepthwiseConv1D {
  return new DepthwiseConv1D(args);
}
