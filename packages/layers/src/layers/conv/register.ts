import { registry, type FactoryEntry } from '@ridge/core';
import type { Layer } from '../../engine/layer.js';
import { AveragePooling1D, type AveragePooling1DArgs } from './average-pooling1d.js';
import { AveragePooling2D, type AveragePooling2DArgs } from './average-pooling2d.js';
import { Conv1D, type Conv1DArgs } from './conv1d.js';
import { Conv2D, type Conv2DArgs } from './conv2d.js';
import { Conv2DTranspose, type Conv2DTransposeArgs } from './conv2d-transpose.js';
import { Cropping2D, type Cropping2DArgs } from './cropping2d.js';
import { DepthwiseConv2D, type DepthwiseConv2DArgs } from './depthwise-conv2d.js';
import { SeparableConv2D, type SeparableConv2DArgs } from './separable-conv2d.js';
import { UpSampling2D, type UpSampling2DArgs } from './up-sampling2d.js';
import { ZeroPadding2D, type ZeroPadding2DArgs } from './zero-padding2d.js';
import { Flatten, type FlattenArgs } from './flatten.js';
import { ZeroPadding1D, type ZeroPadding1DArgs } from './zero-padding1d.js';
import { UpSampling1D, type UpSampling1DArgs } from './up-sampling1d.js';
import { Cropping1D, type Cropping1DArgs } from './cropping1d.js';
import { DepthwiseConv1D, type DepthwiseConv1DArgs } from './depthwise-conv1d.js';
import { SeparableConv1D, type SeparableConv1DArgs } from './separable-conv1d.js';
import { Conv1DTranspose, type Conv1DTransposeArgs } from './conv1d-transpose.js';
import { GlobalAveragePooling1D, type GlobalAveragePooling1DArgs } from './global-average-pooling1d.js';
import { GlobalAveragePooling2D, type GlobalAveragePooling2DArgs } from './global-average-pooling2d.js';
import { GlobalMaxPooling1D, type GlobalMaxPooling1DArgs } from './global-max-pooling1d.js';
import { GlobalMaxPooling2D, type GlobalMaxPooling2DArgs } from './global-max-pooling2d.js';
import { MaxPooling1D, type MaxPooling1DArgs } from './max-pooling1d.js';
import { MaxPooling2D, type MaxPooling2DArgs } from './max-pooling2d.js';
import { Reshape, type ReshapeArgs } from './reshape.js';
import { withoutForeignKeys } from '../../engine/foreign-keys.js';
import { Conv3D, type Conv3DArgs } from './conv3d.js';
import { MaxPooling3D, type MaxPooling3DArgs } from './max-pooling3d.js';
import { AveragePooling3D, type AveragePooling3DArgs } from './average-pooling3d.js';
import { GlobalAveragePooling3D, type GlobalAveragePooling3DArgs } from './global-average-pooling3d.js';
import { GlobalMaxPooling3D, type GlobalMaxPooling3DArgs } from './global-max-pooling3d.js';
import { ZeroPadding3D, type ZeroPadding3DArgs } from './zero-padding3d.js';
import { UpSampling3D, type UpSampling3DArgs } from './up-sampling3d.js';
import { Cropping3D, type Cropping3DArgs } from './cropping3d.js';

