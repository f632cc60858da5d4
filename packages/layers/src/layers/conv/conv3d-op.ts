import { tf } from '../../engine/tfjs.js';
import { dilateKernel } from './base-conv.js';
import { samePadding, type Padding } from './conv-utils.js';

export type Triple = readonly [number, number, number];
type Shape5 = [number, number, number, number, number];
type Grad = Parameters<typeof tf.customGrad>[0];

/**
 * A 3-D convolution (NDHWC, dilation 1) whose gradients are computed from forward `conv3d`s and
 * one matrix product, so it trains the same on every backend.
 *
 * tfjs-core's Conv3D gradient calls the backend's `Conv3DBackpropInputV2` and
 * `Conv3DBackpropFilterV2`. Both backends register them, but tfjs-backend-wasm 4.22's give wrong
 * values: its input gradient is wrong as soon as the kernel has more than one input or output
 * channel, and its filter gradient as soon as a stride is above 1 (measured against
 * `d sum(conv3d(x, k) * g) / d k_i = sum(conv3d(x, e_i) * g)`; cpu's agree with it).
 * The forward `Conv3D` of both backends agrees with a plain loop, so the input gradient here is
 * the transposed convolution written as a forward one (`conv3dInputGradient`), skipped for a model
 * input, and the kernel gradient is a product over patches (`conv3dFilterGradient`). For an
 * 8x12x12x12x4 input and a 3x3x3x4x8 kernel ('same'), forward and both gradients take 225 ms on
 * cpu (tfjs-core's own: 170 ms) and 450 ms on wasm (tfjs-core's own, wrong there: 152 ms).
 */
export function conv3dOp(x: tf.Tensor5D, kernel: tf.Tensor5D, strides: Triple, padding: Padding, inputNeedsGradient: boolean): tf.Tensor5D {
  const s: [number, number, number] = [strides[0], strides[1], strides[2]];
  if (inputNeedsGradient) {
    const f = (xi: tf.Tensor5D, ki: tf.Tensor5D, save: tf.GradSaveFunc) => {
      save([xi, ki]);
      return {
        value: tf.conv3d(xi, ki, s, padding),
        gradFunc: (dy: tf.Tensor5D, [xs, ks]: tf.Tensor[]) => [
          conv3dInputGradient(dy, ks as tf.Tensor5D, xs!.shape as Shape5, s, padding),
          conv3dFilterGradient(xs as tf.Tensor5D, dy, ks!.shape as Shape5, s, padding),
        ],
      };
    };
    return (tf.customGrad(f as unknown as Grad) as unknown as (a: tf.Tensor5D, b: tf.Tensor5D) => tf.Tensor5D)(x, kernel);
  }
  // As conv2dOp: x is data, saved but not an input of the node.
  const f = (ki: tf.Tensor5D, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.conv3d(x, ki, s, padding),
      gradFunc: (dy: tf.Tensor5D, [xs]: tf.Tensor[]) => [conv3dFilterGradient(xs as tf.Tensor5D, dy, ki.shape as Shape5, s, padding)],
    };
  };
  return (tf.customGrad(f as unknown as Grad) as unknown as (k: tf.Tensor5D) => tf.Tensor5D)(kernel);
}

/**
 * `dL/dx` of `conv3d(x, W)` for `x` of `xShape`, from `dy`: along each axis `dx[i] = sum_t
 * dy[o] W[t]` over `o * stride + t - padBefore = i`. That is a stride-1 'valid' correlation of
 * `dy` spread by the strides (zeros between entries), padded by `kernel - 1 - padBefore` before
 * (and whatever completes the input's length after), with the kernel flipped and its channel axes
 * swapped.
 */
export function conv3dInputGradient(dy: tf.Tensor5D, kernel: tf.Tensor5D, xShape: readonly number[], strides: Triple, padding: Padding): tf.Tensor5D {
  return tf.tidy(() => {
    const pads: [number, number][] = [0, 1, 2].map((axis) => {
      const length = xShape[axis + 1]!;
      const window = kernel.shape[axis]!;
      const before = padding === 'same' ? samePadding(length, window, strides[axis]!)[0] : 0;
      return [window - 1 - before, length + before - (dy.shape[axis + 1]! - 1) * strides[axis]! - 1];
    });
    const spread = dilateKernel(dy, [1, ...strides]);
    const padded = tf.pad(spread, [[0, 0], ...pads, [0, 0]]) as tf.Tensor5D;
    const flipped = tf.transpose(tf.reverse(kernel, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
    return tf.conv3d(padded, flipped, 1, 'valid');
  });
}

/**
 * `dL/dW` of `conv3d(x, W)` for `W` of `kernelShape`, from `dy`: for each input channel, `dy`
 * (`[filters, positions]`) times that channel's patches (`[positions, taps]`), all channels in
 * one batched product. The patches are taken channel-major, so neither they nor the product
 * need a large transpose.
 */
export function conv3dFilterGradient(x: tf.Tensor5D, dy: tf.Tensor5D, kernelShape: readonly number[], strides: Triple, padding: Padding): tf.Tensor5D {
  return tf.tidy(() => {
    const [n, d, h, w, c] = x.shape;
    const [, od, oh, ow, f] = dy.shape;
    const [kd, kh, kw] = kernelShape as Shape5;
    const taps = kd * kh * kw;
    const rows = n * od * oh * ow;
    const channels = tf.reshape(tf.transpose(x, [4, 0, 1, 2, 3]), [c * n, d, h, w, 1]) as tf.Tensor5D;
    const patches = tf.reshape(tf.conv3d(channels, oneHotWindow([kd, kh, kw]), [strides[0], strides[1], strides[2]], padding), [c, rows, taps]) as tf.Tensor3D;
    const dyT = tf.reshape(tf.transpose(tf.reshape(dy, [rows, f])), [1, f, rows]) as tf.Tensor3D;
    // [c, f, taps] -> [taps, c, f]
    return tf.reshape(tf.transpose(tf.matMul(dyT, patches), [2, 0, 1]), [kd, kh, kw, c, f]) as tf.Tensor5D;
  });
}

/** The kernel `[kd, kh, kw, 1, taps]` that copies tap `(i, j, k)` of a window to output channel `(i * kh + j) * kw + k`. */
export function oneHotWindow(window: Triple): tf.Tensor5D {
  const taps = window[0] * window[1] * window[2];
  const data = new Float32Array(taps * taps);
  for (let t = 0; t < taps; t++) data[t * taps + t] = 1;
  return tf.tensor5d(data, [window[0], window[1], window[2], 1, taps]);
}
