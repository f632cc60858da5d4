import { tf } from '../../engine/tfjs.js';
import type { Padding } from './conv-utils.js';
import { withOwnGradients } from './kernel-op.js';

/**
 * A 2-D convolution (NHWC, dilation 1) with its own gradient, which trains on every backend.
 *
 * tfjs-core's Conv2D gradient needs the backend's `Conv2DBackpropFilter` kernel. tfjs-backend-wasm
 * 4.22 has none, so a conv net cannot train on wasm through `tf.conv2d` (tfjs-layers cannot), and
 * tfjs-backend-cpu's is a plain loop nest: measured here for a 64x28x28x1 batch and a 3x3x1x16
 * kernel, 1,002 ms, and for 64x13x13x16 and 3x3x16x32, 6,244 ms. The filter gradient here is one
 * matrix product over image patches (see `filterGradient`): 43 ms and 145 ms on cpu, 1.9 ms and
 * 10.8 ms on wasm. The input gradient is `conv2dTranspose` (every backend's
 * `Conv2DBackpropInput`), skipped for a model input, which needs none.
 */
export function conv2dOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
  inputNeedsGradient: boolean,
): tf.Tensor4D {
  const s: [number, number] = [strides[0], strides[1]];
  return withOwnGradients(x, kernel, {
    forward: (xi, ki) => tf.conv2d(xi, ki, s, padding),
    inputGradient: (dy, xs, ks) => tf.conv2dTranspose(dy, ks, xs.shape, s, padding),
    kernelGradient: (dy, xs, kernelShape) => filterGradient(xs, dy, kernelShape, s, padding),
  }, inputNeedsGradient);
}

/**
 * `dL/dW` of `conv2d(x, W)` for `W` of `kernelShape`, from `dy = dL/dy`, as one matrix product
 * over image patches (im2col): row r of `cols` is output position r's receptive field, so
 * `dW = cols^T dy`.
 *
 * The patches come from a depthwise convolution with one-hot filters (tap t of channel c picks
 * x at offset t of the window), which applies the layer's own strides and padding in one kernel.
 * Cutting them with `kh * kw` slices and a concat instead took 41 ms on wasm for a 64x28x28x1
 * batch and a 3x3 kernel (its slices and concats of inner axes are slow), against 1.9 ms for
 * this whole gradient.
 */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kernelShape: readonly [number, number, number, number],
  strides: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, , , c] = x.shape;
    const [, oh, ow, f] = dy.shape;
    const [kh, kw] = kernelShape;
    const taps = kh * kw;
    const oneHot = tf.tensor4d(patchFilter(kh, kw, c), [kh, kw, c, taps]);
    // [n, oh, ow, c * taps], channel c * taps + t: x at tap t of the window of channel c.
    const patches = tf.depthwiseConv2d(x, oneHot, [strides[0], strides[1]], padding);
    const m = n * oh * ow;
    // An explicit transpose: on wasm a product with a transpose flag is several times slower.
    const cols = tf.transpose(tf.reshape(patches, [m, c * taps])) as tf.Tensor2D;
    const byChannel = tf.reshape(tf.matMul(cols, tf.reshape(dy, [m, f]) as tf.Tensor2D), [c, kh, kw, f]);
    return tf.transpose(byChannel, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** The one-hot depthwise filter `[kh, kw, c, kh * kw]`: tap `(i, j)` of every channel goes to output `i * kw + j`. */
export function patchFilter(kh: number, kw: number, c: number): Float32Array {
  const taps = kh * kw;
  const data = new Float32Array(taps * c * taps);
  for (let t = 0; t < taps; t++) {
    for (let ch = 0; ch < c; ch++) data[(t * c + ch) * taps + t] = 1;
  }
  return data;
}
