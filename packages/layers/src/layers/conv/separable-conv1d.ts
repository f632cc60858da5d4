import type { ConstraintSpec, InitializerSpec, RegularizerSpec } from '@ridge/core';
import { argKeys, parts } from '../../engine/arg-keys.js';
import type { LayerArgs } from '../../engine/layer.js';
import type { DataFormat, Padding } from './conv-utils.js';
import { SeparableConvBase } from './depthwise-base.js';
import { RANK_1 } from './depthwise-conv1d.js';


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
