import { tf } from '../../engine/tfjs.js';
import { samePadding, type Padding } from './conv-utils.js';
import { withOwnGradients } from './kernel-op.js';

/**
 * A 2-D convolution (NHWC, dilation 1) with its own gradient, which trains on every backend.
 *
 * tfjs-core's Conv2D gradient needs the backend's `Conv2DBackpropFilter` kernel. tfjs-backend-wasm
 * 4.22 has none, so a conv net cannot train on wasm through `tf.conv2d` (tfjs-layers cannot), and
 * tfjs-backend-cpu's is a plain loop nest: measured here for a 64x28x28x1 batch and a 3x3x1x16
 * kernel, 1,002 ms, and for 64x13x13x16 and 3x3x16x32, 6,244 ms. The filter gradient here is one
 * matrix product over image patches (see `filterGradient`): 43 ms and 145 ms on cpu, 1.9 ms and
 * 10.8 ms on wasm. The input gradient, skipped for a model input (which needs none), is
 * `conv2dInputGradient`: each backend's fastest measured way.
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
    forward: (xi, ki) => tf.conv2d(xi, ki, s, forwardPadding(padding, xi.shape, ki.shape, s)),
    inputGradient: (dy, xs, ks) => conv2dInputGradient(dy, xs.shape, ks, s, padding),
    kernelGradient: (dy, xs, kernelShape) => filterGradient(xs, dy, kernelShape, s, padding),
  }, inputNeedsGradient);
}

/**
 * `dL/dx` of `conv2d(x, W)` for `x` of `xShape`, from `dy`. tfjs-backend-wasm 4.22's
 * `Conv2DBackpropInput` (behind `conv2dTranspose`) is a plain loop; its forward `Conv2D` is not.
 * So on wasm, for strides whose product is at most 2, this is a forward convolution of `dy`
 * (spread by the strides and padded, see `forwardInputGradient`) with the kernel flipped
 * spatially and its channel axes swapped. Measured on wasm (median of 7, ms, loop -> forward):
 * `[32, 12, 12, 8]` 3x3 8->32 'same' 21.4 -> 4.1; `[64, 26, 26, 8]` 3x3 8->16 76.3 -> 16.8;
 * `[32, 1, 100, 64]` 1x5 64->64 110.5 -> 5.6, with strides [1, 2] (1x4) 33.4 -> 9.5. With strides
 * 2x2 three quarters of the spread `dy` are zeros and the forward way lost for small kernels
 * (3x3 8->16 20.3 -> 24.8, 2x2 14.8 -> 17.7), so those keep the loop. On cpu `conv2dTranspose` won
 * every case, by 1.4x to 54x (strides 1, 3x3 8->32: 36 against 88 ms), and other backends are unmeasured:
 * both keep tfjs's kernel.
 */
export function conv2dInputGradient(
  dy: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  if (tf.getBackend() === 'wasm' && strides[0] * strides[1] <= 2) {
    return tf.tidy(() => forwardInputGradient(dy, xShape, tf.transpose(tf.reverse(kernel, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D, strides, padding, tf.conv2d));
  }
  return tf.conv2dTranspose(dy, kernel, [...xShape], [strides[0], strides[1]], padding);
}

/**
 * `dx[i] = sum_t dy'[i + before - t] W[t]`, with `dy'` = `dy` spread by the strides (`s - 1`
 * zeros between its rows and between its columns) and `before` the forward pass's padding before:
 * a 'valid' `conv` of `dy'` padded by `window - 1 - before` before (and whatever completes the
 * input's length after) with `flipped`, the kernel reversed along both spatial axes (and, for a
 * full convolution, its in and out channels swapped; the caller does that).
 */
export function forwardInputGradient(
  dy: tf.Tensor4D,
  xShape: readonly [number, number, number, number],
  flipped: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
  conv: (x: tf.Tensor4D, kernel: tf.Tensor4D, strides: 1, padding: 'valid') => tf.Tensor4D,
): tf.Tensor4D {
  let spread = dy;
  for (const axis of [1, 2]) {
    const s = strides[axis - 1]!;
    if (s === 1) continue;
    const shape = spread.shape;
    const pads: Array<[number, number]> = [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]];
    pads[axis + 1] = [0, s - 1];
    const size = [...shape] as [number, number, number, number];
    size[axis] = (shape[axis]! - 1) * s + 1;
    const long = [...shape] as [number, number, number, number];
    long[axis] = shape[axis]! * s;
    spread = tf.slice(tf.reshape(tf.pad(tf.expandDims(spread, axis + 1), pads), long), [0, 0, 0, 0], size) as tf.Tensor4D;
  }
  const pads = [0, 1].map((axis): [number, number] => {
    const window = flipped.shape[axis]!;
    const length = xShape[axis + 1]!;
    const before = padding === 'same' ? samePadding(length, window, strides[axis]!)[0] : 0;
    return [window - 1 - before, length + before - spread.shape[axis + 1]!];
  });
  return conv(tf.pad(spread, [[0, 0], ...pads, [0, 0]]) as tf.Tensor4D, flipped, 1, 'valid');
}

/** Explicit padding: `[[0, 0], [top, bottom], [left, right], [0, 0]]`. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * `padding` for a forward `tf.conv2d` or `tf.depthwiseConv2d` of `x` with a window `kernelShape`:
 * on wasm, 'same' with a stride > 1 as the explicit TensorFlow padding. tfjs-backend-wasm 4.22's
 * own 'same' (XNNPACK's TensorFlow-same flag) returns zeros or shifted values where the last
 * window stops short of the input's end (`(out - 1) * stride + window < length`: a 1x1 kernel with
 * strides 2 over an even size, 2 rows with strides 3 over 6; found for lengths 1-7, windows 1-4,
 * strides 1-4 against cpu); given explicitly, the same padding matches cpu exactly.
 */
export function forwardPadding(
  padding: Padding,
  xShape: readonly number[],
  kernelShape: readonly number[],
  strides: readonly [number, number],
): Padding | ExplicitPadding {
  if (padding === 'valid' || (strides[0] === 1 && strides[1] === 1) || tf.getBackend() !== 'wasm') return padding;
  return [[0, 0], samePadding(xShape[1]!, kernelShape[0]!, strides[0]), samePadding(xShape[2]!, kernelShape[1]!, strides[1]), [0, 0]];
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
    const patches = tf.depthwiseConv2d(x, oneHot, [strides[0], strides[1]], forwardPadding(padding, x.shape, kernelShape, strides));
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
