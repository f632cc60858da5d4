import type { LayerName } from '@ridge/core';
import { describe, expectTypeOf, it } from 'vitest';
import { discretization, hashing, integerLookup, stringLookup, textVectorization, type IntegerLookup, type StringLookup } from '../../index.js';

describe('structured data and text layer types', () => {
  it('the Keras class names are in the LayerRegistry', () => {
    expectTypeOf<'Discretization' | 'Hashing' | 'StringLookup' | 'IntegerLookup' | 'TextVectorization'>().toExtend<LayerName>();
  });

  it('tokens are typed by the layer: strings for StringLookup, numbers for IntegerLookup', () => {
    const words = stringLookup({ vocabulary: ['a'], maskToken: '', outputMode: 'tf_idf', idfWeights: [1] });
    expectTypeOf(words).toEqualTypeOf<StringLookup>();
    expectTypeOf(words.getVocabulary()).toEqualTypeOf<string[]>();
    const ids = integerLookup({ vocabulary: [3, 7], maskToken: 0, oovToken: -1 });
    expectTypeOf(ids).toEqualTypeOf<IntegerLookup>();
    expectTypeOf(ids.getVocabulary()).toEqualTypeOf<number[]>();
    // @ts-expect-error an IntegerLookup's vocabulary is numbers
    integerLookup({ vocabulary: ['a'] });
    // @ts-expect-error Keras's snake_case modes only
    stringLookup({ outputMode: 'multiHot' });
    discretization({ numBins: 4, epsilon: 0.01, outputMode: 'count' });
    // @ts-expect-error Discretization has no tf_idf
    discretization({ numBins: 4, outputMode: 'tf_idf' });
    hashing({ numBins: 3, salt: [133, 137], maskValue: '' });
    // @ts-expect-error numBins is required
    hashing({ salt: 1 });
    textVectorization({ ngrams: [1, 3], outputSequenceLength: 8, standardize: null, split: 'character' });
    // @ts-expect-error TextVectorization has no one_hot
    textVectorization({ outputMode: 'one_hot' });
  });
});
