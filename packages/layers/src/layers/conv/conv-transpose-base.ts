import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { forArgument, layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type WeightParts } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { dilateKernel, type ConvArgs } from './base-conv.js';
import { expectChannels, expectRank, normalizeTuple, type DataFormat, type Padding } from './conv-utils.js';
import { checkUseBias, checkWindow } from './window-args.js';

/*
 * What Conv1DTranspose and Conv2DTranspose share: one class for any spatial rank. The 1-D and 2-D
 * layers differ only in their `TransposeRank`: the rank of the window and the transposed
 * convolution (the 1-D one runs the 2-D op on `[batch, 1, steps, channels]`).
 */

/** A spatial rank of the transposed convolutions: its window's rank and how it convolves. */
export interface TransposeRank {
  readonly rank: 1 | 2;
  /**
   * The transposed convolution of `x` with `kernel` `[...k, filters, channels]` (dilation already
   * applied) to `outputShape` `[batch, ...spatial, filters]`.
   */
  readonly transpose: (
    x: tf.Tensor,
    kernel: tf.Tensor,
    outputShape: readonly number[],
    strides: readonly number[],
    padding: Padding,
    inputNeedsGradient: boolean,
  ) => tf.Tensor;
}

/**
 * The arguments both transposed convolutions take: Conv's without `groups`, and `outputPadding`.
 * Each layer's Args interface extends these and documents its `kernelSize` and `outputPadding`
 * for its rank.
 */
export interface ConvTransposeArgs extends Omit<ConvArgs, 'strides' | 'padding' | 'groups'> {
  /** The upsampling factor; default 1. Strides > 1 cannot be combined with dilationRate > 1. */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`: see `deconvOutputLength`. */
  padding?: Padding;
  /** Extra steps at the end of the output on each axis, below the stride; `null` by default. */
  outputPadding?: number | readonly number[] | null;
}

/**
 * Keras's `compute_conv_transpose_output_length` along one axis; `null` stays unknown. `window`
 * is the dilated kernel size `(k - 1) * dilation + 1`.
 */
export function deconvOutputLength(length: number | null, window: number, stride: number, padding: Padding, outputPadding: number | null): number | null {
  if (length === null) return null;
  if (outputPadding === null) return padding === 'valid' ? length * stride + Math.max(window - stride, 0) : length * stride;
  const pad = padding === 'same' ? Math.floor(window / 2) : 0;
  return (length - 1) * stride + window - 2 * pad + outputPadding;
}

/**
 * Conv1DTranspose and Conv2DTranspose: `activation(transpose(x, kernel) + bias)` on channels-last
 * inputs, kernel `[...kernelSize, filters, channels]`, output sizes as `deconvOutputLength`.
 */
export abstract class ConvTransposeBase extends Layer {
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly outputPadding: readonly number[] | null;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: string;
  readonly useBias: boolean;
  readonly #spatial: TransposeRank;
  readonly #activationFn: ActivationFn;
  readonly #parts: Record<'kernel' | 'bias', WeightParts>;
  kernel!: LayerWeight;
  bias: LayerWeight | undefined;

  protected constructor(args: ConvTransposeArgs, spatial: TransposeRank) {
    super(args);
    this.#spatial = spatial;
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate } =
      checkWindow(this, args, spatial.rank));
    this.outputPadding =
      args.outputPadding === undefined || args.outputPadding === null ? null : normalizeTuple(this, 'outputPadding', args.outputPadding, spatial.rank, 0);
    // The messages speak of "every axis" and "an axis" only where there are several.
    const several = spatial.rank > 1;
    this.outputPadding?.forEach((p, i) => {
      if (p >= this.strides[i]!) {
        throw layerArgError(this, 'outputPadding', args.outputPadding, `below the strides (${formatShape(this.strides)})${several ? ' on every axis' : ''}`);
      }
      // With 'same' padding and an even (dilated) window, outputPadding 0 gives an output whose
      // convolution is one step short of the input on that axis: no transposed convolution has
      // that shape.
      if (this.padding === 'same' && this.#window(i) % 2 === 0 && p === 0) {
        throw layerArgError(
          this,
          'outputPadding',
          args.outputPadding,
          `at least 1 ${several ? 'on an axis where' : 'when'} padding is 'same' and the kernel size (${this.#window(i)}) is even, or null`,
        );
      }
    });
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#activationFn = getActivation(this.activation);
    this.useBias = checkUseBias(this, args.useBias);
    this.#parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  /** The dilated kernel size along axis i. */
  #window(i: number): number {
    return (this.kernelSize[i]! - 1) * this.dilationRate[i]! + 1;
  }

  #spatialOutput(shape: Shape): (number | null)[] {
    return this.kernelSize.map((_, i) => deconvOutputLength(shape[i + 1] ?? null, this.#window(i), this.strides[i]!, this.padding, this.outputPadding?.[i] ?? null));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.#spatial.rank);
    const channels = expectChannels(this, shape);
    this.kernel = this.addWeight({ name: 'kernel', role: 'kernel', shape: [...this.kernelSize, this.filters, channels], ...this.#parts.kernel });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [this.filters], ...this.#parts.bias });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, this.#spatial.rank);
    return [shape[0] ?? null, ...this.#spatialOutput(shape), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const rank = this.#spatial.rank;
    expectRank(this, x.shape, rank);
    expectChannels(this, x.shape, this.kernel.shape[rank + 1]);
    const outputShape = [x.shape[0]!, ...(this.#spatialOutput(x.shape) as number[]), this.filters];
    const kernel = dilateKernel(this.kernel.read(), this.dilationRate);
    let y = this.#spatial.transpose(x, kernel, outputShape, this.strides, this.padding, ctx.constantInputs?.[0] !== true);
    if (this.bias) y = tf.add(y, this.bias.read());
    return this.#activationFn(y);
  }

  protected override layerConfig(): JsonObject {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      outputPadding: this.outputPadding === null ? null : [...this.outputPadding],
      dataFormat: this.dataFormat,
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      useBias: this.useBias,
      ...this.weightPartsConfig(this.#parts, { kernel: this.kernel, bias: this.bias }),
    };
  }
}
