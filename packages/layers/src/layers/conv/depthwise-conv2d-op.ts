import { tf } from '../../engine/tfjs.js';
import { forwardInputGradient, forwardPadding, patchFilter } from './conv2d-op.js';
import type { Padding } from './conv-utils.js';
import { withOwnGradients } from './kernel-op.js';

/**
 * A depthwise 2-D convolution (NHWC, dilation 1) with its own gradient, which trains on every
 * backend: tfjs-backend-wasm 4.22 has neither `DepthwiseConv2dNativeBackpropFilter` nor
 * `DepthwiseConv2dNativeBackpropInput`, so `tf.depthwiseConv2d`'s own gradient fails there.
 * The kernel gradient is one batched matrix product over image patches (see
 * `depthwiseFilterGradient`); the input gradient, computed only when the input is not data (a
 * model input needs none), is `depthwiseInputGradient`.
 */
export function depthwiseConv2dOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
  inputNeedsGradient: boolean,
): tf.Tensor4D {
  const s: [number, number] = [strides[0], strides[1]];
  return withOwnGradients(x, kernel, {
    forward: (xi, ki) => tf.depthwiseConv2d(xi, ki, s, forwardPadding(padding, xi.shape, ki.shape, s)),
    inputGradient: (dy, xs, ks) => depthwiseInputGradient(dy, xs.shape, ks, s, padding),
    kernelGradient: (dy, xs, kernelShape) => depthwiseFilterGradient(xs, dy, kernelShape, s, padding),
  }, inputNeedsGradient);
}

/**
 * `dL/dx` of `depthwiseConv2d(x, W)` for `x` of `xShape` and `W` `[kh, kw, c, m]`, from `dy`.
 * Either `conv2dTranspose` with the kernel spread into a block-diagonal full kernel
 * `[kh, kw, c, c * m]` (c times the work, but one of tfjs's convolution kernels), or a depthwise
 * forward convolution of `dy` (spread by the strides and padded, see `forwardInputGradient`) with
 * the kernel flipped spatially, as `[kh, kw, c * m, 1]`, whose `c * m` outputs are summed over the
 * multiplier. Measured (median of 7, ms, block-diagonal -> forward): on wasm, whose
 * `Conv2DBackpropInput` is a plain loop, the forward way won every case: strides 1 `[64, 26, 26, 8]`
 * 3x3 m 1 26.6 -> 2.5, `[32, 28, 28, 32]` 3x3 280.6 -> 3.7, `[32, 1, 100, 64]` 1x5 75.8 -> 2.1;
 * strides 2 `[64, 24, 24, 8]` 3x3 32.3 -> 16.8, `[32, 28, 28, 32]` 171.6 -> 8.1; strides [1, 2]
 * `[32, 1, 100, 64]` 1x5 71.0 -> 8.8. On cpu it won for strides 1 from `c * m` = 16
 * (`[64, 26, 26, 8]` m 2 216.5 -> 155.5, `[32, 28, 28, 32]` 561.7 -> 165.0) and lost below (m 1:
 * 76.4 -> 109.8) and with any stride > 1 (2.3x to 11x slower). tfjs-backend-cpu's own
 * `DepthwiseConv2dNativeBackpropInput` was slower than one of the two in every case (212.9, 286.3,
 * 447.4 ms). Other backends are unmeasured and keep the block-diagonal kernel.
 */
export function depthwiseInputGradient(
  dy: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  const [kh, kw, c, m] = kernel.shape;
  const backend = tf.getBackend();
  const forward = backend === 'wasm' || (backend === 'cpu' && c * m >= 16 && strides[0] === 1 && strides[1] === 1);
  return tf.tidy(() => {
    if (!forward) return tf.conv2dTranspose(dy, blockDiagonal(kernel), [...xShape], [strides[0], strides[1]], padding);
    const flipped = tf.reshape(tf.reverse(kernel, [0, 1]), [kh, kw, c * m, 1]) as tf.Tensor4D;
    const dx = forwardInputGradient(dy, xShape, flipped, strides, padding, tf.depthwiseConv2d);
    return m === 1 ? dx : (tf.sum(tf.reshape(dx, [...xShape, m]), -1) as tf.Tensor4D);
  });
}

/**
 * `dL/dW` of `depthwiseConv2d(x, W)` for `W` of shape `[kh, kw, c, m]`, from `dy`: channel c's
 * patches `[taps, positions]` times channel c's slice of `dy` `[positions, m]`, for every c at
 * once in one batched product. The patches come from the one-hot depthwise filter of
 * `filterGradient` (conv2d-op.ts), with the layer's strides and padding.
 */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kernelShape: readonly [number, number, number, number],
  strides: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = kernelShape;
    const taps = kh * kw;
    const [n, oh, ow] = dy.shape;
    const positions = n * oh * ow;
    const oneHot = tf.tensor4d(patchFilter(kh, kw, c), [kh, kw, c, taps]);
    // [positions, c * taps], channel c * taps + t: x at tap t of channel c's window.
    const patches = tf.depthwiseConv2d(x, oneHot, [strides[0], strides[1]], forwardPadding(padding, x.shape, kernelShape, strides));
    const byChannel = tf.transpose(tf.reshape(patches, [positions, c, taps]), [1, 2, 0]) as tf.Tensor3D;
    // dy's channel c * m + j is multiplier j of input channel c.
    const grads = tf.transpose(tf.reshape(dy, [positions, c, m]), [1, 0, 2]) as tf.Tensor3D;
    const product = tf.matMul(byChannel, grads);
    return tf.transpose(tf.reshape(product, [c, kh, kw, m]), [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** `[kh, kw, c, m]` as the full conv2d kernel `[kh, kw, c, c * m]` that computes the same depthwise convolution. */
export function blockDiagonal(kernel: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = kernel.shape;
    const eye = tf.reshape(tf.eye(c), [1, 1, c, c, 1]);
    return tf.reshape(tf.mul(tf.expandDims(kernel, 3), eye), [kh, kw, c, c * m]) as tf.Tensor4D;
  });
}
