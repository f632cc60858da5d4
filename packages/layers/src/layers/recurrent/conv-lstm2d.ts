import { tf } from '../../engine/tfjs.js';
import { conv2dOp } from '../conv/conv2d-op.js';
import type { Padding } from '../conv/conv-utils.js';
import { ConvLSTM, type ConvLSTMArgs } from './conv-lstm.js';

export type ConvLSTM2DArgs = ConvLSTMArgs;

/**
 * Keras's ConvLSTM2D: a convolutional LSTM over sequences of images, inputs
 * `[batch, time, height, width, channels]`, kernel `[kernelHeight, kernelWidth, channels, 4 * filters]`.
 */
export class ConvLSTM2D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM2D';

  constructor(args: ConvLSTM2DArgs) {
    super(2, args);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    return conv2dOp(x as tf.Tensor4D, kernel as tf.Tensor4D, [strides[0]!, strides[1]!], padding, inputNeedsGradient);
  }
}

/** Creates a ConvLSTM2D layer. */
export function convLstm2d(args: ConvLSTM2DArgs): ConvLSTM2D {
  return new ConvLSTM2D(args);
}
