import { tf } from '../../engine/tfjs.js';
import { samePadding, type Padding } from './conv-utils.js';
import { withOwnGradients } from './kernel-op.js';
import { conv3dGradientKernels, tfjsPadding3dRight } from './backend-3d-kernels.js';

export type Triple = readonly [number, number, number];
type Shape5 = [number, number, number, number, number];

/**
 * A 3-D convolution (NDHWC, dilation 1) that trains right on every backend, with the backend's
 * own gradient kernels where Ridge trusts them (`conv3dGradientKernels`) and Ridge's
 * (`conv3dReference`) elsewhere.
 *
 * On cpu, tfjs-core's Conv3D gradient is right in every case, and about 3x as fast as Ridge's:
 * for an 8x12x12x12x4 input and a 3x3x3x4x8 kernel ('same'), forward and both gradients, 87-98 ms
 * against 249-267 ms, and with strides 2, 13-14 ms against 112-119 ms. So there this is
 * `tf.conv3d` with tfjs-core's gradient, and its own 'same' padding wherever that is
 * TensorFlow's (`tfjsPadding3dRight`): an explicit `tf.pad` costs more than the convolution on cpu
 * (134 ms and 49 ms for the two cases above).
 *
 * On wasm the filter gradient with strides 1 is the backend's `Conv3DBackpropFilterV2` (63 ms
 * where Ridge's takes 260 ms, for the case above); the rest is Ridge's.
 */
export function conv3dOp(input: tf.Tensor5D, kernel: tf.Tensor5D, strides: Triple, padding: Padding, inputNeedsGradient: boolean): tf.Tensor5D {
  const trusted = conv3dGradientKernels(tf.getBackend(), strides);
  if (!trusted.input || !trusted.kernel) return ownGradients(input, kernel, strides, padding, inputNeedsGradient, trusted.kernel);
  const s: [number, number, number] = [strides[0], strides[1], strides[2]];
  return tfjsPadding3dRight(input.shape.slice(1, 4), kernel.shape, strides, padding)
    ? tf.conv3d(input, kernel, s, padding)
    : tf.conv3d(padSame(input, kernel.shape, strides, padding), kernel, s, 'valid');
}

/**
 * `conv3dOp` with Ridge's gradients on every backend, computed from forward `conv3d`s and one
 * matrix product.
 *
 * tfjs-core's Conv3D gradient calls the backend's `Conv3DBackpropInputV2` and
 * `Conv3DBackpropFilterV2`. Both backends register them, but tfjs-backend-wasm 4.22's give wrong
 * values: its input gradient for most shapes (in particular as soon as the kernel has more than
 * one input or output channel), and its filter gradient as soon as a stride is above 1 (measured
 * against `d sum(conv3d(x, k) * g) / d k_i = sum(conv3d(x, e_i) * g)`; cpu's agree with it).
 * The forward `Conv3D` of both backends agrees with a plain loop, so the input gradient here is
 * the transposed convolution written as a forward one (`conv3dInputGradient`), skipped for a model
 * input, and the kernel gradient is a product over patches (`conv3dFilterGradient`). The price,
 * for an 8x12x12x12x4 input and a 3x3x3x4x8 kernel ('same'), forward and both gradients, on a
 * loaded 2-core machine: 270-320 ms on cpu against tfjs-core's 105-116 ms, and 395 ms on wasm
 * (tfjs-core's, wrong there: 66 ms); with strides 2, 126-141 ms on cpu (tfjs-core: 18-27 ms) and
 * 117-121 ms on wasm (9 ms). Most of it is the patches: taps x taps products per position.
 *
 * 'same' padding is added here, explicitly: tfjs-core 4.22's 3-D 'same' rule leaves out
 * TensorFlow's `max(0, ...)`, so where a stride exceeds the window (kernel 1, stride 2 on an even
 * size, say) it pads by a negative amount and shifts the windows.
 */
export function conv3dReference(input: tf.Tensor5D, kernel: tf.Tensor5D, strides: Triple, padding: Padding, inputNeedsGradient: boolean): tf.Tensor5D {
  return ownGradients(input, kernel, strides, padding, inputNeedsGradient, false);
}

/** Ridge's gradients, with the backend's filter gradient (strides 1, 'valid' after padding) when `backendFilter`. */
function ownGradients(input: tf.Tensor5D, kernel: tf.Tensor5D, strides: Triple, padding: Padding, inputNeedsGradient: boolean, backendFilter: boolean): tf.Tensor5D {
  const s: [number, number, number] = [strides[0], strides[1], strides[2]];
  return withOwnGradients(padSame(input, kernel.shape, strides, padding), kernel, {
    forward: (xi, ki) => tf.conv3d(xi, ki, s, 'valid'),
    inputGradient: (dy, xs, ks) => conv3dInputGradient(dy, ks, xs.shape, s, 'valid'),
    kernelGradient: (dy, xs, kernelShape) =>
      backendFilter
        ? tf.engine().runKernel<tf.Tensor5D>('Conv3DBackpropFilterV2', { x: xs, dy }, { strides: s, pad: 'valid', filterShape: [...kernelShape] })
        : conv3dFilterGradient(xs, dy, kernelShape, s, 'valid'),
  }, inputNeedsGradient);
}