// Keras 3 registers the short names ('MaxPool2D', 'Convolution2D', ...) as aliases of the same
// classes; configs always carry the long class name.
declare module '@ridge/core' {
  interface LayerRegistry {
    Conv1D: Conv1DArgs;
    Convolution1D: Conv1DArgs;
    Conv2D: Conv2DArgs;
    Convolution2D: Conv2DArgs;
    MaxPooling1D: MaxPooling1DArgs;
    MaxPool1D: MaxPooling1DArgs;
    MaxPooling2D: MaxPooling2DArgs;
    MaxPool2D: MaxPooling2DArgs;
    AveragePooling1D: AveragePooling1DArgs;
    AvgPool1D: AveragePooling1DArgs;
    AveragePooling2D: AveragePooling2DArgs;
    AvgPool2D: AveragePooling2DArgs;
    GlobalAveragePooling1D: GlobalAveragePooling1DArgs;
    GlobalAvgPool1D: GlobalAveragePooling1DArgs;
    GlobalAveragePooling2D: GlobalAveragePooling2DArgs;
    GlobalAvgPool2D: GlobalAveragePooling2DArgs;
    GlobalMaxPooling1D: GlobalMaxPooling1DArgs;
    GlobalMaxPool1D: GlobalMaxPooling1DArgs;
    GlobalMaxPooling2D: GlobalMaxPooling2DArgs;
    GlobalMaxPool2D: GlobalMaxPooling2DArgs;
    Flatten: FlattenArgs;
    Reshape: ReshapeArgs;
    DepthwiseConv2D: DepthwiseConv2DArgs;
    SeparableConv2D: SeparableConv2DArgs;
    SeparableConvolution2D: SeparableConv2DArgs;
    Conv2DTranspose: Conv2DTransposeArgs;
    Convolution2DTranspose: Conv2DTransposeArgs;
    ZeroPadding2D: ZeroPadding2DArgs;
    UpSampling2D: UpSampling2DArgs;
    Cropping2D: Cropping2DArgs;
    ZeroPadding1D: ZeroPadding1DArgs;
    UpSampling1D: UpSampling1DArgs;
    Cropping1D: Cropping1DArgs;
    DepthwiseConv1D: DepthwiseConv1DArgs;
    SeparableConv1D: SeparableConv1DArgs;
    SeparableConvolution1D: SeparableConv1DArgs;
    Conv1DTranspose: Conv1DTransposeArgs;
    Convolution1DTranspose: Conv1DTransposeArgs;
    Conv3D: Conv3DArgs;
    Convolution3D: Conv3DArgs;
    MaxPooling3D: MaxPooling3DArgs;
    MaxPool3D: MaxPooling3DArgs;
    AveragePooling3D: AveragePooling3DArgs;
    AvgPool3D: AveragePooling3DArgs;
    GlobalAveragePooling3D: GlobalAveragePooling3DArgs;
    GlobalAvgPool3D: GlobalAveragePooling3DArgs;
    GlobalMaxPooling3D: GlobalMaxPooling3DArgs;
    GlobalMaxPool3D: GlobalMaxPooling3DArgs;
    ZeroPadding3D: ZeroPadding3DArgs;
    UpSampling3D: UpSampling3DArgs;
    Cropping3D: Cropping3DArgs;
  }
}

function entry<A>(name: string, aliases: readonly string[], make: (args: A) => Layer): FactoryEntry<'layer'> {
  return {
    kind: 'layer',
    name,
    ...(aliases.length > 0 ? { aliases } : {}),
    package: '@ridge/layers',
    create: (config) => make(withoutForeignKeys(name, config ?? {}) as A),
  };
}

