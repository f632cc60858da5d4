import { initBackend } from '@ridge/backend';
import {
  activation,
  averagePooling2d,
  batchNormalization,
  conv1d,
  conv2d,
  dense,
  dropout,
  embedding,
  fileSystem,
  flatten,
  globalAveragePooling2d,
  globalMaxPooling1d,
  gru,
  input,
  InputLayer,
  layerNormalization,
  loadModel,
  lstm,
  modelFromJSON,
  maxPooling1d,
  maxPooling2d,
  model,
  reshape,
  sequential,
  simpleRNN,
  type Model,
} from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import { l1, l1l2, l2, orthogonal } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOLERANCE, artifactsOf, expectClose, randomize } from '../support/tfjs-layers.js';


let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Keras's L1L2 penalty, written out: `l1 * sum(|w|) + l2 * sum(w^2)`. */
function l1l2Penalty(w: tf.Tensor, factors: { l1: number; l2: number }): number {
  const values = Array.from(w.dataSync());
  return factors.l1 * values.reduce((s, v) => s + Math.abs(v), 0) + factors.l2 * values.reduce((s, v) => s + v * v, 0);
}

describe('a tfjs-layers model loads into Ridge', () => {
  const factors = {
    'tf_hidden/kernel': { l1: 0.01, l2: 0.02 },
    'tf_hidden/bias': { l1: 0, l2: 0.05 },
    'tf_out/kernel': { l1: 0.03, l2: 0 },
  } as const;

  function tfjsModel(): tfl.LayersModel {
    const inp = tfl.input({ shape: [5], name: 'tf_in' });
    let x = tfl.layers
      .dense({
        units: 8,
        activation: 'relu',
        name: 'tf_hidden',
        kernelRegularizer: tfl.regularizers.l1l2(factors['tf_hidden/kernel']),
        biasRegularizer: tfl.regularizers.l2(factors['tf_hidden/bias']),
        kernelConstraint: tfl.constraints.maxNorm({ maxValue: 2 }),
      })
      .apply(inp) as tfl.SymbolicTensor;
    x = tfl.layers.dropout({ rate: 0.2, name: 'tf_drop' }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.dense({ units: 3, name: 'tf_out', kernelRegularizer: tfl.regularizers.l1(factors['tf_out/kernel']) }).apply(x) as tfl.SymbolicTensor;
    const y = tfl.layers.activation({ activation: 'softmax', name: 'tf_softmax' }).apply(x) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: inp, outputs: y, name: 'tf_model' });
    randomize(m.weights.map((w) => (w as unknown as { val: tf.Variable }).val), 1);
    return m;
  }

  async function expectSame(tm: tfl.LayersModel, loaded: Model): Promise<void> {
    const x = tf.randomNormal([7, 5], 0, 1, 'float32', 9);
    expectClose(loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor);
    const report = loaded.penalties();
    const byPath = Object.fromEntries(report.terms.map((t) => [t.path, t]));
    expect(Object.keys(byPath).sort()).toEqual(Object.keys(factors).sort());
    // tfjs-layers' own penalty values: one per regularized weight, in the order it created them.
    const tfjsPenalties = tm.calculateLosses().map((t) => t.dataSync()[0]!);
    const tfjsWeights = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    Object.entries(factors).forEach(([name, f], i) => {
      const expected = l1l2Penalty(tfjsWeights[name]!, f);
      expect(byPath[name]!.regularizer).toBe('L1L2');
      expect(byPath[name]!.value).toBeCloseTo(expected, 5);
      expect(tfjsPenalties[i]).toBeCloseTo(expected, 5);
    });
    expect(report.total).toBeCloseTo(tfjsPenalties.reduce((a, b) => a + b, 0), 5);
  }

  it('through tf.io.withSaveHandler and tf.io.fromMemory: same predictions and penalties', async () => {
    const tm = tfjsModel();
    const artifacts = await artifactsOf((h) => tm.save(h));
    expect(artifacts.generatedBy).toBe('TensorFlow.js tfjs-layers v4.22.0');
    const loaded = await loadModel(tf.io.fromMemory(artifacts));
    expect(loaded.layers.map((l) => l.name)).toEqual(['tf_in', 'tf_hidden', 'tf_drop', 'tf_out', 'tf_softmax']);
    await expectSame(tm, loaded);
    tm.dispose();
    loaded.dispose();
  });

  it("through files: tfjs-layers saves with Ridge's file handler (what tfjs-node writes), Ridge loads file://", async () => {
    const tm = tfjsModel();
    tm.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const target = path.join(dir, 'from-tfjs');
    await tm.save(fileSystem(target), { includeOptimizer: true });
    const warnings: string[] = [];
    const loaded = await loadModel(`file://${target}`, { onWarning: (w) => warnings.push(w) });
    await expectSame(tm, loaded);
    // tfjs-layers' trainingConfig compiles the Ridge model; its optimizer state is named
    // otherwise, so the optimizer starts fresh and the warning says so.
    expect(loaded.isCompiled).toBe(true);
    expect(loaded.optimizer?.className).toBe('Adam');
    expect(loaded.optimizer?.learningRate).toBeCloseTo(0.01, 8);
    expect(warnings.join('\n')).toMatch(/optimizer state .* could not be restored/);
    tm.dispose();
    loaded.dispose();
  });

  it('a tfjs-layers sequential model with an L1L2 regularizer', async () => {
    const tm = tfl.sequential({
      name: 'tf_seq',
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', name: 'tf_seq_a', kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.1, l2: 0.2 }) }),
        tfl.layers.dense({ units: 2, name: 'tf_seq_b' }),
      ],
    });
    randomize(tm.weights.map((w) => (w as unknown as { val: tf.Variable }).val), 20);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 21);
    expectClose(loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor);
    const kernel = tm.getLayer('tf_seq_a').getWeights()[0]!;
    expect(loaded.penalties().terms.map((t) => [t.path, t.value])).toEqual([['tf_seq_a/kernel', expect.closeTo(l1l2Penalty(kernel, { l1: 0.1, l2: 0.2 }), 5)]]);
    tm.dispose();
    loaded.dispose();
  });
});

