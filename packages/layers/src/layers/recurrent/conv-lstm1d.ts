import { tf } from '../../engine/tfjs.js';
import { conv2dOp } from '../conv/conv2d-op.js';
import type { Padding } from '../conv/conv-utils.js';
import { ConvLSTM, type ConvLSTMArgs } from './conv-lstm.js';

export type ConvLSTM1DArgs = ConvLSTMArgs;

/**
 * Keras 3's ConvLSTM1D: a convolutional LSTM over sequences of `[steps, channels]` frames, inputs
 * `[batch, time, steps, channels]`, kernel `[kernelSize, channels, 4 * filters]`.
 */
export class ConvLSTM1D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM1D';

  constructor(args: ConvLSTM1DArgs) {
    super(1, args);
  }

  /** As Conv1D: a 2-D convolution of height 1 (which trains on every backend, see conv2dOp). */
  protected convolve(x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    const y = conv2dOp(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(kernel, 0) as tf.Tensor4D, [1, strides[0]!], padding, inputNeedsGradient);
    return tf.squeeze(y, [1]);
  }
}

/** Creates a ConvLSTM1D layer. */
export function convLstm1d(args: ConvLSTM1DArgs): ConvLSTM1D {
  return new ConvLSTM1D(args);
}
