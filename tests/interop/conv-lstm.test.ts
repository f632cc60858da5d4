import { initBackend } from '@ridge/backend';
import { convLstm2d, dense, flatten, input, loadModel, model, type ConvLSTM2DArgs, type Model } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactsOf, expectClose, randomize, variables } from '../support/tfjs-layers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});
afterAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/*
 * tfjs-layers 4.22's ConvLSTM2D against Ridge's, from the same weights. Both are Keras's cell (gate
 * order i, f, c, o in the kernels' last axis; the recurrent convolution 'same' with stride 1), with
 * the same weight names and shapes. Where tfjs-layers differs from Keras 3, Ridge follows Keras and
 * the tests below pin the difference:
 *
 * - the default recurrentActivation: tfjs-layers' is its hard sigmoid, Keras 3's is 'sigmoid' (so
 *   the models here pass 'sigmoid' to tfjs-layers; its hard sigmoid loads as 'hard_sigmoid_legacy');
 * - unitForgetBias: tfjs-layers leaves it undefined, so its forget bias starts at 0; Keras's (and
 *   Ridge's) default is true, a forget bias of 1;
 * - the cell's regularizers never reach a tfjs-layers model's losses (as for its LSTM), so it
 *   trains without the penalties that Keras and Ridge add;
 * - tfjs-layers cannot train it on wasm, which has no Conv2DBackpropFilter kernel; Ridge's
 *   convolutions compute their own filter gradient.
 */

const SHAPE = [3, 5, 5, 2];
const FACTOR = { kernel: 0.02, recurrent: 0.03, bias: 0.05 } as const;

type Common = Pick<ConvLSTM2DArgs, 'filters' | 'kernelSize' | 'strides' | 'padding' | 'dilationRate' | 'returnSequences'>;

function tfjsModel(prefix: string, args: Common, regularized: boolean): tfl.LayersModel {
  const reg = regularized
    ? {
        kernelRegularizer: tfl.regularizers.l2({ l2: FACTOR.kernel }),
        recurrentRegularizer: tfl.regularizers.l2({ l2: FACTOR.recurrent }),
        biasRegularizer: tfl.regularizers.l2({ l2: FACTOR.bias }),
      }
    : {};
  const x = tfl.input({ shape: SHAPE, name: `${prefix}_in` });
  // tfjs-layers' Orthogonal initializer needs ops tfjs-core alone does not register; the weights are randomized anyway.
  const h = tfl.layers
    .convLstm2d({ ...(args as Parameters<typeof tfl.layers.convLstm2d>[0]), recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotUniform', name: `${prefix}_clstm`, ...reg })
    .apply(x) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: `${prefix}_out` }).apply(tfl.layers.flatten({ name: `${prefix}_flat` }).apply(h)) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: out, name: `${prefix}_model` });
  randomize(variables(m), 80);
  return m;
}

/** The same model with Ridge's layers and tfjs-layers' weights, copied by name. */
function ridgeModel(prefix: string, args: Common, regularized: boolean, from: tfl.LayersModel): Model {
  const reg = (f: number) => (regularized ? l2(f) : null);
  const x = input({ shape: SHAPE, name: `${prefix}_in` });
  const h = convLstm2d({
    ...args,
    name: `${prefix}_clstm`,
    kernelRegularizer: reg(FACTOR.kernel),
    recurrentRegularizer: reg(FACTOR.recurrent),
    biasRegularizer: reg(FACTOR.bias),
  }).apply(x);
  const m = model({ inputs: x, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(h)) });
  const theirs = Object.fromEntries(from.weights.map((w) => [w.originalName, w.read()]));
  expect(m.weights.map((w) => [w.path, w.shape])).toEqual(from.weights.map((w) => [w.originalName, w.shape]));
  m.setWeights(m.weights.map((w) => theirs[w.path]!));
  return m;
}

const xs = () => tf.randomNormal([4, ...SHAPE], 0, 1, 'float32', 81);

const CASES: readonly [string, Common][] = [
  ['valid, last output', { filters: 3, kernelSize: 3 }],
  ['same, kernel [2, 3], the sequence', { filters: 2, kernelSize: [2, 3], padding: 'same', returnSequences: true }],
  ['valid, strides 2', { filters: 2, kernelSize: 2, strides: 2 }],
  ['same, dilation 2', { filters: 2, kernelSize: 2, padding: 'same', dilationRate: 2 }],
];

