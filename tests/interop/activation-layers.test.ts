import { initBackend } from '@ridge/backend';
import { dense, elu, input, leakyReLU, timeDistributed, loadModel, model, permute, prelu, reLU, repeatVector, softmax, thresholdedReLU, type Layer } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, expectClose, randomize, variables } from '../support/tfjs-layers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** The same computation in both libraries: a Ridge layer and a tfjs-layers layer. */
interface Pair {
  readonly label: string;
  readonly ridge: () => Layer;
  readonly tfjs: () => tfl.layers.Layer;
}

const PAIRS: readonly Pair[] = [
  { label: 'ReLU', ridge: () => reLU(), tfjs: () => tfl.layers.reLU() },
  { label: 'ReLU maxValue 0.7', ridge: () => reLU({ maxValue: 0.7 }), tfjs: () => tfl.layers.reLU({ maxValue: 0.7 }) },
  { label: 'LeakyReLU default (0.3 in both)', ridge: () => leakyReLU(), tfjs: () => tfl.layers.leakyReLU() },
  { label: 'LeakyReLU 0.2 (alpha in tfjs-layers)', ridge: () => leakyReLU({ negativeSlope: 0.2 }), tfjs: () => tfl.layers.leakyReLU({ alpha: 0.2 }) },
  { label: 'ELU (tfjs-layers has alpha 1 only)', ridge: () => elu(), tfjs: () => tfl.layers.elu() },
  { label: 'ThresholdedReLU theta 0.4', ridge: () => thresholdedReLU({ theta: 0.4 }), tfjs: () => tfl.layers.thresholdedReLU({ theta: 0.4 }) },
  { label: 'Softmax axis -1', ridge: () => softmax(), tfjs: () => tfl.layers.softmax({ axis: -1 }) },
  { label: 'Softmax over axes [1, 2]', ridge: () => softmax({ axis: [1, 2] }), tfjs: () => tfl.layers.softmax({ axis: [1, 2] as unknown as number }) },
];

