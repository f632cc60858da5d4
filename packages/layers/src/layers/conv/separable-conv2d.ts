import type { ConstraintSpec, InitializerSpec, RegularizerSpec } from '@ridge/core';
import { argKeys, parts } from '../../engine/arg-keys.js';
import type { LayerArgs } from '../../engine/layer.js';
import type { DataFormat, Padding } from './conv-utils.js';
import { SeparableConvBase } from './depthwise-base.js';
import { RANK_2 } from './depthwise-conv2d.js';


export interface SeparableConv2DArgs extends LayerArgs {
  /** Number of output channels (of the pointwise step). */
  filters: number;
  /** Window size of the depthwise step: one integer for both spatial axes, or `[height, width]`. */
  kernelSize: number | readonly number[];
  /** Default 1. Strides > 1 cannot be combined with dilationRate > 1 (as in Keras). */
  strides?: number | readonly number[];
  /** `'valid'` (default) or `'same'`. */
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