describe('ConvLSTM2D in tfjs-layers 4.22 and Ridge', () => {
  it.each(CASES)('%s: the same weights (names, shapes, roles), output shapes and predictions', (_label, args) => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel('p', args, false);
    const rm = ridgeModel('p', args, false, tm);
    expect(rm.weights.slice(0, 3).map((w) => [w.path, w.role])).toEqual([
      ['p_clstm/kernel', 'kernel'],
      ['p_clstm/recurrent_kernel', 'recurrentKernel'],
      ['p_clstm/bias', 'bias'],
    ]);
    expect(rm.layers[1]!.computeOutputShape([null, ...SHAPE])).toEqual(tm.layers[1]!.outputShape);
    const x = xs();
    const [a, b] = [rm.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(a, b);
    tf.dispose([x, a, b]);
    tm.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one SGD step with L2 on kernel, recurrent kernel and bias: tfjs-layers leaves the penalties out; Ridge adds exactly their gradient', async () => {
    const before = tf.memory().numTensors;
    const args: Common = { filters: 2, kernelSize: 3, padding: 'same' };
    const tm = tfjsModel('s', args, true);
    const rm = ridgeModel('s', args, true, tm);
    const start = rm.getWeights().map((t) => {
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    });
    const lr = 0.1;
    const tfjsSgd = tf.train.sgd(lr);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    rm.compile({ optimizer: sgd(lr), loss: 'meanSquaredError' });
    // tfjs-layers' model has no losses from the cell's regularizers.
    expect(tm.calculateLosses()).toEqual([]);
    const sumSq = (v: readonly number[]) => v.reduce((s, w) => s + w * w, 0);
    const expectedPenalty = { 's_clstm/kernel': FACTOR.kernel * sumSq(start[0]!), 's_clstm/recurrent_kernel': FACTOR.recurrent * sumSq(start[1]!), 's_clstm/bias': FACTOR.bias * sumSq(start[2]!) };
    expect(Object.fromEntries(rm.penalties().terms.map((t) => [t.path, t.value]))).toEqual({
      's_clstm/kernel': expect.closeTo(expectedPenalty['s_clstm/kernel'], 5),
      's_clstm/recurrent_kernel': expect.closeTo(expectedPenalty['s_clstm/recurrent_kernel'], 5),
      's_clstm/bias': expect.closeTo(expectedPenalty['s_clstm/bias'], 5),
    });

    const x = xs();
    const y = tf.randomNormal([4, 2], 0, 1, 'float32', 82);
    const ours = (await rm.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 })).history;
    const theirs = (await tm.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 })).history;
    const penalty = Object.values(expectedPenalty).reduce((a, b) => a + b, 0);
    // Their loss is the data loss alone; ours adds the penalty terms, each in its own key.
    expect(ours['data_loss']![0]).toBeCloseTo(theirs['loss']![0] as number, 5);
    expect(ours['penalty']![0]).toBeCloseTo(penalty, 5);
    expect(ours['loss']![0]).toBeCloseTo((theirs['loss']![0] as number) + penalty, 5);
    for (const [path, value] of Object.entries(expectedPenalty)) expect(ours[`penalty/${path}`]![0]).toBeCloseTo(value, 5);

    // w_ridge = w_tfjs - lr * d(l2 * sum(w^2))/dw = w_tfjs - lr * 2 * l2 * w_start, and the same data gradient.
    const factors = [FACTOR.kernel, FACTOR.recurrent, FACTOR.bias, 0, 0];
    const tfjsAfter = tm.weights.map((w) => Array.from(w.read().dataSync()));
    rm.weights.forEach((w, i) => {
      const expected = tfjsAfter[i]!.map((v, j) => v - lr * 2 * factors[i]! * start[i]![j]!);
      const got = Array.from(w.read().dataSync());
      got.forEach((v, j) => expect(Math.abs(v - expected[j]!)).toBeLessThan(1e-5));
      // Every weight moved.
      expect(got.some((v, j) => Math.abs(v - start[i]![j]!) > 1e-4)).toBe(true);
    });
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("defaults: Keras 3's recurrentActivation 'sigmoid' and unitForgetBias true; tfjs-layers' hard sigmoid and a forget bias of 0", () => {
    const theirs = tfl.layers.convLstm2d({ filters: 2, kernelSize: 1, recurrentInitializer: 'glorotUniform' });
    const ours = convLstm2d({ filters: 2, kernelSize: 1 });
    const x = tf.ones([1, 1, 2, 2, 1]);
    tf.dispose([theirs.apply(x) as tf.Tensor, ours.apply(x)]);
    expect(theirs.getConfig()['recurrentActivation']).toBe('hardSigmoid');
    expect(ours.recurrentActivation).toBe('sigmoid');
    expect(Array.from(theirs.getWeights()[2]!.dataSync())).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(ours.bias!.read().dataSync())).toEqual([0, 0, 1, 1, 0, 0, 0, 0]);
    x.dispose();
    theirs.dispose();
    ours.dispose();
  });
});

