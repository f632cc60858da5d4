import { layerArgError, type Described } from '../../engine/errors.js';

/** `[before, after]`: steps added or cut at the start and at the end of the steps axis. */
export type StepPair = readonly [number, number];

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** Reads a ZeroPadding1D `padding` or a Cropping1D `cropping` (Keras: an int or a pair of ints >= 0) into `[before, after]`. */
export function stepPair(owner: Described, argument: string, value: unknown): [number, number] {
  if (isCount(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(isCount)) return [value[0] as number, value[1] as number];
  throw layerArgError(owner, argument, value, 'an integer >= 0 or [start, end] of such integers');
}
