/**
 * Gradient checks for every layer class: the gradient autodiff gives (tf.variableGrads / tf.grad)
 * of `f = sum(output * R)`, R fixed random weights of the output's shape, against central finite
 * differences of the same f, with respect to each trainable weight and to the input where the
 * layer is differentiable in it.
 *
 * Tolerances (float32). Every forward pass runs in float32, which carries about 7 significant
 * digits (unit roundoff u = 2^-24 ≈ 6e-8). A central difference (f(w + h) - f(w - h)) / 2h has
 * two errors: truncation, O(h^2 * f'''), and rounding, O(|f| * k * u / h) for a forward pass of
 * k rounded operations. Values here are O(1), shapes tiny (|f| of order 1-10), so with h = 1e-2
 * truncation is ~1e-4 * f''' and rounding ~1e-6 * k / 2e-2 ≈ 1e-4 for k ≈ 30 (a three-step
 * LSTM). The sum over the output is done in float64 on the host, so it adds no float32 error.
 * Both are below `atol + rtol * |fd|` with rtol = 2e-2 and atol = 1e-3, while a wrong gradient
 * (a missing factor, a transposed kernel, a dropped term) is off by O(1) relative and fails.
 * A smaller h would make rounding dominate (1e-4 gives ~1e-2 absolute), a larger one truncation.
 *
 * Non-smooth points are kept away from: inputs of max pooling are distinct by more than 2h, the
 * ReLU's inputs are at least 0.05 from 0. Dropout and the noise layers are checked in inference
 * (the identity); in training they draw a new mask or noise on every call, so f is not one
 * function of w there. BatchNormalization is checked in training mode (batch statistics) and in
 * inference mode (moving statistics).
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Layer } from '../engine/layer.js';
import * as api from '../index.js';
import { activation, dense, dropout } from '../base.js';
import {
  averagePooling1d,
  averagePooling2d,
  conv1d,
  conv2d,
  conv2dTranspose,
  cropping2d,
  depthwiseConv2d,
  flatten,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
  maxPooling1d,
  maxPooling2d,
  reshape,
  separableConv2d,
  upSampling2d,
  zeroPadding2d,
} from './conv/index.js';
import {
  activityRegularization,
  alphaDropout,
  batchNormalization,
  embedding,
  gaussianDropout,
  gaussianNoise,
  layerNormalization,
  spatialDropout1d,
  repeatVector,
  permute,
  masking,
} from './misc/index.js';
import { gru, lstm, simpleRNN } from './recurrent/index.js';
import { add, average, concatenate, dot, maximum, minimum, multiply, subtract } from './merge/index.js';
import { bidirectional, timeDistributed } from './wrappers/index.js';
import { elu, leakyReLU, prelu, reLU, softmax, thresholdedReLU } from './activations/index.js';
import { conv1dTranspose, cropping1d, depthwiseConv1d, separableConv1d, upSampling1d, zeroPadding1d } from './conv/index.js';
import { groupNormalization, spatialDropout2d, unitNormalization } from './misc/index.js';
import { additiveAttention, attention, multiHeadAttention } from './attention/index.js';
import { averagePooling3d, conv3d, globalAveragePooling3d, globalMaxPooling3d, maxPooling3d } from './conv/index.js';
import { cropping3d, upSampling3d, zeroPadding3d } from './conv/index.js';
import { centerCrop, normalization, rescaling, resizing } from './preprocessing/index.js';
import { lambda } from './lambda/index.js';
import { convLstm1d, convLstm2d, convLstm3d } from './recurrent/index.js';
import { randomBrightness, randomContrast, randomCrop, randomFlip, randomRotation, randomTranslation, randomZoom } from './preprocessing/index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const H = 1e-2;
const RTOL = 2e-2;
const ATOL = 1e-3;

/** Deterministic values in [-1, 1). */
function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

/** n distinct values in [-1, 1], any two at least 2 / n apart, in a seeded order (for max pooling). */
function distinct(n: number, seed: number): number[] {
  const keys = uniform(n, seed);
  const order = keys.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(n);
  order.forEach(([, i], rank) => (out[i] = -1 + (2 * rank) / Math.max(1, n - 1)));
  return out;
}

/** Values in [-1, -0.05] ∪ [0.05, 1]: away from the kinks at 0. */
function awayFromZero(n: number, seed: number): number[] {
  return uniform(n, seed).map((v) => (v >= 0 ? 0.05 + 0.95 * v : -0.05 + 0.95 * v));
}

interface Case {
  readonly label: string;
  readonly make: () => Layer;
  readonly inputShape: readonly number[];
  readonly input?: (n: number) => number[];
  /** Check the gradient with respect to the input too (not for index inputs). */
  readonly inputGradient?: boolean;
  readonly training?: boolean;
  /** Values for a trainable weight, by weight name; default uniform * 0.5. */
  readonly weightValues?: (name: string, n: number, seed: number) => number[];
  /** For a merge layer: its inputs are x cut into these sizes on the last axis. */
  readonly split?: readonly number[];
}

