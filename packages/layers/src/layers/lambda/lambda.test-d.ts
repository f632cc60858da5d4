import { registry, type LayerName } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { input, lambda, type Lambda, type SymbolicTensor } from '../../index.js';

declare const mul: (x: tf.Tensor, k: number) => tf.Tensor;
declare const add: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

describe('Lambda types', () => {
  it("'Lambda' is in the LayerRegistry", () => {
    expectTypeOf<'Lambda'>().toExtend<LayerName>();
    registry('layer').get('Lambda');
  });

  it('the function takes the inputs, the arguments and the context; arguments are typed from the call', () => {
    const x = input({ shape: [3] });
    const layer = lambda({ function: (t, a) => mul(t, a.factor), arguments: { factor: 2 } });
    expectTypeOf(layer).toEqualTypeOf<Lambda<tf.Tensor, { factor: number }>>();
    expectTypeOf(layer.apply(x)).toEqualTypeOf<SymbolicTensor>();
    // Several inputs: the function's parameter says so.
    lambda({ function: ([a, b]: tf.Tensor[]) => add(a!, b!) }).apply([x, x]);
    lambda({ function: (t, _a, ctx) => (ctx.training ? t : mul(t, 2)), outputShape: [3], mask: (_t, m) => m as tf.Tensor | undefined });
    // @ts-expect-error the argument is `function`, as Keras's
    lambda({ fn: (t: tf.Tensor) => t });
    // @ts-expect-error the function must return tensors
    lambda({ function: (t: tf.Tensor) => t.shape });
    // @ts-expect-error an argument the function does not take
    lambda({ function: (t: tf.Tensor, a: { factor: number }) => mul(t, a.factor), arguments: { factr: 2 } });
  });
});
