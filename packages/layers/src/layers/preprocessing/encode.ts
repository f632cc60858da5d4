import { RidgeError } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who, type Described } from '../../engine/errors.js';
import { formatShape, type Shape } from '../../engine/shape.js';

/** How token ids become vectors (Keras's `encode_categorical_inputs`); `'int'` keeps the ids. */
export type EncodeMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf';

/** Keras's rule: count and tf_idf take inputs of rank 2 at most. */
export function checkEncodeRank(owner: Described, mode: EncodeMode, shape: Shape): void {
  if ((mode !== 'count' && mode !== 'tf_idf') || shape.length <= 2) return;
  throw new RidgeError(
    'SHAPE_MISMATCH',
    `${who(owner)}: outputMode '${mode}' takes inputs of rank 1 or 2, [batch, values]; received shape ${formatShape(shape)}. Reshape them, or use 'multi_hot'.`,
    { layer: owner.name, argument: 'inputs', received: [...shape] },
  );
}

/** The output shape of `encodeTokens` for an input shape. */
export function encodedShape(shape: Shape, mode: EncodeMode, depth: number): Shape {
  if (mode === 'int') return shape;
  if (shape.length === 0) return [depth];
  if (mode === 'one_hot' && (shape[shape.length - 1] !== 1 || shape.length === 1)) return [...shape, depth];
  return [...shape.slice(0, -1), depth];
}

/**
 * Token ids in `[0, depth)` (int32) to float32 vectors of `depth`: a row per id (`'one_hot'`; a
 * last axis of size 1 is replaced by the row), or per sample, the last axis, 1 for each id present
 * (`'multi_hot'`) or how often it appears (`'count'`). `'int'` returns the ids.
 */
export function encodeTokens(ids: tf.Tensor, mode: EncodeMode, depth: number): tf.Tensor {
  if (mode === 'int') return ids;
  const flat = ids.rank === 0 ? tf.reshape(ids, [1]) : ids;
  // tfjs-backend-wasm's float32 OneHot writes denormals for 1: int32 one-hots, cast once.
  const hot = tf.cast(tf.oneHot(tf.cast(flat, 'int32'), depth, 1, 0, 'int32'), 'float32');
  if (mode === 'one_hot') {
    if (ids.rank === 0) return tf.reshape(hot, [depth]);
    return ids.rank >= 2 && ids.shape[ids.rank - 1] === 1 ? tf.squeeze(hot, [ids.rank - 1]) : hot;
  }
  return mode === 'multi_hot' ? tf.max(hot, -2) : tf.sum(hot, -2);
}
