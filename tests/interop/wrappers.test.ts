import { initBackend } from '@ridge/backend';
import { bidirectional, dense, fileSystem, input, loadModel, lstm, model, simpleRNN, timeDistributed, type Model } from '@ridge/layers';
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
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-wrappers-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// tfjs-layers' Orthogonal initializer fails in tfjs-layers 4.22 on this engine (rMat.flatten); the
// weights are randomized anyway.
const init = { recurrentInitializer: 'glorotUniform' } as const;

/**
 * Every merge mode, returnSequences on and off, and TimeDistributed, in tfjs-layers. Its LSTM gates
 * use its hard_sigmoid (Ridge's 'hard_sigmoid_legacy' when loaded).
 */
function tfjsWrapperModel(): tfl.LayersModel {
  const x = tfl.input({ shape: [5, 3], name: 'tw_in' });
  let h = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, returnSequences: true, name: 'tw_lstm', ...init }) as tfl.RNN, name: 'tw_bi' }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4, activation: 'tanh', name: 'tw_dense' }), name: 'tw_td' }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers
    .bidirectional({ layer: tfl.layers.simpleRNN({ units: 2, returnSequences: true, name: 'tw_rnn', ...init }) as tfl.RNN, mergeMode: 'ave', name: 'tw_bi_ave' })
    .apply(h) as tfl.SymbolicTensor;
  const sum = tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 2, name: 'tw_gru', ...init }) as tfl.RNN, mergeMode: 'sum', name: 'tw_bi_sum' }).apply(h) as tfl.SymbolicTensor;
  const mul = tfl.layers.bidirectional({ layer: tfl.layers.simpleRNN({ units: 2, name: 'tw_rnn2', ...init }) as tfl.RNN, mergeMode: 'mul', name: 'tw_bi_mul' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: 'tw_out' }).apply(tfl.layers.concatenate({ name: 'tw_cat' }).apply([sum, mul])) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: out, name: 'tw_model' });
  randomize(variables(m), 60);
  return m;
}

const xs = () => tf.randomNormal([3, 5, 3], 0, 1, 'float32', 61);

async function expectSamePredictions(theirs: tfl.LayersModel, ours: Model): Promise<void> {
  const x = xs();
  const [a, b] = [ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
  expectClose(a, b);
  tf.dispose([x, a, b]);
}

describe('tfjs-layers models with Bidirectional and TimeDistributed load into Ridge', () => {
  it('the same layers, weight names and predictions (from memory and from files)', async () => {
    const tm = tfjsWrapperModel();
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { onWarning: () => {} });
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(tm.layers.map((l) => `${l.name}:${l.getClassName()}`));
    expect(loaded.weights.map((w) => w.path)).toEqual(tm.weights.map((w) => w.originalName));
    expect(loaded.weights.map((w) => w.path).slice(0, 3)).toEqual(['tw_bi/forward_tw_lstm/kernel', 'tw_bi/forward_tw_lstm/recurrent_kernel', 'tw_bi/forward_tw_lstm/bias']);
    await expectSamePredictions(tm, loaded);
    loaded.dispose();

    const target = path.join(dir, 'from-tfjs');
    await tm.save(fileSystem(target));
    const fromFile = await loadModel(`file://${target}`, { onWarning: () => {} });
    await expectSamePredictions(tm, fromFile);
    fromFile.dispose();
    tm.dispose();
  });

  it('merge mode null: both outputs, as tfjs-layers gives them', async () => {
    const x = tfl.input({ shape: [4, 2], name: 'tn_in' });
    const outs = tfl.layers.bidirectional({ layer: tfl.layers.simpleRNN({ units: 2, name: 'tn_rnn', ...init }) as tfl.RNN, mergeMode: null as never, name: 'tn_bi' }).apply(x) as tfl.SymbolicTensor[];
    const tm = tfl.model({ inputs: x, outputs: outs });
    randomize(variables(tm), 70);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { onWarning: () => {} });
    const input3 = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 71);
    const ours = loaded.predict(input3) as tf.Tensor[];
    const theirs = tm.predict(input3) as tf.Tensor[];
    expect(ours).toHaveLength(2);
    ours.forEach((t, i) => expectClose(t, theirs[i]!));
    tf.dispose([input3, ...ours, ...theirs]);
    tm.dispose();
    loaded.dispose();
  });
});