describe('recurrent and convolutional tfjs-layers models', () => {
  // tfjs-layers' Orthogonal initializer needs chained ops that tfjs-core alone does not register.
  const init = { recurrentInitializer: 'glorotUniform' } as const;

  function recurrentModel(recurrentActivation: 'sigmoid' | 'hardSigmoid'): tfl.Sequential {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv1d({ filters: 3, kernelSize: 2, inputShape: [6, 2], name: `tf_conv_${recurrentActivation}`, kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.01, l2: 0.01 }) }),
        tfl.layers.lstm({ units: 3, returnSequences: true, recurrentActivation, name: `tf_lstm_${recurrentActivation}`, ...init }),
        tfl.layers.gru({ units: 3, returnSequences: true, recurrentActivation, name: `tf_gru_${recurrentActivation}`, ...init }),
        tfl.layers.simpleRNN({ units: 2, name: `tf_rnn_${recurrentActivation}`, recurrentRegularizer: tfl.regularizers.l2({ l2: 0.1 }), ...init }),
        tfl.layers.dense({ units: 1, name: `tf_dense_${recurrentActivation}` }),
      ],
    });
    randomize(m.weights.map((w) => (w as unknown as { val: tf.Variable }).val), 60);
    return m;
  }

  it('Conv1D, LSTM, GRU and SimpleRNN: same predictions and penalties', async () => {
    const tm = recurrentModel('sigmoid');
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { onWarning: (w) => warnings.push(w) });
    const x = tf.randomNormal([3, 6, 2], 0, 1, 'float32', 61);
    expectClose(loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor);
    const weights = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    const expected = {
      'tf_conv_sigmoid/kernel': l1l2Penalty(weights['tf_conv_sigmoid/kernel']!, { l1: 0.01, l2: 0.01 }),
      'tf_rnn_sigmoid/recurrent_kernel': l1l2Penalty(weights['tf_rnn_sigmoid/recurrent_kernel']!, { l1: 0, l2: 0.1 }),
    };
    expect(Object.fromEntries(loaded.penalties().terms.map((t) => [t.path, t.value]))).toEqual({
      'tf_conv_sigmoid/kernel': expect.closeTo(expected['tf_conv_sigmoid/kernel'], 5),
      'tf_rnn_sigmoid/recurrent_kernel': expect.closeTo(expected['tf_rnn_sigmoid/recurrent_kernel'], 5),
    });
    // tfjs-layers itself counts only the convolution's penalty: a recurrent layer's cell
    // regularizers never reach its model's losses, so tfjs-layers trains without them.
    expect(tm.calculateLosses().map((t) => t.dataSync()[0])).toEqual([expect.closeTo(expected['tf_conv_sigmoid/kernel'], 5)]);
    expect(warnings).toEqual([]);
    tm.dispose();
    loaded.dispose();
  });

  it("tfjs-layers' default recurrent activation, hard_sigmoid, loads as its own clip(0.2 x + 0.5, 0, 1): same predictions, no warning", async () => {
    const before = tf.memory().numTensors;
    const tm = recurrentModel('hardSigmoid');
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(loaded.layers.map((l) => (l as unknown as { recurrentActivation?: string }).recurrentActivation)).toEqual([
      undefined,
      'hard_sigmoid_legacy',
      'hard_sigmoid_legacy',
      undefined,
      undefined,
    ]);
    const x = tf.randomNormal([3, 6, 2], 0, 1, 'float32', 62);
    const [a, b] = [loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(a, b);
    tf.dispose([x, a, b]);
    tm.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("hard_sigmoid: tfjs-layers' clip(0.2 x + 0.5, 0, 1) and Ridge's (Keras 3's) relu6(x + 3) / 6", () => {
  /** Dense and Activation layers with tfjs-layers' hardSigmoid, and an LSTM with it as gate (its default). */
  function tfjsModel(): tfl.Sequential {
    const m = tfl.sequential({
      name: 'hs_tf',
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [5, 3], activation: 'hardSigmoid', name: 'hs_tf_dense' }),
        tfl.layers.lstm({ units: 3, returnSequences: true, name: 'hs_tf_lstm', recurrentInitializer: 'glorotUniform' }),
        tfl.layers.dense({ units: 2, name: 'hs_tf_out' }),
        tfl.layers.activation({ activation: 'hardSigmoid', name: 'hs_tf_act' }),
      ],
    });
    randomize(m.weights.map((w) => (w as unknown as { val: tf.Variable }).val), 80);
    return m;
  }

  /** Inputs spread so that pre-activations fall on both forms' slopes and past their kinks. */
  const inputs = (): tf.Tensor => tf.randomNormal([4, 5, 3], 0, 2, 'float32', 81);

  function predictions(m: { predict(x: tf.Tensor): unknown }): tf.Tensor {
    const x = inputs();
    const y = m.predict(x) as tf.Tensor;
    x.dispose();
    return y;
  }

  it('tfjs-layers -> Ridge: Dense, LSTM and Activation predict as in tfjs-layers, and not as with Keras 3 hard_sigmoid', async () => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel();
    const warnings: string[] = [];
    const artifacts = await artifactsOf((h) => tm.save(h));
    const loaded = await loadModel(tf.io.fromMemory(artifacts), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const [a, b] = [predictions(loaded), predictions(tm)];
    expectClose(a, b);
    // The same file read with Keras 3's hard_sigmoid (Ridge's own format says so) predicts otherwise:
    // the check above would fail without the mapping.
    const asKeras3 = await loadModel(tf.io.fromMemory({ ...artifacts, modelTopology: { ...(artifacts.modelTopology as object), ridge_format: 'ridge' } }));
    const c = predictions(asKeras3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(c, b))).dataSync()[0]!)).toBeGreaterThan(100 * TOLERANCE);
    tf.dispose([a, b, c]);
    for (const m of [tm, loaded, asKeras3]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("tfjs-layers' toJSON text: modelFromJSON cannot tell it from an older Ridge file, assumes tfjs-layers, and says so", async () => {
    const tm = tfjsModel();
    const warnings: string[] = [];
    const m = modelFromJSON(tm.toJSON() as string, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'hs_tf_dense', 'hs_tf_lstm', 'hs_tf_act'");
    expect(warnings[0]).toContain("Ridge assumed tfjs-layers'");
    const values = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    for (const w of m.weights) w.assign(values[w.path]!);
    const [a, b] = [predictions(m), predictions(tm)];
    expectClose(a, b);
    tf.dispose([a, b]);
    tm.dispose();
    m.dispose();
  });

  it("Ridge -> format 'tfjs-layers' -> tfjs-layers: 'hard_sigmoid_legacy' is written as hard_sigmoid, and predicts the same there and back", async () => {
    const before = tf.memory().numTensors;
    const m = sequential({
      name: 'hs_rn',
      layers: [
        dense({ units: 4, inputShape: [5, 3], activation: 'hard_sigmoid_legacy', name: 'hs_rn_dense' }),
        lstm({ units: 3, returnSequences: true, recurrentActivation: 'hardSigmoidLegacy', name: 'hs_rn_lstm' }),
        dense({ units: 2, name: 'hs_rn_out' }),
        activation({ activation: 'hard_sigmoid_legacy', name: 'hs_rn_act' }),
      ],
    });
    randomize(m.weights.map((w) => w.variable), 82);
    const warnings: string[] = [];
    const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }));
    expect(warnings).toEqual([]);
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const back = await loadModel(tf.io.fromMemory(artifacts), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const [a, b, c] = [predictions(tm), predictions(m), predictions(back)];
    expectClose(a, b);
    expectClose(c, b);
    tf.dispose([a, b, c]);
    for (const x of [m, tm, back]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("Ridge's own format keeps both names: tfjs-layers cannot load 'hard_sigmoid_legacy', and Ridge reads each form back", async () => {
    const inp = input({ shape: [3], name: 'hs_own_in' });
    const k3 = dense({ units: 2, activation: 'hard_sigmoid', name: 'hs_own_k3' }).apply(inp);
    const old = dense({ units: 2, activation: 'hard_sigmoid_legacy', name: 'hs_own_legacy' }).apply(inp);
    const m = model({ inputs: inp, outputs: [k3, old], name: 'hs_own' });
    randomize(m.weights.map((w) => w.variable), 83);
    const artifacts = await artifactsOf((h) => m.save(h));
    await expect(tfl.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(/hard_sigmoid_legacy|hardSigmoidLegacy/);
    const back = await loadModel(tf.io.fromMemory(artifacts));
    const x = tf.randomNormal([4, 3], 0, 2, 'float32', 84);
    const [a, b] = [m.predict(x) as tf.Tensor[], back.predict(x) as tf.Tensor[]];
    a.forEach((t, i) => expectClose(b[i]!, t));
    tf.dispose([x, ...a, ...b]);
    m.dispose();
    back.dispose();
  });

  it("Ridge's Keras 3 hard_sigmoid in format 'tfjs-layers' has no equivalent there: the save names the layer", async () => {
    const m = sequential({ name: 'hs_k3', layers: [dense({ units: 2, inputShape: [3], activation: 'hard_sigmoid', name: 'hs_k3_dense' })] });
    randomize(m.weights.map((w) => w.variable), 85);
    const warnings: string[] = [];
    const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'hs_k3_dense'");
    // What the warning is about: tfjs-layers computes its own hard_sigmoid.
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.tensor2d([[1, 0, 0]]);
    const kernel = m.weights[0]!.variable.dataSync();
    const bias = m.weights[1]!.variable.dataSync();
    const pre = [kernel[0]! + bias[0]!, kernel[1]! + bias[1]!];
    const [a, b] = [tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor];
    Array.from(a.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(Math.min(1, Math.max(0, 0.2 * pre[i]! + 0.5)), 5));
    Array.from(b.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(Math.min(6, Math.max(0, pre[i]! + 3)) / 6, 5));
    tf.dispose([x, a, b]);
    m.dispose();
    tm.dispose();
  });
});

describe('models nested in models', () => {
  it('tfjs-layers -> Ridge: a sequential model used as a layer (tfjs-layers counts its own node first)', async () => {
    const inner = tfl.sequential({ name: 'tf_inner', layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'tf_inner_d', kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.1, l2: 0.1 }) })] });
    const inp = tfl.input({ shape: [4], name: 'tf_outer_in' });
    const y = tfl.layers.activation({ activation: 'softmax', name: 'tf_outer_sm' }).apply(inner.apply(inp) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: inp, outputs: y, name: 'tf_outer' });
    randomize(tm.weights.map((w) => (w as unknown as { val: tf.Variable }).val), 50);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 51);
    expectClose(loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor);
    expect(loaded.penalties().terms.map((t) => t.path)).toEqual(['tf_inner_d/kernel']);
    tm.dispose();
    loaded.dispose();
  });

  it('Ridge -> tfjs-layers: a sequential model with an explicit input layer, used as a layer', async () => {
    const inner = sequential({ name: 'rn_inner', layers: [new InputLayer({ shape: [4], name: 'rn_inner_in' }), dense({ units: 3, name: 'rn_inner_d', kernelRegularizer: l2(0.1) })] });
    const inp = input({ shape: [4], name: 'rn_outer_in' });
    const m = model({ inputs: inp, outputs: activation({ activation: 'softmax', name: 'rn_outer_sm' }).apply(inner.apply(inp)), name: 'rn_outer' });
    randomize(m.weights.map((w) => w.variable), 52);
    const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }));
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const back = await loadModel(tf.io.fromMemory(artifacts));
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 53);
    expectClose(tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor);
    expectClose(back.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor);
    m.dispose();
    tm.dispose();
    back.dispose();
  });
});

