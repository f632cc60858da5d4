/**
 * TextVectorization: the expected values are the examples of Keras 3's docstring
 * (keras/src/layers/preprocessing/text_vectorization.py), and hand cases for standardization,
 * n-grams and the output modes, worked out in the comments with StringLookup's rules.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registry } from '@ridge/core';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { readObject } from '../../io/keras-json.js';
import type { Layer } from '../../engine/layer.js';
import { initBackend } from '@ridge/backend';
import { discretization, hashing, input, stringLookup, textVectorization } from '../../index.js';

useCpu();

function run(layer: Layer, texts: string[] | string[][]): unknown {
  const x = tf.tensor(texts);
  const before = tf.memory().numTensors;
  const y = layer.apply(x);
  expect(tf.memory().numTensors).toBe(before + 1);
  const out = y.arraySync();
  tf.dispose([x, y]);
  return out;
}

describe('TextVectorization', () => {
  it("the docstring: adapted on three strings, sequences of 4; a given vocabulary", () => {
    const layer = textVectorization({ maxTokens: 5000, outputMode: 'int', outputSequenceLength: 4 });
    layer.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    // '' 0, [UNK] 1, then baz and bar (twice; ties descending), foo, boom, bada
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']);
    expect(run(layer, [['foo qux bar'], ['qux baz']])).toEqual([[4, 1, 3, 0], [1, 2, 0, 0]]);
    const given = textVectorization({ maxTokens: 5000, outputSequenceLength: 4, vocabulary: ['earth', 'wind', 'and', 'fire'] });
    expect(run(given, [['earth wind and fire'], ['fire and earth michigan']])).toEqual([[2, 3, 4, 5], [5, 4, 2, 1]]);
  });

  it("standardizes as Keras (lower case, its punctuation removed), pads to the batch's longest row, cuts to outputSequenceLength", () => {
    const layer = textVectorization({ vocabulary: ['hello', "world's", 'worlds', 'a-b', 'ab'] });
    // "Hello, World's A-B!" -> "hello worlds ab": the apostrophe and the hyphen are Keras's punctuation
    expect(run(layer, ["Hello, World's A-B!", 'HELLO'])).toEqual([[2, 4, 6], [2, 0, 0]]);
    const cut = textVectorization({ vocabulary: ['a', 'b'], outputSequenceLength: 2, standardize: null });
    // without standardizing, 'A' is out of the vocabulary
    expect(run(cut, ['a b a b', 'A'])).toEqual([[2, 3], [1, 0]]);
  });

  it('ngrams up to 2, multi_hot, count and tf_idf (adapted: each string a document)', () => {
    const bigrams = textVectorization({ ngrams: 2, vocabulary: ['a', 'b', 'a b'], outputMode: 'count' });
    // 'a b a' -> a, b, a, 'a b', 'b a'; [UNK] at 0 (no mask index in count mode): 'b a' is OOV
    expect(run(bigrams, ['a b a'])).toEqual([[1, 2, 1, 1]]);
    const hot = textVectorization({ vocabulary: ['x', 'y'], outputMode: 'multi_hot' });
    expect(run(hot, ['x x z', ''])).toEqual([[1, 1, 0], [0, 0, 0]]);
    const tfidf = textVectorization({ outputMode: 'tf_idf' });
    tfidf.adapt(['a b', 'a', 'a c c']);
    // counts a 3, c 2, b 1; documents: a in 3, c in 1, b in 1, of 3
    expect(tfidf.getVocabulary()).toEqual(['[UNK]', 'a', 'c', 'b']);
    const idf = [3 / 4, 3 / 2, 3 / 2].map((r) => Math.fround(Math.log(1 + r)));
    const mean = (idf[0]! + idf[1]! + idf[2]!) / 3;
    const x = tf.tensor(['c c q a']);
    const y = tfidf.apply(x);
    expectClose(y, [mean, idf[0]!, 2 * idf[1]!, 0]);
    tf.dispose([x, y]);
  });

  it('the config holds the vocabulary and rebuilds the layer; Keras 3 configs load', () => {
    const layer = textVectorization({ outputSequenceLength: 3, ngrams: [1, 2] });
    layer.adapt(['the cat sat', 'the dog']);
    const config = layer.getConfig();
    expect(config['vocabulary']).toEqual(layer.getVocabulary());
    const copy = registry('layer').get('TextVectorization').create({ ...config, name: 'copy' }) as Layer;
    expect(run(copy, ['the cat'])).toEqual(run(layer, ['the cat']));
    const keras = registry('layer').get('TextVectorization').create(
      readObject({
        name: 'text_vectorization',
        trainable: true,
        dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'string' }, registered_name: null },
        max_tokens: null,
        standardize: 'lower_and_strip_punctuation',
        split: 'whitespace',
        ngrams: null,
        output_mode: 'int',
        output_sequence_length: 2,
        pad_to_max_tokens: false,
        sparse: false,
        ragged: false,
        vocabulary: ['earth', 'wind'],
        idf_weights: null,
        encoding: 'utf-8',
        vocabulary_size: 4,
      }),
    ) as Layer;
    expect(run(keras, ['Wind! Earth'])).toEqual([[3, 2]]);
  });

  it('refusals', () => {
    const before = tf.memory().numTensors;
    expect(caught(() => textVectorization({ outputMode: 'one_hot' as never })).details).toMatchObject({ argument: 'outputMode', received: 'one_hot' });
    expect(caught(() => textVectorization({ outputMode: 'count', outputSequenceLength: 3 })).details).toMatchObject({ argument: 'outputSequenceLength' });
    expect(caught(() => textVectorization({ standardize: 'upper' as never })).details).toMatchObject({ argument: 'standardize' });
    expect(caught(() => textVectorization({ ngrams: 0 })).details).toMatchObject({ argument: 'ngrams' });
    expect(caught(() => textVectorization({ ragged: true })).details).toMatchObject({ argument: 'ragged' });
    expect(caught(() => textVectorization({ vocabulary: ['a', 'a'] })).message).toContain('vocabulary repeats ["a"]');
    expect(caught(() => textVectorization().adapt(['', '!!'])).code).toBe('INVALID_DATA');
    expect(caught(() => textVectorization().adapt([1, 2] as never)).code).toBe('INVALID_DATA');
    const numbers = tf.tensor1d([1, 2]);
    expect(caught(() => textVectorization({ vocabulary: ['a'] }).apply(numbers)).code).toBe('INVALID_DATA');
    const wide = tf.tensor([['a', 'b']]);
    expect(caught(() => textVectorization({ vocabulary: ['a'] }).apply(wide)).code).toBe('SHAPE_MISMATCH');
    // A symbolic input's unknown batch reads as null in the message.
    const symbolic = caught(() => textVectorization({ vocabulary: ['a'] }).apply(input({ shape: [2], dtype: 'int32' })));
    expect(symbolic.code).toBe('SHAPE_MISMATCH');
    expect(symbolic.message).toContain('inputs must be strings of shape [batch] or [batch, 1]; received shape [null, 2].');
    tf.dispose([numbers, wide]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('on wasm (string tensors live in JavaScript there too)', () => {
  it('TextVectorization, StringLookup tf_idf, Hashing and Discretization give the same values as on cpu', async () => {
    await initBackend({ prefer: 'wasm', log: false });
    try {
      expect(tf.getBackend()).toBe('wasm');
      const before = tf.memory().numTensors;
      const text = textVectorization({ outputSequenceLength: 4 });
      text.adapt(['foo bar', 'bar baz', 'baz bada boom']);
      // the docstring's values, as on cpu above
      expect(run(text, [['foo qux bar'], ['qux baz']])).toEqual([[4, 1, 3, 0], [1, 2, 0, 0]]);
      const tfidf = stringLookup({ outputMode: 'tf_idf', vocabulary: ['a', 'b', 'c', 'd'], idfWeights: [0.25, 0.75, 0.6, 0.4] });
      const x = tf.tensor([['a', 'c', 'd', 'd'], ['d', 'z', 'b', 'z']]);
      const y = tfidf.apply(x);
      expectClose(y, [0, 0.25, 0, 0.6, 0.8, 1.0, 0, 0.75, 0, 0.4]);
      expect(run(hashing({ numBins: 3, outputMode: 'one_hot' }), [['A'], ['B'], ['E']])).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
      const bins = discretization({ binBoundaries: [0, 1, 2] });
      const v = tf.tensor2d([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]]);
      const ids = bins.apply(v);
      expect(ids.arraySync()).toEqual([[0, 2, 3, 1], [1, 3, 2, 1]]);
      tf.dispose([x, y, v, ids]);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await initBackend({ prefer: 'cpu', log: false });
    }
  });
});
