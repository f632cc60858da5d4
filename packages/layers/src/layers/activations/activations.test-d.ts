import type { LayerName } from '@ridge/core';
import '@ridge/regularizers';
import { describe, expectTypeOf, it } from 'vitest';
import { leakyReLU, masking, permute, prelu, reLU, repeatVector, type PReLU } from '../../index.js';

describe('the new layers type-check as the registries say', () => {
  it('are registered layer names', () => {
    expectTypeOf<'ReLU' | 'LeakyReLU' | 'PReLU' | 'ELU' | 'Softmax' | 'ThresholdedReLU' | 'RepeatVector' | 'Permute' | 'Masking'>().toMatchTypeOf<LayerName>();
  });

  it('take their arguments, and refuse typos and unregistered names', () => {
    reLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 });
    leakyReLU({ alpha: 0.2 });
    expectTypeOf(prelu({ sharedAxes: [1, 2], alphaRegularizer: 'l2' })).toEqualTypeOf<PReLU>();
    repeatVector({ n: 3 });
    permute({ dims: [2, 1] });
    masking({ maskValue: -1 });
    // @ts-expect-error Keras's snake_case is not Ridge's argument
    reLU({ max_value: 6 });
    // @ts-expect-error 'l3' is not a registered regularizer
    prelu({ alphaRegularizer: 'l3' });
    // @ts-expect-error n is required
    repeatVector({});
  });
});
