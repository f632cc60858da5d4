import { registry, type LayerName } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import { attention, input, multiHeadAttention, type MultiHeadAttention, type SymbolicTensor } from '../../index.js';

describe('attention layer types', () => {
  it('the Keras class names are in the LayerRegistry', () => {
    expectTypeOf<'Attention' | 'AdditiveAttention' | 'MultiHeadAttention'>().toExtend<LayerName>();
    registry('layer').get('MultiHeadAttention');
    // @ts-expect-error a typo of a layer name
    registry('layer').get('MultiheadAttention');
  });

  it('factories take Keras arguments; symbolic calls take the graph call arguments only', () => {
    const q = input({ shape: [4, 8] });
    const mha = multiHeadAttention({ numHeads: 2, keyDim: 4, outputShape: [8], kernelRegularizer: 'l2' });
    expectTypeOf(mha).toEqualTypeOf<MultiHeadAttention>();
    expectTypeOf(mha.apply([q, q], { useCausalMask: true })).toEqualTypeOf<SymbolicTensor>();
    expectTypeOf(attention({ scoreMode: 'concat' }).applyAll([q, q], { returnAttentionScores: true })).toEqualTypeOf<SymbolicTensor[]>();
    // @ts-expect-error numHeads and keyDim are required
    multiHeadAttention({ numHeads: 2 });
    // @ts-expect-error scoreMode is 'dot' or 'concat'
    attention({ scoreMode: 'additive' });
    // @ts-expect-error training comes from fit in a model
    mha.apply([q, q], { training: true });
  });

  it('eager calls take training, masks and an attention mask', () => {
    const x = null as unknown as tf.Tensor;
    expectTypeOf(multiHeadAttention({ numHeads: 1, keyDim: 1 }).apply([x, x], { training: true, mask: [x, null], attentionMask: x, useCausalMask: true })).toEqualTypeOf<tf.Tensor>();
  });
});
