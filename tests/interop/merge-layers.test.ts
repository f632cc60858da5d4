import { initBackend } from '@ridge/backend';
import { add, average, concatenate, dense, dot, fileSystem, input, loadModel, maximum, minimum, model, multiply, subtract, type Model } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, expectClose, randomize, variables } from '../support/tfjs-layers.js';

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-merge-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inputs = (): tf.Tensor[] => [tf.randomNormal([6, 4], 0, 1, 'float32', 31), tf.randomNormal([6, 4], 0, 1, 'float32', 32)];

/** Every merge layer tfjs-layers 4.22 has (it has no Subtract), on two inputs. */
function tfjsMergeModel(): tfl.LayersModel {
  const a = tfl.input({ shape: [4], name: 'tm_a' });
  const b = tfl.input({ shape: [4], name: 'tm_b' });
  const da = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'tm_da' }).apply(a) as tfl.SymbolicTensor;
  const db = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'tm_db' }).apply(b) as tfl.SymbolicTensor;
  const merged = [
    tfl.layers.add({ name: 'tm_add' }).apply([da, db, a]),
    tfl.layers.multiply({ name: 'tm_mul' }).apply([da, db]),
    tfl.layers.average({ name: 'tm_avg' }).apply([da, db]),
    tfl.layers.maximum({ name: 'tm_max' }).apply([da, db]),
    tfl.layers.minimum({ name: 'tm_min' }).apply([da, db]),
    tfl.layers.dot({ axes: 1, normalize: true, name: 'tm_cos' }).apply([da, db]),
    tfl.layers.dot({ axes: [1, 1], name: 'tm_dot' }).apply([a, b]),
  ] as tfl.SymbolicTensor[];
  const joined = tfl.layers.concatenate({ axis: -1, name: 'tm_cat' }).apply(merged) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'tm_out' }).apply(joined) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: [a, b], outputs: out, name: 'tm_model' });
  randomize(variables(m), 40);
  return m;
}

async function expectSamePredictions(tm: tfl.LayersModel, loaded: Model): Promise<void> {
  const xs = inputs();
  const [ours, theirs] = [loaded.predict(xs) as tf.Tensor, tm.predict(xs) as tf.Tensor];
  expectClose(ours, theirs);
  tf.dispose([...xs, ours, theirs]);
}

describe('tfjs-layers models with merge layers load into Ridge', () => {
  it('through tf.io.withSaveHandler and tf.io.fromMemory: the same layers and predictions', async () => {
    const tm = tfjsMergeModel();
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(tm.layers.map((l) => `${l.name}:${l.getClassName()}`));
    await expectSamePredictions(tm, loaded);
    tm.dispose();
    loaded.dispose();
  });

  it("through files: tfjs-layers' model.save to Ridge's file handler, then loadModel('file://')", async () => {
    const tm = tfjsMergeModel();
    const target = path.join(dir, 'from-tfjs');
    await tm.save(fileSystem(target));
    const loaded = await loadModel(`file://${target}`);
    await expectSamePredictions(tm, loaded);
    tm.dispose();
    loaded.dispose();
  });
});

describe('Ridge models with merge layers load into tfjs-layers', () => {
  it("saved with { format: 'tfjs-layers' }: tfjs-layers reads them and predicts the same", async () => {
    const a = input({ shape: [4], name: 'rm_a' });
    const b = input({ shape: [4], name: 'rm_b' });
    const da = dense({ units: 4, activation: 'tanh', name: 'rm_da' }).apply(a);
    const db = dense({ units: 4, activation: 'tanh', name: 'rm_db' }).apply(b);
    const joined = concatenate({ name: 'rm_cat' }).apply([
      add({ name: 'rm_add' }).apply([da, db]),
      multiply({ name: 'rm_mul' }).apply([da, db]),
      average({ name: 'rm_avg' }).apply([da, a]),
      maximum({ name: 'rm_max' }).apply([da, db]),
      minimum({ name: 'rm_min' }).apply([da, db]),
      dot({ axes: [1, 1], normalize: true, name: 'rm_dot' }).apply([da, db]),
    ]);
    const m = model({ inputs: [a, b], outputs: dense({ units: 2, name: 'rm_out' }).apply(joined) });
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
    const xs = inputs();
    const [ours, theirs] = [m.predict(xs) as tf.Tensor, tm.predict(xs) as tf.Tensor];
    expectClose(ours, theirs);
    tf.dispose([...xs, ours, theirs]);
    tm.dispose();
    m.dispose();
  });

  it('a Subtract layer, which tfjs-layers lacks, is refused by tfjs-layers by name', async () => {
    const a = input({ shape: [2], name: 'sub_a' });
    const b = input({ shape: [2], name: 'sub_b' });
    const m = model({ inputs: [a, b], outputs: subtract({ name: 'sub_s' }).apply([a, b]) });
    const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }));
    await expect(tfl.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(/Subtract/);
    m.dispose();
  });
});

describe('training through a merge: one SGD step agrees with tfjs-layers', () => {
  it('a residual block add([x, dense(x)]) and a concatenation, same weights, same step', async () => {
    const before = tf.memory().numTensors;
    // tfjs-layers
    const ti = tfl.input({ shape: [3], name: 'res_in' });
    const th = tfl.layers.dense({ units: 3, activation: 'tanh', name: 'res_dense' }).apply(ti) as tfl.SymbolicTensor;
    const tr = tfl.layers.add({ name: 'res_add' }).apply([ti, th]) as tfl.SymbolicTensor;
    const tc = tfl.layers.concatenate({ name: 'res_cat' }).apply([tr, ti]) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: tfl.layers.dense({ units: 1, name: 'res_out' }).apply(tc) as tfl.SymbolicTensor });
    randomize(variables(tm), 50);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    // Ridge, the same graph from tfjs-layers' file, trained with Ridge's own SGD
    const rm = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { compile: false });
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });

    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 51);
    const y = tf.randomNormal([8, 1], 0, 1, 'float32', 52);
    const ours = await rm.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const theirs = await tm.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expect(ours.history['loss']![0]).toBeCloseTo(theirs.history['loss']![0] as number, 5);
    const weights = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    for (const w of rm.weights) {
      const reference = weights[w.path]!;
      expect(reference, w.path).toBeDefined();
      expectClose(w.read(), reference);
    }
    // both moved: the dense layer inside the residual path was trained, not only the head
    expect(rm.weights.map((w) => w.path).sort()).toEqual(['res_dense/bias', 'res_dense/kernel', 'res_out/bias', 'res_out/kernel']);
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose(); // tfjs-layers leaves an optimizer it was given to its owner
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
