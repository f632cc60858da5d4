import * as tf from '@tensorflow/tfjs-core';
import type { Padding } from './conv-utils.js';

/**
 * A 2-D convolution (NHWC, dilation 1) that trains on every backend.
 *
 * tfjs-core's Conv2D gradient needs the backend's `Conv2DBackpropFilter` kernel, and
 * tfjs-backend-wasm 4.22 has none: a conv net cannot train on wasm through `tf.conv2d` (neither
 * tfjs-layers nor Ridge could). Where the kernel is missing, the filter gradient is computed here
 * as one matrix product over image patches (im2col): every output position's receptive field,
 * `kh * kw * c` values, is a row of `cols`, and `dW = cols^T dy`. The input gradient uses
 * `conv2dTranspose` (the backends' `Conv2DBackpropInput`, which wasm has), and is skipped for a
 * model input, which needs none.
 */
export function conv2dOp(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: readonly [number, number],
  padding: Padding,
  inputNeedsGradient: boolean,
): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend())) return tf.conv2d(x, kernel, [strides[0], strides[1]], padding);
  const s: [number, number] = [strides[0], strides[1]];
  type Grad = Parameters<typeof tf.customGrad>[0];
  if (inputNeedsGradient) {
    const f = (xi: tf.Tensor4D, ki: tf.Tensor4D, save: tf.GradSaveFunc) => {
      save([xi, ki]);
      return {
        value: tf.conv2d(xi, ki, s, padding),
        gradFunc: (dy: tf.Tensor4D, [xs, ks]: tf.Tensor[]) => [
          tf.conv2dTranspose(dy, ks as tf.Tensor4D, xs!.shape as [number, number, number, number], s, padding),
          filterGradient(xs as tf.Tensor4D, dy, ks!.shape as [number, number, number, number], s, padding),
        ],
      };
    };
    return (tf.customGrad(f as unknown as Grad) as unknown as (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D)(x, kernel);
  }
  // x is data: only the kernel gets a gradient. x is not an input of the node, but it is saved:
  // a padded or reshaped copy made in the forward pass is freed when the forward pass ends.
  const f = (ki: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([x]);
    return {
      value: tf.conv2d(x, ki, s, padding),
      gradFunc: (dy: tf.Tensor4D, [xs]: tf.Tensor[]) => [filterGradient(xs as tf.Tensor4D, dy, ki.shape as [number, number, number, number], s, padding)],
    };
  };
  return (tf.customGrad(f as unknown as Grad) as unknown as (k: tf.Tensor4D) => tf.Tensor4D)(kernel);
}

/** `dL/dW` of `conv2d(x, W)` for `W` of `kernelShape`, from `dy = dL/dy`, by im2col. */
export function filterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  kernelShape: readonly [number, number, number, number],
  strides: readonly [number, number],
  padding: Padding,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const [, oh, ow, f] = dy.shape;
    const [kh, kw] = kernelShape;
    const [sh, sw] = strides;
    // TensorFlow's 'same': the padding needed for ceil(in / stride) outputs, the odd one at the end.
    const padH = padding === 'same' ? Math.max((oh - 1) * sh + kh - h, 0) : 0;
    const padW = padding === 'same' ? Math.max((ow - 1) * sw + kw - w, 0) : 0;
    const top = Math.floor(padH / 2);
    const left = Math.floor(padW / 2);
    const xp = padH + padW > 0 ? tf.pad(x, [[0, 0], [top, padH - top], [left, padW - left], [0, 0]]) : x;
    const patches: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const end = [n, i + sh * (oh - 1) + 1, j + sw * (ow - 1) + 1, c];
        patches.push(
          sh === 1 && sw === 1
            ? tf.slice(xp, [0, i, j, 0], [n, oh, ow, c])
            : tf.stridedSlice(xp, [0, i, j, 0], end, [1, sh, sw, 1]),
        );
      }
    }
    // Row r of cols is output position r's receptive field, ordered (i, j, channel) as W is.
    const m = n * oh * ow;
    const cols = tf.reshape(patches.length === 1 ? patches[0]! : tf.concat(patches, 3), [m, kh * kw * c]);
    // An explicit transpose: on wasm a product with a transpose flag is several times slower.
    const dW = tf.matMul(tf.transpose(cols) as tf.Tensor2D, tf.reshape(dy, [m, f]) as tf.Tensor2D);
    return tf.reshape(dW, [kh, kw, c, f]) as tf.Tensor4D;
  });
}
