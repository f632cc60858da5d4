import { tf } from '../engine/tfjs.js';

/**
 * A layer's input in its compute dtype, float32: int32 and bool become float32, so that int32
 * images convolve (Keras's backends convert a conv's inputs to the kernel's dtype) and int32
 * logits go through softmax as the numbers they are, instead of failing in tfjs-core's op with
 * "must be float32". Embedding, whose int32 inputs are indices, does not use it.
 */
export function floatInput(x: tf.Tensor): tf.Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}
