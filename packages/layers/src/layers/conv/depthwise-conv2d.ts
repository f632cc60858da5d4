import type { tf } from '../../engine/tfjs.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { conv2dOp } from './conv2d-op.js';
import { DepthwiseConvBase, type DepthwiseFamilyArgs, type SpatialRank } from './depthwise-base.js';
import { depthwiseConv2dOp } from './depthwise-conv2d-op.js';

export interface DepthwiseConv2DArgs extends DepthwiseFamilyArgs {
  /** Window size: one integer for both spatial axes, or `[height, width]`. */
  kernelSize: number | readonly number[];
}

/** The 2-D members of the depthwise family (also SeparableConv2D's). */
export const RANK_2: SpatialRank = {
  rank: 2,
  depthwise: (x, kernel, strides, padding, inputNeedsGradient) =>
    depthwiseConv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, [strides[0]!, strides[1]!], padding, inputNeedsGradient),
  pointwise: (x, kernel) => conv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, [1, 1], 'valid', true),
};

/**
 * Depthwise 2-D convolution over `[batch, height, width, channels]`: each input channel is
 * convolved with its own `depthMultiplier` filters, with no sum over channels. Weight
 * `depthwise_kernel` (role `depthwiseKernel`) of shape `[kh, kw, channels, depthMultiplier]`,
 * and `bias` of shape `[channels * depthMultiplier]`; output channel `c * depthMultiplier + j`
 * is filter j of input channel c, as in Keras and tfjs-layers.
 */
export class DepthwiseConv2D extends DepthwiseConvBase {
  static override readonly className: string = 'DepthwiseConv2D';
  static override readonly argKeys = argKeys<DepthwiseConv2DArgs>()(
    ['kernelSize'],
    ['strides', 'padding', 'depthMultiplier', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('depthwise', 'bias')],
  );

  constructor(args: DepthwiseConv2DArgs) {
    super(args, RANK_2);
  }
}

/** Creates a DepthwiseConv2D layer. */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}
