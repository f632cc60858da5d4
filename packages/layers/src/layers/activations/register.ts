import { registry, type FactoryEntry } from '@ridge/core';
import type { Layer } from '../../engine/layer.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { ELU, type ELUArgs } from './elu.js';
import { LeakyReLU, type LeakyReLUArgs } from './leaky-relu.js';
import { PReLU, type PReLUArgs } from './prelu.js';
import { ReLU, type ReLUArgs } from './relu.js';
import { Softmax, type SoftmaxArgs } from './softmax.js';
import { ThresholdedReLU, type ThresholdedReLUArgs } from './thresholded-relu.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    ReLU: ReLUArgs;
    LeakyReLU: LeakyReLUArgs;
    PReLU: PReLUArgs;
    ELU: ELUArgs;
    Softmax: SoftmaxArgs;
    ThresholdedReLU: ThresholdedReLUArgs;
  }
}

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: '@ridge/layers', create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

export const activationLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<ReLUArgs>('ReLU', (a) => new ReLU(a)),
  entry<LeakyReLUArgs>('LeakyReLU', (a) => new LeakyReLU(a)),
  entry<PReLUArgs>('PReLU', (a) => new PReLU(a)),
  entry<ELUArgs>('ELU', (a) => new ELU(a)),
  entry<SoftmaxArgs>('Softmax', (a) => new Softmax(a)),
  entry<ThresholdedReLUArgs>('ThresholdedReLU', (a) => new ThresholdedReLU(a)),
];

for (const e of activationLayerEntries) registry('layer').register(e);
