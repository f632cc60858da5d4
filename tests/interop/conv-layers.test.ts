import { initBackend } from '@ridge/backend';
import { conv2dTranspose, cropping2d, dense, depthwiseConv2d, flatten, input, loadModel, model, separableConv2d, upSampling2d, zeroPadding2d, type Model } from '@ridge/layers';
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
 * tfjs-layers 4.22 has DepthwiseConv2D, SeparableConv2D and Conv2DTranspose (and ZeroPadding2D,
 * UpSampling2D, Cropping2D), with the Keras weight names and shapes. What it does differently:
 * its DepthwiseConv2D ignores dilationRate when it computes, its Conv2DTranspose has neither
 * outputPadding nor dilationRate (its config leaves dilationRate out), and its DepthwiseConv2D
 * writes the depthwise regularizer a second time as depthwise_constraint. The models here keep
 * to what both compute the same way.
 */

const FACTOR = { depthwise: 0.05, pointwise: 0.03, kernel: 0.02 } as const;

/** The model in tfjs-layers: every weight random, L2 on the depthwise, pointwise and transposed kernels when `regularized`. */
function tfjsModel(prefix: string, regularized: boolean, dilated = false, sepMultiplier = 2): tfl.LayersModel {
  const reg = (f: number) => (regularized ? { l2: f } : undefined);
  const x = tfl.input({ shape: [7, 6, 2], name: `${prefix}_in` });
  let h = tfl.layers
    .depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, padding: 'same', activation: 'tanh', name: `${prefix}_dw`, ...(regularized ? { depthwiseRegularizer: tfl.regularizers.l2(reg(FACTOR.depthwise)) } : {}) })
    .apply(x) as tfl.SymbolicTensor;
  h = tfl.layers
    .separableConv2d({
      filters: 3,
      kernelSize: 2,
      depthMultiplier: sepMultiplier,
      ...(dilated ? { dilationRate: 2 } : { strides: 2 }),
      activation: 'relu',
      name: `${prefix}_sep`,
      ...(regularized ? { depthwiseRegularizer: tfl.regularizers.l2(reg(FACTOR.depthwise)), pointwiseRegularizer: tfl.regularizers.l2(reg(FACTOR.pointwise)) } : {}),
    })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers
    .conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: `${prefix}_up`, ...(regularized ? { kernelRegularizer: tfl.regularizers.l2(reg(FACTOR.kernel)) } : {}) })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: [1, 2], padding: 'same', name: `${prefix}_up2` }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: `${prefix}_out` }).apply(tfl.layers.flatten({ name: `${prefix}_flat` }).apply(h)) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: out, name: `${prefix}_model` });
  randomize(variables(m), 40);
  return m;
}

/** The same model built with Ridge's layers, with tfjs-layers' weights copied over by name. */
function ridgeModel(prefix: string, regularized: boolean, from: tfl.LayersModel, dilated = false, sepMultiplier = 2): Model {
  const reg = (f: number) => (regularized ? l2(f) : null);
  const x = input({ shape: [7, 6, 2], name: `${prefix}_in` });
  let h = depthwiseConv2d({ kernelSize: [3, 2], depthMultiplier: 2, padding: 'same', activation: 'tanh', name: `${prefix}_dw`, depthwiseRegularizer: reg(FACTOR.depthwise) }).apply(x);
  h = separableConv2d({
    filters: 3,
    kernelSize: 2,
    depthMultiplier: sepMultiplier,
    ...(dilated ? { dilationRate: 2 } : { strides: 2 }),
    activation: 'relu',
    name: `${prefix}_sep`,
    depthwiseRegularizer: reg(FACTOR.depthwise),
    pointwiseRegularizer: reg(FACTOR.pointwise),
  }).apply(h);
  h = conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: `${prefix}_up`, kernelRegularizer: reg(FACTOR.kernel) }).apply(h);
  h = conv2dTranspose({ filters: 1, kernelSize: 2, strides: [1, 2], padding: 'same', name: `${prefix}_up2` }).apply(h);
  const m = model({ inputs: x, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(h)) });
  const theirs = Object.fromEntries(from.weights.map((w) => [w.originalName, w.read()]));
  expect(m.weights.map((w) => w.path)).toEqual(from.weights.map((w) => w.originalName));
  m.setWeights(m.weights.map((w) => theirs[w.path]!));
  return m;
}

const xs = () => tf.randomNormal([3, 7, 6, 2], 0, 1, 'float32', 41);

