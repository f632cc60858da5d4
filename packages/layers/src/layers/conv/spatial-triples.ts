import { layerArgError, type Described } from '../../engine/errors.js';

/** `[[depthBefore, depthAfter], [top, bottom], [left, right]]`: an amount before and after on each of the three spatial axes. */
export type SpatialTriples = readonly [readonly [number, number], readonly [number, number], readonly [number, number]];

/**
 * What ZeroPadding3D's `padding` and Cropping3D's `cropping` take, as Keras 3: `n` on every
 * side, `[depth, height, width]` on both sides of each axis, or
 * `[[depthBefore, depthAfter], [top, bottom], [left, right]]` (each entry an integer or a pair).
 */
export type SpatialTriplesArg = number | readonly [number | readonly [number, number], number | readonly [number, number], number | readonly [number, number]];

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Reads a 3-D `padding` or `cropping` into three `[before, after]` pairs (Keras 3's rules). */
export function spatialTriples(owner: Described, argument: string, value: unknown): [[number, number], [number, number], [number, number]] {
  const pair = (v: unknown): [number, number] | undefined =>
    isCount(v) ? [v, v] : Array.isArray(v) && v.length === 2 && v.every(isCount) ? [v[0] as number, v[1] as number] : undefined;
  if (isCount(value)) return [[value, value], [value, value], [value, value]];
  if (Array.isArray(value) && value.length === 3) {
    const pairs = value.map(pair);
    if (pairs.every((p) => p !== undefined)) return pairs as [[number, number], [number, number], [number, number]];
  }
  throw layerArgError(owner, argument, value, 'an integer >= 0, [depth, height, width], or [[before, after], [before, after], [before, after]] of such integers');
}
