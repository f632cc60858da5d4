import type * as tf from '@tensorflow/tfjs-core';
import { Conv, type ConvArgs } from './base-conv.js';
import { conv2dOp } from './conv2d-op.js';
import type { Padding } from './conv-utils.js';

export type Conv2DArgs = ConvArgs<Padding>;

/**
 * 2-D convolution over `[batch, height, width, channels]`, kernel
 * `[kernelHeight, kernelWidth, channels / groups, filters]`.
 */
export class Conv2D extends Conv {
  static override readonly className: string = 'Conv2D';

  constructor(args: Conv2DArgs) {
    super(2, args, ['valid', 'same'], " ('causal' padding exists only for Conv1D)");
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    return conv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, [this.strides[0]!, this.strides[1]!], padding, inputNeedsGradient);
  }
}

/** Creates a Conv2D layer. */
export function conv2d(args: Conv2DArgs): Conv2D {
  return new Conv2D(args);
}