export const convLayerEntries: readonly FactoryEntry<'layer'>[] = [
  entry<Conv1DArgs>('Conv1D', ['Convolution1D'], (a) => new Conv1D(a)),
  entry<Conv2DArgs>('Conv2D', ['Convolution2D'], (a) => new Conv2D(a)),
  entry<MaxPooling1DArgs>('MaxPooling1D', ['MaxPool1D'], (a) => new MaxPooling1D(a)),
  entry<MaxPooling2DArgs>('MaxPooling2D', ['MaxPool2D'], (a) => new MaxPooling2D(a)),
  entry<AveragePooling1DArgs>('AveragePooling1D', ['AvgPool1D'], (a) => new AveragePooling1D(a)),
  entry<AveragePooling2DArgs>('AveragePooling2D', ['AvgPool2D'], (a) => new AveragePooling2D(a)),
  entry<GlobalAveragePooling1DArgs>('GlobalAveragePooling1D', ['GlobalAvgPool1D'], (a) => new GlobalAveragePooling1D(a)),
  entry<GlobalAveragePooling2DArgs>('GlobalAveragePooling2D', ['GlobalAvgPool2D'], (a) => new GlobalAveragePooling2D(a)),
  entry<GlobalMaxPooling1DArgs>('GlobalMaxPooling1D', ['GlobalMaxPool1D'], (a) => new GlobalMaxPooling1D(a)),
  entry<GlobalMaxPooling2DArgs>('GlobalMaxPooling2D', ['GlobalMaxPool2D'], (a) => new GlobalMaxPooling2D(a)),
  entry<FlattenArgs>('Flatten', [], (a) => new Flatten(a)),
  entry<ReshapeArgs>('Reshape', [], (a) => new Reshape(a)),
  entry<DepthwiseConv2DArgs>('DepthwiseConv2D', [], (a) => new DepthwiseConv2D(withoutMirroredConstraint(a))),
  entry<SeparableConv2DArgs>('SeparableConv2D', ['SeparableConvolution2D'], (a) => new SeparableConv2D(a)),
  entry<Conv2DTransposeArgs>('Conv2DTranspose', ['Convolution2DTranspose'], (a) => new Conv2DTranspose(a)),
  entry<ZeroPadding2DArgs>('ZeroPadding2D', [], (a) => new ZeroPadding2D(a)),
  entry<UpSampling2DArgs>('UpSampling2D', [], (a) => new UpSampling2D(a)),
  entry<Cropping2DArgs>('Cropping2D', [], (a) => new Cropping2D(a)),
  entry<ZeroPadding1DArgs>('ZeroPadding1D', [], (a) => new ZeroPadding1D(a)),
  entry<UpSampling1DArgs>('UpSampling1D', [], (a) => new UpSampling1D(a)),
  entry<Cropping1DArgs>('Cropping1D', [], (a) => new Cropping1D(a)),
  entry<DepthwiseConv1DArgs>('DepthwiseConv1D', [], (a) => new DepthwiseConv1D(a)),
  entry<SeparableConv1DArgs>('SeparableConv1D', ['SeparableConvolution1D'], (a) => new SeparableConv1D(a)),
  entry<Conv1DTransposeArgs>('Conv1DTranspose', ['Convolution1DTranspose'], (a) => new Conv1DTranspose(a)),
  entry<Conv3DArgs>('Conv3D', ['Convolution3D'], (a) => new Conv3D(a)),
  entry<MaxPooling3DArgs>('MaxPooling3D', ['MaxPool3D'], (a) => new MaxPooling3D(a)),
  entry<AveragePooling3DArgs>('AveragePooling3D', ['AvgPool3D'], (a) => new AveragePooling3D(a)),
  entry<GlobalAveragePooling3DArgs>('GlobalAveragePooling3D', ['GlobalAvgPool3D'], (a) => new GlobalAveragePooling3D(a)),
  entry<GlobalMaxPooling3DArgs>('GlobalMaxPooling3D', ['GlobalMaxPool3D'], (a) => new GlobalMaxPooling3D(a)),
  entry<ZeroPadding3DArgs>('ZeroPadding3D', [], (a) => new ZeroPadding3D(a)),
  entry<UpSampling3DArgs>('UpSampling3D', [], (a) => new UpSampling3D(a)),
  entry<Cropping3DArgs>('Cropping3D', [], (a) => new Cropping3D(a)),
];

/**
 * tfjs-layers 4.22's DepthwiseConv2D writes its depthwise regularizer a second time as
 * `depthwiseConstraint` (its getConfig serializes the wrong field). A constraint equal to the
 * regularizer is that copy, not a constraint: it is left out, so those files load.
 */
function withoutMirroredConstraint(args: DepthwiseConv2DArgs): DepthwiseConv2DArgs {
  const { depthwiseConstraint, depthwiseRegularizer } = args;
  if (depthwiseConstraint == null || JSON.stringify(depthwiseConstraint) !== JSON.stringify(depthwiseRegularizer)) return args;
  const { depthwiseConstraint: _mirrored, ...rest } = args;
  return rest;
}

for (const e of convLayerEntries) registry('layer').register(e);