/** `x` with TensorFlow's 'same' padding for `window` and `strides` (zeros, the odd one after), or `x` itself. */
export function padSame(x: tf.Tensor5D, window: readonly number[], strides: Triple, padding: Padding): tf.Tensor5D {
  if (padding === 'valid') return x;
  const pads = [0, 1, 2].map((axis) => samePadding(x.shape[axis + 1]!, window[axis]!, strides[axis]!));
  return pads.some(([before, after]) => before > 0 || after > 0) ? tf.pad(x, [[0, 0], ...pads, [0, 0]]) : x;
}

/**
 * `dL/dx` of `conv3d(x, W)` for `x` of `xShape`, from `dy`: along each axis `dx[i] = sum_t
 * dy[o] W[t]` over `o * stride + t - padBefore = i`.
 *
 * With strides 1 that is a 'valid' correlation of `dy`, padded by `kernel - 1 - padBefore` before
 * (and whatever completes the input's length after), with the kernel flipped and its channel axes
 * swapped. With strides above 1, spreading `dy` by zeros would make most of that work
 * multiplications by zero (7 in 8 for strides 2), so the input positions are split by phase
 * instead: along an axis, `j = i + padBefore = q * stride + r` only meets taps `t = r + m * stride`,
 * and `dx[j] = sum_m dy[q - m] W[r + m * stride]` is a stride-1 convolution of `dy` with that
 * phase's taps. One per phase, then the phases are interleaved and the padding cut off.
 */
export function conv3dInputGradient(dy: tf.Tensor5D, kernel: tf.Tensor5D, xShape: readonly number[], strides: Triple, padding: Padding): tf.Tensor5D {
  return tf.tidy(() => {
    const before = [0, 1, 2].map((axis) => (padding === 'same' ? samePadding(xShape[axis + 1]!, kernel.shape[axis]!, strides[axis]!)[0] : 0));
    // [kd, kh, kw, c, f] -> flipped taps, [.., f, c]: correlating with it convolves with the kernel.
    const flip = (k: tf.Tensor) => tf.transpose(tf.reverse(k, [0, 1, 2]), [0, 1, 2, 4, 3]) as tf.Tensor5D;
    if (strides.every((s) => s === 1)) {
      const pads = [0, 1, 2].map((axis): [number, number] => {
        const window = kernel.shape[axis]!;
        return [window - 1 - before[axis]!, xShape[axis + 1]! + before[axis]! - dy.shape[axis + 1]!];
      });
      return tf.conv3d(tf.pad(dy, [[0, 0], ...pads, [0, 0]]) as tf.Tensor5D, flip(kernel), 1, 'valid');
    }
    const [n, , , , c] = xShape as Shape5;
    // Positions j = q * stride + r for q < blocks cover [0, padBefore + length).
    const blocks = [0, 1, 2].map((axis) => Math.ceil((xShape[axis + 1]! + before[axis]!) / strides[axis]!));
    const phase = (r: readonly number[]): tf.Tensor5D => {
      const taps = [0, 1, 2].map((axis) => Math.max(0, Math.ceil((kernel.shape[axis]! - r[axis]!) / strides[axis]!)));
      if (taps.some((m) => m === 0)) return tf.zeros([n, blocks[0]!, blocks[1]!, blocks[2]!, c]);
      const end = [0, 1, 2].map((axis) => r[axis]! + (taps[axis]! - 1) * strides[axis]! + 1);
      const sub = tf.stridedSlice(kernel, [r[0]!, r[1]!, r[2]!, 0, 0], [end[0]!, end[1]!, end[2]!, kernel.shape[3], kernel.shape[4]], [strides[0], strides[1], strides[2], 1, 1]);
      // q - m for m < taps: dy padded by taps - 1 before, and to `blocks` entries after.
      const pads = [0, 1, 2].map((axis): [number, number] => [taps[axis]! - 1, blocks[axis]! - dy.shape[axis + 1]!]);
      return tf.conv3d(tf.pad(dy, [[0, 0], ...pads, [0, 0]]) as tf.Tensor5D, flip(sub), 1, 'valid');
    };
    // Interleave: width phases next to each other, then height, then depth.
    const range = (k: number) => Array.from({ length: k }, (_, i) => i);
    const [sd, sh, sw] = strides;
    const [bd, bh, bw] = blocks as [number, number, number];
    const depths = range(sd).map((rd) => {
      const heights = range(sh).map((rh) => {
        const widths = range(sw).map((rw) => phase([rd, rh, rw]));
        return tf.reshape(tf.stack(widths, 4), [n, bd, bh, bw * sw, c]);
      });
      return tf.reshape(tf.stack(heights, 3), [n, bd, bh * sh, bw * sw, c]);
    });
    const all = tf.reshape(tf.stack(depths, 2), [n, bd * sd, bh * sh, bw * sw, c]);
    return tf.slice(all, [0, before[0]!, before[1]!, before[2]!, 0], [n, xShape[1]!, xShape[2]!, xShape[3]!, c]) as tf.Tensor5D;
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
    const padded = padSame(x, kernelShape, strides, padding);
    const [n, d, h, w, c] = padded.shape;
    const [, od, oh, ow, f] = dy.shape;
    const [kd, kh, kw] = kernelShape as Shape5;
    const taps = kd * kh * kw;
    const rows = n * od * oh * ow;
    const channels = tf.reshape(tf.transpose(padded, [4, 0, 1, 2, 3]), [c * n, d, h, w, 1]) as tf.Tensor5D;
    const patches = tf.reshape(tf.conv3d(channels, oneHotWindow([kd, kh, kw]), [strides[0], strides[1], strides[2]], 'valid'), [c, rows, taps]) as tf.Tensor3D;
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
