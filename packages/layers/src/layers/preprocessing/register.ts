import { registry, type FactoryEntry } from '@ridge/core';
import type { Layer } from '../../engine/layer.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { CategoryEncoding, type CategoryEncodingArgs } from './category-encoding.js';
import { CenterCrop, type CenterCropArgs } from './center-crop.js';
import { Normalization, type NormalizationArgs } from './normalization.js';
import { Rescaling, type RescalingArgs } from './rescaling.js';
import { Resizing, type ResizingArgs } from './resizing.js';
import { RandomFlip, type RandomFlipArgs } from './random-flip.js';
import { RandomCrop, type RandomCropArgs } from './random-crop.js';
import { RandomContrast, type RandomContrastArgs } from './random-contrast.js';
import { RandomBrightness, type RandomBrightnessArgs } from './random-brightness.js';
import { RandomTranslation, type RandomTranslationArgs } from './random-translation.js';
import { RandomRotation, type RandomRotationArgs } from './random-rotation.js';
import { RandomZoom, type RandomZoomArgs } from './random-zoom.js';
import { Discretization, type DiscretizationArgs } from './discretization.js';
import { Hashing, type HashingArgs } from './hashing.js';
import { StringLookup, type StringLookupArgs } from './string-lookup.js';
import { IntegerLookup, type IntegerLookupArgs } from './integer-lookup.js';
import { TextVectorization, type TextVectorizationArgs } from './text-vectorization.js';

declare module '@ridge/core' {
  interface LayerRegistry {
    Rescaling: RescalingArgs;
    Normalization: NormalizationArgs;
    CategoryEncoding: CategoryEncodingArgs;
    CenterCrop: CenterCropArgs;
    Resizing: ResizingArgs;
    RandomFlip: RandomFlipArgs;
    RandomCrop: RandomCropArgs;
    RandomContrast: RandomContrastArgs;
    RandomBrightness: RandomBrightnessArgs;
    RandomTranslation: RandomTranslationArgs;
    RandomRotation: RandomRotationArgs;
    RandomZoom: RandomZoomArgs;
    Discretization: DiscretizationArgs;
    Hashing: HashingArgs;
    StringLookup: StringLookupArgs;
    IntegerLookup: IntegerLookupArgs;
    TextVectorization: TextVectorizationArgs;
  }
}

/** Configs come from JSON, so the cast is checked by each constructor, not by the compiler. */
function entry<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: '@ridge/layers', create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

/** The preprocessing layers' registry entries, under Keras's class names. */
export const preprocessingLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<RescalingArgs>('Rescaling', (a) => new Rescaling(a)),
  entry<NormalizationArgs>('Normalization', (a) => new Normalization(a)),
  entry<CategoryEncodingArgs>('CategoryEncoding', (a) => new CategoryEncoding(a)),
  entry<CenterCropArgs>('CenterCrop', (a) => new CenterCrop(a)),
  entry<ResizingArgs>('Resizing', (a) => new Resizing(a)),
  entry<RandomFlipArgs>('RandomFlip', (a) => new RandomFlip(a)),
  entry<RandomCropArgs>('RandomCrop', (a) => new RandomCrop(a)),
  entry<RandomContrastArgs>('RandomContrast', (a) => new RandomContrast(a)),
  entry<RandomBrightnessArgs>('RandomBrightness', (a) => new RandomBrightness(a)),
  entry<RandomTranslationArgs>('RandomTranslation', (a) => new RandomTranslation(a)),
  entry<RandomRotationArgs>('RandomRotation', (a) => new RandomRotation(a)),
  entry<RandomZoomArgs>('RandomZoom', (a) => new RandomZoom(a)),
  entry<DiscretizationArgs>('Discretization', (a) => new Discretization(a)),
  entry<HashingArgs>('Hashing', (a) => new Hashing(a)),
  entry<StringLookupArgs>('StringLookup', (a) => new StringLookup(a)),
  entry<IntegerLookupArgs>('IntegerLookup', (a) => new IntegerLookup(a)),
  entry<TextVectorizationArgs>('TextVectorization', (a) => new TextVectorization(a)),
];

for (const e of preprocessingLayerEntries) registry('layer').register(e);