describe('Ridge models with wrappers load into tfjs-layers', () => {
  it("saved with { format: 'tfjs-layers' }: tfjs-layers reads them and predicts the same", async () => {
    const x = input({ shape: [5, 3], name: 'rw_in' });
    let h = bidirectional({ layer: lstm({ units: 3, returnSequences: true, name: 'rw_lstm', recurrentActivation: 'hardSigmoidLegacy' }), name: 'rw_bi' }).apply(x);
    h = timeDistributed({ layer: dense({ units: 4, activation: 'tanh', name: 'rw_dense' }), name: 'rw_td' }).apply(h);
    h = bidirectional({ layer: simpleRNN({ units: 2, name: 'rw_rnn' }), mergeMode: 'sum', name: 'rw_bi_sum' }).apply(h);
    const m = model({ inputs: x, outputs: dense({ units: 2, name: 'rw_out' }).apply(h) });
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((handler) => m.save(handler, { format: 'tfjs-layers' }))));
    expect(tm.weights.map((w) => w.originalName)).toEqual(m.weights.map((w) => w.path));
    await expectSamePredictions(tm, m);
    tm.dispose();
    m.dispose();
  });
});

describe('training through the wrappers: one SGD step agrees with tfjs-layers', () => {
  it('Bidirectional LSTM and TimeDistributed Dense, same weights, same step', async () => {
    const before = tf.memory().numTensors;
    const ti = tfl.input({ shape: [4, 3], name: 'st_in' });
    const tb = tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 2, returnSequences: true, name: 'st_lstm', ...init }) as tfl.RNN, name: 'st_bi' }).apply(ti) as tfl.SymbolicTensor;
    const tt = tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 1, name: 'st_dense' }), name: 'st_td' }).apply(tb) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: tt });
    randomize(variables(tm), 80);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    const rm = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { compile: false, onWarning: () => {} });
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });

    const x = tf.randomNormal([6, 4, 3], 0, 1, 'float32', 81);
    const y = tf.randomNormal([6, 4, 1], 0, 1, 'float32', 82);
    const ours = await rm.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    const theirs = await tm.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    expect(ours.history['loss']![0]).toBeCloseTo(theirs.history['loss']![0] as number, 5);
    const weights = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    expect(rm.weights).toHaveLength(8);
    for (const w of rm.weights) {
      const reference = weights[w.path]!;
      expect(reference, w.path).toBeDefined();
      expectClose(w.read(), reference);
    }
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('masks reach both directions, as in tfjs-layers', () => {
  it('Embedding maskZero -> Bidirectional (returnSequences false): the same predictions', async () => {
    const ti = tfl.input({ shape: [6], name: 'mk_in' });
    const te = tfl.layers.embedding({ inputDim: 10, outputDim: 3, maskZero: true, name: 'mk_emb' }).apply(ti) as tfl.SymbolicTensor;
    const tb = tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 2, name: 'mk_gru', ...init }) as tfl.RNN, name: 'mk_bi' }).apply(te) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: tb });
    randomize(variables(tm), 90);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { onWarning: () => {} });
    const x = tf.tensor2d([[5, 6, 7, 0, 0, 0], [1, 2, 3, 4, 5, 6], [9, 0, 0, 0, 0, 0]]);
    const [ours, theirs] = [loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(ours, theirs);
    tf.dispose([x, ours, theirs]);
    tm.dispose();
    loaded.dispose();
  });
});
