import { initBackend } from '@ridge/backend';
import { averagePooling3d, conv3d, dense, flatten, globalAveragePooling3d, globalMaxPooling3d, input, loadModel, maxPooling3d, model, type Model } from '@ridge/layers';
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

/*
 * tfjs-layers 4.22 has Conv3D, MaxPooling3D and AveragePooling3D (no global 3-D pooling), with
 * Keras's weight names and shapes. Its gradients are tfjs-core's, which are right on the cpu
 * backend these tests run on as long as max pooling windows are cubes: tfjs-backend-cpu's
 * MaxPool3DGrad is wrong for a window such as [2, 3, 2] (see Ridge's conv3d tests), so the
 * models here pool with 2 x 2 x 2.
 */

const FACTOR = { first: 0.02, second: 0.05 } as const;
const SHAPE = [6, 6, 4, 2];

function tfjsModel(prefix: string, regularized: boolean): tfl.LayersModel {
  const reg = (f: number) => (regularized ? { kernelRegularizer: tfl.regularizers.l2({ l2: f }) } : {});
  const x = tfl.input({ shape: SHAPE, name: `${prefix}_in` });
  let h = tfl.layers.conv3d({ filters: 3, kernelSize: [2, 3, 2], padding: 'same', activation: 'tanh', name: `${prefix}_c1`, ...reg(FACTOR.first) }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.maxPooling3d({ poolSize: 2, name: `${prefix}_mp` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv3d({ filters: 2, kernelSize: [2, 2, 1], strides: [1, 1, 2], name: `${prefix}_c2`, ...reg(FACTOR.second) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.averagePooling3d({ poolSize: [2, 1, 1], strides: 1, name: `${prefix}_ap` }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: `${prefix}_out` }).apply(tfl.layers.flatten({ name: `${prefix}_flat` }).apply(h)) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: out, name: `${prefix}_model` });
  randomize(variables(m), 60);
  return m;
}

/** The same model built with Ridge's layers, with tfjs-layers' weights copied over by name. */
function ridgeModel(prefix: string, regularized: boolean, from: tfl.LayersModel): Model {
  const reg = (f: number) => (regularized ? l2(f) : null);
  const x = input({ shape: SHAPE, name: `${prefix}_in` });
  let h = conv3d({ filters: 3, kernelSize: [2, 3, 2], padding: 'same', activation: 'tanh', name: `${prefix}_c1`, kernelRegularizer: reg(FACTOR.first) }).apply(x);
  h = maxPooling3d({ poolSize: 2, name: `${prefix}_mp` }).apply(h);
  h = conv3d({ filters: 2, kernelSize: [2, 2, 1], strides: [1, 1, 2], name: `${prefix}_c2`, kernelRegularizer: reg(FACTOR.second) }).apply(h);
  h = averagePooling3d({ poolSize: [2, 1, 1], strides: 1, name: `${prefix}_ap` }).apply(h);
  const m = model({ inputs: x, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(h)) });
  const theirs = Object.fromEntries(from.weights.map((w) => [w.originalName, w.read()]));
  expect(m.weights.map((w) => w.path)).toEqual(from.weights.map((w) => w.originalName));
  m.setWeights(m.weights.map((w) => theirs[w.path]!));
  return m;
}

const xs = () => tf.randomNormal([3, ...SHAPE], 0, 1, 'float32', 61);

function expectSamePredictions(ours: Model, theirs: tfl.LayersModel): void {
  const x = xs();
  const [a, b] = [ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
  expectClose(a, b);
  tf.dispose([x, a, b]);
}

describe('Conv3D, MaxPooling3D and AveragePooling3D in tfjs-layers 4.22 and Ridge', () => {
  it('weights of the Keras names, shapes and roles, output shapes and predictions agree', () => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel('c3', false);
    const rm = ridgeModel('c3', false, tm);
    expect(rm.weights.map((w) => [w.path, w.shape])).toEqual(tm.weights.map((w) => [w.originalName, w.shape]));
    expect(rm.weights.slice(0, 4).map((w) => [w.path, w.role])).toEqual([
      ['c3_c1/kernel', 'kernel'],
      ['c3_c1/bias', 'bias'],
      ['c3_c2/kernel', 'kernel'],
      ['c3_c2/bias', 'bias'],
    ]);
    tm.layers.slice(1, 5).forEach((l, i) => expect(rm.layers[i + 1]!.computeOutputShape(tm.layers[i]!.outputShape as (number | null)[])).toEqual(l.outputShape));
    expectSamePredictions(rm, tm);
    tm.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one SGD step with L2 on both kernels: the same penalties, loss and weights', async () => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel('s3', true);
    const rm = ridgeModel('s3', true, tm);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
    const tfjsLosses = tm.calculateLosses();
    const tfjsPenalties = tfjsLosses.map((t) => t.dataSync()[0]!);
    tf.dispose(tfjsLosses);
    const ours = rm.penalties().terms;
    expect(ours.map((t) => t.path)).toEqual(['s3_c1/kernel', 's3_c2/kernel']);
    ours.forEach((t, i) => expect(t.value).toBeCloseTo(tfjsPenalties[i]!, 5));

    const x = xs();
    const y = tf.randomNormal([3, 2], 0, 1, 'float32', 62);
    const ourStep = await rm.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    const theirStep = await tm.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    expect(ourStep.history['loss']![0]).toBeCloseTo(theirStep.history['loss']![0] as number, 5);
    expect(ourStep.history['penalty/s3_c2/kernel']![0]).toBeCloseTo(tfjsPenalties[1]!, 5);
    const theirs = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    expect(rm.weights).toHaveLength(6);
    const start = tfjsModel('s3_start', false);
    const initial = start.weights.map((w) => Array.from(w.read().dataSync()));
    rm.weights.forEach((w, i) => {
      expectClose(w.read(), theirs[w.path]!);
      // Every weight moved (the models started from randomize(..., 60) like this one).
      expect(Array.from(w.read().dataSync()).some((v, j) => Math.abs(v - initial[i]![j]!) > 1e-4)).toBe(true);
    });
    start.dispose();
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('saved 3-D models move between tfjs-layers and Ridge', () => {
  it('a model tfjs-layers saved loads into Ridge: the same layers, regularizers and predictions', async () => {
    const tm = tfjsModel('l3', true);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(tm.layers.map((l) => `${l.name}:${l.getClassName()}`));
    expect(loaded.layers[1]!.getConfig()['kernelRegularizer']).toEqual({ className: 'L1L2', config: { l1: 0, l2: FACTOR.first } });
    expect(loaded.layers[2]!.getConfig()).toMatchObject({ poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid' });
    expect(loaded.penalties().terms.map((t) => t.path)).toEqual(['l3_c1/kernel', 'l3_c2/kernel']);
    expectSamePredictions(loaded, tm);
    tm.dispose();
    loaded.dispose();
  });

  it("a Ridge model saved with { format: 'tfjs-layers' } loads into tfjs-layers and predicts the same", async () => {
    const source = tfjsModel('r3', false);
    const rm = ridgeModel('r3', false, source);
    source.dispose();
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => rm.save(h, { format: 'tfjs-layers' }))));
    expect(tm.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv3D', 'MaxPooling3D', 'Conv3D', 'AveragePooling3D', 'Flatten', 'Dense']);
    expect(tm.weights.map((w) => w.originalName)).toEqual(rm.weights.map((w) => w.path));
    expectSamePredictions(rm, tm);
    tm.dispose();
    rm.dispose();
  });

  it('a Ridge model with the global 3-D pooling layers (not in tfjs-layers) saves and loads in Ridge', async () => {
    const x = input({ shape: [3, 4, 3, 2], name: 'g3_in' });
    const h = conv3d({ filters: 3, kernelSize: 2, padding: 'same', name: 'g3_c', kernelRegularizer: l2(0.01) }).apply(x);
    const a = globalAveragePooling3d({ name: 'g3_gap' }).apply(h);
    const b = globalMaxPooling3d({ name: 'g3_gmp', keepdims: true }).apply(h);
    const m = model({ inputs: x, outputs: [a, b] });
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((handler) => m.save(handler))));
    expect(loaded.layers.map((l) => l.className)).toEqual(['InputLayer', 'Conv3D', 'GlobalAveragePooling3D', 'GlobalMaxPooling3D']);
    expect(loaded.layers[3]!.getConfig()['keepdims']).toBe(true);
    const inputs = tf.randomNormal([2, 3, 4, 3, 2], 0, 1, 'float32', 63);
    const [ours, theirs] = [m.predict(inputs) as tf.Tensor[], loaded.predict(inputs) as tf.Tensor[]];
    expect(theirs[1]!.shape).toEqual([2, 1, 1, 1, 3]);
    ours.forEach((t, i) => expectClose(theirs[i]!, t));
    tf.dispose([inputs, ...ours, ...theirs]);
    m.dispose();
    loaded.dispose();
  });
});
