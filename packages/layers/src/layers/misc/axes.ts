import { RidgeError } from '@ridge/core';
import { who, type Described } from '../../engine/errors.js';
import { formatShape, type Shape } from '../../engine/shape.js';

/**
 * Resolves normalization axes (negative ones count from the end) for an input shape, checking
 * that each is in range, appears once, and has a known size (the weights take that size).
 * Returns them sorted, so the weights' dimensions follow the input's order.
 */
export function resolveAxes(owner: Described, axes: readonly number[], shape: Shape): number[] {
  const rank = shape.length;
  const resolved = axes.map((a) => (a < 0 ? a + rank : a));
  const fail = (what: string): RidgeError =>
    new RidgeError('SHAPE_MISMATCH', `${who(owner)}: ${what}; received input shape ${formatShape(shape)}.`, {
      layer: owner.name,
      argument: 'axis',
      received: shape,
    });
  resolved.forEach((a, i) => {
    if (a < 1 || a >= rank) {
      throw fail(`axis ${axes[i]} is out of range for inputs of rank ${rank} (the batch axis 0 cannot be normalized)`);
    }
    if (shape[a] === null || shape[a] === undefined) throw fail(`the size of axis ${axes[i]} must be known`);
  });
  if (new Set(resolved).size !== resolved.length) throw fail(`axis [${axes.join(', ')}] names the same axis twice`);
  return [...resolved].sort((a, b) => a - b);
}

/** The shape that broadcasts per-axis parameters against inputs of `rank`: 1 except on `axes`. */
export function broadcastShape(rank: number, axes: readonly number[], sizes: readonly number[]): number[] {
  const shape = new Array<number>(rank).fill(1);
  axes.forEach((a, i) => {
    shape[a] = sizes[i]!;
  });
  return shape;
}

/** Checks a real input against the shape the layer was built for, on the normalized axes. */
export function checkAxesSizes(owner: Described, x: { readonly rank: number; readonly shape: readonly number[] }, rank: number, axes: readonly number[], sizes: readonly number[]): void {
  if (x.rank === rank && axes.every((a, i) => x.shape[a] === sizes[i])) return;
  const expected = new Array<string>(rank).fill('?');
  axes.forEach((a, i) => {
    expected[a] = String(sizes[i]);
  });
  throw new RidgeError(
    'SHAPE_MISMATCH',
    `${who(owner)}: expected inputs of shape [${expected.join(', ')}] (? = any); received shape [${x.shape.join(', ')}].`,
    { layer: owner.name, argument: 'inputs', received: x.shape },
  );
}
