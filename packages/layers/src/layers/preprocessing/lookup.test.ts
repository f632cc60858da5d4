/**
 * StringLookup and IntegerLookup: the expected values are the examples of Keras 3's docstrings
 * (keras/src/layers/preprocessing/string_lookup.py and integer_lookup.py), and hand cases for
 * adapt's order (count, then the token, both descending, as index_lookup.py's lexsort), the
 * mask and OOV layout, and tf-idf weights `log(1 + documents / (1 + documents holding it))`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registry } from '@ridge/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { readObject } from '../../io/keras-json.js';
import type { Layer } from '../../engine/layer.js';
import { dense, embedding, flatten, input, integerLookup, loadModel, model, sequential, stringLookup } from '../../index.js';

useCpu();

/** Applies a layer to data and returns the output's values, checking that only the output is left. */
function run(layer: Layer, data: tf.TensorLike, dtype?: tf.DataType): unknown {
  const x = tf.tensor(data, undefined, dtype);
  const before = tf.memory().numTensors;
  const y = layer.apply(x) as tf.Tensor;
  expect(tf.memory().numTensors).toBe(before + 1);
  const out = y.arraySync();
  tf.dispose([x, y]);
  return out;
}

const vocab = ['a', 'b', 'c', 'd'];
const ints = [12, 36, 1138, 42];

describe('StringLookup (string_lookup.py docstring)', () => {
  it('a known vocabulary, an adapted one (ordered by count, ties by the token, descending), several OOV indices', () => {
    const data = [['a', 'c', 'd'], ['d', 'z', 'b']];
    expect(run(stringLookup({ vocabulary: vocab }), data)).toEqual([[1, 3, 4], [4, 0, 2]]);
    const adapted = stringLookup();
    adapted.adapt(data);
    expect(adapted.getVocabulary()).toEqual(['[UNK]', 'd', 'z', 'c', 'b', 'a']);
    expect(run(adapted, data)).toEqual([[5, 3, 1], [1, 2, 4]]);
    // 'm' and 'z' hash (FarmHash) to OOV indices 0 and 1
    expect(run(stringLookup({ vocabulary: vocab, numOovIndices: 2 }), [['a', 'c', 'd'], ['m', 'z', 'b']])).toEqual([[2, 4, 5], [0, 1, 3]]);
  });

  it('one_hot, multi_hot, count and tf_idf (given weights; the OOV weight the mean, or given with the OOV token)', () => {
    expect(run(stringLookup({ vocabulary: vocab, outputMode: 'one_hot' }), ['a', 'b', 'c', 'd', 'z'])).toEqual([
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
    ]);
    const data = [['a', 'c', 'd', 'd'], ['d', 'z', 'b', 'z']];
    expect(run(stringLookup({ vocabulary: vocab, outputMode: 'multi_hot' }), data)).toEqual([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]);
    expect(run(stringLookup({ vocabulary: vocab, outputMode: 'count' }), data)).toEqual([[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]);
    const tfidf = stringLookup({ outputMode: 'tf_idf', vocabulary: vocab, idfWeights: [0.25, 0.75, 0.6, 0.4] });
    const y1 = tf.tidy(() => tfidf.apply(tf.tensor(data)));
    // OOV weight: the mean (0.25 + 0.75 + 0.6 + 0.4) / 4 = 0.5, twice 'z' -> 1.0
    expectClose(y1, [0, 0.25, 0, 0.6, 0.8, 1.0, 0, 0.75, 0, 0.4]);
    const withOov = stringLookup({ outputMode: 'tf_idf', vocabulary: ['[UNK]', ...vocab], idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4] });
    const y2 = tf.tidy(() => withOov.apply(tf.tensor(data)));
    expectClose(y2, [0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4]);
    tf.dispose([y1, y2]);
  });

  it('invert, and a forward and inverse pair round trip (OOV comes back as [UNK])', () => {
    expect(run(stringLookup({ vocabulary: vocab, invert: true }), [[1, 3, 4], [4, 0, 2]], 'int32')).toEqual([['a', 'c', 'd'], ['d', '[UNK]', 'b']]);
    const forward = stringLookup({ vocabulary: vocab, maskToken: '' });
    const inverse = stringLookup({ vocabulary: forward.getVocabulary(), maskToken: '', invert: true });
    const x = tf.tensor([['a', '', 'd'], ['q', 'b', 'c']]);
    const ids = forward.apply(x);
    // the mask token at 0, the OOV at 1, the vocabulary from 2
    expect(ids.arraySync()).toEqual([[2, 0, 5], [1, 3, 4]]);
    const back = inverse.apply(ids);
    expect(back.dtype).toBe('string');
    expect(back.arraySync()).toEqual([['a', '', 'd'], ['[UNK]', 'b', 'c']]);
    tf.dispose([x, ids, back]);
  });
});

