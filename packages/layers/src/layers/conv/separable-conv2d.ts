import { argKeys, parts } from '../../engine/arg-keys.js';
import { SeparableConvBase, type SeparableFamilyArgs } from './depthwise-base.js';
import { RANK_2 } from './depthwise-conv2d.js';

export interface SeparableConv2DArgs extends SeparableFamilyArgs {
  /** Window size of the depthwise step: one integer for both spatial axes, or `[height, width]`. */
  kernelSize: number | readonly number[];
}

/**
 * Depthwise separable 2-D convolution: a depthwise convolution (each input channel on its own,
 * `depthMultiplier` filters each, with the layer's strides, padding and dilation) followed by a
 * 1x1 convolution that mixes the channels into `filters` outputs. Weights `depthwise_kernel`
 * `[kh, kw, channels, depthMultiplier]` (role `depthwiseKernel`), `pointwise_kernel`
 * `[1, 1, channels * depthMultiplier, filters]` (role `pointwiseKernel`) and `bias` `[filters]`.
 */
export class SeparableConv2D extends SeparableConvBase {
  static override readonly className: string = 'SeparableConv2D';
  static override readonly argKeys = argKeys<SeparableConv2DArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'dataFormat', 'dilationRate', 'depthMultiplier', 'activation', 'useBias', ...parts('depthwise', 'pointwise', 'bias')],
  );

  constructor(args: SeparableConv2DArgs) {
    super(args, RANK_2);
  }
}

/** Creates a SeparableConv2D layer. */
export function separableConv2d(args: SeparableConv2DArgs): SeparableConv2D {
  return new SeparableConv2D(args);
}
