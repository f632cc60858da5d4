import { registry, type FactoryEntry } from '@ridge/core';
import type { Layer } from '../../engine/layer.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { AdditiveAttention, type AdditiveAttentionArgs } from './additive-attention.js';
import { Attention, type AttentionArgs } from './attention.js';
import { MultiHeadAttention, type MultiHeadAttentionArgs } from './multi-head-attention.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    Attention: AttentionArgs;
    AdditiveAttention: AdditiveAttentionArgs;
    MultiHeadAttention: MultiHeadAttentionArgs;
  }
}

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: '@ridge/layers', create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

/** The attention layers' registry entries, under Keras's class names. */
export const attentionLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<AttentionArgs>('Attention', (a) => new Attention(a)),
  entry<AdditiveAttentionArgs>('AdditiveAttention', (a) => new AdditiveAttention(a)),
  entry<MultiHeadAttentionArgs>('MultiHeadAttention', (a) => new MultiHeadAttention(a)),
];

for (const e of attentionLayerEntries) registry('layer').register(e);
