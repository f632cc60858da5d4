import type * as tf from '@tensorflow/tfjs-core';
import { conv3dOp } from '../conv/conv3d-op.js';
import type { Padding } from '../conv/conv-utils.js';
import { ConvLSTM, type ConvLSTMArgs } from './conv-lstm.js';

export type ConvLSTM3DArgs = ConvLSTMArgs;

/**
 * Keras 3's ConvLSTM3D: a convolutional LSTM over sequences of volumes, inputs
 * `[batch, time, depth, height, width, channels]`, kernel `[...kernelSize, channels, 4 * filters]`.
 * Its convolutions are Ridge's conv3dOp, whose gradients are right on wasm too.
 */
export class ConvLSTM3D extends ConvLSTM {
  static override readonly className: string = 'ConvLSTM3D';

  constructor(args: ConvLSTM3DArgs) {
    super(3, args);
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, strides: readonly number[], padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    return conv3dOp(x as tf.Tensor5D, kernel as tf.Tensor5D, [strides[0]!, strides[1]!, strides[2]!], padding, inputNeedsGradient);
  }
}

/** Creates a ConvLSTM3D layer. */
export function convLstm3d(args: ConvLSTM3DArgs): ConvLSTM3D {
  return new ConvLSTM3D(args);
}
