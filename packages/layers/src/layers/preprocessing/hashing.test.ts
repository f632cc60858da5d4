/**
 * Hashing: the expected bins are Keras 3's (keras/src/layers/preprocessing/hashing.py docstring
 * and hashing_test.py); the hash functions are checked against published vectors: Guava's
 * FarmHashFingerprint64Test (which compares its port with FarmHash's C++ on every length up to
 * 3200 bytes) and the SipHash paper's example (Aumasson and Bernstein, appendix A).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registry } from '@ridge/core';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught } from '../../../test/fixtures.js';
import { readObject } from '../../io/keras-json.js';
import type { Layer } from '../../engine/layer.js';
import { dense, embedding, flatten, hashing, input, model, type HashingArgs } from '../../index.js';
import { fingerprint64, sipHash64 } from './fingerprint.js';

useCpu();

const utf8 = new TextEncoder();
const signed = (h: bigint): bigint => BigInt.asIntN(64, h);

function bins(args: HashingArgs, data: tf.TensorLike, dtype?: tf.DataType): unknown {
  const x = tf.tensor(data, undefined, dtype);
  const before = tf.memory().numTensors;
  const y = hashing(args).apply(x);
  expect(tf.memory().numTensors).toBe(before + 1);
  const out = y.arraySync();
  expect(y.dtype).toBe(args.outputMode === undefined || args.outputMode === 'int' ? 'int32' : 'float32');
  tf.dispose([x, y]);
  return out;
}

describe('FarmHash Fingerprint64 and SipHash-2-4', () => {
  it("Guava's simple fingerprints: 4, 32 and 256 bytes, and the empty string (FarmHash's k2)", () => {
    expect(signed(fingerprint64(utf8.encode('test')))).toBe(8581389452482819506n);
    expect(signed(fingerprint64(utf8.encode('test'.repeat(8))))).toBe(-4196240717365766262n);
    expect(signed(fingerprint64(utf8.encode('test'.repeat(64))))).toBe(3500507768004279527n);
    expect(fingerprint64(new Uint8Array(0))).toBe(0x9ae16a3b2f90404fn);
  });

  it("Guava's testMultipleLengths: fingerprints of every length up to 3200 bytes, chained, end at 0x7a1d67c50ec7e167", () => {
    const iterations = 800;
    const buf = new Uint8Array(iterations * 4);
    let bufLen = 0;
    let h = 0n;
    const remix = (v: bigint): bigint => BigInt.asIntN(64, BigInt.asIntN(64, v ^ (BigInt.asUintN(64, v) >> 41n)) * 949921979n);
    const char = (v: bigint): number => 97 + Number((v & 0xfffffn) % 26n);
    const step = (length: number): void => {
      h = remix(h ^ signed(fingerprint64(buf.subarray(0, length))));
      buf[bufLen++] = char(h);
    };
    for (let i = 0; i < iterations; i++) {
      step(i);
      step((i * i) % bufLen);
      step((i * i * i) % bufLen);
      step(bufLen);
      const [x0, x1, x2, x3] = [buf[bufLen - 1]!, buf[bufLen - 2]!, buf[bufLen - 3]!, buf[bufLen >> 1]!];
      buf[((x0 << 16) + (x1 << 8) + x2) % bufLen]! ^= x3;
      buf[((x1 << 16) + (x2 << 8) + x3) % bufLen]! ^= i % 256;
    }
    expect(h).toBe(0x7a1d67c50ec7e167n);
  });

  it("the SipHash paper's vector: key 00..0f, message 00..0e", () => {
    const message = Uint8Array.from({ length: 15 }, (_, i) => i);
    expect(sipHash64(message, 0x0706050403020100n, 0x0f0e0d0c0b0a0908n)).toBe(0xa129ca6149be45e5n);
  });
});

describe('Hashing', () => {
  it("the docstring's examples: FarmHash, a mask value, SipHash with two salts and with one", () => {
    const letters = [['A'], ['B'], ['C'], ['D'], ['E']];
    expect(bins({ numBins: 3 }, letters)).toEqual([[1], [0], [1], [1], [2]]);
    expect(bins({ numBins: 3, maskValue: '' }, [['A'], ['B'], [''], ['C'], ['D']])).toEqual([[1], [1], [0], [2], [2]]);
    expect(bins({ numBins: 3, salt: [133, 137] }, letters)).toEqual([[1], [2], [1], [0], [2]]);
    expect(bins({ numBins: 3, salt: 133 }, letters)).toEqual([[0], [0], [2], [1], [0]]);
  });

  it("Keras's tests: words, masks, ints (hashed as their decimal text), SipHash salts", () => {
    const words = [['omar'], ['stringer'], ['marlo'], ['wire'], ['skywalker']];
    expect(bins({ numBins: 2 }, words)).toEqual([[0], [0], [1], [0], [0]]);
    expect(bins({ numBins: 2 }, words.flat())).toEqual([0, 0, 1, 0, 0]);
    expect(bins({ numBins: 3, maskValue: '' }, words)).toEqual([[1], [1], [2], [1], [1]]);
    expect(bins({ numBins: 3, maskValue: 'omar' }, words)).toEqual([[0], [1], [2], [1], [1]]);
    expect(bins({ numBins: 3 }, [[0], [1], [2], [3], [4]], 'int32')).toEqual([[1], [0], [1], [0], [2]]);
    // float32 is truncated to an integer first, as Keras casts floats to int64
    expect(bins({ numBins: 3 }, [[0.5], [1.9], [2], [3.2], [4.7]], 'float32')).toEqual([[1], [0], [1], [0], [2]]);
    expect(bins({ numBins: 2, salt: [133, 137] }, words)).toEqual([[0], [1], [0], [1], [0]]);
    expect(bins({ numBins: 2, salt: [211, 137] }, words)).toEqual([[1], [0], [1], [0], [1]]);
  });

  it('one_hot, multi_hot and count encode the bins as CategoryEncoding', () => {
    // 'A' -> 1, 'B' -> 0, 'E' -> 2 (the docstring's bins)
    expect(bins({ numBins: 3, outputMode: 'one_hot' }, [['A'], ['B'], ['E']])).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
    expect(bins({ numBins: 3, outputMode: 'multi_hot' }, [['A', 'C'], ['B', 'E']])).toEqual([[0, 1, 0], [1, 0, 1]]);
    expect(bins({ numBins: 3, outputMode: 'count' }, [['A', 'C', 'D', 'B']])).toEqual([[1, 3, 0]]);
  });

  it('in a model on int32 ids, into an Embedding; the config (with salt and mask) rebuilds the same layer, and Keras 3 configs load', () => {
    const inp = input({ shape: [2], dtype: 'int32' });
    const h = hashing({ numBins: 4, salt: [1, 2], maskValue: 0 });
    const ids = h.apply(inp);
    expect(ids.dtype).toBe('int32');
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(flatten().apply(embedding({ inputDim: 4, outputDim: 2 }).apply(ids))) });
    const x = tf.tensor2d([[0, 5], [7, 0]], [2, 2], 'int32');
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 1]);
    expect(h.getConfig()).toMatchObject({ numBins: 4, salt: [1, 2], maskValue: 0, outputMode: 'int' });
    const keras = registry('layer').get('Hashing').create(
      readObject({ name: 'hashing', trainable: true, dtype: 'int64', num_bins: 3, salt: null, mask_value: null, output_mode: 'int', sparse: false }),
    ) as Layer;
    const letters = tf.tensor1d(['A', 'B', 'C']);
    const out = keras.apply(letters);
    expect(out.arraySync()).toEqual([1, 0, 1]);
    tf.dispose([x, y, letters, out]);
    m.dispose();
  });

  it('refusals name the argument and the value', () => {
    const before = tf.memory().numTensors;
    expect(caught(() => hashing({ numBins: 0 })).details).toMatchObject({ argument: 'numBins', received: 0 });
    expect(caught(() => hashing({ numBins: 2, salt: [1] as never })).message).toContain('salt must be an integer in [0, 2^53), a list of two such integers, or null; received [1]');
    expect(caught(() => hashing({ numBins: 2, salt: -1 })).code).toBe('INVALID_ARGUMENT');
    expect(caught(() => hashing({ numBins: 2, maskValue: [] as never })).details).toMatchObject({ argument: 'maskValue' });
    expect(caught(() => hashing({ numBins: 2, outputMode: 'tf_idf' as never })).message).toContain(`outputMode must be 'int', 'one_hot', 'multi_hot' or 'count'; received "tf_idf"`);
    expect(caught(() => hashing({ numBins: 2, sparse: true })).details).toMatchObject({ argument: 'sparse' });
    expect(tf.memory().numTensors).toBe(before);
  });
});
