import { tf } from '../../engine/tfjs.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { filterGradient } from './conv2d-op.js';
import type { Padding } from './conv-utils.js';
import { withOwnGradients } from './kernel-op.js';
import { ConvTransposeBase, type ConvTransposeArgs, type TransposeRank } from './conv-transpose-base.js';

export interface Conv2DTransposeArgs extends ConvTransposeArgs {
  /** Window size: one integer for both spatial axes, or `[height, width]`. */
  kernelSize: number | readonly number[];
  /**
   * Extra rows and columns at the end of the output, each below the stride on its axis; `null`
   * (the default) lets the output size follow from padding and strides alone.
   */
  outputPadding?: number | readonly number[] | null;
}

/** The 2-D transposed convolution. */
const RANK_2: TransposeRank = {
  rank: 2,
  transpose: (x, kernel, outputShape, strides, padding, inputNeedsGradient) =>
    conv2dTransposeOp(x as tf.Tensor4D, kernel as tf.Tensor4D, outputShape as [number, number, number, number], [strides[0]!, strides[1]!], padding, inputNeedsGradient),
};

/**
 * Transposed 2-D convolution ("deconvolution") over `[batch, height, width, channels]`: the
 * gradient of a Conv2D with respect to its input, used to upsample. Kernel
 * `[kernelHeight, kernelWidth, filters, channels]`, as in Keras and tfjs-layers (the kernel of
 * the Conv2D it transposes); output sizes as Keras's `deconv_output_length`.
 */
export class Conv2DTranspose extends ConvTransposeBase {
  static override readonly className: string = 'Conv2DTranspose';
  static override readonly argKeys = argKeys<Conv2DTransposeArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'outputPadding', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('kernel', 'bias')],
  );

  constructor(args: Conv2DTransposeArgs) {
    super(args, RANK_2);
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
  return withOwnGradients(x, kernel, {
    forward: (xi, ki) => tf.conv2dTranspose(xi, ki, outputShape, strides, padding),
    inputGradient: (dy, _xs, ks) => tf.conv2d(dy, ks, strides, padding),
    kernelGradient: (dy, xs, kernelShape) => filterGradient(dy, xs, kernelShape, strides, padding),
  }, inputNeedsGradient);
}

/** Creates a Conv2DTranspose layer. */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
