import { tf } from '../../engine/tfjs.js';
import { Conv, type ConvArgs } from './base-conv.js';
import { conv2dOp } from './conv2d-op.js';
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

  /** As `tf.conv1d` does: a 2-D convolution of height 1 (which trains on every backend, see conv2dOp). */
  protected convolve(x: tf.Tensor, kernel: tf.Tensor, padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    const y = conv2dOp(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(kernel, 0) as tf.Tensor4D, [1, this.strides[0]!], padding, inputNeedsGradient);
    return tf.squeeze(y, [1]);
  }
}

/** Creates a Conv1D layer. */
export function conv1d(args: Conv1DArgs): Conv1D {
  return new Conv1D(args);
}
