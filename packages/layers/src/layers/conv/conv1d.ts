import * as tf from '@tensorflow/tfjs-core';
import { Conv, type ConvArgs } from './base-conv.js';
import type { ConvPadding, Padding } from './conv-utils.js';

/** Conv1D's arguments; padding may also be `'causal'`. */
export type Conv1DArgs = ConvArgs<ConvPadding>;

/**
 * 1-D convolution over `[batch, steps, channels]` (temporal convolution), kernel
 * `[kernelSize, channels / groups, filters]`. `padding: 'causal'` pads on the left only, so the
 * output at step t depends on inputs up to t.
 */
export class Conv1D extends Conv {
  static override readonly className: string = 'Conv1D';

  constructor(args: Conv1DArgs) {
    super(1, args, ['valid', 'same', 'causal']);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, padding: Padding): tf.Tensor {
    return tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, this.strides[0]!, padding);
  }
}

/** Creates a Conv1D layer. */
export function conv1d(args: Conv1DArgs): Conv1D {
  return new Conv1D(args);
}
