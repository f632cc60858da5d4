import type * as tf from '@tensorflow/tfjs-core';
import { Conv, type ConvArgs } from './base-conv.js';
import { conv3dOp } from './conv3d-op.js';
import type { Padding } from './conv-utils.js';

export type Conv3DArgs = ConvArgs<Padding>;

/**
 * 3-D convolution over `[batch, depth, height, width, channels]`, kernel
 * `[kernelDepth, kernelHeight, kernelWidth, channels / groups, filters]`.
 */
export class Conv3D extends Conv {
  static override readonly className: string = 'Conv3D';

  constructor(args: Conv3DArgs) {
    super(3, args, ['valid', 'same'], " ('causal' padding exists only for Conv1D)");
  }

  protected convolve(x: tf.Tensor, kernel: tf.Tensor, padding: Padding, inputNeedsGradient: boolean): tf.Tensor {
    return conv3dOp(x as tf.Tensor5D, kernel as tf.Tensor5D, [this.strides[0]!, this.strides[1]!, this.strides[2]!], padding, inputNeedsGradient);
  }
}

/** Creates a Conv3D layer. */
export function conv3d(args: Conv3DArgs): Conv3D {
  return new Conv3D(args);
}