describe('saved ConvLSTM2D models move between tfjs-layers and Ridge', () => {
  it("a tfjs-layers model loads into Ridge (its default hard sigmoid as 'hard_sigmoid_legacy'): the same predictions", async () => {
    const x0 = tfl.input({ shape: SHAPE, name: 'l_in' });
    const h = tfl.layers.convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, recurrentInitializer: 'glorotUniform', name: 'l_clstm' }).apply(x0) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: x0, outputs: h });
    randomize(variables(tm), 83);
    const warnings: string[] = [];
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((handler) => tm.save(handler))), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(loaded.layers[1]!.getConfig()).toMatchObject({ filters: 2, kernelSize: [2, 2], padding: 'same', recurrentActivation: 'hard_sigmoid_legacy', returnSequences: true });
    const x = xs();
    const [a, b] = [loaded.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(a, b);
    tf.dispose([x, a, b]);
    tm.dispose();
    loaded.dispose();
  });

  it("a Ridge model saved with { format: 'tfjs-layers' } loads into tfjs-layers and predicts the same", async () => {
    const args: Common = { filters: 2, kernelSize: 3, strides: [2, 1], returnSequences: true };
    const source = tfjsModel('r', args, false);
    const rm = ridgeModel('r', args, false, source);
    source.dispose();
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => rm.save(h, { format: 'tfjs-layers' }))));
    expect(tm.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'ConvLSTM2D', 'Flatten', 'Dense']);
    const x = xs();
    const [a, b] = [rm.predict(x) as tf.Tensor, tm.predict(x) as tf.Tensor];
    expectClose(a, b);
    tf.dispose([x, a, b]);
    tm.dispose();
    rm.dispose();
  });
});

describe('ConvLSTM2D training on wasm', () => {
  it('tfjs-layers cannot train it on wasm (no Conv2DBackpropFilter kernel); Ridge trains it to the same weights as on cpu', async () => {
    const args: Common = { filters: 2, kernelSize: 2, padding: 'same' };
    const train = async (): Promise<number[][]> => {
      const source = tfjsModel('w', args, true);
      const rm = ridgeModel('w', args, true, source);
      source.dispose();
      rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
      const x = xs();
      const y = tf.randomNormal([4, 2], 0, 1, 'float32', 84);
      await rm.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
      const out = rm.getWeights().map((t) => {
        const v = Array.from(t.dataSync());
        t.dispose();
        return v;
      });
      tf.dispose([x, y]);
      rm.dispose();
      return out;
    };
    await initBackend({ prefer: 'cpu', log: false });
    const onCpu = await train();
    await initBackend({ prefer: 'wasm', log: false });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const before = tf.memory().numTensors;
    const onWasm = await train();
    expect(tf.memory().numTensors).toBe(before);
    onWasm.forEach((w, i) => w.forEach((v, j) => expect(Math.abs(v - onCpu[i]![j]!)).toBeLessThan(1e-4)));

    const tm = tfjsModel('t', args, false);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    const x = xs();
    const y = tf.zeros([4, 2]);
    await expect(tm.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(/Conv2DBackpropFilter/);
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
  });
});
