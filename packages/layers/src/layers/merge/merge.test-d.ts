import { registry, type LayerName } from '@ridge/core';
import { describe, expectTypeOf, it } from 'vitest';
import { add, concatenate, dot, input, subtract, type Concatenate, type Dot, type SymbolicTensor } from '../../index.js';

describe('merge layer types', () => {
  it('the Keras class names are in the LayerRegistry, with their configs', () => {
    expectTypeOf<'Add' | 'Subtract' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum' | 'Concatenate' | 'Dot'>().toExtend<LayerName>();
    registry('layer').get('Dot');
    registry('layer').get('Concatenate');
    // @ts-expect-error a typo of a merge layer's name
    registry('layer').get('Concatenat');
  });

  it('factories take the layer args and return layers that apply to a list', () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [3] });
    expectTypeOf(add().apply([a, b])).toEqualTypeOf<SymbolicTensor>();
    expectTypeOf(subtract({ name: 'diff' }).apply([a, b])).toEqualTypeOf<SymbolicTensor>();
    expectTypeOf(concatenate({ axis: -1 })).toEqualTypeOf<Concatenate>();
    expectTypeOf(dot({ axes: [1, 1], normalize: true })).toEqualTypeOf<Dot>();
    // @ts-expect-error Dot needs axes
    dot({});
    // @ts-expect-error axes is one integer or two
    dot({ axes: [1, 1, 1] });
    // @ts-expect-error concatenate's axis is a number
    concatenate({ axis: 'last' });
  });
});
