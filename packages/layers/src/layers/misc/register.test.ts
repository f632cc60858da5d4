import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import { registry, type LayerName } from '@ridge/core';
import { beforeAll, expect, it } from 'vitest';
import {
  ActivityRegularization,
  AlphaDropout,
  BatchNormalization,
  Embedding,
  GaussianDropout,
  GaussianNoise,
  LayerNormalization,
  GroupNormalization,
  UnitNormalization,
  SpatialDropout1D,
  RepeatVector,
  Permute,
  Masking,
} from './index.js';
import { SpatialDropout2D } from './index.js';
import { miscLayerEntries } from './register.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const classes = {
  BatchNormalization: [BatchNormalization, {}],
  LayerNormalization: [LayerNormalization, {}],
  GroupNormalization: [GroupNormalization, { groups: 2 }],
  UnitNormalization: [UnitNormalization, {}],
  Embedding: [Embedding, { inputDim: 4, outputDim: 2 }],
  GaussianNoise: [GaussianNoise, { stddev: 0.1 }],
  GaussianDropout: [GaussianDropout, { rate: 0.1 }],
  AlphaDropout: [AlphaDropout, { rate: 0.1 }],
  SpatialDropout1D: [SpatialDropout1D, { rate: 0.1 }],
  ActivityRegularization: [ActivityRegularization, { l1: 0.1 }],
  RepeatVector: [RepeatVector, { n: 2 }],
  Permute: [Permute, { dims: [2, 1] }],
  Masking: [Masking, {}],
  SpatialDropout2D: [SpatialDropout2D, { rate: 0.1 }],
} satisfies Partial<Record<LayerName, [{ readonly className: string }, object]>>;

it('registers every misc layer under its Keras class name, from @ridge/layers', () => {
  expect(miscLayerEntries.map((e) => e.name).sort()).toEqual(Object.keys(classes).sort());
  for (const [name, [cls, config]] of Object.entries(classes)) {
    const entry = registry('layer').get(name as LayerName);
    expect(entry.package).toBe('@ridge/layers');
    const layer = entry.create(config);
    expect(layer).toBeInstanceOf(cls);
    expect(layer.className).toBe(name);
    expect(cls.className).toBe(name);
  }
});

it('registering the entries again is a no-op', () => {
  for (const entry of miscLayerEntries) expect(() => registry('layer').register(entry)).not.toThrow();
});