describe('each activation layer computes what tfjs-layers 4.22 computes', () => {
  it.each(PAIRS.map((p) => [p.label, p] as const))('%s, on the same random input', (_label, p) => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([4, 3, 5], 0, 2, 'float32', 61);
    const ours = p.ridge().apply(x) as tf.Tensor;
    // Ridge's layer keeps nothing but its output (tfjs-layers' ReLU and ThresholdedReLU leak an intermediate, hence the tidy there).
    expect(tf.memory().numTensors).toBe(before + 2);
    const theirs = tf.tidy(() => p.tfjs().apply(x) as tf.Tensor);
    expectClose(ours, theirs);
    tf.dispose([x, ours, theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it.each([
    ['one slope per entry', undefined],
    ['sharedAxes [1]', [1]],
  ] as const)('PReLU, %s, with the same slopes', (_label, sharedAxes) => {
    const ours = prelu(sharedAxes ? { sharedAxes } : {});
    const theirs = tfl.layers.prelu(sharedAxes ? { sharedAxes: [...sharedAxes] } : {});
    const x = tf.randomNormal([4, 3, 5], 0, 2, 'float32', 62);
    const [a0, b0] = [ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor];
    expect(ours.alpha.shape).toEqual(theirs.getWeights()[0]!.shape);
    const slopes = tf.randomUniform(ours.alpha.shape, 0.05, 0.5, 'float32', 63);
    ours.setWeights([slopes]);
    theirs.setWeights([slopes]);
    const [a, b] = [ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor];
    expectClose(a, b);
    tf.dispose([x, a0, b0, a, b, slopes]);
    ours.dispose();
    theirs.dispose();
  });
});

/** A tfjs-layers model with every one of these layers, random weights. */
function tfjsActivationModel(): tfl.LayersModel {
  const inp = tfl.input({ shape: [3, 4], name: 'ta_in' });
  const layers = [
    tfl.layers.dense({ units: 4, name: 'ta_dense' }),
    tfl.layers.reLU({ maxValue: 1.5, name: 'ta_relu' }),
    tfl.layers.dense({ units: 4, name: 'ta_dense2' }),
    tfl.layers.leakyReLU({ alpha: 0.15, name: 'ta_leaky' }),
    tfl.layers.prelu({ sharedAxes: [1], alphaRegularizer: tfl.regularizers.l2({ l2: 0.03 }), name: 'ta_prelu' }),
    tfl.layers.elu({ name: 'ta_elu' }),
    tfl.layers.thresholdedReLU({ theta: 0.1, name: 'ta_thresh' }),
    tfl.layers.softmax({ axis: -1, name: 'ta_softmax' }),
  ];
  const out = layers.reduce<tfl.SymbolicTensor>((x, l) => l.apply(x) as tfl.SymbolicTensor, inp);
  const m = tfl.model({ inputs: inp, outputs: out, name: 'ta_model' });
  randomize(variables(m), 64);
  return m;
}

describe('models with these layers move between tfjs-layers and Ridge', () => {
  it('a tfjs-layers-saved model loads into Ridge: the same layers, slopes and predictions, and the PReLU penalty', async () => {
    const tm = tfjsActivationModel();
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(tm.layers.map((l) => `${l.name}:${l.getClassName()}`));
    // tfjs-layers writes LeakyReLU's slope as alpha: it loads as that slope, not the default 0.3.
    expect((loaded.getLayer('ta_leaky') as unknown as { negativeSlope: number }).negativeSlope).toBe(0.15);
    const x = tf.randomNormal([5, 3, 4], 0, 1, 'float32', 65);
    const [ours, theirs] = [loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(ours, theirs);
    const alpha = loaded.getLayer('ta_prelu').weights[0]!;
    expect(alpha.path).toBe('ta_prelu/alpha');
    const values = Array.from(alpha.variable.dataSync());
    const term = loaded.penalties().terms.find((t) => t.path === 'ta_prelu/alpha')!;
    expect(term.value).toBeCloseTo(0.03 * values.reduce((s, v) => s + v * v, 0), 6);
    tf.dispose([x, ours, theirs]);
    tm.dispose();
    loaded.dispose();
  });

  it("a Ridge model saved in format 'tfjs-layers' loads into tfjs-layers with the same predictions (LeakyReLU's slope written as alpha)", async () => {
    const inp = input({ shape: [3, 4], name: 'ra_in' });
    let x = dense({ units: 4, name: 'ra_dense' }).apply(inp);
    x = leakyReLU({ negativeSlope: 0.05, name: 'ra_leaky' }).apply(x);
    x = prelu({ sharedAxes: [1], name: 'ra_prelu' }).apply(x);
    x = reLU({ maxValue: 0.9, name: 'ra_relu' }).apply(x);
    x = thresholdedReLU({ theta: 0.02, name: 'ra_thresh' }).apply(x);
    x = elu({ name: 'ra_elu' }).apply(x);
    const m = model({ inputs: inp, outputs: softmax({ name: 'ra_softmax' }).apply(x), name: 'ra_model' });
    randomize(m.weights.map((w) => w.variable), 66);
    const warnings: string[] = [];
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }))));
    expect(warnings).toEqual([]);
    expect((tm.getLayer('ra_leaky').getConfig() as { alpha: number }).alpha).toBe(0.05);
    const xs = tf.randomNormal([5, 3, 4], 0, 1, 'float32', 67);
    const [ours, theirs] = [m.predict(xs) as tf.Tensor, tm.predict(xs) as tf.Tensor];
    expectClose(theirs, ours);
    tf.dispose([xs, ours, theirs]);
    m.dispose();
    tm.dispose();
  });

  it('a LeakyReLU inside a wrapper (TimeDistributed) is written with alpha too', async () => {
    const inp = input({ shape: [2, 3], name: 'rt_in' });
    const m = model({ inputs: inp, outputs: timeDistributed({ layer: leakyReLU({ negativeSlope: 0.01 }), name: 'rt_td' }).apply(inp) });
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => m.save(h, { format: 'tfjs-layers' }))));
    const x = tf.tensor3d([[[-1, 2, -3], [4, -5, 6]]]);
    const [ours, theirs] = [m.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(theirs, ours);
    expect(Array.from(ours.dataSync())[0]).toBeCloseTo(-0.01, 6);
    tf.dispose([x, ours, theirs]);
    m.dispose();
    tm.dispose();
  });

  it("ReLU's negativeSlope and threshold have no tfjs-layers argument: format 'tfjs-layers' names the layer in a warning", async () => {
    const inp = input({ shape: [3], name: 'rw_in' });
    const m = model({ inputs: inp, outputs: reLU({ negativeSlope: 0.1, threshold: 0.5, name: 'rw_relu' }).apply(inp) });
    const warnings: string[] = [];
    const artifacts = await artifactsOf((h) => m.save(h, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Layer 'rw_relu' has negativeSlope 0.1 and threshold 0.5");
    // What the warning is about: tfjs-layers loads the layer as a plain ReLU.
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.tensor2d([[-1, 0.25, 2]]);
    const [theirs, ours] = [tm.predict(x) as tf.Tensor, m.predict(x) as tf.Tensor];
    expect(Array.from(theirs.dataSync())).toEqual([0, 0.25, 2]);
    // Ridge: 0.1 * (x - 0.5) at or below the threshold, x above it.
    Array.from(ours.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0.1 * (-1 - 0.5), 0.1 * (0.25 - 0.5), 2][i]!, 6));
    tf.dispose([x, theirs, ours]);
    m.dispose();
    tm.dispose();
  });
});