describe('IntegerLookup (integer_lookup.py docstring)', () => {
  it('a known vocabulary, an adapted one, several OOV indices (floormod), invert', () => {
    const data = [[12, 1138, 42], [42, 1000, 36]];
    expect(run(integerLookup({ vocabulary: ints }), data, 'int32')).toEqual([[1, 3, 4], [4, 0, 2]]);
    const adapted = integerLookup();
    adapted.adapt(tf.tensor(data, undefined, 'int32'));
    expect(adapted.getVocabulary()).toEqual([-1, 42, 1138, 1000, 36, 12]);
    expect(run(adapted, data, 'int32')).toEqual([[5, 2, 1], [1, 3, 4]]);
    // 37 % 2 = 1, 1000 % 2 = 0; float32 holding integers reads the same
    expect(run(integerLookup({ vocabulary: ints, numOovIndices: 2 }), [[12, 1138, 42], [37, 1000, 36]], 'float32')).toEqual([[2, 4, 5], [1, 0, 3]]);
    expect(run(integerLookup({ vocabulary: ints, invert: true }), [[1, 3, 4], [4, 0, 2]], 'int32')).toEqual([[12, 1138, 42], [42, -1, 36]]);
  });

  it('one_hot, multi_hot, count, tf_idf', () => {
    expect(run(integerLookup({ vocabulary: ints, outputMode: 'one_hot' }), [12, 36, 1138, 42, 7], 'int32')).toEqual([
      [0, 1, 0, 0, 0],
      [0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 0, 1],
      [1, 0, 0, 0, 0],
    ]);
    const data = [[12, 1138, 42, 42], [42, 7, 36, 7]];
    expect(run(integerLookup({ vocabulary: ints, outputMode: 'multi_hot' }), data, 'int32')).toEqual([[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]);
    expect(run(integerLookup({ vocabulary: ints, outputMode: 'count' }), data, 'int32')).toEqual([[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]);
    const layer = integerLookup({ outputMode: 'tf_idf', vocabulary: [-1, ...ints], idfWeights: [0.9, 0.25, 0.75, 0.6, 0.4] });
    const x = tf.tensor(data, undefined, 'int32');
    const y = layer.apply(x);
    expectClose(y, [0, 0.25, 0, 0.6, 0.8, 1.8, 0, 0.75, 0, 0.4]);
    tf.dispose([x, y]);
  });
});

describe('adapt, by hand', () => {
  it('ties broken by the token, descending; mask and OOV tokens left out; maxTokens keeps the most frequent', () => {
    // counts: x 3, b 2, a 2, c 1, '' (the mask) 4, [UNK] 2
    const data = ['x', 'b', 'a', '', 'x', 'c', '', 'a', '[UNK]', 'b', '', 'x', '', '[UNK]'];
    const layer = stringLookup({ maskToken: '' });
    layer.adapt(data);
    expect(layer.getVocabulary()).toEqual(['', '[UNK]', 'x', 'b', 'a', 'c']);
    expect(layer.getVocabulary(false)).toEqual(['x', 'b', 'a', 'c']);
    expect(layer.vocabularySize()).toBe(6);
    // maxTokens 4: mask and OOV indices take 2, leaving x and b
    const capped = stringLookup({ maskToken: '', maxTokens: 4 });
    capped.adapt(data);
    expect(capped.getVocabulary()).toEqual(['', '[UNK]', 'x', 'b']);
    // integers: ties by value, descending: 7, 5, then -3
    const ints = integerLookup({ numOovIndices: 0 });
    ints.adapt([[5, -3, 7], [7, 5, -3]]);
    expect(ints.getVocabulary()).toEqual([7, 5, -3]);
  });

  it('tf_idf: weights from document counts, the OOV index the mean', () => {
    // 3 documents; 'a' in 3, 'b' in 2 (3 times), 'c' in 1
    const layer = stringLookup({ outputMode: 'tf_idf' });
    layer.adapt([['a', 'b', 'b'], ['a', 'b', 'c'], ['a', 'a', 'a']]);
    // counts a 5, b 3, c 1
    expect(layer.getVocabulary()).toEqual(['[UNK]', 'a', 'b', 'c']);
    // float32 weights (Keras casts them to floatx), their mean for the OOV index
    const idf = [3 / 4, 3 / 3, 3 / 2].map((r) => Math.fround(Math.log(1 + r)));
    const mean = Math.fround((idf[0]! + idf[1]! + idf[2]!) / 3);
    const x = tf.tensor([['a', 'c', 'z', 'c']]);
    const y = layer.apply(x);
    expectClose(y, [mean, idf[0]!, 0, 2 * idf[2]!]);
    expect(layer.getConfig()['idfWeights']).toEqual([mean, ...idf]);
    tf.dispose([x, y]);
  });
});

describe('saving, models, refusals', () => {
  it('the vocabulary is in the config; Keras 3 configs load', () => {
    const adapted = stringLookup({ name: 'words' });
    adapted.adapt([['a', 'c', 'd'], ['d', 'z', 'b']]);
    const config = adapted.getConfig();
    expect(config).toMatchObject({ vocabulary: ['[UNK]', 'd', 'z', 'c', 'b', 'a'], numOovIndices: 1, oovToken: '[UNK]', maskToken: null, outputMode: 'int' });
    const copy = registry('layer').get('StringLookup').create({ ...config, name: 'words_copy' }) as Layer;
    expect(run(copy, [['a', 'z']])).toEqual([[5, 2]]);
    const keras = registry('layer').get('IntegerLookup').create(
      readObject({
        name: 'integer_lookup',
        trainable: true,
        dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'int64' }, registered_name: null },
        invert: false,
        max_tokens: null,
        num_oov_indices: 1,
        oov_token: -1,
        mask_token: 0,
        output_mode: 'int',
        sparse: false,
        pad_to_max_tokens: false,
        vocabulary_dtype: 'int64',
        idf_weights: null,
        vocabulary: [12, 36, 1138, 42],
        vocabulary_size: 6,
      }),
    ) as Layer;
    // the mask token 0 at index 0, the OOV at 1
    expect(run(keras, [[12, 0, 7]], 'int32')).toEqual([[2, 0, 1]]);
  });

  it('IntegerLookup into an Embedding in a model: fit, save, load with the vocabulary, same predictions', async () => {
    const inp = input({ shape: [3], dtype: 'int32' });
    const lookup = integerLookup({ name: 'ids', maskToken: 0 });
    lookup.adapt([[3, 3, 9], [9, 4, 3]]);
    const x = embedding({ inputDim: lookup.vocabularySize(), outputDim: 2 }).apply(lookup.apply(inp));
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(flatten().apply(x)) });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const xs = tf.tensor2d([[3, 9, 0], [4, 5, 3]], [2, 3], 'int32');
    const ys = tf.tensor2d([[1], [0]]);
    await m.fit(xs, ys, { epochs: 1, verbose: 0 });
    // after the first fit (which creates the optimizer's state), a fit leaves the count as it was
    const start = tf.memory().numTensors;
    await m.fit(xs, ys, { epochs: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(start);
    const dir = await mkdtemp(path.join(tmpdir(), 'ridge-lookup-'));
    try {
      await m.save(`file://${dir}`);
      const back = await loadModel(`file://${dir}`);
      const loaded = back.layers.find((l) => l.name === 'ids')!;
      expect(loaded.getConfig()['vocabulary']).toEqual([0, -1, 3, 9, 4]);
      const [a, b] = [m.predict(xs) as tf.Tensor, back.predict(xs) as tf.Tensor];
      expect(b.arraySync()).toEqual(a.arraySync());
      tf.dispose([a, b]);
      back.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('StringLookup ids feed an Embedding model: fit on the int outputs', async () => {
    const lookup = stringLookup({ maskToken: '' });
    lookup.adapt([['red', 'green', ''], ['blue', 'red', 'red']]);
    const words = tf.tensor([['red', 'blue', ''], ['green', 'pink', 'red']]);
    const ids = lookup.apply(words);
    // '' 0, [UNK] 1, red 2 (3 times), then blue and green (once each), descending: green 3, blue 4
    expect(ids.arraySync()).toEqual([[2, 4, 0], [3, 1, 2]]);
    const m = sequential({
      layers: [embedding({ inputDim: lookup.vocabularySize(), outputDim: 3, inputShape: [3] }), flatten(), dense({ units: 1, activation: 'sigmoid' })],
    });
    m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const ys = tf.tensor2d([[1], [0]]);
    const history = await m.fit(ids, ys, { epochs: 3, verbose: 0 });
    expect(history.history['loss']).toHaveLength(3);
    tf.dispose([words, ids, ys]);
    m.dispose();
  });

  it('refusals: duplicates, the mask token in the vocabulary, an unknown outputMode, OOV without OOV indices, adapt after a vocabulary', () => {
    const before = tf.memory().numTensors;
    const dup = caught(() => stringLookup({ vocabulary: ['a', 'b', 'a'] }));
    expect(dup.code).toBe('INVALID_ARGUMENT');
    expect(dup.message).toContain('vocabulary repeats ["a"]');
    const mask = caught(() => stringLookup({ vocabulary: ['a', '', 'b'], maskToken: '' }));
    expect(mask.message).toContain('vocabulary holds the mask token "" at index 1');
    const oov = caught(() => integerLookup({ vocabulary: [1, -1], invert: true }));
    expect(oov.message).toContain('OOV token -1');
    const mode = caught(() => stringLookup({ outputMode: 'binary' as never }));
    expect(mode.message).toContain(`outputMode must be 'int', 'one_hot', 'multi_hot', 'count' or 'tf_idf'; received "binary"`);
    expect(caught(() => stringLookup({ maxTokens: 1 })).details).toMatchObject({ argument: 'maxTokens', received: 1 });
    expect(caught(() => stringLookup({ vocabulary: ['a', 'b', 'c'], maxTokens: 3 })).message).toContain('more than maxTokens 3');
    expect(caught(() => stringLookup({ outputMode: 'tf_idf', vocabulary: ['a'] })).details).toMatchObject({ argument: 'idfWeights' });
    expect(caught(() => stringLookup({ invert: true, outputMode: 'count' })).details).toMatchObject({ argument: 'invert' });
    expect(caught(() => stringLookup({ vocabulary: ['a'] }).adapt(['a'])).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => stringLookup().adapt([1, 2] as never)).code).toBe('INVALID_DATA');
    const strict = stringLookup({ vocabulary: ['a'], numOovIndices: 0 });
    const x = tf.tensor(['a', 'b']);
    const error = caught(() => strict.apply(x));
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toContain('received "b"');
    const numbers = tf.tensor([1, 2]);
    expect(caught(() => strict.apply(numbers)).code).toBe('INVALID_DATA');
    expect(caught(() => stringLookup().apply(x)).code).toBe('NOT_COMPILED');
    expect(caught(() => integerLookup({ vocabulary: [1] }).apply(tf.tensor([1.5]))).code).toBe('INVALID_DATA');
    tf.dispose([x, numbers]);
    expect(tf.memory().numTensors).toBe(before + 1);
  });
});
