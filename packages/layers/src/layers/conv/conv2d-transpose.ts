import { checkNumber, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { canonicalActivation, getActivation, type ActivationFn } from '../../engine/activations.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { forArgument, layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Zeros } from '../../initializers/constant.js';
import { GlorotUniform } from '../../initializers/variance-scaling.js';
import { dilateKernel } from './base-conv.js';
import { filterGradient } from './conv2d-op.js';
import { expectChannels, expectRank, normalizeTuple, type DataFormat, type Padding } from './conv-utils.js';
import { checkUseBias, checkWindow } from './window-args.js';

export interface Conv2DTransposeArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: one integer for both spatial axes, or `[height, width]`. */
  kernelSize: number | readonly number[];
  /** The upsampling factor; default 1. Strides > 1 cannot be combined with dilationRate > 1. */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`: see `deconvOutputLength`. */
  padding?: Padding;
  /**
   * Extra rows and columns at the end of the output, each below the stride on its axis; `null`
   * (the default) lets the output size follow from padding and strides alone.
   */
  outputPadding?: number | readonly number[] | null;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: number | readonly number[];
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
 * Transposed 2-D convolution ("deconvolution") over `[batch, height, width, channels]`: the
 * gradient of a Conv2D with respect to its input, used to upsample. Kernel
 * `[kernelHeight, kernelWidth, filters, channels]`, as in Keras and tfjs-layers (the kernel of
 * the Conv2D it transposes); output sizes as Keras's `deconv_output_length`.
 */
export class Conv2DTranspose extends Layer {
  static override readonly className: string = 'Conv2DTranspose';
  static override readonly argKeys = argKeys<Conv2DTransposeArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'outputPadding', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('kernel', 'bias')],
  );
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly outputPadding: readonly number[] | null;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: string;
  readonly useBias: boolean;
  readonly #activationFn: ActivationFn;
  readonly #parts: Record<'kernel' | 'bias', WeightParts>;
  kernel!: LayerWeight;
  bias: LayerWeight | undefined;

  constructor(args: Conv2DTransposeArgs) {
    super(args);
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate } =
      checkWindow(this, args));
    this.outputPadding = args.outputPadding === undefined || args.outputPadding === null ? null : normalizeTuple(this, 'outputPadding', args.outputPadding, 2, 0);
    this.outputPadding?.forEach((p, i) => {
      const stride = this.strides[i]!;
      if (p >= stride) {
        throw layerArgError(this, 'outputPadding', args.outputPadding, `below the strides (${formatShape(this.strides)}) on every axis`);
      }
      // With 'same' padding and an even (dilated) window, outputPadding 0 gives an output whose
      // convolution is one row short of the input: no transposed convolution has that shape.
      if (this.padding === 'same' && this.window(i) % 2 === 0 && p === 0) {
        throw layerArgError(
          this,
          'outputPadding',
          args.outputPadding,
          `at least 1 on an axis where padding is 'same' and the kernel size (${this.window(i)}) is even, or null`,
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
  private window(i: number): number {
    return (this.kernelSize[i]! - 1) * this.dilationRate[i]! + 1;
  }

  private spatialOutput(shape: Shape): (number | null)[] {
    return [0, 1].map((i) => deconvOutputLength(shape[i + 1] ?? null, this.window(i), this.strides[i]!, this.padding, this.outputPadding?.[i] ?? null));
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    expectRank(this, shape, 2);
    const channels = expectChannels(this, shape);
    this.kernel = this.addWeight({ name: 'kernel', role: 'kernel', shape: [...this.kernelSize, this.filters, channels], ...this.#parts.kernel });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [this.filters], ...this.#parts.bias });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 2);
    return [shape[0] ?? null, ...this.spatialOutput(shape), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor4D;
    expectRank(this, x.shape, 2);
    expectChannels(this, x.shape, this.kernel.shape[3]);
    const [height, width] = this.spatialOutput(x.shape) as [number, number];
    const kernel = dilateKernel(this.kernel.read(), this.dilationRate) as tf.Tensor4D;
    const strides: [number, number] = [this.strides[0]!, this.strides[1]!];
    let y: tf.Tensor = conv2dTransposeOp(x, kernel, [x.shape[0], height, width, this.filters], strides, this.padding, ctx.constantInputs?.[0] !== true);
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

/**
 * `tf.conv2dTranspose` with its own gradient, which trains on every backend (tfjs-core's needs
 * `Conv2DBackpropFilter`, which tfjs-backend-wasm 4.22 lacks). The layer is the adjoint of
 * `z -> conv2d(z, W)`, so the input gradient is `conv2d(dy, W)` and the kernel gradient is the
 * Conv2D filter gradient with the roles of input and output gradient swapped.
 */
export function conv2dTransposeOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  outputShape: [number, number, number, number],
  strides: [number, number],
  padding: Padding,
  inputNeedsGradient: boolean,
): tf.Tensor4D {
  type Grad = Parameters<typeof tf.customGrad>[0];
  const kernelShape = kernel.shape as [number, number, number, number];
  if (inputNeedsGradient) {
    const f = (xi: tf.Tensor4D, ki: tf.Tensor4D, save: tf.GradSaveFunc) => {
      save([xi, ki]);
      return {
        value: tf.conv2dTranspose(xi, ki, outputShape, strides, padding),
        gradFunc: (dy: tf.Tensor4D, [xs, ks]: tf.Tensor[]) => [
          tf.conv2d(dy, ks as tf.Tensor4D, strides, padding),
          filterGradient(dy, xs as tf.Tensor4D, kernelShape, strides, padding),
        ],
      };
    };
    return (tf.customGrad(f as unknown as Grad) as unknown as (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D)(x, kernel);
  }
  const f = (ki: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.conv2dTranspose(x, ki, outputShape, strides, padding),
      gradFunc: (dy: tf.Tensor4D, [xs]: tf.Tensor[]) => [filterGradient(dy, xs as tf.Tensor4D, kernelShape, strides, padding)],
    };
  };
  return (tf.customGrad(f as unknown as Grad) as unknown as (k: tf.Tensor4D) => tf.Tensor4D)(kernel);
}

/** Creates a Conv2DTranspose layer. */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