describe('a Ridge model loads into tfjs-layers', () => {
  function ridgeModel(p: string): Model {
    const inp = input({ shape: [5], name: `${p}_in` });
    let x = dense({ units: 8, activation: 'relu', name: `${p}_hidden`, kernelRegularizer: l1l2(0.01, 0.02), biasRegularizer: l2(0.05) }).apply(inp);
    x = dropout({ rate: 0.2, name: `${p}_drop` }).apply(x);
    x = dense({ units: 3, name: `${p}_out`, kernelRegularizer: l1(0.03) }).apply(x);
    const m = model({ inputs: inp, outputs: activation({ activation: 'softmax', name: `${p}_softmax` }).apply(x), name: `${p}_model` });
    randomize(m.weights.map((w) => w.variable), 30);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', regularization: 'l2' });
    return m;
  }

  it("format 'tfjs-layers', through tf.io.fromMemory: same predictions, and the same penalties", async () => {
    const m = ridgeModel('rj');
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 31);
    expectClose(tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor);
    // tfjs-layers computes the same per-layer penalties (its model-level rules are Ridge's own).
    const layerTerms = m.penalties().terms.filter((t) => t.source === 'layer');
    const tfjsTerms = tm.calculateLosses();
    expect(tfjsTerms).toHaveLength(3);
    tfjsTerms.forEach((t, i) => expect(t.dataSync()[0]).toBeCloseTo(layerTerms[i]!.value, 5));
    m.dispose();
    tm.dispose();
  });

  it("format 'tfjs-layers', through files: Ridge saves file://, tfjs-layers reads it with the same handler", async () => {
    const m = ridgeModel('rf');
    const target = path.join(dir, 'from-ridge');
    await m.save(`file://${target}`, { format: 'tfjs-layers' });
    const tm = await tfl.loadLayersModel(fileSystem(path.join(target, 'model.json')));
    const x = tf.randomNormal([6, 5], 0, 1, 'float32', 32);
    expectClose(tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor);
    m.dispose();
    tm.dispose();
  });

  it('convolution, pooling, normalization, embedding and recurrent layers', async () => {
    const inp = input({ shape: [8, 8, 2], name: 'rc_image' });
    let x = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', name: 'rc_conv', kernelRegularizer: l2(0.1) }).apply(inp);
    x = batchNormalization({ name: 'rc_bn', gammaRegularizer: l1(0.1) }).apply(x);
    x = averagePooling2d({ poolSize: 2, name: 'rc_avg' }).apply(maxPooling2d({ poolSize: 2, name: 'rc_max' }).apply(x));
    const y = dense({ units: 2, name: 'rc_dense' }).apply(reshape({ targetShape: [12], name: 'rc_reshape' }).apply(flatten({ name: 'rc_flat' }).apply(x)));
    const image = model({ inputs: inp, outputs: [y, globalAveragePooling2d({ name: 'rc_gap' }).apply(x)], name: 'rc_image_model' });
    // Positive values keep the moving variance valid.
    for (const w of image.weights) w.assign(tf.abs(tf.randomNormal(w.shape, 0, 0.5, 'float32', 70)));
    const text = sequential({
      name: 'rc_text_model',
      layers: [
        new InputLayer({ shape: [6], dtype: 'int32', name: 'rc_tokens' }),
        embedding({ inputDim: 10, outputDim: 4, name: 'rc_embed', embeddingsRegularizer: l2(0.01) }),
        conv1d({ filters: 3, kernelSize: 2, name: 'rc_conv1d' }),
        maxPooling1d({ poolSize: 1, name: 'rc_max1d' }),
        lstm({ units: 3, returnSequences: true, name: 'rc_lstm' }),
        gru({ units: 3, returnSequences: true, resetAfter: false, name: 'rc_gru' }),
        simpleRNN({ units: 2, returnSequences: true, name: 'rc_rnn' }),
        layerNormalization({ name: 'rc_ln' }),
        globalMaxPooling1d({ name: 'rc_gmp' }),
        dense({ units: 1, name: 'rc_out', kernelRegularizer: l1l2(0.1, 0.1) }),
      ],
    });
    randomize(text.weights.map((w) => w.variable), 71);
    for (const [m, x] of [
      [image, tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 72)],
      [text, tf.randomUniform([2, 6], 0, 10, 'int32', 73)],
    ] as const) {
      const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
      const [a, b] = [tm.predict(x), m.predict(x)];
      (Array.isArray(a) ? a : [a]).forEach((t, i) => expectClose(t, (Array.isArray(b) ? b : [b])[i]!));
      m.dispose();
      tm.dispose();
    }
  });

  it('a sequential model, whose first layer carries the input shape', async () => {
    const m = sequential({ layers: [dense({ units: 4, inputShape: [3], activation: 'tanh', kernelRegularizer: l2(0.1) }), dense({ units: 2, biasRegularizer: l1l2(0.1, 0) })] });
    randomize(m.weights.map((w) => w.variable), 40);
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 41);
    expectClose(tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor);
    m.dispose();
    tm.dispose();
  });

  /*
   * What tfjs-layers lacks, and so cannot load: it knows only the L1L2 regularizer class (Ridge's
   * own format keeps L1 and L2 by name; the 'tfjs-layers' format writes them as L1L2), has no
   * OrthogonalRegularizer and no plugins, refuses any layer with an activity regularizer, and has
   * only the GRU without resetAfter.
   */
  it.each([
    ["Ridge's own format keeps L2 as L2", () => dense({ units: 2, kernelRegularizer: l2(0.1) }), 'ridge', /L2/, [3]],
    ['OrthogonalRegularizer', () => dense({ units: 2, kernelRegularizer: orthogonal(0.1) }), 'tfjs-layers', /OrthogonalRegularizer/, [3]],
    ['an activity regularizer', () => dense({ units: 2, activityRegularizer: l2(0.1) }), 'tfjs-layers', /activity regularizer/, [3]],
    ["a GRU with resetAfter (Ridge's default, as Keras 3's)", () => gru({ units: 2 }), 'tfjs-layers', /reset_after/, [4, 3]],
  ] as const)('tfjs-layers cannot load: %s', async (_what, layer, format, message, shape) => {
    const inp = input({ shape });
    const m = model({ inputs: inp, outputs: layer().apply(inp) });
    const artifacts = await artifactsOf((h) => m.save(h, { format }));
    await expect(tfl.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(message);
    m.dispose();
  });
});
