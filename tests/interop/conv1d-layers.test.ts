import { initBackend } from '@ridge/backend';
import { conv1dTranspose, cropping1d, dense, depthwiseConv1d, flatten, input, model, separableConv1d, upSampling1d, zeroPadding1d, type Model } from '@ridge/layers';
import '@ridge/losses';
import { sgd } from '@ridge/optimizers';
import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomize, variables } from '../support/tfjs-layers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/*
 * tfjs-layers 4.22 has none of Keras 3's DepthwiseConv1D, SeparableConv1D, Conv1DTranspose,
 * ZeroPadding1D, UpSampling1D and Cropping1D (nor SpatialDropout2D). Keras computes each 1-D one
 * as its 2-D counterpart on [batch, 1, steps, channels] with a kernel of height 1, so the
 * reference here is tfjs-layers' DepthwiseConv2D, SeparableConv2D, Conv2DTranspose,
 * ZeroPadding2D, UpSampling2D and Cropping2D on that layout, with the same weights (the 2-D
 * kernels are the 1-D ones with a leading axis of 1). The models avoid what tfjs-layers computes
 * differently (dilation in DepthwiseConv2D, outputPadding and dilation in Conv2DTranspose).
 */

const STEPS = 9;
const CHANNELS = 2;
const FACTOR = { depthwise: 0.05, pointwise: 0.03, kernel: 0.02 } as const;

function tfjsModel(prefix: string, regularized: boolean, upsample = true): tfl.LayersModel {
  const reg = (f: number) => (regularized ? tfl.regularizers.l2({ l2: f }) : undefined);
  const x = tfl.input({ shape: [1, STEPS, CHANNELS], name: `${prefix}_in` });
  let h = tfl.layers
    .depthwiseConv2d({ kernelSize: [1, 3], depthMultiplier: 2, padding: 'same', activation: 'tanh', name: `${prefix}_dw`, ...(regularized ? { depthwiseRegularizer: reg(FACTOR.depthwise) } : {}) })
    .apply(x) as tfl.SymbolicTensor;
  h = tfl.layers
    .separableConv2d({
      filters: 3,
      kernelSize: [1, 2],
      strides: [1, 2],
      depthMultiplier: 2,
      activation: 'relu',
      name: `${prefix}_sep`,
      ...(regularized ? { depthwiseRegularizer: reg(FACTOR.depthwise), pointwiseRegularizer: reg(FACTOR.pointwise) } : {}),
    })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers
    .conv2dTranspose({ filters: 2, kernelSize: [1, 3], strides: [1, 2], padding: 'valid', name: `${prefix}_up`, ...(regularized ? { kernelRegularizer: reg(FACTOR.kernel) } : {}) })
    .apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv2dTranspose({ filters: 2, kernelSize: [1, 2], strides: [1, 2], padding: 'same', activation: 'tanh', name: `${prefix}_up2` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.zeroPadding2d({ padding: [[0, 0], [1, 2]], name: `${prefix}_pad` }).apply(h) as tfl.SymbolicTensor;
  if (upsample) h = tfl.layers.upSampling2d({ size: [1, 2], name: `${prefix}_upsample` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.cropping2D({ cropping: [[0, 0], [1, 1]], name: `${prefix}_crop` }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 2, name: `${prefix}_out` }).apply(tfl.layers.flatten({ name: `${prefix}_flat` }).apply(h)) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: x, outputs: out, name: `${prefix}_model` });
  randomize(variables(m), 60);
  return m;
}

/** The same model with Ridge's 1-D layers; tfjs-layers' weights copied over by name, without their leading axis of 1. */
function ridgeModel(prefix: string, regularized: boolean, from: tfl.LayersModel, upsample = true): Model {
  const reg = (f: number) => (regularized ? l2(f) : null);
  const x = input({ shape: [STEPS, CHANNELS], name: `${prefix}_in` });
  let h = depthwiseConv1d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', activation: 'tanh', name: `${prefix}_dw`, depthwiseRegularizer: reg(FACTOR.depthwise) }).apply(x);
  h = separableConv1d({
    filters: 3,
    kernelSize: 2,
    strides: 2,
    depthMultiplier: 2,
    activation: 'relu',
    name: `${prefix}_sep`,
    depthwiseRegularizer: reg(FACTOR.depthwise),
    pointwiseRegularizer: reg(FACTOR.pointwise),
  }).apply(h);
  h = conv1dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid', name: `${prefix}_up`, kernelRegularizer: reg(FACTOR.kernel) }).apply(h);
  h = conv1dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', activation: 'tanh', name: `${prefix}_up2` }).apply(h);
  h = zeroPadding1d({ padding: [1, 2], name: `${prefix}_pad` }).apply(h);
  if (upsample) h = upSampling1d({ size: 2, name: `${prefix}_upsample` }).apply(h);
  h = cropping1d({ cropping: [1, 1], name: `${prefix}_crop` }).apply(h);
  const m = model({ inputs: x, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(h)) });
  expect(m.weights.map((w) => w.path)).toEqual(from.weights.map((w) => w.originalName));
  const theirs = from.weights.map((w) => w.read());
  const values = m.weights.map((w, i) => tf.reshape(theirs[i]!, w.shape));
  m.setWeights(values);
  tf.dispose(values);
  return m;
}

/** The 2-D model's outputs are [batch, 2] too: the same inputs, with the axis of height 1. */
function expectSamePredictions(ours: Model, theirs: tfl.LayersModel): void {
  const x = tf.randomNormal([3, STEPS, CHANNELS], 0, 1, 'float32', 61);
  const x4 = tf.expandDims(x, 1);
  const [a, b] = [ours.predict(x) as tf.Tensor, theirs.predict(x4) as tf.Tensor];
  expectClose(a, b);
  tf.dispose([x, x4, a, b]);
}

