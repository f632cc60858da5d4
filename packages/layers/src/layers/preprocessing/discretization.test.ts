/**
 * Discretization: expected values from Keras 3's docstring and tests
 * (keras/src/layers/preprocessing/discretization.py and discretization_test.py), and adapt's
 * boundaries worked out by hand from Keras's summary algorithm in the comments.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../../test/setup.js';
import { caughtRidgeError as caught } from '../../../test/fixtures.js';
import { dense, discretization, embedding, flatten, input, loadModel, model, type DiscretizationArgs } from '../../index.js';
import { registry, type JsonObject } from '@ridge/core';
import { readObject } from '../../io/keras-json.js';
import type { Layer } from '../../engine/layer.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

useCpu();

function run(args: DiscretizationArgs, data: number[] | number[][] | number[][][], adapt?: number[] | number[][]): { dtype: string; shape: number[]; values: unknown } {
  const layer = discretization(args);
  if (adapt) layer.adapt(adapt);
  const x = tf.tensor(data);
  const y = layer.apply(x);
  const out = { dtype: y.dtype, shape: y.shape, values: y.arraySync() };
  tf.dispose([x, y]);
  return out;
}

describe('Discretization', () => {
  it('the docstring: given boundaries, and numBins 4 adapted on the same data', () => {
    const data = [[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]];
    expect(run({ binBoundaries: [0, 1, 2] }, data)).toEqual({ dtype: 'int32', shape: [2, 4], values: [[0, 2, 3, 1], [1, 3, 2, 1]] });
    // 8 values, epsilon 0.01: all kept with weight 1; quartiles of the sorted [-1.5, 0, 0, 0.5, 1, 1.3, 3, 3.4]
    // at cumulative fractions 2/8, 4/8, 6/8: 0, 0.5, 1.3 (float32)
    const layer = discretization({ numBins: 4, epsilon: 0.01 });
    const before = tf.memory().numTensors;
    layer.adapt(data);
    expect(tf.memory().numTensors).toBe(before);
    expect(layer.binBoundaries).toEqual([0, 0.5, Math.fround(1.3)]);
    const x = tf.tensor2d(data);
    const y = layer.apply(x);
    expect(y.arraySync()).toEqual([[0, 2, 3, 2], [1, 3, 3, 1]]);
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Keras's test_correctness cases (boundaries 0, 0.5, 1) in every output mode", () => {
    const b = [0, 0.5, 1];
    expect(run({ binBoundaries: b }, [[-1.0, 0.0, 0.1, 0.8, 1.2]]).values).toEqual([[0, 1, 1, 2, 3]]);
    expect(run({ binBoundaries: b, outputMode: 'one_hot' }, [0.1, 0.8])).toEqual({ dtype: 'float32', shape: [2, 4], values: [[0, 1, 0, 0], [0, 0, 1, 0]] });
    expect(run({ binBoundaries: b, outputMode: 'multi_hot' }, [[0.1, 0.8]]).values).toEqual([[0, 1, 1, 0]]);
    expect(run({ binBoundaries: b, outputMode: 'one_hot' }, [[[0.15, 0.75], [0.85, 0.45]]]).values).toEqual([
      [
        [[0, 1, 0, 0], [0, 0, 1, 0]],
        [[0, 0, 1, 0], [0, 1, 0, 0]],
      ],
    ]);
    expect(run({ binBoundaries: b, outputMode: 'multi_hot' }, [[[0.15, 0.75], [0.85, 0.45]]]).values).toEqual([[[0, 1, 1, 0], [0, 1, 1, 0]]]);
    expect(run({ binBoundaries: b, outputMode: 'count' }, [[0.1, 0.8, 0.9]]).values).toEqual([[0, 1, 2, 0]]);
    // test_tf_data_compatibility: a value on a boundary goes to the bin above it
    expect(run({ binBoundaries: [0, 0.35, 0.5, 1] }, [[-1.0, 0.0, 0.1, 0.2, 0.4, 0.5, 1.0, 1.2, 0.98]]).values).toEqual([[0, 1, 1, 1, 2, 3, 4, 4, 3]]);
  });

  it('adapt on a few values: 0..7 in 4 bins, and fewer values than bins', () => {
    // fractions k/8; 2/8 -> 1, 4/8 -> 3, 6/8 -> 5
    expect(run({ numBins: 4 }, [0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3, 4, 5, 6, 7]).values).toEqual([0, 1, 1, 2, 2, 3, 3, 3]);
    // 3 values, 5 bins: 3 * 0.2 < 1, so the summary is not compressed and its values but the last are the boundaries
    const layer = discretization({ numBins: 5 });
    layer.adapt([0, 1, 5]);
    expect(layer.binBoundaries).toEqual([0, 1]);
  });

  it('adapt on 1000 values samples every tenth (epsilon 0.01) and interpolates the quartiles', () => {
    // increment 1000 / 100 = 10: the values 10, 20, ..., 990 (99 of them) with weight 10 each;
    // the cumulative fractions are k / 99, so 1/4 falls at k = 24.75, between 240 and 250: 247.5;
    // 1/2 at k = 49.5: 495; 3/4 at k = 74.25: 742.5
    const layer = discretization({ numBins: 4 });
    const data = tf.tidy(() => tf.reverse(tf.range(0, 1000)));
    layer.adapt(data);
    data.dispose();
    const b = layer.binBoundaries!;
    expect(b).toHaveLength(3);
    [247.5, 495, 742.5].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 2));
  });

  it('refusals: both missing, bad boundaries, unknown outputMode, sparse, adapt without numBins or data, a call before adapt', () => {
    const before = tf.memory().numTensors;
    expect(caught(() => discretization({})).message).toContain('numBins');
    const unsorted = caught(() => discretization({ binBoundaries: [1, 0] }));
    expect(unsorted.code).toBe('INVALID_ARGUMENT');
    expect(unsorted.message).toContain('binBoundaries must be a list of finite numbers in increasing order; received [1, 0]');
    const mode = caught(() => discretization({ numBins: 2, outputMode: 'tf_idf' as never }));
    expect(mode.code).toBe('INVALID_ARGUMENT');
    expect(mode.message).toContain("outputMode must be 'int', 'one_hot', 'multi_hot' or 'count'");
    expect(caught(() => discretization({ numBins: 0 })).details).toMatchObject({ argument: 'numBins', received: 0 });
    expect(caught(() => discretization({ numBins: 2, sparse: true })).details).toMatchObject({ argument: 'sparse' });
    expect(caught(() => discretization({ binBoundaries: [0] }).adapt([1, 2])).code).toBe('INVALID_ARGUMENT');
    const layer = discretization({ numBins: 3 });
    for (const bad of [[], [1, Number.NaN], ['a'] as never]) {
      expect(caught(() => layer.adapt(bad)).code).toBe('INVALID_DATA');
    }
    expect(layer.binBoundaries).toBeUndefined();
    const x = tf.tensor2d([[0.1, 0.8, 0.9]]);
    const early = caught(() => layer.apply(x));
    expect(early.code).toBe('NOT_COMPILED');
    expect(early.message).toContain('adapt');
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('in a model: int bins into an Embedding; saved and loaded with its adapted boundaries (its config)', async () => {
    const disc = discretization({ numBins: 3, name: 'bins' });
    disc.adapt([0, 1, 2, 3, 4, 5]);
    // Cumulative fractions k/6 in float32, as Keras keeps them: 2/6 rounds up to 0.33333334, so
    // 1/3 falls just before the value 1, between 1/6 (value 0) and 2/6 (value 1); 2/3 hits 4/6 (value 3).
    const [f1, f2] = [Math.fround(1 / 6), Math.fround(2 / 6)];
    const first = Math.fround((1 / 3 - f1) / (f2 - f1));
    expect(first).toBeLessThan(1);
    expect(disc.binBoundaries).toEqual([first, 3]);
    const inp = input({ shape: [2] });
    const ids = disc.apply(inp);
    expect(ids.dtype).toBe('int32');
    const out = dense({ units: 1 }).apply(flatten().apply(embedding({ inputDim: 3, outputDim: 2 }).apply(ids)));
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const xs = tf.tensor2d([[0.5, 3.5], [2, 1]]);
    const ys = tf.tensor2d([[1], [0]]);
    await m.fit(xs, ys, { epochs: 2, verbose: 0 });
    const dir = await mkdtemp(path.join(tmpdir(), 'ridge-disc-'));
    try {
      await m.save(`file://${dir}`);
      const back = await loadModel(`file://${dir}/model.json`);
      const loaded = back.layers.find((l) => l.name === 'bins')!;
      expect(loaded.getConfig()).toMatchObject({ binBoundaries: [first, 3], numBins: 3, outputMode: 'int' });
      const a = m.predict(xs) as tf.Tensor;
      const b = back.predict(xs) as tf.Tensor;
      expect(b.arraySync()).toEqual(a.arraySync());
      tf.dispose([a, b]);
      back.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it("loads Keras 3's config of an adapted layer (bin_boundaries and num_bins both set, as Keras's from_config takes them)", () => {
    const config: JsonObject = {
      name: 'discretization',
      trainable: true,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      bin_boundaries: [0.0, 0.5, 1.2999999523162842],
      num_bins: 4,
      epsilon: 0.01,
      output_mode: 'one_hot',
      sparse: false,
    };
    const layer = registry('layer').get('Discretization').create(readObject(config)) as Layer;
    const x = tf.tensor1d([1.0, -2]);
    const y = layer.apply(x);
    // 1.0 is in [0.5, 1.3): bin 2 of 4; -2 in bin 0
    expect(y.arraySync()).toEqual([[0, 0, 1, 0], [1, 0, 0, 0]]);
    tf.dispose([x, y]);
  });
});
