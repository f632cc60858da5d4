import type { Padding } from './conv-utils.js';

type Triple = readonly [number, number, number];

/** Which of a backend's Conv3D gradient kernels give right values for `strides`. */
export interface Conv3DGradientKernels {
  /** `Conv3DBackpropInputV2`. */
  readonly input: boolean;
  /** `Conv3DBackpropFilterV2`. */
  readonly kernel: boolean;
}

/**
 * The 3-D gradient kernels of tfjs 4.22 that Ridge trusts, by backend name and case; any other
 * backend or case gets Ridge's own gradients. Each entry was compared with Ridge's gradients on
 * random shapes (kernels 1-6 per axis, strides 1-5, 1-5 channels, 'valid' and 'same'), and is
 * pinned by a table of random cases in conv3d-op.test.ts and pool3d.test.ts:
 *
 * - cpu: both Conv3D gradients, every case.
 * - wasm: the filter gradient with strides 1 only (with a stride above 1 it is wrong); the input
 *   gradient never (wrong for most shapes, even one channel in and out).
 */
export function conv3dGradientKernels(backend: string, strides: Triple): Conv3DGradientKernels {
  if (backend === 'cpu') return { input: true, kernel: true };
  return { input: false, kernel: backend === 'wasm' && strides.every((s) => s === 1) };
}

/**
 * Whether tfjs-backend-cpu 4.22's `MaxPool3DGrad` is right for `window` of a float32 input. It
 * finds each window's maximum at tap `d * kh * kw + h * kh + w` but reads it back at
 * `d * kh * kw + h * kw + w`: the two agree when the window's height and width are equal or its
 * height is 1. On exact ties within a window it sends the gradient to the last maximum (Ridge's
 * own path: the first); one entry per window either way.
 */
export function maxPool3dGradientKernel(backend: string, window: Triple, dtype: string): boolean {
  return backend === 'cpu' && dtype === 'float32' && (window[1] === window[2] || window[1] === 1);
}

/**
 * Whether tfjs-core 4.22's own 3-D `padding` is TensorFlow's for this input. Its 'same' rule
 * leaves out TensorFlow's `max(0, ...)`, so it is wrong (a negative padding that shifts the
 * windows) exactly where `(ceil(size / stride) - 1) * stride + window < size` on some axis.
 */
export function tfjsPadding3dRight(spatial: readonly number[], window: readonly number[], strides: readonly number[], padding: Padding): boolean {
  return padding === 'valid' || spatial.every((size, axis) => (Math.ceil(size / strides[axis]!) - 1) * strides[axis]! + window[axis]! >= size);
}