describe('the 1-D layers in Ridge and the 2-D ones in tfjs-layers 4.22 on [batch, 1, steps, channels]', () => {
  it('Keras weight names; the 1-D shapes are the 2-D ones without the leading 1; output shapes and predictions agree', () => {
    const before = tf.memory().numTensors;
    const tm = tfjsModel('c1', false);
    const rm = ridgeModel('c1', false, tm);
    // The kernels (rank 3 here, rank 4 there) gain the axis of height 1; biases and Dense's kernel are the same.
    expect(rm.weights.map((w) => [w.path, w.shape.length === 3 ? [1, ...w.shape] : w.shape])).toEqual(tm.weights.map((w) => [w.originalName, w.shape]));
    expect(rm.weights.slice(0, 7).map((w) => [w.path, w.role, w.shape])).toEqual([
      ['c1_dw/depthwise_kernel', 'depthwiseKernel', [3, 2, 2]],
      ['c1_dw/bias', 'bias', [4]],
      ['c1_sep/depthwise_kernel', 'depthwiseKernel', [2, 4, 2]],
      ['c1_sep/pointwise_kernel', 'pointwiseKernel', [1, 8, 3]],
      ['c1_sep/bias', 'bias', [3]],
      ['c1_up/kernel', 'kernel', [3, 2, 3]],
      ['c1_up/bias', 'bias', [2]],
    ]);
    // Each layer's output shape: the 2-D one without its height of 1.
    let shape: (number | null)[] = [null, STEPS, CHANNELS];
    const steps: (number | null)[] = [];
    tm.layers.slice(1, 8).forEach((l, i) => {
      shape = rm.layers[i + 1]!.computeOutputShape(shape) as (number | null)[];
      const [n, , ...rest] = l.outputShape as (number | null)[];
      expect(shape).toEqual([n, ...rest]);
      steps.push(shape[1]!);
    });
    // 9 -> 9 ('same') -> 4 -> 4 * 2 + 1 = 9 -> 18 -> 21 -> 42 -> 40 steps.
    expect(steps).toEqual([9, 4, 9, 18, 21, 42, 40]);
    expectSamePredictions(rm, tm);
    tm.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('one SGD step with L2 on the depthwise, pointwise and transposed kernels: the same penalties, loss and weights', async () => {
    const before = tf.memory().numTensors;
    // Without the upsampling: tfjs-layers' UpSampling2D has a wrong gradient here (see below).
    const tm = tfjsModel('s1', true, false);
    const rm = ridgeModel('s1', true, tm, false);
    const tfjsSgd = tf.train.sgd(0.1);
    tm.compile({ optimizer: tfjsSgd, loss: 'meanSquaredError' });
    rm.compile({ optimizer: sgd(0.1), loss: 'meanSquaredError' });
    const tfjsLosses = tm.calculateLosses();
    const tfjsPenalties = tfjsLosses.map((t) => t.dataSync()[0]!);
    tf.dispose(tfjsLosses);
    const ours = rm.penalties().terms;
    expect(ours.map((t) => t.path)).toEqual(['s1_dw/depthwise_kernel', 's1_sep/depthwise_kernel', 's1_sep/pointwise_kernel', 's1_up/kernel']);
    ours.forEach((t, i) => expect(t.value).toBeCloseTo(tfjsPenalties[i]!, 5));

    const x = tf.randomNormal([3, STEPS, CHANNELS], 0, 1, 'float32', 62);
    const x4 = tf.expandDims(x, 1);
    const y = tf.randomNormal([3, 2], 0, 1, 'float32', 63);
    const ourStep = await rm.fit(x, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    const theirStep = await tm.fit(x4, y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0 });
    expect(ourStep.history['loss']![0]).toBeCloseTo(theirStep.history['loss']![0] as number, 5);
    expect(ourStep.history['penalty/s1_sep/pointwise_kernel']![0]).toBeCloseTo(tfjsPenalties[2]!, 5);
    expect(rm.weights).toHaveLength(11);
    tm.weights.forEach((w, i) => {
      const theirs = tf.reshape(w.read(), rm.weights[i]!.shape);
      expectClose(rm.weights[i]!.read(), theirs);
      theirs.dispose();
    });
    tf.dispose([x, x4, y]);
    tm.dispose();
    tfjsSgd.dispose();
    rm.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("tfjs-layers 4.22's UpSampling2D gradient", () => {
  it('is not the sum over the copies of each step once there are several samples and channels; Ridge\'s UpSampling1D gradient is', () => {
    const before = tf.memory().numTensors;
    const ours = upSampling1d({ size: 2 });
    const theirs = tfl.layers.upSampling2d({ size: [1, 2] });
    const [ourGap, theirGap] = tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 2], 0, 1, 'float32', 64);
      const r = tf.randomNormal([2, 10, 2], 0, 1, 'float32', 65);
      // d/dx sum(up(x) * r): step t of each sample and channel gets r at output steps 2t and 2t + 1.
      const expected = tf.sum(tf.reshape(r, [2, 5, 2, 2]), 2);
      const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(ours.apply(a) as tf.Tensor, r)))(x);
      const g4 = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(theirs.apply(a) as tf.Tensor, tf.expandDims(r, 1))))(tf.expandDims(x, 1));
      const gap = (t: tf.Tensor) => tf.max(tf.abs(tf.sub(tf.reshape(t, [2, 5, 2]), expected))).dataSync()[0]!;
      return [gap(g), gap(g4)];
    });
    expect(ourGap).toBeLessThan(1e-5);
    expect(theirGap).toBeGreaterThan(0.1);
    expect(tf.memory().numTensors).toBe(before);
  });
});