/** The case's layer for `outputsOf`: its layer, and how to cut x into a merge layer's inputs. */
interface Applied {
  readonly layer: Layer;
  readonly split?: readonly number[] | undefined;
}

function outputsOf({ layer, split }: Applied, x: tf.Tensor, training: boolean): tf.Tensor[] {
  if (!split) return layer.applyAll(x, { training });
  return tf.tidy(() => layer.applyAll(tf.split(x, [...split], -1), { training }));
}

/** f = sum over every output of output * R, evaluated in float64 on the host. */
function objective(layer: Applied, x: tf.Tensor, training: boolean, rs: readonly Float64Array[]): number {
  const outs = outputsOf(layer, x, training);
  let f = 0;
  outs.forEach((o, k) => {
    const v = o.dataSync();
    const r = rs[k]!;
    for (let i = 0; i < v.length; i++) f += v[i]! * r[i]!;
  });
  // Identity layers (dropout in inference, ...) return their input itself: keep it.
  tf.dispose(outs.filter((o) => o !== x));
  return f;
}

/** The same f as a tensor, for autodiff. */
function objectiveTensor(layer: Applied, x: tf.Tensor, training: boolean, rs: readonly tf.Tensor[]): tf.Scalar {
  const outs = outputsOf(layer, x, training);
  return tf.addN(outs.map((o, k) => tf.sum(tf.mul(o, rs[k]!)))) as tf.Scalar;
}

interface Mismatch {
  readonly what: string;
  readonly index: number;
  readonly analytic: number;
  readonly fd: number;
}

function compare(what: string, analytic: ArrayLike<number>, fd: ArrayLike<number>): Mismatch[] {
  const bad: Mismatch[] = [];
  for (let i = 0; i < fd.length; i++) {
    const a = analytic[i]!;
    const d = fd[i]!;
    if (!(Math.abs(a - d) <= ATOL + RTOL * Math.abs(d))) bad.push({ what, index: i, analytic: a, fd: d });
  }
  return bad;
}

/** Central differences of f with respect to each entry of `values`, which `set` writes back. */
function centralDifferences(values: Float32Array, set: (v: Float32Array) => void, f: () => number): Float64Array {
  const fd = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const plus = Math.fround(v + H);
    const minus = Math.fround(v - H);
    values[i] = plus;
    set(values);
    const up = f();
    values[i] = minus;
    set(values);
    const down = f();
    values[i] = v;
    fd[i] = (up - down) / (plus - minus);
  }
  set(values);
  return fd;
}

function check(c: Case): { mismatches: Mismatch[]; checked: string[] } {
  const training = c.training ?? false;
  const layer = c.make();
  const applied: Applied = { layer, split: c.split };
  const size = c.inputShape.reduce((a, b) => a * b, 1);
  const xValues = Float32Array.from(c.input ? c.input(size) : uniform(size, 11));
  let x = tf.tensor(xValues, [...c.inputShape]);
  // The first call builds the weights; then every trainable weight gets known, O(1) values.
  const first = outputsOf(applied, x, training);
  const outShapes = first.map((o) => o.shape);
  tf.dispose(first.filter((o) => o !== x));
  const trainable = layer.trainableWeights;
  trainable.forEach((w, k) => {
    const n = w.variable.size;
    const values = c.weightValues ? c.weightValues(w.name, n, 100 + k) : uniform(n, 100 + k).map((v) => v * 0.5);
    tf.tidy(() => w.variable.assign(tf.tensor(values, w.shape)));
  });
  const rsHost = outShapes.map((s, k) => Float64Array.from(uniform(s.reduce((a, b) => a * b, 1), 500 + k)));
  const rs = outShapes.map((s, k) => tf.tensor(Float32Array.from(rsHost[k]!), s));
  const mismatches: Mismatch[] = [];
  const checked: string[] = [];
  try {
    if (trainable.length > 0) {
      const { value, grads } = tf.variableGrads(() => objectiveTensor(applied, x, training, rs), trainable.map((w) => w.variable));
      for (const w of trainable) {
        const g = grads[w.variable.name];
        expect(g, `${c.label}: a gradient for ${w.name}`).toBeDefined();
        const analytic = g!.dataSync();
        const values = Float32Array.from(w.variable.dataSync());
        const fd = centralDifferences(
          values,
          (v) => tf.tidy(() => w.variable.assign(tf.tensor(v, w.shape))),
          () => objective(applied, x, training, rsHost),
        );
        mismatches.push(...compare(`${c.label} d/d${w.name}`, analytic, fd));
        checked.push(w.name);
      }
      tf.dispose([value, ...Object.values(grads)]);
    }
    if (c.inputGradient !== false) {
      const g = tf.grad((xx: tf.Tensor) => objectiveTensor(applied, xx, training, rs))(x);
      const analytic = g.dataSync();
      g.dispose();
      const values = Float32Array.from(xValues);
      const fd = centralDifferences(
        values,
        (v) => {
          x.dispose();
          x = tf.tensor(v, [...c.inputShape]);
        },
        () => objective(applied, x, training, rsHost),
      );
      mismatches.push(...compare(`${c.label} d/dinput`, analytic, fd));
      checked.push('input');
    }
  } finally {
    tf.dispose([x, ...rs]);
    layer.dispose();
  }
  return { mismatches, checked };
}

