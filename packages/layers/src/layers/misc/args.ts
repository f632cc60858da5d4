import { layerArgError, type Described } from '../../engine/errors.js';

/** Reads an optional boolean argument. */
export function readBoolean(owner: Described, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw layerArgError(owner, argument, value, 'true or false');
  return value;
}

/** Reads a drop rate: a number in [0, 1) (rate 1 would leave nothing to rescale). */
export function readRate(owner: Described, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw layerArgError(owner, 'rate', value, 'a number in [0, 1)');
  return value;
}
