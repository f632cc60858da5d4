import { tf } from '../../engine/tfjs.js';
import { conv2dOp, filterGradient } from '../conv/conv2d-op.js';
import { samePadding, type Padding } from '../conv/conv-utils.js';
import { withOwnGradients } from '../conv/kernel-op.js';
import { ConvLSTM, type ConvLSTMArgs } from './conv-lstm.js';

export type ConvLSTM2DArgs = ConvLSTMArgs;

/**
 * `conv2dOp` for strides 1, with the input gradient as a forward convolution of `dy` (padded) with
 * the flipped kernel, as `conv3dOp` computes it: the recurrent convolution of every step needs it.
 * tfjs-backend-wasm's Conv2DBackpropInput is a plain loop, about ten times slower than its
 * forward Conv2D: it took 62 ms of a 177 ms ConvLSTM2D training step (6 steps of [32, 12, 12, 8]
 * states). On cpu both kernels cost about the same.
 */
export function conv2dStride1(x: tf.Tensor4D, kernel: tf.Tensor4D, padding: Padding, inputNeedsGradient: boolean): tf.Tensor4D {
  return withOwnGradients(x, kernel, {
    forward: (xi, ki) => tf.conv2d(xi, ki, 1, padding),
    inputGradient: (dy, xs, ks) =>
      tf.tidy(() => {
        // dx[i] = sum_t dy[i + before - t] W[t]: a 'valid' correlation of dy padded by
        // `window - 1 - before` before (and whatever completes the input's length after).
        const pads = [0, 1].map((axis): [number, number] => {
          const window = ks.shape[axis]!;
          const length = xs.shape[axis + 1]!;
          const before = padding === 'same' ? samePadding(length, window, 1)[0] : 0;
          return [window - 1 - before, length + before - dy.shape[axis + 1]!];
        });
        const flipped = tf.transpose(tf.reverse(ks, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
        return tf.conv2d(tf.pad(dy, [[0, 0], ...pads, [0, 0]]) as tf.Tensor4D, flipped, 1, 'valid');
      }),
    kernelGradient: (dy, xs, kernelShape) => filterGradient(xs, dy, kernelShape, [1, 1], padding),
  }, inputNeedsGradient);
}

/** A 2-D convolution for the ConvLSTMs: `conv2dStride1` for strides 1, else `conv2dOp`. */
export function convLstmConv2d(x: tf.Tensor4D, kernel: tf.Tensor4D, strides: readonly [number, number], padding: Padding, inputNeedsGradient: boolean): tf.Tensor4D {
  return strides[0] === 1 && strides[1] === 1 ? conv2dStride1(x, kernel, padding, inputNeedsGradient) : conv2dOp(x, kernel, strides, padding, inputNeedsGradient);
}

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
    return convLstmConv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, [strides[0]!, strides[1]!], padding, inputNeedsGradient);
  }
}

/** Creates a ConvLSTM2D layer. */
export function convLstm2d(args: ConvLSTM2DArgs): ConvLSTM2D {
  return new ConvLSTM2D(args);
}