const gammaNearOne = (name: string, n: number, seed: number): number[] =>
  uniform(n, seed).map((v) => (name === 'gamma' ? 1 + 0.5 * v : 0.5 * v));

const CASES: readonly Case[] = [
  { label: 'Dense tanh', make: () => dense({ units: 3, activation: 'tanh' }), inputShape: [2, 4] },
  { label: 'Dense linear, rank-3 input', make: () => dense({ units: 2 }), inputShape: [2, 3, 2] },
  { label: 'Dense sigmoid without bias', make: () => dense({ units: 2, activation: 'sigmoid', useBias: false }), inputShape: [3, 2] },
  { label: 'Dense softmax', make: () => dense({ units: 3, activation: 'softmax' }), inputShape: [2, 3] },
  { label: 'Conv1D valid', make: () => conv1d({ filters: 2, kernelSize: 2 }), inputShape: [2, 4, 2] },
  { label: 'Conv1D same, stride 2, tanh', make: () => conv1d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }), inputShape: [1, 5, 2] },
  { label: 'Conv1D causal, dilation 2', make: () => conv1d({ filters: 1, kernelSize: 2, padding: 'causal', dilationRate: 2 }), inputShape: [1, 5, 2] },
  { label: 'Conv2D valid', make: () => conv2d({ filters: 2, kernelSize: 2 }), inputShape: [1, 3, 3, 2] },
  { label: 'Conv2D same, strides [1, 2]', make: () => conv2d({ filters: 2, kernelSize: [2, 3], strides: [1, 2], padding: 'same' }), inputShape: [2, 3, 4, 1] },
  { label: 'Conv2D groups 2', make: () => conv2d({ filters: 2, kernelSize: 2, groups: 2 }), inputShape: [1, 3, 3, 2] },
  { label: 'DepthwiseConv2D valid, multiplier 2', make: () => depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2 }), inputShape: [2, 3, 3, 2] },
  { label: 'DepthwiseConv2D same, strides [2, 1], tanh', make: () => depthwiseConv2d({ kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'tanh' }), inputShape: [1, 4, 3, 3] },
  { label: 'DepthwiseConv2D dilation 2', make: () => depthwiseConv2d({ kernelSize: 2, dilationRate: 2, padding: 'same' }), inputShape: [1, 4, 4, 2] },
  { label: 'SeparableConv2D multiplier 2', make: () => separableConv2d({ filters: 2, kernelSize: 2, depthMultiplier: 2 }), inputShape: [2, 3, 3, 2] },
  { label: 'SeparableConv2D same, strides 2', make: () => separableConv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), inputShape: [1, 5, 4, 2] },
  { label: 'Conv2DTranspose valid, strides 2', make: () => conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }), inputShape: [2, 2, 3, 2] },
  { label: 'Conv2DTranspose same, outputPadding 1', make: () => conv2dTranspose({ filters: 1, kernelSize: [3, 2], strides: 2, padding: 'same', outputPadding: 1 }), inputShape: [1, 3, 2, 2] },
  { label: 'Conv2DTranspose dilation 2', make: () => conv2dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 }), inputShape: [1, 2, 2, 1] },
  { label: 'ZeroPadding2D [[1, 0], [2, 1]]', make: () => zeroPadding2d({ padding: [[1, 0], [2, 1]] }), inputShape: [2, 2, 3, 2] },
  { label: 'Cropping2D [[1, 0], [0, 2]]', make: () => cropping2d({ cropping: [[1, 0], [0, 2]] }), inputShape: [1, 3, 4, 2] },
  { label: 'UpSampling2D nearest [2, 3]', make: () => upSampling2d({ size: [2, 3] }), inputShape: [2, 2, 2, 2] },
  { label: 'UpSampling2D bilinear', make: () => upSampling2d({ size: [3, 2], interpolation: 'bilinear' }), inputShape: [1, 3, 2, 2] },
  { label: 'MaxPooling1D', make: () => maxPooling1d({ poolSize: 2 }), inputShape: [2, 4, 2], input: (n) => distinct(n, 3) },
  { label: 'MaxPooling2D same', make: () => maxPooling2d({ poolSize: 2, padding: 'same' }), inputShape: [1, 3, 3, 2], input: (n) => distinct(n, 4) },
  { label: 'AveragePooling1D', make: () => averagePooling1d({ poolSize: 2, strides: 1 }), inputShape: [2, 3, 2] },
  { label: 'AveragePooling2D', make: () => averagePooling2d({ poolSize: [2, 2] }), inputShape: [1, 4, 4, 1] },
  { label: 'GlobalMaxPooling1D', make: () => globalMaxPooling1d(), inputShape: [2, 3, 2], input: (n) => distinct(n, 5) },
  { label: 'GlobalMaxPooling2D', make: () => globalMaxPooling2d(), inputShape: [1, 2, 2, 2], input: (n) => distinct(n, 6) },
  { label: 'GlobalAveragePooling1D', make: () => globalAveragePooling1d(), inputShape: [2, 3, 2] },
  { label: 'GlobalAveragePooling2D', make: () => globalAveragePooling2d(), inputShape: [1, 2, 3, 2] },
  { label: 'Flatten', make: () => flatten(), inputShape: [2, 2, 3] },
  { label: 'Reshape', make: () => reshape({ targetShape: [3, -1] }), inputShape: [2, 2, 3] },
  { label: 'SimpleRNN', make: () => simpleRNN({ units: 2 }), inputShape: [2, 3, 2] },
  { label: 'SimpleRNN returnSequences', make: () => simpleRNN({ units: 2, returnSequences: true }), inputShape: [1, 3, 2] },
  { label: 'SimpleRNN goBackwards', make: () => simpleRNN({ units: 2, goBackwards: true }), inputShape: [1, 3, 2] },
  { label: 'LSTM', make: () => lstm({ units: 2 }), inputShape: [2, 3, 2] },
  { label: 'LSTM returnSequences + returnState', make: () => lstm({ units: 2, returnSequences: true, returnState: true }), inputShape: [1, 3, 2] },
  { label: 'GRU (resetAfter, bias [2, 3 * units])', make: () => gru({ units: 2 }), inputShape: [2, 3, 2] },
  { label: 'LSTM goBackwards', make: () => lstm({ units: 2, goBackwards: true }), inputShape: [1, 3, 2] },
  { label: 'GRU goBackwards, returnSequences', make: () => gru({ units: 2, goBackwards: true, returnSequences: true }), inputShape: [1, 3, 2] },
  { label: 'GRU resetAfter: false', make: () => gru({ units: 2, resetAfter: false }), inputShape: [2, 3, 2] },
  { label: 'BatchNormalization, training mode', make: () => batchNormalization({}), inputShape: [4, 3], training: true, weightValues: gammaNearOne },
  { label: 'BatchNormalization, training mode, axis 1 of rank 3', make: () => batchNormalization({ axis: 1 }), inputShape: [3, 2, 2], training: true, weightValues: gammaNearOne },
  { label: 'BatchNormalization, inference mode', make: () => batchNormalization({}), inputShape: [2, 3], weightValues: gammaNearOne },
  { label: 'LayerNormalization', make: () => layerNormalization({}), inputShape: [2, 4], weightValues: gammaNearOne },
  { label: 'LayerNormalization over [1, 2]', make: () => layerNormalization({ axis: [1, 2] }), inputShape: [2, 2, 3], weightValues: gammaNearOne },
  {
    label: 'Embedding (w.r.t. embeddings; repeated indices accumulate)',
    make: () => embedding({ inputDim: 4, outputDim: 3 }),
    inputShape: [2, 3],
    input: () => [0, 2, 2, 3, 0, 2],
    inputGradient: false,
  },
  { label: 'Activation tanh', make: () => activation({ activation: 'tanh' }), inputShape: [2, 3] },
  { label: 'Activation sigmoid', make: () => activation({ activation: 'sigmoid' }), inputShape: [2, 3] },
  { label: 'Activation softmax', make: () => activation({ activation: 'softmax' }), inputShape: [2, 3] },
  { label: 'Activation softplus', make: () => activation({ activation: 'softplus' }), inputShape: [2, 3] },
  { label: 'Activation elu', make: () => activation({ activation: 'elu' }), inputShape: [2, 3], input: (n) => awayFromZero(n, 8) },
  { label: 'Activation selu', make: () => activation({ activation: 'selu' }), inputShape: [2, 3], input: (n) => awayFromZero(n, 9) },
  { label: 'Activation relu (inputs away from 0)', make: () => activation({ activation: 'relu' }), inputShape: [2, 3], input: (n) => awayFromZero(n, 10) },
  { label: 'Dropout in inference', make: () => dropout({ rate: 0.5 }), inputShape: [2, 3] },
  { label: 'SpatialDropout1D in inference', make: () => spatialDropout1d({ rate: 0.5 }), inputShape: [2, 3, 2] },
  { label: 'GaussianNoise in inference', make: () => gaussianNoise({ stddev: 0.5 }), inputShape: [2, 3] },
  { label: 'GaussianDropout in inference', make: () => gaussianDropout({ rate: 0.5 }), inputShape: [2, 3] },
  { label: 'AlphaDropout in inference', make: () => alphaDropout({ rate: 0.5 }), inputShape: [2, 3] },
  { label: 'ActivityRegularization (the identity)', make: () => activityRegularization({ l1: 0.1, l2: 0.1 }), inputShape: [2, 3] },
  { label: 'Add of 3', make: () => add(), inputShape: [2, 9], split: [3, 3, 3] },
  { label: 'Subtract', make: () => subtract(), inputShape: [2, 6], split: [3, 3] },
  { label: 'Multiply, size 1 broadcast', make: () => multiply(), inputShape: [2, 2, 4], split: [1, 3] },
  { label: 'Average of 3', make: () => average(), inputShape: [2, 9], split: [3, 3, 3] },
  { label: 'Maximum', make: () => maximum(), inputShape: [2, 6], split: [3, 3], input: (n) => distinct(n, 12) },
  { label: 'Minimum of 3', make: () => minimum(), inputShape: [2, 9], split: [3, 3, 3], input: (n) => distinct(n, 13) },
  { label: 'Concatenate', make: () => concatenate(), inputShape: [2, 2, 5], split: [2, 3] },
  { label: 'Dot, axes [2, 2] of rank 3', make: () => dot({ axes: [2, 2] }), inputShape: [2, 3, 4], split: [2, 2] },
  { label: 'Dot, normalize', make: () => dot({ axes: 1, normalize: true }), inputShape: [3, 8], split: [4, 4] },
  { label: 'Bidirectional LSTM concat, returnSequences', make: () => bidirectional({ layer: lstm({ units: 2, returnSequences: true }) }), inputShape: [2, 3, 2] },
  { label: 'Bidirectional GRU ave, returnState', make: () => bidirectional({ layer: gru({ units: 2, returnState: true }), mergeMode: 'ave' }), inputShape: [2, 3, 2] },
  { label: 'Bidirectional SimpleRNN mergeMode null', make: () => bidirectional({ layer: simpleRNN({ units: 2, returnSequences: true }), mergeMode: null }), inputShape: [1, 3, 2] },
  { label: 'TimeDistributed Dense tanh', make: () => timeDistributed({ layer: dense({ units: 2, activation: 'tanh' }) }), inputShape: [2, 3, 2] },
  { label: 'TimeDistributed Conv1D', make: () => timeDistributed({ layer: conv1d({ filters: 2, kernelSize: 2 }) }), inputShape: [1, 2, 3, 2] },
  // Inputs in [-1, 1] at least 0.05 from 0; the ReLU's other kinks (0.5 and the clip at 0.8) are avoided the same way.
  {
    label: 'ReLU maxValue 0.8, negativeSlope 0.1, threshold 0.5 (inputs away from 0.5 and 0.8)',
    make: () => reLU({ maxValue: 0.8, negativeSlope: 0.1, threshold: 0.5 }),
    inputShape: [3, 4],
    input: (n) => uniform(n, 14).map((v) => (Math.abs(v - 0.5) < 0.05 || Math.abs(v - 0.8) < 0.05 ? v - 0.1 : v)),
  },
  { label: 'LeakyReLU', make: () => leakyReLU({ negativeSlope: 0.2 }), inputShape: [2, 3], input: (n) => awayFromZero(n, 15) },
  { label: 'ELU alpha 0.5', make: () => elu({ alpha: 0.5 }), inputShape: [2, 3], input: (n) => awayFromZero(n, 16) },
  { label: 'ThresholdedReLU theta 0.3 (inputs away from 0.3)', make: () => thresholdedReLU({ theta: 0.3 }), inputShape: [2, 3], input: (n) => awayFromZero(n, 17).map((v) => (Math.abs(v - 0.3) < 0.05 ? v + 0.1 : v)) },
  { label: 'Softmax axis -1', make: () => softmax(), inputShape: [2, 3] },
  { label: 'Softmax over axes [1, 2]', make: () => softmax({ axis: [1, 2] }), inputShape: [2, 2, 3] },
  { label: 'PReLU (w.r.t. alpha and input)', make: () => prelu(), inputShape: [2, 3], input: (n) => awayFromZero(n, 18) },
  { label: 'RepeatVector (the gradient sums over the copies)', make: () => repeatVector({ n: 3 }), inputShape: [2, 4] },
  // No step equal to maskValue: moving one entry of a masked step by h would unmask it (not smooth there).
  { label: 'Masking (unmasked steps: the identity)', make: () => masking({ maskValue: 0 }), inputShape: [2, 3, 2], input: (n) => awayFromZero(n, 20) },
  { label: 'Permute [3, 1, 2]', make: () => permute({ dims: [3, 1, 2] }), inputShape: [1, 2, 3, 2] },
  { label: 'PReLU sharedAxes [1] (alpha [1, 3] sums over time)', make: () => prelu({ sharedAxes: [1] }), inputShape: [2, 2, 3], input: (n) => awayFromZero(n, 19) },
  { label: 'ZeroPadding1D [1, 2]', make: () => zeroPadding1d({ padding: [1, 2] }), inputShape: [2, 3, 2] },
  { label: 'UpSampling1D 3 (the gradient sums the copies)', make: () => upSampling1d({ size: 3 }), inputShape: [2, 2, 2] },
  { label: 'Cropping1D [0, 2]', make: () => cropping1d({ cropping: [0, 2] }), inputShape: [1, 4, 2] },
  { label: 'DepthwiseConv1D valid, multiplier 2', make: () => depthwiseConv1d({ kernelSize: 2, depthMultiplier: 2 }), inputShape: [2, 4, 2] },
  { label: 'DepthwiseConv1D same, stride 2, tanh', make: () => depthwiseConv1d({ kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }), inputShape: [1, 5, 3] },
  { label: 'DepthwiseConv1D dilation 2', make: () => depthwiseConv1d({ kernelSize: 2, dilationRate: 2, padding: 'same' }), inputShape: [1, 5, 2] },
  { label: 'SeparableConv1D multiplier 2', make: () => separableConv1d({ filters: 2, kernelSize: 2, depthMultiplier: 2 }), inputShape: [2, 4, 2] },
  { label: 'SeparableConv1D same, stride 2', make: () => separableConv1d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), inputShape: [1, 5, 2] },
  { label: 'Conv1DTranspose valid, stride 2', make: () => conv1dTranspose({ filters: 2, kernelSize: 3, strides: 2 }), inputShape: [2, 3, 2] },
  { label: 'Conv1DTranspose same, outputPadding 1', make: () => conv1dTranspose({ filters: 1, kernelSize: 2, strides: 2, padding: 'same', outputPadding: 1 }), inputShape: [1, 3, 2] },
  { label: 'Conv1DTranspose dilation 2', make: () => conv1dTranspose({ filters: 2, kernelSize: 2, dilationRate: 2 }), inputShape: [1, 3, 1] },
  { label: 'SpatialDropout2D in inference', make: () => spatialDropout2d({ rate: 0.5 }), inputShape: [2, 2, 2, 3] },
  { label: 'Attention dot with useScale, [query, value]', make: () => attention({ useScale: true }), inputShape: [2, 3, 8], split: [4, 4] },
  { label: 'Attention concat with useScale, [query, value, key]', make: () => attention({ scoreMode: 'concat', useScale: true }), inputShape: [2, 3, 9], split: [3, 3, 3] },
  { label: 'AdditiveAttention, [query, value, key]', make: () => additiveAttention(), inputShape: [2, 3, 9], split: [3, 3, 3] },
  // key/bias has a zero gradient (it adds q . b to every score of a query, which the softmax ignores): 0 against ~0.
  { label: 'MultiHeadAttention 2 heads, valueDim 3, outputShape 2', make: () => multiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 3, outputShape: 2 }), inputShape: [2, 3, 9], split: [3, 3, 3] },
  { label: 'Conv3D valid', make: () => conv3d({ filters: 2, kernelSize: 2 }), inputShape: [2, 3, 3, 2, 2] },
  { label: 'Conv3D same, strides [2, 1, 2], tanh', make: () => conv3d({ filters: 3, kernelSize: [2, 3, 2], strides: [2, 1, 2], padding: 'same', activation: 'tanh' }), inputShape: [1, 3, 3, 4, 2] },
  { label: 'Conv3D dilation [2, 1, 1], groups 2', make: () => conv3d({ filters: 2, kernelSize: 2, dilationRate: [2, 1, 1], groups: 2 }), inputShape: [1, 3, 2, 2, 2] },
  { label: 'MaxPooling3D same, window [2, 3, 2], strides 2', make: () => maxPooling3d({ poolSize: [2, 3, 2], strides: 2, padding: 'same' }), inputShape: [1, 3, 4, 3, 2], input: (n) => distinct(n, 21) },
  { label: 'MaxPooling3D valid, pool [2, 1, 2] = strides (windows tile the input)', make: () => maxPooling3d({ poolSize: [2, 1, 2] }), inputShape: [2, 3, 2, 4, 2], input: (n) => distinct(n, 23) },
  { label: 'MaxPooling3D pool 1, strides 2 (one-entry windows)', make: () => maxPooling3d({ poolSize: 1, strides: 2 }), inputShape: [1, 3, 3, 2, 2] },
  { label: 'AveragePooling3D same, strides [1, 2, 2]', make: () => averagePooling3d({ poolSize: 2, strides: [1, 2, 2], padding: 'same' }), inputShape: [2, 2, 3, 3, 1] },
  { label: 'GlobalMaxPooling3D', make: () => globalMaxPooling3d(), inputShape: [2, 2, 2, 2, 2], input: (n) => distinct(n, 22) },
  { label: 'GlobalAveragePooling3D', make: () => globalAveragePooling3d(), inputShape: [2, 2, 3, 2, 2] },
  { label: 'ZeroPadding3D [[1, 0], 2, [0, 1]]', make: () => zeroPadding3d({ padding: [[1, 0], 2, [0, 1]] }), inputShape: [1, 2, 2, 2, 2] },
  { label: 'UpSampling3D [2, 1, 3] (the gradient sums the copies)', make: () => upSampling3d({ size: [2, 1, 3] }), inputShape: [2, 2, 2, 2, 1] },
  { label: 'Cropping3D [[1, 0], [0, 1], 1]', make: () => cropping3d({ cropping: [[1, 0], [0, 1], 1] }), inputShape: [1, 3, 3, 4, 2] },
  { label: 'GroupNormalization, 2 groups of 2 channels', make: () => groupNormalization({ groups: 2 }), inputShape: [2, 3, 4], weightValues: gammaNearOne },
  { label: 'GroupNormalization axis 1, groups -1 (instance normalization)', make: () => groupNormalization({ groups: -1, axis: 1 }), inputShape: [2, 2, 3], weightValues: gammaNearOne },
  { label: 'UnitNormalization', make: () => unitNormalization(), inputShape: [2, 3] },
  { label: 'UnitNormalization over [1, 2]', make: () => unitNormalization({ axis: [1, 2] }), inputShape: [2, 2, 3] },
  { label: 'Rescaling per channel', make: () => rescaling({ scale: [0.5, -2, 3], offset: 1 }), inputShape: [2, 2, 3] },
  { label: 'Normalization with mean and variance', make: () => normalization({ mean: [0.5, -1, 2], variance: [4, 0.25, 1] }), inputShape: [2, 3] },
  {
    label: 'Normalization adapted, invert',
    make: () => {
      const layer = normalization({ axis: [1, 2], invert: true });
      layer.adapt([[[1, 2], [0, 4]], [[3, 2], [2, 0]]]);
      return layer;
    },
    inputShape: [2, 2, 2],
  },
  { label: 'CenterCrop (a window)', make: () => centerCrop({ height: 2, width: 1 }), inputShape: [2, 3, 4, 2] },
  { label: 'CenterCrop of a smaller image (smart_resize: window, then bilinear up)', make: () => centerCrop({ height: 3, width: 4 }), inputShape: [1, 4, 2, 2] },
  { label: 'Resizing bilinear, up and down', make: () => resizing({ height: 5, width: 2 }), inputShape: [2, 3, 4, 2] },
  { label: 'Resizing nearest, cropToAspectRatio', make: () => resizing({ height: 3, width: 5, interpolation: 'nearest', cropToAspectRatio: true }), inputShape: [1, 4, 3, 2] },
  {
    label: 'Lambda of one input with arguments (k * x^2 + sin x)',
    make: () => lambda({ function: function quadSin(x: tf.Tensor, a: { k: number }) { return tf.add(tf.mul(tf.square(x), a.k), tf.sin(x)); }, arguments: { k: 0.75 } }),
    inputShape: [2, 3],
  },
  {
    label: 'Lambda of two inputs (a * tanh b)',
    make: () => lambda({ function: function gated([a, b]: tf.Tensor[]) { return tf.mul(a!, tf.tanh(b!)); } }),
    inputShape: [2, 6],
    split: [3, 3],
  },
  { label: 'ConvLSTM1D same, returnSequences + returnState', make: () => convLstm1d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, returnState: true }), inputShape: [1, 3, 3, 2] },
  { label: 'ConvLSTM1D dilation 2, goBackwards', make: () => convLstm1d({ filters: 2, kernelSize: 2, dilationRate: 2, goBackwards: true }), inputShape: [2, 2, 4, 1] },
  { label: 'ConvLSTM2D valid, strides [2, 1]', make: () => convLstm2d({ filters: 2, kernelSize: 2, strides: [2, 1] }), inputShape: [2, 2, 3, 3, 1] },
  { label: 'ConvLSTM3D same, kernel [2, 1, 2]', make: () => convLstm3d({ filters: 1, kernelSize: [2, 1, 2], padding: 'same' }), inputShape: [1, 2, 2, 2, 2, 2] },
  // Augmentation draws anew on every call: in training only a range of one value gives the same function twice.
  { label: 'RandomFlip in inference', make: () => randomFlip({ seed: 1 }), inputShape: [2, 3, 4, 2] },
  { label: 'RandomCrop in inference (smart_resize)', make: () => randomCrop({ height: 2, width: 3 }), inputShape: [2, 4, 4, 2] },
  { label: 'RandomContrast in inference', make: () => randomContrast({ factor: 0.5 }), inputShape: [2, 3, 3, 2] },
  { label: 'RandomBrightness, a fixed draw in training', make: () => randomBrightness({ factor: [0.1, 0.1], valueRange: [-10, 10] }), inputShape: [2, 3, 3, 2], training: true },
  {
    label: 'RandomTranslation, a fixed fractional shift in training (bilinear, constant fill)',
    make: () => randomTranslation({ heightFactor: [0.3, 0.3], widthFactor: [-0.15, -0.15], fillMode: 'constant', fillValue: 0.5 }),
    inputShape: [2, 4, 5, 2],
    training: true,
  },
  { label: 'RandomRotation, a fixed angle in training (bilinear, reflect)', make: () => randomRotation({ factor: [0.1, 0.1] }), inputShape: [1, 5, 4, 2], training: true },
  { label: 'RandomZoom, a fixed zoom in training (nearest, wrap)', make: () => randomZoom({ heightFactor: [-0.3, -0.3], widthFactor: [0.2, 0.2], fillMode: 'wrap', interpolation: 'nearest' }), inputShape: [1, 5, 5, 2], training: true },
];

