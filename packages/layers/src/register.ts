import { registry, type FactoryEntry, type JsonObject } from '@ridge/core';
import type { Layer } from './engine/layer.js';
import { Activation, type ActivationArgs } from './layers/activation.js';
import { Dense, type DenseArgs } from './layers/dense.js';
import { Dropout, type DropoutArgs } from './layers/dropout.js';
import { InputLayer, type InputArgs } from './layers/input-layer.js';
import { Constant, Ones, Zeros } from './initializers/constant.js';
import { Identity, Orthogonal } from './initializers/orthogonal.js';
import { RandomNormal, RandomUniform, TruncatedNormal, type RandomNormalConfig, type RandomUniformConfig } from './initializers/random.js';
import {
  GlorotNormal,
  GlorotUniform,
  HeNormal,
  HeUniform,
  LecunNormal,
  LecunUniform,
  VarianceScaling,
  type VarianceScalingConfig,
} from './initializers/variance-scaling.js';
import { readConfig } from './initializers/config.js';
import './layers/activations/register.js';
import './layers/conv/register.js';
import './layers/misc/register.js';
import './layers/recurrent/register.js';
import { withoutForeignKeys } from './engine/foreign-keys.js';

type SeedConfig = { seed?: number | null };

declare module '@ridge/core' {
  interface InitializerRegistry {
    glorotUniform: SeedConfig;
    glorot_uniform: SeedConfig;
    GlorotUniform: SeedConfig;
    glorotNormal: SeedConfig;
    glorot_normal: SeedConfig;
    GlorotNormal: SeedConfig;
    heUniform: SeedConfig;
    he_uniform: SeedConfig;
    HeUniform: SeedConfig;
    heNormal: SeedConfig;
    he_normal: SeedConfig;
    HeNormal: SeedConfig;
    lecunUniform: SeedConfig;
    lecun_uniform: SeedConfig;
    LecunUniform: SeedConfig;
    lecunNormal: SeedConfig;
    lecun_normal: SeedConfig;
    LecunNormal: SeedConfig;
    varianceScaling: VarianceScalingConfig;
    variance_scaling: VarianceScalingConfig;
    VarianceScaling: VarianceScalingConfig;
    zeros: Record<string, never>;
    Zeros: Record<string, never>;
    ones: Record<string, never>;
    Ones: Record<string, never>;
    constant: { value?: number };
    Constant: { value?: number };
    randomNormal: RandomNormalConfig;
    random_normal: RandomNormalConfig;
    RandomNormal: RandomNormalConfig;
    truncatedNormal: RandomNormalConfig;
    truncated_normal: RandomNormalConfig;
    TruncatedNormal: RandomNormalConfig;
    randomUniform: RandomUniformConfig;
    random_uniform: RandomUniformConfig;
    RandomUniform: RandomUniformConfig;
    orthogonal: { gain?: number; seed?: number | null };
    Orthogonal: { gain?: number; seed?: number | null };
    identity: { gain?: number };
    Identity: { gain?: number };
  }
  interface LayerRegistry {
    Dense: DenseArgs;
    Activation: ActivationArgs;
    Dropout: DropoutArgs;
    InputLayer: InputArgs;
  }
}

const PACKAGE = '@ridge/layers';

function initializer(name: string, aliases: string[], create: FactoryEntry<'initializer'>['create']): FactoryEntry<'initializer'> {
  return { kind: 'initializer', name, aliases, package: PACKAGE, create };
}

const noConfig = (className: string, make: () => FactoryEntry<'initializer'>['create'] extends (c?: JsonObject) => infer R ? R : never) =>
  (config?: JsonObject) => {
    readConfig(className, config, []);
    return make();
  };

export const initializerEntries: readonly FactoryEntry<'initializer'>[] = [
  initializer('GlorotUniform', ['glorotUniform', 'glorot_uniform'], (c) => new GlorotUniform(c as SeedConfig)),
  initializer('GlorotNormal', ['glorotNormal', 'glorot_normal'], (c) => new GlorotNormal(c as SeedConfig)),
  initializer('HeUniform', ['heUniform', 'he_uniform'], (c) => new HeUniform(c as SeedConfig)),
  initializer('HeNormal', ['heNormal', 'he_normal'], (c) => new HeNormal(c as SeedConfig)),
  initializer('LecunUniform', ['lecunUniform', 'lecun_uniform'], (c) => new LecunUniform(c as SeedConfig)),
  initializer('LecunNormal', ['lecunNormal', 'lecun_normal'], (c) => new LecunNormal(c as SeedConfig)),
  initializer('VarianceScaling', ['varianceScaling', 'variance_scaling'], (c) => VarianceScaling.fromConfig(c)),
  initializer('Zeros', ['zeros'], noConfig('Zeros', () => new Zeros())),
  initializer('Ones', ['ones'], noConfig('Ones', () => new Ones())),
  initializer('Constant', ['constant'], (c) => new Constant(c as { value?: number })),
  initializer('RandomNormal', ['randomNormal', 'random_normal'], (c) => new RandomNormal(c as RandomNormalConfig)),
  initializer('TruncatedNormal', ['truncatedNormal', 'truncated_normal'], (c) => new TruncatedNormal(c as RandomNormalConfig)),
  initializer('RandomUniform', ['randomUniform', 'random_uniform'], (c) => new RandomUniform(c as RandomUniformConfig)),
  // Keras 3 writes these two classes as OrthogonalInitializer (the recurrent layers' default
  // recurrent initializer) and IdentityInitializer.
  initializer('Orthogonal', ['orthogonal', 'OrthogonalInitializer'], (c) => new Orthogonal(c as { gain?: number })),
  initializer('Identity', ['identity', 'IdentityInitializer'], (c) => new Identity(c as { gain?: number })),
];

function layer<A>(name: string, make: (args: A) => Layer): FactoryEntry<'layer'> {
  return { kind: 'layer', name, package: PACKAGE, create: (config) => make(withoutForeignKeys(name, config ?? {}) as A) };
}

export const layerEntries: readonly FactoryEntry<'layer'>[] = [
  layer<DenseArgs>('Dense', (a) => new Dense(a)),
  layer<ActivationArgs>('Activation', (a) => new Activation(a)),
  layer<DropoutArgs>('Dropout', (a) => new Dropout(a)),
  layer<InputArgs>('InputLayer', (a) => new InputLayer(a)),
];

for (const entry of initializerEntries) registry('initializer').register(entry);
for (const entry of layerEntries) registry('layer').register(entry);
