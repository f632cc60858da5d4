import { checkNumber } from '@ridge/core';
import { forArgument, type Described } from '../../engine/errors.js';

/** Reads a `seed` argument: an integer >= 0 (as `fit({ seed })` takes), or `null`/`undefined` for an unseeded layer. */
export function readSeed(owner: Described, seed: unknown): number | undefined {
  if (seed === undefined || seed === null) return undefined;
  return forArgument(owner, 'seed', () => checkNumber('seed', seed, { integer: true, min: 0 }));
}

/**
 * The seeds of a noise layer's successive calls, as Keras 3's SeedGenerator gives them: a seeded
 * layer draws a reproducible sequence of different noise (not the same noise on every step).
 */
export class SeedStream {
  private calls = 0;

  constructor(private readonly seed: number | undefined) {}

  next(): number | undefined {
    if (this.seed === undefined) return undefined;
    return this.seed + this.calls++;
  }
}
