import { tf } from '../../engine/tfjs.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { conv2dOp } from './conv2d-op.js';
import type { Padding } from './conv-utils.js';
import { DepthwiseConvBase, type DepthwiseFamilyArgs, type SpatialRank } from './depthwise-base.js';
import { depthwiseConv2dOp } from './depthwise-conv2d-op.js';

export interface DepthwiseConv1DArgs extends DepthwiseFamilyArgs {
  /** Window size: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /** `'valid'` (default) or `'same'`; Keras 3 has no `'causal'` here. */
  padding?: Padding;
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

/** The 1-D members of the depthwise family (also SeparableConv1D's): the 2-D ops on `[batch, 1, steps, channels]`. */
export const RANK_1: SpatialRank = {
  rank: 1,
  depthwise: (x, kernel, strides, padding, inputNeedsGradient) => depthwiseConv1dOp(x, kernel, strides[0]!, padding, inputNeedsGradient),
  pointwise: (x, kernel) => tf.squeeze(conv2dOp(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(kernel, 0) as tf.Tensor4D, [1, 1], 'valid', true), [1]),
};

/**
 * Depthwise 1-D convolution over `[batch, steps, channels]`: each input channel is convolved with
 * its own `depthMultiplier` filters, with no sum over channels. Weight `depthwise_kernel` (role
 * `depthwiseKernel`) of shape `[kernelSize, channels, depthMultiplier]` and `bias`
 * `[channels * depthMultiplier]`; output channel `c * depthMultiplier + j` is filter j of input
 * channel c, as in Keras 3.
 */
export class DepthwiseConv1D extends DepthwiseConvBase {
  static override readonly className: string = 'DepthwiseConv1D';
  static override readonly argKeys = argKeys<DepthwiseConv1DArgs>()(
    ['kernelSize'],
    ['strides', 'padding', 'depthMultiplier', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('depthwise', 'bias')],
  );

  constructor(args: DepthwiseConv1DArgs) {
    super(args, RANK_1);
  }
}

/** Creates a DepthwiseConv1D layer. */
export function depthwiseConv1d(args: DepthwiseConv1DArgs): DepthwiseConv1D {
  return new DepthwiseConv1D(args);
}
