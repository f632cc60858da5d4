import { tf } from '../../engine/tfjs.js';
import { argKeys, parts } from '../../engine/arg-keys.js';
import { conv2dTransposeOp } from './conv2d-transpose.js';
import { ConvTransposeBase, type ConvTransposeArgs, type TransposeRank } from './conv-transpose-base.js';

export interface Conv1DTransposeArgs extends ConvTransposeArgs {
  /** Window size: an integer, or a list of one. */
  kernelSize: number | readonly number[];
  /**
   * Extra steps at the end of the output, below the stride; `null` (the default) lets the output
   * length follow from padding and strides alone.
   */
  outputPadding?: number | readonly number[] | null;
}

/** The 1-D transposed convolution: the 2-D one on `[batch, 1, steps, channels]`. */
const RANK_1: TransposeRank = {
  rank: 1,
  transpose: (x, kernel, [batch, steps, filters], strides, padding, inputNeedsGradient) => {
    const y = conv2dTransposeOp(
      tf.expandDims(x, 1) as tf.Tensor4D,
      tf.expandDims(kernel, 0) as tf.Tensor4D,
      [batch!, 1, steps!, filters!],
      [1, strides[0]!],
      padding,
      inputNeedsGradient,
    );
    return tf.squeeze(y, [1]);
  },
};

/**
 * Transposed 1-D convolution over `[batch, steps, channels]`: the gradient of a Conv1D with
 * respect to its input, used to upsample sequences. Kernel `[kernelSize, filters, channels]`, as
 * in Keras 3; output length as Keras's `deconv_output_length`. Computed as Conv2DTranspose on
 * `[batch, 1, steps, channels]`, which trains on every backend.
 */
export class Conv1DTranspose extends ConvTransposeBase {
  static override readonly className: string = 'Conv1DTranspose';
  static override readonly argKeys = argKeys<Conv1DTransposeArgs>()(
    ['filters', 'kernelSize'],
    ['strides', 'padding', 'outputPadding', 'dataFormat', 'dilationRate', 'activation', 'useBias', ...parts('kernel', 'bias')],
  );

  constructor(args: Conv1DTransposeArgs) {
    super(args, RANK_1);
  }
}

/** Creates a Conv1DTranspose layer. */
export function conv1dTranspose(args: Conv1DTransposeArgs): Conv1DTranspose {
  return new Conv1DTranspose(args);
}
