import type { FactoryEntry } from '@ridge/core';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import type { Layer } from '../../engine/layer.js';
import { Bidirectional, type BidirectionalArgs } from './bidirectional.js';
import { TimeDistributed, type TimeDistributedArgs } from './time-distributed.js';

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: '@ridge/layers', create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

/**
 * The wrapper layers' registry entries, under Keras's class names. A config's `layer` (and
 * Bidirectional's `backwardLayer`) is `{ className, config }`, which the wrapper builds through
 * the registry. They are registered by `layers/misc/register.ts` (a module the package lists in
 * `sideEffects`); this module has no side effects.
 */
export const wrapperLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<BidirectionalArgs>('Bidirectional', (a) => new Bidirectional(a)),
  entry<TimeDistributedArgs>('TimeDistributed', (a) => new TimeDistributed(a)),
];
