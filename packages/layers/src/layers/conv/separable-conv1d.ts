import { argKeys, parts } from '../../engine/arg-keys.js';
import type { Padding } from './conv-utils.js';
import { SeparableConvBase, type SeparableFamilyArgs } from './depthwise-base.js';
import { RANK_1 } from './depthwise-conv1d.js';

export interface SeparableConv1DArgs extends SeparableFamilyArgs {
  /** Window size of the depthwise step: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /** `'valid'` (default) or `'same'`; Keras 3 has no `'causal'` here. */
  padding?: Padding;
}

/**
 * Depthwise separable 1-D convolution: a depthwise convolution over the steps (each input channel
 * on its own, `depthMultiplier` filters each, with the layer's strides, padding and dilation),
 * then a 1-wide convolution that mixes the channels into `filters` outputs. Weights
 * `depthwise_kernel` `[kernelSize, channels, depthMultiplier]` (role `depthwiseKernel`),
 * `pointwise_kernel` `[1, channels * depthMultiplier, filters]` (role `pointwiseKernel`) and
 * `bias` `[filters]`, as in Keras 3.
 */
export class SeparableConv1D extends SeparableConvBase {
  static override readonly className: string = 'SeparableConv1D';
  static override readonly argKeys = argKeys<SeparableConv1DArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'dataFormat', 'dilationRate', 'depthMultiplier', 'activation', 'useBias', ...parts('depthwise', 'pointwise', 'bias')],
  );

  constructor(args: SeparableConv1DArgs) {
    super(args, RANK_1);
  }
}

/** Creates a SeparableConv1D layer. */
export function separableConv1d(args: SeparableConv1DArgs): SeparableConv1D {
  return new SeparableConv1D(args);
}
