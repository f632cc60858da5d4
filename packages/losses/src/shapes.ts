import { argumentError, describeValue, invalidArgument, shapeError } from '@ridge/core';
import { tf } from './tfjs.js';

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function checkTensor(className: string, argument: string, value: unknown): asserts value is tf.Tensor {
  // tfjs's Tensor defines Symbol.hasInstance, so this also holds for another copy's tensors.
  if (!(value instanceof tf.Tensor)) {
    throw argumentError(
      `${className}: ${argument} must be a Tensor; received ${describeValue(value)}. Wrap arrays with tf.tensor().`,
      { className, argument, received: value },
    );
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return tf.util.arraysEqual(a as number[], b as number[]);
}

/** Whether `a` is `b` with one more trailing dimension of 1. */
function extraTrailingOne(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length + 1 && a[a.length - 1] === 1 && sameShape(a.slice(0, -1), b);
}

/** Rank of yPred at least `minRank`: axis 0 is the batch, the rest are features. */
export function checkRank(className: string, yPred: readonly number[], minRank: number, layout: string): void {
  if (yPred.length < minRank) {
    throw shapeError(
      `${className} expects yPred of rank >= ${minRank} (${layout}); received yPred of shape ${formatShape(yPred)}.`,
      { className, argument: 'yPred', received: [...yPred] },
    );
  }
}

/**
 * yTrue and yPred must have the same shape. As in Keras, they may differ by one trailing
 * dimension of 1 (labels `[batch]` with predictions `[batch, 1]`), which is squeezed away.
 */
export function checkSameShape(className: string, yTrue: readonly number[], yPred: readonly number[]): void {
  if (sameShape(yTrue, yPred) || extraTrailingOne(yTrue, yPred) || extraTrailingOne(yPred, yTrue)) return;
  throw shapeError(
    `${className}: yTrue and yPred must have the same shape; received yTrue of shape ` +
      `${formatShape(yTrue)} and yPred of shape ${formatShape(yPred)}.`,
    { className, argument: 'yTrue', received: [...yTrue], expected: [...yPred] },
  );
}

/**
 * Sparse labels hold one class index per prediction vector: yPred's shape without its last
 * dimension, optionally with a trailing 1 (`[batch]` or `[batch, 1]` for `[batch, classes]`).
 */
export function checkSparseShapes(className: string, yTrue: readonly number[], yPred: readonly number[]): void {
  checkRank(className, yPred, 2, '[batch, ..., classes]');
  const outer = yPred.slice(0, -1);
  if (sameShape(yTrue, outer) || extraTrailingOne(yTrue, outer)) return;
  throw shapeError(
    `${className}: yTrue must hold one integer label per prediction, shape ${formatShape(outer)} or ` +
      `${formatShape([...outer, 1])} for yPred of shape ${formatShape(yPred)}; received yTrue of shape ` +
      `${formatShape(yTrue)}.`,
    { className, argument: 'yTrue', received: [...yTrue], expected: outer },
  );
}

/**
 * Resolves a (possibly negative) feature axis against yPred's rank. The batch axis 0 is not a
 * feature axis: reducing over it would mix samples.
 */
export function featureAxis(className: string, axis: number, yPred: readonly number[]): number {
  const rank = yPred.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 1 || resolved >= rank) {
    throw invalidArgument(
      `${className}.axis`,
      axis,
      `a feature axis of yPred (shape ${formatShape(yPred)}): 1..${rank - 1} or -${rank - 1}..-1`,
    );
  }
  return resolved;
}