function expectSamePredictions(ours: Model, theirs: tfl.LayersModel): void {
  const x = xs();
  const [a, b] = [ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
  expectClose(a, b);
  tf.dispose([x, a, b]);
}

describe('the same layers in tfjs-layers 4.22 and Ridge', () => {
  it('weights of the Keras names and shapes, output shapes and predictions agree (strided, and dilated separable)', () => {
    const before = tf.memory().numTensors;
    for (const dilated of [false, true]) {
      const prefix = dilated ? 'cd' : 'cs';
      const tm = tfjsModel(prefix, false, dilated);
      const rm = ridgeModel(prefix, false, tm, dilated);
      expect(rm.weights.map((w) => [w.path, w.shape])).toEqual(tm.weights.map((w) => [w.originalName, w.shape]));
      expect(rm.weights.slice(0, 5).map((w) => [w.path, w.role])).toEqual([
        [`${prefix}_dw/depthwise_kernel`, 'depthwiseKernel'],
        [`${prefix}_dw/bias`, 'bias'],
        [`${prefix}_sep/depthwise_kernel`, 'depthwiseKernel'],
        [`${prefix}_sep/pointwise_kernel`, 'pointwiseKernel'],
        [`${prefix}_sep/bias`, 'bias'],
      ]);
      // Each layer's output shape, from the same input shape.
      tm.layers.slice(1, 5).forEach((l, i) => expect(rm.layers[i + 1]!.computeOutputShape(tm.layers[i]!.outputShape as (number | null)[])).toEqual(l.outputShape));
      expectSamePredictions(rm, tm);
      tm.dispose();
      rm.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one SGD step with L2 on the depthwise, pointwise and transposed kernels: the same loss and the same weights', async () => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel('st', true);
    const rm = ridgeModel('st', true, tm);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
    // The penalties before the step: tfjs-layers' own, in the order of its regularized weights.
    const tfjsLosses = tm.calculateLosses();
    const tfjsPenalties = tfjsLosses.map((t) => t.dataSync()[0]!);
    tf.dispose(tfjsLosses);
    const ours = rm.penalties().terms;
    expect(ours.map((t) => t.path)).toEqual(['st_dw/depthwise_kernel', 'st_sep/depthwise_kernel', 'st_sep/pointwise_kernel', 'st_up/kernel']);
    ours.forEach((t, i) => expect(t.value).toBeCloseTo(tfjsPenalties[i]!, 5));

    const x = xs();
    const y = tf.randomNormal([3, 2], 0, 1, 'float32', 42);
    const ourStep = await rm.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    const theirStep = await tm.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    expect(ourStep.history['loss']![0]).toBeCloseTo(theirStep.history['loss']![0] as number, 5);
    expect(ourStep.history['penalty/st_sep/pointwise_kernel']![0]).toBeCloseTo(tfjsPenalties[2]!, 5);
    const theirs = Object.fromEntries(tm.weights.map((w) => [w.originalName, w.read()]));
    expect(rm.weights).toHaveLength(11);
    for (const w of rm.weights) expectClose(w.read(), theirs[w.path]!);
    tf.dispose([x, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('saved models move between tfjs-layers and Ridge', () => {
  it('a model tfjs-layers saved loads into Ridge: the same layers, regularizers and predictions', async () => {
    // tfjs-layers' SeparableConv2D leaves depth_multiplier out of its config, so a saved one reads
    // back (in tfjs-layers too) with multiplier 1: the model saved here has 1.
    const tm = tfjsModel('ld', true, false, 1);
    const artifacts = await artifactsOf((h) => tm.save(h));
    const layers = (artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config.layers;
    expect(layers[2]!.config).not.toHaveProperty('depth_multiplier');
    // tfjs-layers' DepthwiseConv2D writes its regularizer again as its constraint ...
    expect(layers[1]!.config['depthwise_constraint']).toEqual(layers[1]!.config['depthwise_regularizer']);
    const loaded = await loadModel(tf.io.fromMemory(artifacts));
    expect(loaded.layers.map((l) => `${l.name}:${l.className}`)).toEqual(tm.layers.map((l) => `${l.name}:${l.getClassName()}`));
    // ... which Ridge reads as no constraint.
    const dw = loaded.layers[1]!.getConfig();
    expect(dw['depthwiseConstraint']).toBeNull();
    expect(dw['depthwiseRegularizer']).toEqual({ className: 'L1L2', config: { l1: 0, l2: FACTOR.depthwise } });
    expect(loaded.penalties().terms.map((t) => t.path)).toEqual(['ld_dw/depthwise_kernel', 'ld_sep/depthwise_kernel', 'ld_sep/pointwise_kernel', 'ld_up/kernel']);
    expectSamePredictions(loaded, tm);
    tm.dispose();
    loaded.dispose();
  });

  it("a Ridge model saved with { format: 'tfjs-layers' } loads into tfjs-layers and predicts the same", async () => {
    const source = tfjsModel('rs', false);
    const rm = ridgeModel('rs', false, source);
    source.dispose();
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((h) => rm.save(h, { format: 'tfjs-layers' }))));
    expect(tm.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'Conv2DTranspose', 'Flatten', 'Dense']);
    expect(tm.weights.map((w) => w.originalName)).toEqual(rm.weights.map((w) => w.path));
    expectSamePredictions(rm, tm);
    tm.dispose();
    rm.dispose();
  });
});

describe('ZeroPadding2D, UpSampling2D and Cropping2D', () => {
  function tfjsShapeModel(): tfl.LayersModel {
    const x = tfl.input({ shape: [5, 4, 2], name: 'zs_in' });
    let h = tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]], name: 'zs_pad' }).apply(x) as tfl.SymbolicTensor;
    h = tfl.layers.conv2d({ filters: 3, kernelSize: 2, name: 'zs_conv' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.upSampling2d({ size: [2, 3], name: 'zs_up' }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.cropping2D({ cropping: [[1, 2], [3, 0]], name: 'zs_crop' }).apply(h) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: h });
    randomize(variables(m), 50);
    return m;
  }

  it('a tfjs-layers model with them loads into Ridge with the same output shapes and predictions', async () => {
    const tm = tfjsShapeModel();
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf((h) => tm.save(h))));
    expect(loaded.layers.map((l) => l.className)).toEqual(['InputLayer', 'ZeroPadding2D', 'Conv2D', 'UpSampling2D', 'Cropping2D']);
    tm.layers.slice(1).forEach((l, i) => expect(loaded.layers[i + 1]!.computeOutputShape(tm.layers[i]!.outputShape as (number | null)[])).toEqual(l.outputShape));
    expectSamePredictions4(loaded, tm, [3, 5, 4, 2]);
    tm.dispose();
    loaded.dispose();
  });

  it("a Ridge model with them loads into tfjs-layers (format 'tfjs-layers') and predicts the same", async () => {
    const x = input({ shape: [5, 4, 2], name: 'rz_in' });
    let h = zeroPadding2d({ padding: 1, name: 'rz_pad' }).apply(x);
    h = upSampling2d({ size: 2, name: 'rz_up' }).apply(h);
    h = cropping2d({ cropping: [2, 1], name: 'rz_crop' }).apply(h);
    const m = model({ inputs: x, outputs: h });
    const tm = await tfl.loadLayersModel(tf.io.fromMemory(await artifactsOf((handler) => m.save(handler, { format: 'tfjs-layers' }))));
    expect(tm.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'ZeroPadding2D', 'UpSampling2D', 'Cropping2D']);
    expectSamePredictions4(m, tm, [2, 5, 4, 2]);
    tm.dispose();
    m.dispose();
  });

  it("'bilinear' is Keras's (half-pixel centers); tfjs-layers' samples at o / size instead, so the two differ", () => {
    // One row [a, b] scaled by 2. Keras: positions -0.25, 0.25, 0.75, 1.25 (clamped to [0, 1]);
    // tfjs-layers (tf.image.resizeBilinear without halfPixelCenters): positions 0, 0.5, 1, 1.5 (clamped).
    const [a, b] = [2, 6];
    const keras = [a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b];
    const tfjs = [a, 0.5 * a + 0.5 * b, b, b];
    const x = tf.tensor4d([a, b], [1, 1, 2, 1]);
    const ours = upSampling2d({ size: [1, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor;
    const theirs = tfl.layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear' }).apply(x) as tf.Tensor;
    Array.from(ours.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(keras[i]!, 6));
    Array.from(theirs.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(tfjs[i]!, 6));
    tf.dispose([x, ours, theirs]);
  });
});

function expectSamePredictions4(ours: Model, theirs: tfl.LayersModel, shape: [number, number, number, number]): void {
  const x = tf.randomNormal(shape, 0, 1, 'float32', 51);
  const [a, b] = [ours.predict(x) as tf.Tensor, theirs.predict(x) as tf.Tensor];
  expectClose(a, b);
  tf.dispose([x, a, b]);
}
