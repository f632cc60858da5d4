import { registry, type FactoryEntry } from '@ridge/core';
import type { Layer } from '../../engine/layer.js';
import { ActivityRegularization, type ActivityRegularizationArgs } from './activity-regularization.js';
import { AlphaDropout, type AlphaDropoutArgs } from './alpha-dropout.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
import { Embedding, type EmbeddingArgs } from './embedding.js';
import { GaussianDropout, type GaussianDropoutArgs } from './gaussian-dropout.js';
import { GaussianNoise, type GaussianNoiseArgs } from './gaussian-noise.js';
import { GroupNormalization, type GroupNormalizationArgs } from './group-normalization.js';
import { LayerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';
import { SpatialDropout1D, type SpatialDropout1DArgs } from './spatial-dropout1d.js';
import { SpatialDropout2D, type SpatialDropout2DArgs } from './spatial-dropout2d.js';
import { RepeatVector, type RepeatVectorArgs } from './repeat-vector.js';
import { Permute, type PermuteArgs } from './permute.js';
import { Masking, type MaskingArgs } from './masking.js';
import { UnitNormalization, type UnitNormalizationArgs } from './unit-normalization.js';
import { mergeLayerEntries } from '../merge/entries.js';
import type { AddArgs, AverageArgs, ConcatenateArgs, DotArgs, MaximumArgs, MinimumArgs, MultiplyArgs, SubtractArgs } from '../merge/index.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { wrapperLayerEntries } from '../wrappers/entries.js';
import type { BidirectionalArgs, TimeDistributedArgs } from '../wrappers/index.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    BatchNormalization: BatchNormalizationArgs;
    LayerNormalization: LayerNormalizationArgs;
    GroupNormalization: GroupNormalizationArgs;
    UnitNormalization: UnitNormalizationArgs;
    Embedding: EmbeddingArgs;
    GaussianNoise: GaussianNoiseArgs;
    GaussianDropout: GaussianDropoutArgs;
    AlphaDropout: AlphaDropoutArgs;
    SpatialDropout1D: SpatialDropout1DArgs;
    SpatialDropout2D: SpatialDropout2DArgs;
    ActivityRegularization: ActivityRegularizationArgs;
    RepeatVector: RepeatVectorArgs;
    Permute: PermuteArgs;
    Masking: MaskingArgs;
    // The merge layers (layers/merge/) register here: this module is one of the package's `sideEffects`.
    Add: AddArgs;
    Subtract: SubtractArgs;
    Multiply: MultiplyArgs;
    Average: AverageArgs;
    Maximum: MaximumArgs;
    Minimum: MinimumArgs;
    Concatenate: ConcatenateArgs;
    Dot: DotArgs;
    // The wrapper layers (layers/wrappers/) register here too.
    Bidirectional: BidirectionalArgs;
    TimeDistributed: TimeDistributedArgs;
  }
}

const PACKAGE = '@ridge/layers';

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: PACKAGE, create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

export const miscLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<BatchNormalizationArgs>('BatchNormalization', (a) => new BatchNormalization(a)),
  entry<LayerNormalizationArgs>('LayerNormalization', (a) => new LayerNormalization(a)),
  entry<GroupNormalizationArgs>('GroupNormalization', (a) => new GroupNormalization(a)),
  entry<UnitNormalizationArgs>('UnitNormalization', (a) => new UnitNormalization(a)),
  entry<EmbeddingArgs>('Embedding', (a) => new Embedding(a)),
  entry<GaussianNoiseArgs>('GaussianNoise', (a) => new GaussianNoise(a)),
  entry<GaussianDropoutArgs>('GaussianDropout', (a) => new GaussianDropout(a)),
  entry<AlphaDropoutArgs>('AlphaDropout', (a) => new AlphaDropout(a)),
  entry<SpatialDropout1DArgs>('SpatialDropout1D', (a) => new SpatialDropout1D(a)),
  entry<ActivityRegularizationArgs>('ActivityRegularization', (a) => new ActivityRegularization(a)),
  entry<RepeatVectorArgs>('RepeatVector', (a) => new RepeatVector(a)),
  entry<PermuteArgs>('Permute', (a) => new Permute(a)),
  entry<MaskingArgs>('Masking', (a) => new Masking(a)),
  entry<SpatialDropout2DArgs>('SpatialDropout2D', (a) => new SpatialDropout2D(a)),
];

for (const entry of [...miscLayerEntries, ...mergeLayerEntries, ...wrapperLayerEntries]) registry('layer').register(entry);
