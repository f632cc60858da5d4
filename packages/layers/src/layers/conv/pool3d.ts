import { tf } from '../../engine/tfjs.js';
import type { PoolMode } from './base-pooling.js';
import { samePadding, type Padding } from './conv-utils.js';
import { maxPool3dGradientKernel, tfjsPadding3dRight } from './backend-3d-kernels.js';

type Grad = Parameters<typeof tf.customGrad>[0];

/** The padding never wins a window: the lowest value of the input's dtype (float32 or int32). */
const lowest = (x: tf.Tensor): number => (x.dtype === 'int32' ? -2147483648 : -3.4028234663852886e38);

/**
 * Max or average pooling of `[batch, depth, height, width, channels]`, with gradients right on
 * every backend.
 *
 * Max pooling is tfjs-core's `maxPool3d`, with its gradient, where Ridge trusts the backend's
 * `MaxPool3DGrad` (`maxPool3dGradientKernel`: cpu, for windows of equal height and width or of
 * height 1), and `maxPool3dReference` elsewhere. For an 8x12x12x12x4 input on cpu, forward and
 * gradient: a 3x3x3 'same' pool with strides 2, 35-37 ms against the reference's 444-505 ms;
 * with strides 1, 262-390 ms against 736-758 ms; a 2x2x2 pool, 15-24 ms against 23-31 ms.
 */
export function pool3d(x: tf.Tensor5D, window: readonly number[], strides: readonly number[], padding: Padding, mode: PoolMode): tf.Tensor5D {
  const size: [number, number, number] = [window[0]!, window[1]!, window[2]!];
  const step: [number, number, number] = [strides[0]!, strides[1]!, strides[2]!];
  const pads = padsOf(x, size, step, padding);
  if (mode === 'max') {
    if (!maxPool3dGradientKernel(tf.getBackend(), size, x.dtype)) return maxPool3d(x, size, step, pads);
    // tfjs's own 'same' leaves padding out of the windows, as TensorFlow, wherever its rule is TensorFlow's.
    if (tfjsPadding3dRight(x.shape.slice(1, 4), size, step, padding)) return tf.maxPool3d(x, size, step, padding);
    return tf.maxPool3d(padLowest(x, pads), size, step, 'valid');
  }
  if (pads.every(([before, after]) => before === 0 && after === 0)) return tf.avgPool3d(x, size, step, 'valid');
  // As pool2d: a 'same' border window averages only its real inputs (TensorFlow's rule). tfjs's
  // AvgPool3DGrad divides by the full window there, so pad explicitly and divide by the count.
  const paddings: [number, number][] = [[0, 0], ...pads, [0, 0]];
  const means = tf.avgPool3d(tf.pad(x, paddings) as tf.Tensor5D, size, step, 'valid');
  const realFraction = tf.avgPool3d(tf.pad(tf.ones([1, x.shape[1], x.shape[2], x.shape[3], 1]), paddings) as tf.Tensor5D, size, step, 'valid');
  return tf.div(means, realFraction);
}

/**
 * Max pooling without tfjs's MaxPool3D kernels, which cannot be used on both backends:
 * tfjs-backend-wasm 4.22's `MaxPool3D` gives wrong maxima for windows such as [2, 1, 2] and
 * [2, 2, 1], and tfjs-backend-cpu 4.22's `MaxPool3DGrad` sends gradients to the wrong inputs for
 * windows such as [2, 3, 2] (both measured against a plain loop). The maximum over a box is the
 * maximum over depth of the maxima over height of the maxima over width, so the layer pools one
 * axis at a time (`maxAlong`), from slices, reshapes and a reduction, whose gradients every
 * backend has. Forward and gradient for an 8x12x12x12x4 input and a 2x2x2 pool took 27-32 ms on
 * cpu and 3-8 ms on wasm, about as long as tf.maxPool3d's where it is right (58-135 ms on cpu,
 * 2-20 ms on wasm, on a loaded machine); a 3x3x3 pool with strides 2, 41 ms on wasm, against
 * 2.1 s through one-hot patches.
 */
function maxPool3d(x: tf.Tensor5D, window: Triple, strides: Triple, pads: [number, number][]): tf.Tensor5D {
  let y: tf.Tensor = padLowest(x, pads);
  for (const axis of [0, 1, 2]) y = maxAlong(y, axis + 1, window[axis]!, strides[axis]!);
  return y as tf.Tensor5D;
}

