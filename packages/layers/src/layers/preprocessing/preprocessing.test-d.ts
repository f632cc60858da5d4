import { registry, type LayerName } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { categoryEncoding, centerCrop, normalization, rescaling, resizing, type NestedNumbers, type Normalization } from '../../index.js';
import { randomFlip, randomRotation, randomTranslation, randomZoom } from '../../index.js';

describe('preprocessing layer types', () => {
  it('the Keras class names are in the LayerRegistry', () => {
    expectTypeOf<'Rescaling' | 'Normalization' | 'CategoryEncoding' | 'CenterCrop' | 'Resizing'>().toExtend<LayerName>();
    registry('layer').get('CategoryEncoding');
    // @ts-expect-error a typo of a layer name
    registry('layer').get('Rescale');
  });

  it('factories take Keras arguments in camelCase', () => {
    rescaling({ scale: [1 / 255, 2 / 255, 3 / 255], offset: -1 });
    const norm = normalization({ axis: [1, 2], mean: [[1, 2]], variance: [[1, 1]], invert: true });
    expectTypeOf(norm).toEqualTypeOf<Normalization>();
    expectTypeOf(norm.adapt).parameter(0).toEqualTypeOf<tf.Tensor | NestedNumbers>();
    categoryEncoding({ numTokens: 4, outputMode: 'count' });
    resizing({ height: 2, width: 2, interpolation: 'nearest', cropToAspectRatio: true });
    centerCrop({ height: 2, width: 2 });
    // @ts-expect-error scale is required
    rescaling({ offset: 1 });
    // @ts-expect-error Keras's snake_case output modes, not tfjs-layers' camelCase
    categoryEncoding({ numTokens: 4, outputMode: 'oneHot' });
    // @ts-expect-error bicubic is not supported
    resizing({ height: 2, width: 2, interpolation: 'bicubic' });
    // @ts-expect-error height and width are required
    centerCrop({ height: 2 });
  });

  it('augmentation layers: Keras class names, factors as a number or [lower, upper], fill modes', () => {
    expectTypeOf<'RandomFlip' | 'RandomCrop' | 'RandomContrast' | 'RandomBrightness' | 'RandomTranslation' | 'RandomRotation' | 'RandomZoom'>().toExtend<LayerName>();
    randomFlip();
    randomRotation({ factor: [-0.1, 0.2], fillMode: 'wrap', interpolation: 'nearest', seed: 1 });
    randomZoom({ heightFactor: 0.2, widthFactor: null });
    // @ts-expect-error an unknown fill mode
    randomTranslation({ heightFactor: 0.1, widthFactor: 0.1, fillMode: 'mirror' });
    // @ts-expect-error an unknown flip mode
    randomFlip({ mode: 'diagonal' });
    // @ts-expect-error a factor range has two numbers
    randomRotation({ factor: [0.1, 0.2, 0.3] });
  });
});
