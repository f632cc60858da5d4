import { layerArgError, type Described } from '../../engine/errors.js';

/** `[[top, bottom], [left, right]]`: an amount before and after on each spatial axis. */
export type SpatialPairs = readonly [readonly [number, number], readonly [number, number]];

/** What `padding` and `cropping` take, as Keras: `n`, `[height, width]`, or `[[top, bottom], [left, right]]`. */
export type SpatialPairsArg = number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Reads a ZeroPadding2D `padding` or a Cropping2D `cropping` into `[[top, bottom], [left, right]]`. */
export function spatialPairs(owner: Described, argument: string, value: unknown): [[number, number], [number, number]] {
  if (isCount(value)) return [[value, value], [value, value]];
  if (Array.isArray(value) && value.length === 2) {
    const [h, w] = value as unknown[];
    if (isCount(h) && isCount(w)) return [[h, h], [w, w]];
    const pair = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every(isCount);
    if (pair(h) && pair(w)) return [[h[0], h[1]], [w[0], w[1]]];
  }
  throw layerArgError(owner, argument, value, 'an integer >= 0, [height, width], or [[top, bottom], [left, right]] of such integers');
}