describe('training: one SGD step of Dense -> PReLU with an L2 alphaRegularizer equals tfjs-layers', () => {
  it('same weights, same batch: the same loss and the same kernel, bias and slopes after the step', async () => {
    const before = tf.memory().numTensors;
    const ti = tfl.input({ shape: [3], name: 'st_in' });
    const th = tfl.layers.dense({ units: 4, name: 'st_dense' }).apply(ti) as tfl.SymbolicTensor;
    const to = tfl.layers.prelu({ alphaRegularizer: tfl.regularizers.l2({ l2: 0.2 }), name: 'st_prelu' }).apply(th) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: to });
    randomize(variables(tm), 68);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });

    const ri = input({ shape: [3], name: 'st_in' });
    const rh = dense({ units: 4, name: 'st_dense' }).apply(ri);
    const rm = model({ inputs: ri, outputs: prelu({ alphaRegularizer: l2(0.2), name: 'st_prelu' }).apply(rh) });
    rm.setWeights(tm.getWeights());
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });

    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 69);
    const y = tf.randomNormal([8, 4], 0, 1, 'float32', 70);
    const ours = await rm.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    const theirs = await tm.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0 });
    expect(ours.history['loss']![0]).toBeCloseTo(theirs.history['loss']![0] as number, 5);
    expect(ours.history['penalty/st_prelu/alpha']).toHaveLength(1);
    const weights = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    expect(rm.weights.map((w) => w.path).sort()).toEqual(['st_dense/bias', 'st_dense/kernel', 'st_prelu/alpha']);
    for (const w of rm.weights) expectClose(w.read(), weights[w.path]!);
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('RepeatVector and Permute against tfjs-layers', () => {
  it('a tfjs-layers model with both loads into Ridge, and Ridge saves it back for tfjs-layers: the same predictions', async () => {
    const ti = tfl.input({ shape: [3], name: 'sh_in' });
    const td = tfl.layers.dense({ units: 2, name: 'sh_dense' }).apply(ti) as tfl.SymbolicTensor;
    const tr = tfl.layers.repeatVector({ n: 4, name: 'sh_repeat' }).apply(td) as tfl.SymbolicTensor;
    const tp = tfl.layers.permute({ dims: [2, 1], name: 'sh_permute' }).apply(tr) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: tfl.layers.dense({ units: 3, name: 'sh_out' }).apply(tp) as tfl.SymbolicTensor });
    randomize(variables(tm), 71);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    const back = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => loaded.save(h, { format: 'tfjs-layers' }))));
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 72);
    const [theirs, ours, again] = [tm.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
    expect(ours.shape).toEqual([5, 2, 3]);
    expectClose(ours, theirs);
    expectClose(again, theirs);
    tf.dispose([x, theirs, ours, again]);
    for (const m of [tm, loaded, back]) m.dispose();
  });

  it('the layers alone compute what tfjs-layers computes', () => {
    const x2 = tf.randomNormal([2, 5], 0, 1, 'float32', 73);
    const x4 = tf.randomNormal([2, 3, 4, 5], 0, 1, 'float32', 74);
    const pairs = [
      [repeatVector({ n: 3 }).apply(x2), tfl.layers.repeatVector({ n: 3 }).apply(x2)],
      [permute({ dims: [3, 1, 2] }).apply(x4), tfl.layers.permute({ dims: [3, 1, 2] }).apply(x4)],
    ] as tf.Tensor[][];
    for (const [ours, theirs] of pairs) expectClose(ours!, theirs!);
    tf.dispose([x2, x4, ...pairs.flat()]);
  });
});

describe('Masking into an LSTM against tfjs-layers', () => {
  /** Padding at the end, inside, a single kept step, none; padded steps are all maskValue. */
  const batch = (pad: number): tf.Tensor3D =>
    tf.tensor3d([
      [[0.5, -1], [2, 0.25], [pad, pad], [pad, pad]],
      [[1, 1], [pad, pad], [-0.5, 0.75], [pad, pad]],
      [[-1, 2], [pad, pad], [pad, pad], [pad, pad]],
      [[0.1, 0.2], [0.3, pad], [0.5, 0.6], [0.7, 0.8]],
    ]);

  it.each([0, -1])('maskValue %s: the same weights give the same predictions, loaded either way', async (maskValue) => {
    // tfjs-layers' Orthogonal initializer needs chained ops that tfjs-core alone does not register; the weights are randomized anyway.
    const ti = tfl.input({ shape: [null, 2], name: 'mk_in' });
    const tmask = tfl.layers.masking({ maskValue, name: 'mk_masking' }).apply(ti) as tfl.SymbolicTensor;
    const tl = tfl.layers.lstm({ units: 3, name: 'mk_lstm', recurrentInitializer: 'glorotUniform' }).apply(tmask) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: ti, outputs: tfl.layers.dense({ units: 2, name: 'mk_out' }).apply(tl) as tfl.SymbolicTensor });
    randomize(variables(tm), 75);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    expect((loaded.getLayer('mk_masking') as unknown as { maskValue: number }).maskValue).toBe(maskValue);
    const back = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => loaded.save(h, { format: 'tfjs-layers' }))));
    const x = batch(maskValue);
    const [theirs, ours, again] = [tm.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor, back.predict(x) as tf.Tensor];
    expectClose(ours, theirs);
    expectClose(again, theirs);
    // The padded rows predict as their unpadded sequences.
    const short = tf.tensor3d([[[0.5, -1], [2, 0.25]]]);
    const [alone, first] = [loaded.predict(short) as tf.Tensor, tf.slice(ours, [0, 0], [1, 2])];
    expectClose(alone, first);
    tf.dispose([x, theirs, ours, again, short, alone, first]);
    for (const m of [tm, loaded, back]) m.dispose();
  });
});