/** Layers with no gradient to check: CategoryEncoding's outputs are piecewise constant in its (integer) inputs. */
const NOT_DIFFERENTIABLE = new Set([
  'CategoryEncoding',
  // Bins, hashes, indices and tokens: piecewise constant in their inputs, or not numbers at all.
  'Discretization',
  'Hashing',
  'StringLookup',
  'IntegerLookup',
  'TextVectorization',
]);

describe('layer gradients equal central finite differences (float32, h = 1e-2, rtol 2e-2 + atol 1e-3)', () => {
  it.each(CASES.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const before = tf.memory().numTensors;
    const { mismatches, checked } = check(c);
    expect(checked.length, 'something was checked').toBeGreaterThan(0);
    expect(mismatches.slice(0, 5), `worst of ${mismatches.length} mismatches`).toEqual([]);
    expect(tf.memory().numTensors, 'the check leaks nothing').toBe(before);
  });

  it('covers every layer class @ridge/layers exports (but the input layer, models and abstract bases)', () => {
    const notLayers = new Set(['InputLayer', 'Functional', 'Sequential']);
    const abstract = new Set([api.Conv, api.Pooling, api.GlobalPooling, api.RecurrentLayer, api.AttentionBase, Layer] as unknown[]);
    const exported = Object.values(api)
      .filter((v): v is typeof Layer => typeof v === 'function' && (v === Layer || v.prototype instanceof Layer))
      .filter((v) => !abstract.has(v))
      .map((v) => (v as unknown as { className: string }).className)
      .filter((name) => !notLayers.has(name) && !NOT_DIFFERENTIABLE.has(name));
    const covered = new Set(CASES.map((c) => c.make().className));
    expect(exported.filter((name) => !covered.has(name))).toEqual([]);
    expect(exported.length, "the 26 layer classes of today").toBeGreaterThanOrEqual(26);
  });

  it('covers every trainable weight of the weighted layers by name', () => {
    const names = (c: Case) => {
      const layer = c.make();
      const x = tf.zeros([...c.inputShape]);
      tf.dispose(layer.applyAll(x, { training: c.training ?? false }).filter((o) => o !== x));
      const out = layer.trainableWeights.map((w) => w.name);
      x.dispose();
      layer.dispose();
      return out;
    };
    const byLabel = new Map(CASES.map((c) => [c.label, c]));
    expect(names(byLabel.get('Dense tanh')!)).toEqual(['kernel', 'bias']);
    expect(names(byLabel.get('Conv2D valid')!)).toEqual(['kernel', 'bias']);
    expect(names(byLabel.get('LSTM')!)).toEqual(['kernel', 'recurrent_kernel', 'bias']);
    expect(names(byLabel.get('BatchNormalization, training mode')!)).toEqual(['gamma', 'beta']);
    expect(names(byLabel.get('Embedding (w.r.t. embeddings; repeated indices accumulate)')!)).toEqual(['embeddings']);
  });

  it('the check can fail: a layer whose gradient is deliberately wrong is caught', () => {
    // A custom gradient that is twice the true one (the kind of slip a hand-written gradient makes).
    const doubled = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const x = args[0] as tf.Tensor;
      (args[1] as tf.GradSaveFunc)([x]);
      return { value: tf.tanh(x), gradFunc: (dy: tf.Tensor, [s]: tf.Tensor[]) => tf.mul(dy, tf.mul(2, tf.sub(1, tf.square(tf.tanh(s!))))) };
    });
    const wrong = activation({ activation: 'tanh' });
    (wrong as unknown as { call: (x: tf.Tensor) => tf.Tensor }).call = (x) => doubled(x) as tf.Tensor;
    const { mismatches } = check({ label: 'broken tanh', make: () => wrong, inputShape: [2, 3] });
    expect(mismatches.length).toBe(6);
  });
});
