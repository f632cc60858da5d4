import { RidgeError } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who, type Described } from '../../engine/errors.js';
import { formatShape, type Shape } from '../../engine/shape.js';

export type ResizeInterpolation = 'bilinear' | 'nearest';

/** SHAPE_MISMATCH unless `shape` is `[batch, height, width, channels]`. */
export function expectImages(owner: Described, shape: Shape): void {
  if (shape.length === 4) return;
  throw new RidgeError(
    'SHAPE_MISMATCH',
    `${who(owner)}: expected images of rank 4, [batch, height, width, channels] (channels last); received shape ${formatShape(shape)}. ` +
      'Add the batch axis to a single image with tf.expandDims(image, 0).',
    { layer: owner.name, argument: 'inputs', received: [...shape] },
  );
}

/** The shape of `[batch, height, width, channels]` images made `height x width` (SHAPE_MISMATCH for another rank). */
export function resizedShape(owner: Described, shape: Shape, height: number, width: number): Shape {
  expectImages(owner, shape);
  return [shape[0]!, height, width, shape[3]!];
}

/** A crop window of an image: its first row and column and its size. */
export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/**
 * Keras's `crop_to_aspect_ratio` window (`smart_resize`): the largest centered window of a
 * `height x width` image with the target's aspect ratio, sizes truncated and at least 1.
 */
export function aspectCropBox(height: number, width: number, targetHeight: number, targetWidth: number): CropBox {
  const cropHeight = Math.max(Math.min(height, Math.trunc((width * targetHeight) / targetWidth)), 1);
  const cropWidth = Math.max(Math.min(width, Math.trunc((height * targetWidth) / targetHeight)), 1);
  return { top: Math.trunc((height - cropHeight) / 2), left: Math.trunc((width - cropWidth) / 2), height: cropHeight, width: cropWidth };
}

/** `[batch, height, width, channels]` images cut to a window. */
export function crop(x: tf.Tensor4D, box: CropBox): tf.Tensor4D {
  if (box.top === 0 && box.left === 0 && box.height === x.shape[1] && box.width === x.shape[2]) return x;
  return tf.slice(x, [0, box.top, box.left, 0], [-1, box.height, box.width, -1]);
}

/**
 * The `[outSize, inSize]` weights with which TensorFlow 2's `tf.image.resize` (half-pixel
 * centers, no antialiasing; what Keras 3 calls) makes each output of one axis from the inputs.
 * Bilinear: output i samples the input at `(i + 0.5) * in / out - 0.5`, between its two nearest
 * inputs (clamped to the ends). Nearest: output i copies input `floor((i + 0.5) * in / out)`.
 */
function axisWeights(inSize: number, outSize: number, interpolation: ResizeInterpolation): tf.Tensor2D {
  const m = new Float32Array(outSize * inSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    if (interpolation === 'nearest') {
      m[i * inSize + Math.max(0, Math.min(Math.floor((i + 0.5) * scale), inSize - 1))] = 1;
      continue;
    }
    const at = (i + 0.5) * scale - 0.5;
    const below = Math.floor(at);
    const lerp = at - below;
    m[i * inSize + Math.max(below, 0)]! += 1 - lerp;
    m[i * inSize + Math.min(Math.ceil(at), inSize - 1)]! += lerp;
  }
  return tf.tensor2d(m, [outSize, inSize]);
}

/**
 * Resizes float32 `[batch, height, width, channels]` images as Keras 3 (TensorFlow's
 * `tf.image.resize` with half-pixel centers). The values come from tfjs-core's resize kernels;
 * the gradient is computed here, as the transposed interpolation maps of the two axes, because
 * tfjs-core's `ResizeBilinearGrad` and `ResizeNearestNeighborGrad` (cpu and wasm) ignore
 * half-pixel centers and give another function's gradient.
 */
export function resizeImages(x: tf.Tensor4D, height: number, width: number, interpolation: ResizeInterpolation): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (h === height && w === width) return x;
  const resize = tf.customGrad((images) => {
    const value =
      interpolation === 'bilinear'
        ? tf.image.resizeBilinear(images as tf.Tensor4D, [height, width], false, true)
        : tf.image.resizeNearestNeighbor(images as tf.Tensor4D, [height, width], false, true);
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      // dx[b, p, q, c] = sum over i, j of rows[i, p] * cols[j, q] * dy[b, i, j, c]: the width first, then the height.
      const cols = axisWeights(w, width, interpolation);
      const rows = axisWeights(h, height, interpolation);
      const byWidth = tf.matMul(tf.reshape(tf.transpose(dy, [0, 1, 3, 2]), [n * height * c, width]), cols);
      const byHeight = tf.matMul(tf.reshape(tf.transpose(tf.reshape(byWidth, [n, height, c, w]), [0, 2, 3, 1]), [n * c * w, height]), rows);
      return tf.transpose(tf.reshape(byHeight, [n, c, w, h]), [0, 3, 2, 1]);
    };
    return { value, gradFunc };
  });
  return resize(x) as tf.Tensor4D;
}
