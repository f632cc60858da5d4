import { RidgeError } from '@ridge/core';
import { layerArgError, who, type Described } from '../../engine/errors.js';
import { formatShape } from '../../engine/shape.js';

/** Reads an optional boolean argument. */
export function readBoolean(owner: Described, argument: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw layerArgError(owner, argument, value, 'true or false');
  return value;
}

/** Reads an integer >= 1 (a size, a count). */
export function readPositiveInt(owner: Described, argument: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw layerArgError(owner, argument, value, 'an integer >= 1');
  return value as number;
}

/** Reads a drop rate: a number in [0, 1) (rate 1 would leave nothing to rescale). */
export function readRate(owner: Described, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) throw layerArgError(owner, 'rate', value, 'a number in [0, 1)');
  return value;
}

/** Reads a `noiseShape` argument: a list of integers >= 1 or null (one per input axis), or absent. */
export function readNoiseShape(owner: Described, value: unknown): readonly (number | null)[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!(Array.isArray(value) && value.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 1)))) {
    throw layerArgError(owner, 'noiseShape', value, 'a list of integers >= 1 or null (one per input axis)');
  }
  return [...(value as (number | null)[])];
}

/**
 * SHAPE_MISMATCH unless a noise shape broadcasts to an input shape, as Keras's `noise_shape`:
 * the same rank, and each size 1, null (the input's) or the input's own (an unknown input size
 * matches any).
 */
export function checkNoiseShape(owner: Described, noiseShape: readonly (number | null)[] | undefined, shape: readonly (number | null)[]): void {
  if (!noiseShape) return;
  const fits = noiseShape.length === shape.length && noiseShape.every((d, i) => d === null || d === 1 || shape[i] === null || d === shape[i]);
  if (!fits) {
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `${who(owner)}: noiseShape ${formatShape(noiseShape)} does not broadcast to inputs of shape ${formatShape(shape)}; ` +
        'it needs one entry per input axis, each 1, null or the input size.',
      { layer: owner.name, argument: 'noiseShape', received: [...noiseShape] },
    );
  }
}
