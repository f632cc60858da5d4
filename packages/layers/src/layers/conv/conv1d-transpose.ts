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
import { conv2dTransposeOp, deconvOutputLength } from './conv2d-transpose.js';
import { expectChannels, expectRank, normalizeTuple, type DataFormat, type Padding } from './conv-utils.js';
import { checkUseBias } from './window-args.js';
import { checkWindow1d } from './window1d.js';

export interface Conv1DTransposeArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /** The upsampling factor; default 1. Strides > 1 cannot be combined with dilationRate > 1. */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`: see `deconvOutputLength`. */
  padding?: Padding;
  /**
   * Extra steps at the end of the output, below the stride; `null` (the default) lets the output
   * length follow from padding and strides alone.
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
 * Transposed 1-D convolution over `[batch, steps, channels]`: the gradient of a Conv1D with
 * respect to its input, used to upsample sequences. Kernel `[kernelSize, filters, channels]`, as
 * in Keras 3; output length as Keras's `deconv_output_length`. Computed as Conv2DTranspose on
 * `[batch, 1, steps, channels]`, which trains on every backend.
 */
export class Conv1DTranspose extends Layer {
  static override readonly className: string = 'Conv1DTranspose';
  static override readonly argKeys = argKeys<Conv1DTransposeArgs>()(
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

  constructor(args: Conv1DTransposeArgs) {
    super(args);
    this.filters = forArgument(this, 'filters', () => checkNumber('filters', args.filters, { min: 1, integer: true }));
    ({ kernelSize: this.kernelSize, strides: this.strides, padding: this.padding, dataFormat: this.dataFormat, dilationRate: this.dilationRate } =
      checkWindow1d(this, args));
    this.outputPadding = args.outputPadding === undefined || args.outputPadding === null ? null : normalizeTuple(this, 'outputPadding', args.outputPadding, 1, 0);
    const outputPadding = this.outputPadding?.[0];
    if (outputPadding !== undefined) {
      if (outputPadding >= this.strides[0]!) {
        throw layerArgError(this, 'outputPadding', args.outputPadding, `below the strides (${formatShape(this.strides)})`);
      }
      // With 'same' padding and an even (dilated) window, outputPadding 0 gives an output whose
      // convolution is one step short of the input: no transposed convolution has that length.
      if (this.padding === 'same' && this.window() % 2 === 0 && outputPadding === 0) {
        throw layerArgError(this, 'outputPadding', args.outputPadding, `at least 1 when padding is 'same' and the kernel size (${this.window()}) is even, or null`);
      }
    }
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#activationFn = getActivation(this.activation);
    this.useBias = checkUseBias(this, args.useBias);
    this.#parts = this.resolveWeightParts({
      kernel: { initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint, defaultInitializer: () => new GlorotUniform() },
      bias: { initializer: args.biasInitializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint, defaultInitializer: () => new Zeros() },
    });
  }

  /** The dilated kernel size. */
  private window(): number {
    return (this.kernelSize[0]! - 1) * this.dilationRate[0]! + 1;
  }

  private steps(shape: Shape): number | null {
    return deconvOutputLength(shape[1] ?? null, this.window(), this.strides[0]!, this.padding, this.outputPadding?.[0] ?? null);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const channels = expectChannels(this, shape);
    this.kernel = this.addWeight({ name: 'kernel', role: 'kernel', shape: [this.kernelSize[0]!, this.filters, channels], ...this.#parts.kernel });
    if (this.useBias) this.bias = this.addWeight({ name: 'bias', role: 'bias', shape: [this.filters], ...this.#parts.bias });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    return [shape[0] ?? null, this.steps(shape), this.filters];
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor3D;
    expectRank(this, x.shape, 1);
    expectChannels(this, x.shape, this.kernel.shape[2]);
    const steps = this.steps(x.shape)!;
    const kernel = tf.expandDims(dilateKernel(this.kernel.read(), this.dilationRate), 0) as tf.Tensor4D;
    const y4 = conv2dTransposeOp(tf.expandDims(x, 1) as tf.Tensor4D, kernel, [x.shape[0], 1, steps, this.filters], [1, this.strides[0]!], this.padding, ctx.constantInputs?.[0] !== true);
    let y: tf.Tensor = tf.squeeze(y4, [1]);
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

/** Creates a Conv1DTranspose layer. */
export function conv1dTranspose(args: Conv1DTransposeArgs): Conv1DTranspose {
  return new Conv1DTranspose(args);
}