/** `pool3d`'s max pooling without tfjs's MaxPool3D kernels, on every backend: see `maxPool3d`. */
export function maxPool3dReference(x: tf.Tensor5D, window: Triple, strides: Triple, padding: Padding): tf.Tensor5D {
  return maxPool3d(x, window, strides, padsOf(x, window, strides, padding));
}

/** TensorFlow's padding of each spatial axis, `[before, after]`. */
function padsOf(x: tf.Tensor5D, window: Triple, strides: Triple, padding: Padding): [number, number][] {
  return [0, 1, 2].map((axis): [number, number] => (padding === 'same' ? samePadding(x.shape[axis + 1]!, window[axis]!, strides[axis]!) : [0, 0]));
}

/** `x` padded by `pads` with the lowest value of its dtype, or `x` itself. */
function padLowest(x: tf.Tensor5D, pads: [number, number][]): tf.Tensor5D {
  return pads.some(([before, after]) => before > 0 || after > 0) ? tf.pad(x, [[0, 0], ...pads, [0, 0]], lowest(x)) : x;
}

type Triple = readonly [number, number, number];

/** 1-D max pooling ('valid') of `x` along `axis`: windows of `size` entries every `stride`. */
function maxAlong(x: tf.Tensor, axis: number, size: number, stride: number): tf.Tensor {
  const shape = x.shape;
  const length = shape[axis]!;
  const out = Math.floor((length - size) / stride) + 1;
  const before = shape.slice(0, axis).reduce((a, d) => a * d, 1);
  const after = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const result = [...shape];
  result[axis] = out;
  if (size === 1 && stride === 1) return x;
  let windows: tf.Tensor3D;
  if (size === stride) {
    // The windows tile the axis: blocks of a reshape ('valid' leaves the rest out).
    const tiled = out * size === length ? x : tf.slice(tf.reshape(x, [before, length, after]), [0, 0, 0], [before, out * size, after]);
    windows = tf.reshape(tiled, [before * out, size, after]) as tf.Tensor3D;
  } else {
    // Tap t of window o is entry o * stride + t: for each t, the entries t, t + stride, ... are
    // index 0 of `stride`-long blocks starting at t. The end is padded so every tap has `out`
    // whole blocks; the padding sits at block indices other than 0, never read.
    const needed = size - 1 + out * stride;
    const x3 = tf.reshape(x, [before, length, after]) as tf.Tensor3D;
    const padded = needed > length ? tf.pad(x3, [[0, 0], [0, needed - length], [0, 0]], lowest(x3)) : x3;
    const taps = Array.from({ length: size }, (_, t) => {
      const blocks = tf.reshape(tf.slice(padded, [0, t, 0], [before, out * stride, after]), [before, out, stride, after]);
      return tf.reshape(tf.slice(blocks, [0, 0, 0, 0], [before, out, 1, after]), [before * out, 1, after]);
    });
    windows = (size === 1 ? taps[0]! : tf.concat(taps, 1)) as tf.Tensor3D;
  }
  return tf.reshape(firstMax(windows), result);
}

/**
 * The maximum over the middle axis of `[a, p, b]`; its gradient goes to the first maximum only,
 * as TensorFlow's pooling gradients do (tf.max's would go to every tied entry, so repeated inputs,
 * from UpSampling3D say, would get their gradient once per copy).
 */
function firstMax(x: tf.Tensor3D): tf.Tensor2D {
  if (x.shape[1] === 1) return tf.reshape(x, [x.shape[0], x.shape[2]]);
  const f = (xi: tf.Tensor3D, save: tf.GradSaveFunc) => {
    save([xi]);
    return {
      value: tf.max(xi, 1) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor2D, [xs]: tf.Tensor[]) =>
        tf.tidy(() => {
          // An int32 one-hot, then cast: tfjs-backend-wasm 4.22's OneHot with dtype 'float32'
          // writes the integer bits of 1 (1.4e-45) into the float buffer.
          const first = tf.cast(tf.oneHot(tf.argMax(xs!, 1), xs!.shape[1]!), 'float32');
          return tf.mul(tf.transpose(first, [0, 2, 1]), tf.expandDims(dy, 1));
        }),
    };
  };
  return (tf.customGrad(f as unknown as Grad) as unknown as (a: tf.Tensor3D) => tf.Tensor2D)(x);
}
