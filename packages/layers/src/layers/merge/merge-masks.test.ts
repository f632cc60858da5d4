import { initBackend } from '@ridge/backend';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { add, concatenate, dense, dot, embedding, globalAveragePooling1d, input, maximum, model, type Layer, type Model } from '../../index.js';
import { maskSource } from '../../model/masking.js';
import { expectClose, seedWeights } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/*
 * Keras 3's merge layers take masks (base_merge.py, concatenate.py, dot.py): the elementwise ones
 * give the OR of their inputs' masks when every input has one (else none), Concatenate spreads
 * each input's mask (all true for an input without one) over the input, concatenates them as the
 * inputs are and takes `any` over the last axis, Dot ends the mask. The values are computed
 * without the masks. A GlobalAveragePooling1D after the merge shows the mask: it averages the
 * steps the mask keeps.
 */

const A = [[2, 3, 0, 0]];
const B = [[4, 0, 5, 0]];

/** Two Embedding(maskZero) inputs merged by `merge`, then GlobalAveragePooling1D; the embeddings are shared. */
function twoSequences(merge: (a: ReturnType<typeof input>, b: ReturnType<typeof input>) => ReturnType<typeof input>, seed: number): { m: Model; emb: Layer } {
  const ia = input({ shape: [4], dtype: 'int32' });
  const ib = input({ shape: [4], dtype: 'int32' });
  const emb = embedding({ inputDim: 6, outputDim: 2, maskZero: true });
  const merged = merge(emb.apply(ia), emb.apply(ib));
  const m = model({ inputs: [ia, ib], outputs: globalAveragePooling1d().apply(merged) });
  seedWeights(m, seed, 0.5);
  return { m, emb };
}

/** The masked mean over steps of a [1, steps, channels] value given as flat numbers. */
function meanOver(v: number[], keep: boolean[], channels: number): number[] {
  const kept = keep.map((k, t) => (k ? t : -1)).filter((t) => t >= 0);
  return Array.from({ length: channels }, (_, c) => kept.reduce((s, t) => s + v[t * channels + c]!, 0) / kept.length);
}

function run(m: Model, emb: Layer, combine: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): { got: number[]; merged: number[] } {
  const xa = tf.tensor2d(A, undefined, 'int32');
  const xb = tf.tensor2d(B, undefined, 'int32');
  const y = m.predict([xa, xb]) as tf.Tensor;
  const merged = tf.tidy(() => combine(emb.apply(xa) as tf.Tensor, emb.apply(xb) as tf.Tensor));
  const out = { got: Array.from(y.dataSync()), merged: Array.from(merged.dataSync()) };
  tf.dispose([xa, xb, y, merged]);
  return out;
}

describe('masks into the merge layers, as Keras 3', () => {
  it('Add and Maximum: the OR of both masks (steps 0, 1 and 2), no warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      for (const [layerOf, combine] of [
        [() => add(), tf.add],
        [() => maximum(), tf.maximum],
      ] as const) {
        const { m, emb } = twoSequences((a, b) => layerOf().apply([a, b]), 5);
        const { got, merged } = run(m, emb, combine);
        expectClose(got, meanOver(merged, [true, true, true, false], 2), 5);
        m.dispose();
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('an elementwise merge of a masked and an unmasked input carries no mask', () => {
    const ia = input({ shape: [4], dtype: 'int32' });
    const ib = input({ shape: [4, 2] });
    const masked = embedding({ inputDim: 6, outputDim: 2, maskZero: true }).apply(ia);
    const merged = add().apply([masked, ib]);
    expect(maskSource(masked)).toBeDefined();
    expect(maskSource(merged)).toBeUndefined();
  });

  it('Concatenate on the last axis: any of the spread masks, the OR here', () => {
    const { m, emb } = twoSequences((a, b) => concatenate().apply([a, b]), 6);
    const { got, merged } = run(m, emb, (a, b) => tf.concat([a, b], -1));
    expectClose(got, meanOver(merged, [true, true, true, false], 4), 5);
    m.dispose();
  });

  it('Concatenate on the time axis: the masks one after the other', () => {
    const { m, emb } = twoSequences((a, b) => concatenate({ axis: 1 }).apply([a, b]), 7);
    const { got, merged } = run(m, emb, (a, b) => tf.concat([a, b], 1));
    expectClose(got, meanOver(merged, [true, true, false, false, true, false, true, false], 2), 5);
    m.dispose();
  });

  it('Concatenate with an unmasked input: every step kept (its mask is all true)', () => {
    const ia = input({ shape: [4], dtype: 'int32' });
    const ib = input({ shape: [4, 1] });
    const emb = embedding({ inputDim: 6, outputDim: 2, maskZero: true });
    const cat = concatenate();
    const m = model({ inputs: [ia, ib], outputs: globalAveragePooling1d().apply(cat.apply([emb.apply(ia), ib])) });
    seedWeights(m, 8, 0.5);
    const xa = tf.tensor2d(A, undefined, 'int32');
    const xb = tf.tensor3d([[[1], [2], [3], [4]]]);
    const y = m.predict([xa, xb]) as tf.Tensor;
    const merged = tf.tidy(() => cat.apply([emb.apply(xa) as tf.Tensor, xb]) as tf.Tensor);
    expectClose(y, meanOver(Array.from(merged.dataSync()), [true, true, true, true], 3), 5);
    tf.dispose([xa, xb, y, merged]);
    m.dispose();
  });

  it('Dot takes the masks and ends them, without a warning', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const ia = input({ shape: [4], dtype: 'int32' });
      const emb = embedding({ inputDim: 6, outputDim: 2, maskZero: true }).apply(ia);
      const out = dot({ axes: 2 }).apply([emb, emb]);
      expect(maskSource(out)).toBeUndefined();
      dense({ units: 1 }).apply(out);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('the masks are computed the same on wasm, and training leaks nothing', async () => {
    const fitOnce = async (): Promise<number[]> => {
      const { m } = twoSequences((a, b) => dense({ units: 1 }).apply(concatenate({ axis: 1 }).apply([add().apply([a, b]), b])), 9);
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      const xa = tf.tensor2d([...A, [1, 0, 0, 0]], undefined, 'int32');
      const xb = tf.tensor2d([...B, [2, 2, 0, 0]], undefined, 'int32');
      const y = tf.tensor2d([[1], [0]]);
      await m.fit([xa, xb], y, { epochs: 1, batchSize: 2, verbose: 0 });
      const before = tf.memory().numTensors;
      await m.fit([xa, xb], y, { epochs: 1, batchSize: 2, verbose: 0 });
      tf.dispose(m.predict([xa, xb]));
      expect(tf.memory().numTensors).toBe(before);
      const out = m.predict([xa, xb]) as tf.Tensor;
      const values = Array.from(out.dataSync());
      tf.dispose([xa, xb, y, out]);
      m.dispose();
      return values;
    };
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = await fitOnce();
    await initBackend({ prefer: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    expectClose(await fitOnce(), onCpu, 4);
    await initBackend({ prefer: 'cpu', log: false });
  });
});
