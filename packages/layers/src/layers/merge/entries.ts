import type { FactoryEntry } from '@ridge/core';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import type { Layer } from '../../engine/layer.js';
import { Add, type AddArgs } from './add.js';
import { Average, type AverageArgs } from './average.js';
import { Concatenate, type ConcatenateArgs } from './concatenate.js';
import { Dot, type DotArgs } from './dot.js';
import { Maximum, type MaximumArgs } from './maximum.js';
import { Minimum, type MinimumArgs } from './minimum.js';
import { Multiply, type MultiplyArgs } from './multiply.js';
import { Subtract, type SubtractArgs } from './subtract.js';

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: '@ridge/layers', create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

/**
 * The merge layers' registry entries, under Keras's class names. They are registered by
 * `layers/misc/register.ts` (a module the package lists in `sideEffects`); this module has no
 * side effects.
 */
export const mergeLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<AddArgs>('Add', (a) => new Add(a)),
  entry<SubtractArgs>('Subtract', (a) => new Subtract(a)),
  entry<MultiplyArgs>('Multiply', (a) => new Multiply(a)),
  entry<AverageArgs>('Average', (a) => new Average(a)),
  entry<MaximumArgs>('Maximum', (a) => new Maximum(a)),
  entry<MinimumArgs>('Minimum', (a) => new Minimum(a)),
  entry<ConcatenateArgs>('Concatenate', (a) => new Concatenate(a)),
  entry<DotArgs>('Dot', (a) => new Dot(a)),
];
