import { registry } from '@ridge/core';
import { l1, l2, maxNorm, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cube, convModel, copyWeights, denseModel, nestedModel, sequenceModel, sequenceModelMax, values } from '../../test/io-fixtures.js';
import { useCpu } from '../../test/setup.js';
import {
  add,
  average,
  elu,
  leakyReLU,
  prelu,
  reLU,
  softmax,
  thresholdedReLU,
  bidirectional,
  concatenate,
  conv2dTranspose,
  cropping2d,
  dense,
  depthwiseConv2d,
  dot,
  globalAveragePooling1d,
  gru,
  input,
  loadModel,
  lstm,
  maximum,
  minimum,
  masking,
  model,
  permute,
  repeatVector,
  modelFromJSON,
  multiply,
  separableConv2d,
  subtract,
  timeDistributed,
  upSampling2d,
  zeroPadding2d,
  type CompileArgs,
  type Model,
} from '../index.js';
import { conv1dTranspose, cropping1d, depthwiseConv1d, separableConv1d, upSampling1d, zeroPadding1d } from '../index.js';
import { conv2d, spatialDropout2d } from '../index.js';
import { additiveAttention, attention, embedding, multiHeadAttention } from '../index.js';
import { averagePooling3d, conv3d, cropping3d, globalAveragePooling3d, globalMaxPooling3d, maxPooling3d, upSampling3d, zeroPadding3d } from '../index.js';
import { groupNormalization, unitNormalization } from '../index.js';
import { categoryEncoding, centerCrop, flatten, normalization, rescaling, resizing } from '../index.js';
import { getActivation, lambda } from '../index.js';
import { convLstm1d, convLstm2d, convLstm3d, reshape } from '../index.js';
import { randomBrightness, randomContrast, randomCrop, randomFlip, randomRotation, randomTranslation, randomZoom } from '../index.js';
import { discretization, hashing, integerLookup, stringLookup, textVectorization } from '../index.js';
import type { ModelData } from '../model/data.js';

useCpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Case {
  readonly name: string;
  readonly build: (prefix: string) => Model;
  readonly compile: CompileArgs;
  readonly x: () => tf.Tensor;
  readonly y: () => ModelData;
}

/** Model-level rules with every selector form that can be saved, a plugin regularizer among them. */
const rules: CompileArgs['regularization'] = [
  { regularizer: { className: 'test-plugin>Cube', config: { factor: 0.002 } }, include: 'kernels', exclude: [/_conv\//, '*/embeddings'], onConflict: 'add' },
  { regularizer: l2(0.003), include: ['bias', 'gamma'], onConflict: 'replace' },
  { regularizer: 'l1', include: 'all', exclude: 'beta' },
];

const cases: Case[] = [
  {
    name: 'dense, dropout, activation',
    build: denseModel,
    compile: { optimizer: { className: 'Adam', config: { learningRate: 0.01 } }, loss: 'categoricalCrossentropy', metrics: ['accuracy'], regularization: rules },
    x: () => tf.randomNormal([6, 4], 0, 1, 'float32', 11),
    y: () => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3),
  },
  {
    name: 'convolutions, pooling, normalization, reshaping; three outputs and a shared layer',
    build: convModel,
    compile: {
      optimizer: 'sgd',
      loss: ['mse', 'categoricalCrossentropy', { className: 'Huber', config: { delta: 0.5 } }],
      lossWeights: [1, 0.5, 2],
      metrics: { [`conv_class`]: ['accuracy'] },
      regularization: { regularizer: l1(0.001), include: 'kernel' },
    },
    x: () => tf.randomNormal([4, 8, 8, 2], 0, 1, 'float32', 12),
    y: () => [tf.ones([4, 1]), tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2), tf.zeros([4, 1])],
  },
  {
    name: 'embedding, recurrent and noise layers in a sequential model',
    build: sequenceModel,
    compile: { optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy', regularization: 'l2' },
    x: () => tf.randomUniform([5, 12], 0, 10, 'int32', 13),
    y: () => tf.tensor1d([0, 1, 1, 0, 1]),
  },
  {
    name: 'a sequential model built from its first layer input shape',
    build: sequenceModelMax,
    compile: { optimizer: 'adagrad', loss: 'mse' },
    x: () => tf.randomNormal([3, 6, 3], 0, 1, 'float32', 14),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'merge layers: a residual add, every elementwise merge, dot and concatenate',
    build: (prefix) => {
      const inp = input({ shape: [4], name: `${prefix}_in` });
      const a = dense({ units: 4, activation: 'tanh', name: `${prefix}_a`, kernelRegularizer: l2(0.01) }).apply(inp);
      const b = dense({ units: 4, name: `${prefix}_b` }).apply(inp);
      const merged = [
        add({ name: `${prefix}_add` }).apply([inp, a, b]),
        subtract({ name: `${prefix}_sub` }).apply([a, b]),
        multiply({ name: `${prefix}_mul` }).apply([a, b]),
        average({ name: `${prefix}_avg` }).apply([a, b]),
        maximum({ name: `${prefix}_max` }).apply([a, b]),
        minimum({ name: `${prefix}_min` }).apply([a, b]),
        dot({ name: `${prefix}_dot`, axes: -1, normalize: true }).apply([a, b]),
      ];
      const out = dense({ units: 2, name: `${prefix}_out` }).apply(concatenate({ name: `${prefix}_cat` }).apply(merged));
      return model({ inputs: inp, outputs: out, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([5, 4], 0, 1, 'float32', 16),
    y: () => tf.zeros([5, 2]),
  },
  {
    name: 'models nested in a model, one of them called twice',
    build: nestedModel,
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l1', include: '*_side/kernel' } },
    x: () => tf.randomNormal([3, 4], 0, 1, 'float32', 15),
    y: () => [tf.ones([3, 2]), tf.zeros([3, 2])],
  },
  {
    name: 'wrappers: Bidirectional (concat, and null with its own backward layer) and TimeDistributed',
    build: (prefix) => {
      const inp = input({ shape: [5, 3], name: `${prefix}_in` });
      const seq = bidirectional({
        layer: lstm({ units: 2, returnSequences: true, name: `${prefix}_lstm`, kernelRegularizer: l2(0.02) }),
        name: `${prefix}_bi`,
      }).apply(inp);
      const both = bidirectional({
        layer: gru({ units: 2, returnSequences: true, name: `${prefix}_gru` }),
        backwardLayer: gru({ units: 2, returnSequences: true, goBackwards: true, name: `${prefix}_back`, biasRegularizer: l1(0.01) }),
        mergeMode: null,
        name: `${prefix}_bi2`,
      }).applyAll(seq);
      const td = timeDistributed({ layer: dense({ units: 3, activation: 'tanh', name: `${prefix}_td_dense`, kernelRegularizer: l2(0.01) }), name: `${prefix}_td` });
      const joined = concatenate({ name: `${prefix}_cat` }).apply([td.apply(seq), ...both]);
      const out = dense({ units: 2, name: `${prefix}_out` }).apply(globalAveragePooling1d({ name: `${prefix}_gap` }).apply(joined));
      return model({ inputs: inp, outputs: out, name: `${prefix}_model` });
    },
    compile: { optimizer: 'adam', loss: 'mse', regularization: { regularizer: 'l2', include: 'recurrentKernel' } },
    x: () => tf.randomNormal([4, 5, 3], 0, 1, 'float32', 17),
    y: () => tf.zeros([4, 2]),
  },
  {
    name: 'advanced activations: ReLU, LeakyReLU, PReLU (regularized slopes), ELU, ThresholdedReLU, Softmax',
    build: (prefix) => {
      const inp = input({ shape: [2, 4], name: `${prefix}_in` });
      let x = dense({ units: 4, name: `${prefix}_dense` }).apply(inp);
      x = reLU({ maxValue: 2, negativeSlope: 0.05, threshold: 0.1, name: `${prefix}_relu` }).apply(x);
      x = leakyReLU({ negativeSlope: 0.2, name: `${prefix}_leaky` }).apply(x);
      x = prelu({ sharedAxes: [1], alphaInitializer: { className: 'Constant', config: { value: 0.3 } }, alphaRegularizer: l2(0.02), name: `${prefix}_prelu` }).apply(x);
      x = elu({ alpha: 0.5, name: `${prefix}_elu` }).apply(x);
      x = thresholdedReLU({ theta: 0.05, name: `${prefix}_thresh` }).apply(x);
      x = softmax({ axis: [1, 2], name: `${prefix}_softmax` }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l1', include: '*/alpha', onConflict: 'add' } },
    x: () => tf.randomNormal([3, 2, 4], 0, 1, 'float32', 18),
    y: () => tf.fill([3, 2, 4], 0.125),
  },
  {
    name: 'shape layers: RepeatVector, Permute, Masking into an LSTM',
    build: (prefix) => {
      const inp = input({ shape: [3], name: `${prefix}_in` });
      const rep = repeatVector({ n: 4, name: `${prefix}_repeat` }).apply(dense({ units: 2, name: `${prefix}_dense`, kernelRegularizer: l2(0.01) }).apply(inp));
      const masked = masking({ maskValue: 0.5, name: `${prefix}_masking` }).apply(permute({ dims: [2, 1], name: `${prefix}_permute` }).apply(rep));
      const out = dense({ units: 1, name: `${prefix}_out` }).apply(lstm({ units: 2, name: `${prefix}_lstm` }).apply(masked));
      return model({ inputs: inp, outputs: out, name: `${prefix}_model` });
    },
    compile: { optimizer: 'adam', loss: 'mse' },
    x: () => tf.randomNormal([3, 3], 0, 1, 'float32', 19),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'depthwise, separable and transposed convolutions with their own regularizers and constraints; padding, upsampling, cropping',
    build: (prefix) => {
      const inp = input({ shape: [6, 6, 2], name: `${prefix}_in` });
      let x = depthwiseConv2d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        dilationRate: 2,
        name: `${prefix}_dw`,
        depthwiseRegularizer: l2(0.02),
        biasRegularizer: l1(0.01),
        depthwiseConstraint: maxNorm({ maxValue: 2, axis: [0, 1, 2] }),
      }).apply(inp);
      x = separableConv2d({
        filters: 3,
        kernelSize: 2,
        strides: 2,
        activation: 'relu',
        name: `${prefix}_sep`,
        depthwiseRegularizer: l1(0.01),
        pointwiseRegularizer: l2(0.03),
        pointwiseConstraint: nonNeg(),
      }).apply(x);
      x = conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, name: `${prefix}_up`, kernelRegularizer: l2(0.01) }).apply(x);
      x = zeroPadding2d({ padding: [[1, 0], [2, 1]], name: `${prefix}_pad` }).apply(x);
      x = upSampling2d({ size: [2, 1], interpolation: 'bilinear', name: `${prefix}_upsample` }).apply(x);
      x = cropping2d({ cropping: [[3, 1], [2, 1]], name: `${prefix}_crop` }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: ['depthwiseKernel', 'pointwiseKernel'], onConflict: 'add' } },
    x: () => tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 18),
    // [6, 6] padded to [7, 9], scaled to [14, 9], cropped to [14 - 4, 9 - 3].
    y: () => tf.zeros([3, 10, 6, 2]),
  },
  {
    name: '1-D zero padding, upsampling and cropping',
    build: (prefix) => {
      const inp = input({ shape: [5, 2], name: `${prefix}_in` });
      let x = zeroPadding1d({ padding: [2, 1], name: `${prefix}_pad` }).apply(inp);
      x = upSampling1d({ size: 3, name: `${prefix}_upsample` }).apply(x);
      x = cropping1d({ cropping: [4, 1], name: `${prefix}_crop` }).apply(x);
      x = dense({ units: 2, name: `${prefix}_out`, kernelRegularizer: l2(0.01) }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([3, 5, 2], 0, 1, 'float32', 21),
    // 5 steps padded to 8, repeated to 24, cropped to 24 - 5.
    y: () => tf.zeros([3, 19, 2]),
  },
  {
    name: '1-D depthwise and separable convolutions with their own regularizers and constraints',
    build: (prefix) => {
      const inp = input({ shape: [7, 2], name: `${prefix}_in` });
      let x = depthwiseConv1d({
        kernelSize: 3,
        depthMultiplier: 2,
        padding: 'same',
        dilationRate: 2,
        name: `${prefix}_dw`,
        depthwiseRegularizer: l2(0.02),
        biasRegularizer: l1(0.01),
        depthwiseConstraint: maxNorm({ maxValue: 2, axis: [0, 1] }),
      }).apply(inp);
      x = separableConv1d({
        filters: 3,
        kernelSize: 2,
        strides: 2,
        activation: 'relu',
        name: `${prefix}_sep`,
        depthwiseRegularizer: l1(0.01),
        pointwiseRegularizer: l2(0.03),
        pointwiseConstraint: nonNeg(),
      }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: ['depthwiseKernel', 'pointwiseKernel'], onConflict: 'add' } },
    x: () => tf.randomNormal([3, 7, 2], 0, 1, 'float32', 22),
    // 7 steps ('same') stay 7; kernel 2, stride 2, 'valid': floor((7 - 2) / 2) + 1 = 3.
    y: () => tf.zeros([3, 3, 3]),
  },
  {
    name: '1-D transposed convolutions',
    build: (prefix) => {
      const inp = input({ shape: [4, 2], name: `${prefix}_in` });
      let x = conv1dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 1, name: `${prefix}_up`, kernelRegularizer: l2(0.01), biasConstraint: nonNeg() }).apply(inp);
      x = conv1dTranspose({ filters: 1, kernelSize: 2, dilationRate: 2, activation: 'tanh', name: `${prefix}_up2` }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: 'l2' },
    x: () => tf.randomNormal([3, 4, 2], 0, 1, 'float32', 23),
    // (4 - 1) * 2 + 3 - 2 * 1 + 1 = 8 steps, then 8 + (2 - 1) * 2 = 10.
    y: () => tf.zeros([3, 10, 1]),
  },  {
    name: '2-D spatial dropout (seeded) between convolutions',
    build: (prefix) => {
      const inp = input({ shape: [4, 4, 2], name: `${prefix}_in` });
      let x = conv2d({ filters: 3, kernelSize: 2, name: `${prefix}_conv`, kernelRegularizer: l2(0.01) }).apply(inp);
      x = spatialDropout2d({ rate: 0.3, seed: 5, name: `${prefix}_sdrop` }).apply(x);
      x = conv2d({ filters: 1, kernelSize: 2, name: `${prefix}_conv2` }).apply(x);
      return model({ inputs: inp, outputs: x, name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([3, 4, 4, 2], 0, 1, 'float32', 24),
    y: () => tf.zeros([3, 2, 2, 1]),
  },
  {
    name: 'attention layers on a masked embedding: MultiHeadAttention (causal, regularized), Attention (concat), AdditiveAttention (seeded dropout)',
    build: (prefix) => {
      const inp = input({ shape: [6], name: `${prefix}_in` });
      const e = embedding({ inputDim: 8, outputDim: 4, maskZero: true, name: `${prefix}_emb` }).apply(inp);
      const mha = multiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 2, name: `${prefix}_mha`, kernelRegularizer: l2(0.02), biasRegularizer: l1(0.01), kernelConstraint: maxNorm({ maxValue: 2, axis: 0 }) }).apply([e, e], { useCausalMask: true });
      const att = attention({ scoreMode: 'concat', useScale: true, name: `${prefix}_att` }).apply([mha, e]);
      const add = additiveAttention({ dropout: 0.2, seed: 3, name: `${prefix}_add` }).apply([att, e, mha]);
      const out = dense({ units: 1, name: `${prefix}_out` }).apply(lstm({ units: 2, name: `${prefix}_lstm` }).apply(add));
      return model({ inputs: inp, outputs: out, name: `${prefix}_model` });
    },
    compile: { optimizer: 'adam', loss: 'mse', regularization: 'l2' },
    x: () => tf.tensor2d([[1, 2, 3, 0, 0, 0], [4, 5, 6, 7, 0, 0], [2, 0, 0, 0, 0, 0]]),
    y: () => tf.ones([3, 1]),
  },
  {
    name: '3-D convolution and pooling',
    build: (prefix) => {
      const inp = input({ shape: [4, 5, 4, 2], name: `${prefix}_in` });
      let x = conv3d({ filters: 3, kernelSize: [2, 3, 2], padding: 'same', groups: 1, activation: 'relu', name: `${prefix}_c3`, kernelRegularizer: l2(0.01), biasConstraint: nonNeg() }).apply(inp);
      x = zeroPadding3d({ padding: [[1, 0], 1, [0, 2]], name: `${prefix}_zp3` }).apply(x);
      x = cropping3d({ cropping: [1, [0, 2], 1], name: `${prefix}_cr3` }).apply(upSampling3d({ size: [1, 2, 1], name: `${prefix}_up3` }).apply(x));
      x = maxPooling3d({ poolSize: [2, 3, 2], strides: [2, 2, 1], padding: 'same', name: `${prefix}_mp3` }).apply(x);
      x = averagePooling3d({ poolSize: 2, strides: 1, padding: 'same', name: `${prefix}_ap3` }).apply(x);
      const a = globalAveragePooling3d({ name: `${prefix}_gap3` }).apply(x);
      const b = globalMaxPooling3d({ name: `${prefix}_gmp3` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(concatenate({ name: `${prefix}_cat` }).apply([a, b])), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: 'l2' },
    x: () => tf.randomNormal([3, 4, 5, 4, 2], 0, 1, 'float32', 25),
    y: () => tf.zeros([3, 2]),
  },
  {
    name: 'GroupNormalization and UnitNormalization on a masked sequence into GlobalAveragePooling1D',
    build: (prefix) => {
      const inp = input({ shape: [6], name: `${prefix}_in` });
      let x = embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: `${prefix}_emb` }).apply(inp);
      x = groupNormalization({ groups: 2, epsilon: 0.01, name: `${prefix}_gn`, gammaRegularizer: l2(0.02), betaConstraint: maxNorm({ maxValue: 1 }) }).apply(x);
      x = unitNormalization({ axis: -1, name: `${prefix}_un` }).apply(x);
      x = globalAveragePooling1d({ name: `${prefix}_gap` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: l1(0.01), include: ['beta', 'gamma'], onConflict: 'add' } },
    x: () => tf.tensor2d([[3, 1, 4, 0, 0, 0], [5, 9, 2, 6, 5, 3], [5, 0, 0, 0, 0, 0]]),
    y: () => tf.zeros([3, 2]),
  },  {
    name: 'image preprocessing: Rescaling (per channel), adapted Normalization, CenterCrop, Resizing into a convolution',
    build: (prefix) => {
      const inp = input({ shape: [6, 5, 2], name: `${prefix}_in` });
      let x = rescaling({ scale: [0.5, 2], offset: -1, name: `${prefix}_rescale` }).apply(inp);
      const norm = normalization({ name: `${prefix}_norm` });
      norm.adapt(tf.tidy(() => tf.randomNormal([8, 6, 5, 2], 1, 2, 'float32', 26)));
      x = norm.apply(x);
      x = centerCrop({ height: 4, width: 4, name: `${prefix}_crop` }).apply(x);
      x = resizing({ height: 3, width: 5, interpolation: 'nearest', cropToAspectRatio: true, name: `${prefix}_resize` }).apply(x);
      x = conv2d({ filters: 2, kernelSize: 2, name: `${prefix}_conv`, kernelRegularizer: l2(0.01) }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(x)), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([3, 6, 5, 2], 0, 1, 'float32', 27),
    y: () => tf.zeros([3, 1]),
  },
  {
    name: 'CategoryEncoding (count) of int32 token ids, Normalization with given mean and variance',
    build: (prefix) => {
      const inp = input({ shape: [4], dtype: 'int32', name: `${prefix}_in` });
      let x = categoryEncoding({ numTokens: 5, outputMode: 'count', name: `${prefix}_enc` }).apply(inp);
      x = normalization({ mean: [1, 0.5, 0, 1, 2], variance: [1, 0.25, 4, 1, 2], name: `${prefix}_norm` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 2, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: 'l2' },
    x: () => tf.tensor2d([[0, 1, 1, 4], [3, 3, 3, 3], [2, 0, 4, 1]], [3, 4], 'int32'),
    y: () => tf.ones([3, 2]),
  },
  {
    // Keras's activation functions come back by their module, without customObjects; arguments are kept as they are.
    name: 'Lambda layers with Keras activation functions, a given output shape and arguments',
    build: (prefix) => {
      const inp = input({ shape: [4], name: `${prefix}_in` });
      let x = dense({ units: 3, name: `${prefix}_dense`, kernelRegularizer: l2(0.01) }).apply(inp);
      x = lambda({ function: getActivation('softplus'), outputShape: [3], name: `${prefix}_softplus` }).apply(x);
      x = lambda({ function: getActivation('tanh'), arguments: { camelKey: 1, snake_key: [null, 'kept'] }, name: `${prefix}_tanh` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: 'l2' },
    x: () => tf.randomNormal([3, 4], 0, 1, 'float32', 28),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'ConvLSTM2D, ConvLSTM1D and ConvLSTM3D, one after the other',
    build: (prefix) => {
      const inp = input({ shape: [3, 4, 4, 2], name: `${prefix}_in` });
      let x = convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, name: `${prefix}_c2`, kernelRegularizer: l2(0.02), recurrentConstraint: nonNeg() }).apply(inp);
      x = reshape({ targetShape: [3, 16, 2], name: `${prefix}_r1` }).apply(x);
      x = convLstm1d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', returnSequences: true, dropout: 0.1, seed: 2, recurrentRegularizer: l1(0.01), name: `${prefix}_c1` }).apply(x);
      x = reshape({ targetShape: [3, 2, 2, 2, 2], name: `${prefix}_r3` }).apply(x);
      x = convLstm3d({ filters: 1, kernelSize: 2, goBackwards: true, unitForgetBias: false, activation: 'relu', name: `${prefix}_c3` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(x)), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'recurrentKernel' } },
    x: () => tf.randomNormal([3, 3, 4, 4, 2], 0, 1, 'float32', 26),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'image augmentation: RandomFlip, RandomCrop, RandomContrast, RandomBrightness, RandomTranslation, RandomRotation, RandomZoom (seeded) into a convolution',
    build: (prefix) => {
      const inp = input({ shape: [6, 6, 2], name: `${prefix}_in` });
      let x = randomFlip({ mode: 'horizontal', seed: 1, name: `${prefix}_flip` }).apply(inp);
      x = randomCrop({ height: 5, width: 4, seed: 2, name: `${prefix}_crop` }).apply(x);
      x = randomContrast({ factor: [0.2, 0.3], valueRange: [-10, 10], seed: 3, name: `${prefix}_contrast` }).apply(x);
      x = randomBrightness({ factor: 0.1, valueRange: [-10, 10], seed: 4, name: `${prefix}_bright` }).apply(x);
      x = randomTranslation({ heightFactor: [-0.2, 0.1], widthFactor: 0.2, fillMode: 'constant', fillValue: 0.5, seed: 5, name: `${prefix}_shift` }).apply(x);
      x = randomRotation({ factor: 0.1, fillMode: 'wrap', interpolation: 'nearest', seed: 6, name: `${prefix}_rot` }).apply(x);
      x = randomZoom({ heightFactor: [-0.2, 0.3], seed: 7, name: `${prefix}_zoom` }).apply(x);
      x = conv2d({ filters: 2, kernelSize: 2, name: `${prefix}_conv`, kernelRegularizer: l2(0.01) }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(x)), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 28),
    y: () => tf.zeros([3, 1]),
  },
  {
    name: 'Bidirectional over ConvLSTM2D (concat on channels) and ConvLSTM1D (sum)',
    build: (prefix) => {
      const inp = input({ shape: [3, 4, 4, 1], name: `${prefix}_in` });
      let x = bidirectional({
        layer: convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, name: `${prefix}_c2`, kernelRegularizer: l2(0.02) }),
        name: `${prefix}_bi2`,
      }).apply(inp);
      x = reshape({ targetShape: [3, 16, 4], name: `${prefix}_r1` }).apply(x);
      x = bidirectional({ layer: convLstm1d({ filters: 1, kernelSize: 2, strides: 2, name: `${prefix}_c1` }), mergeMode: 'sum', name: `${prefix}_bi1` }).apply(x);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(flatten({ name: `${prefix}_flat` }).apply(x)), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'recurrentKernel' } },
    x: () => tf.randomNormal([3, 3, 4, 4, 1], 0, 1, 'float32', 29),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'Discretization: adapted boundaries (count) and given ones (int bins into an Embedding), concatenated',
    build: (prefix) => {
      const inp = input({ shape: [4], name: `${prefix}_in` });
      const adapted = discretization({ numBins: 3, outputMode: 'count', name: `${prefix}_count` });
      adapted.adapt([[0, 1, 2, 3], [4, 5, 6, 7]]);
      const counts = adapted.apply(inp);
      const ids = discretization({ binBoundaries: [-1, 0, 1], name: `${prefix}_bins` }).apply(inp);
      const vectors = flatten({ name: `${prefix}_flat` }).apply(embedding({ inputDim: 4, outputDim: 2, name: `${prefix}_emb` }).apply(ids));
      const x = concatenate({ name: `${prefix}_cat` }).apply([counts, vectors]);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.randomNormal([3, 4], 0, 3, 'float32', 29),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'Hashing (salted, with a mask value) of int32 ids into an Embedding, and Hashing to counts',
    build: (prefix) => {
      const inp = input({ shape: [3], dtype: 'int32', name: `${prefix}_in` });
      const ids = hashing({ numBins: 5, salt: 7, maskValue: 0, name: `${prefix}_hash` }).apply(inp);
      const vectors = flatten({ name: `${prefix}_flat` }).apply(embedding({ inputDim: 5, outputDim: 2, name: `${prefix}_emb` }).apply(ids));
      const counts = hashing({ numBins: 3, outputMode: 'count', name: `${prefix}_counts` }).apply(inp);
      const x = concatenate({ name: `${prefix}_cat` }).apply([vectors, counts]);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.tensor2d([[0, 12, 7], [3, 0, 99], [5, 5, 1]], [3, 3], 'int32'),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'IntegerLookup (adapted, mask token, two OOV indices) into an Embedding; ids to strings and back (inverting and forward StringLookup); IntegerLookup tf_idf',
    build: (prefix) => {
      const inp = input({ shape: [3], dtype: 'int32', name: `${prefix}_in` });
      const ids = integerLookup({ maskToken: 0, numOovIndices: 2, name: `${prefix}_ids` });
      ids.adapt([[4, 4, 9], [9, 1, 4]]);
      const vectors = flatten({ name: `${prefix}_flat` }).apply(embedding({ inputDim: 6, outputDim: 2, name: `${prefix}_emb` }).apply(ids.apply(inp)));
      const words = stringLookup({ vocabulary: ['zero', 'one', 'two', 'three', 'four'], numOovIndices: 0, invert: true, name: `${prefix}_words` }).apply(inp);
      const counts = stringLookup({ vocabulary: ['four', 'two'], maskToken: 'zero', outputMode: 'count', name: `${prefix}_counts` }).apply(words);
      const weights = integerLookup({ outputMode: 'tf_idf', vocabulary: [4, 9, 1], idfWeights: [0.5, 1, 1.5], name: `${prefix}_tfidf` }).apply(inp);
      const x = concatenate({ name: `${prefix}_cat` }).apply([vectors, counts, weights]);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.tensor2d([[4, 0, 3], [9, 1, 4], [2, 2, 0]], [3, 3], 'int32'),
    y: () => tf.ones([3, 1]),
  },
  {
    name: 'TextVectorization (adapted, bigrams, tf_idf) on phrases that an inverting StringLookup makes from int32 ids',
    build: (prefix) => {
      const inp = input({ shape: [1], dtype: 'int32', name: `${prefix}_in` });
      const phrases = stringLookup({ vocabulary: ['Red car', 'blue car!', 'red, red bus'], numOovIndices: 0, invert: true, name: `${prefix}_phrases` }).apply(inp);
      const text = textVectorization({ outputMode: 'tf_idf', ngrams: 2, maxTokens: 6, name: `${prefix}_text` });
      text.adapt(['red car', 'blue car', 'red red bus', 'a red car']);
      const x = text.apply(phrases);
      return model({ inputs: inp, outputs: dense({ units: 1, name: `${prefix}_out` }).apply(x), name: `${prefix}_model` });
    },
    compile: { optimizer: 'sgd', loss: 'mse' },
    x: () => tf.tensor2d([[0], [2], [1], [0]], [4, 1], 'int32'),
    y: () => tf.ones([4, 1]),
  },
];

/** Everything `penalties` reports, by term. */
function penaltyTable(m: Model, x: tf.Tensor) {
  const report = m.penalties(x);
  return { total: report.total, terms: report.terms.map((t) => [t.path, t.kind, t.source, t.regularizer, t.value]) };
}

/** The first training step's logs (loss, data loss, every penalty term), without shuffling. */
async function firstStep(m: Model, c: Case): Promise<Record<string, number>> {
  const history = await m.fit(c.x(), c.y(), { epochs: 1, batchSize: 64, shuffle: false, verbose: 0 });
  return Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[0]!]));
}

describe.each(cases)('round trip: $name', (c) => {
  const prefix = ['dense', 'conv', 'seq', 'seqmax', 'merge', 'nest', 'wrap', 'act', 'shape', 'sepconv', 'pad1d', 'sep1d', 'tconv1d', 'sdrop2d', 'attn', 'conv3d', 'norm', 'prep', 'prepcat', 'lambda', 'convlstm', 'aug', 'biconv', 'disc', 'hash', 'lookup', 'text'][cases.indexOf(c)]!;

  it('toJSON, JSON text, modelFromJSON, save to file://, loadModel: same predictions, penalties and next training step', async () => {
    const original = c.build(prefix);
    original.compile(c.compile);
    const x = c.x();

    const json = original.toJSON();
    const text = JSON.stringify(original);
    expect(JSON.parse(text)).toEqual(json);
    const rebuilt = modelFromJSON(text);
    // The JSON is a fixed point: a model read from it writes it back unchanged.
    expect(rebuilt.toJSON()).toEqual(json);
    expect(rebuilt.isCompiled).toBe(true);
    copyWeights(original, rebuilt);
    expect(values(rebuilt.predict(x))).toEqual(values(original.predict(x)));

    const target = path.join(dir, prefix);
    await rebuilt.save(`file://${target}`);
    expect((await readdir(target)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(`file://${target}`);
    expect(loaded.isCompiled).toBe(true);
    expect(loaded.toJSON()).toEqual(json);
    expect(values(loaded.predict(x))).toEqual(values(original.predict(x)));
    expect(penaltyTable(loaded, x)).toEqual(penaltyTable(original, x));
    expect(await firstStep(loaded, c)).toEqual(await firstStep(original, c));

    tf.dispose(x);
    for (const m of [original, rebuilt, loaded]) m.dispose();
  });
});

describe('coverage', () => {
  it('the round trips above use every registered layer, regularizer and constraint class', () => {
    const used = new Set<string>();
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === 'object' && value !== null) {
        const v = value as Record<string, unknown>;
        if (typeof v['class_name'] === 'string') used.add(v['class_name']);
        Object.values(v).forEach(collect);
      }
    };
    for (const c of cases) {
      const m = c.build(`cover_${cases.indexOf(c)}`);
      collect(m.toJSON());
      m.dispose();
    }
    const classes = [
      ...registry('layer').entries().map((e) => e.name),
      ...(['regularizer', 'constraint'] as const).flatMap((kind) => registry(kind).entries().map((e) => e.create({}).className)),
    ];
    expect(classes.filter((n) => !used.has(n))).toEqual([]);
  });
});

describe('what is saved', () => {
  it("model.json holds tfjs-node's fields and weights.bin the float32 values in manifest order", async () => {
    const m = denseModel('file');
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const target = path.join(dir, 'file');
    const result = await m.save(`file://${target}`);
    const json = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(['modelTopology', 'weightsManifest', 'format', 'generatedBy', 'convertedBy']);
    expect(json['format']).toBe('layers-model');
    expect(json['convertedBy']).toBeNull();
    expect(json['modelTopology']).toEqual(m.toJSON());
    const manifest = json['weightsManifest'] as { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[];
    expect(manifest).toHaveLength(1);
    expect(manifest[0]!.paths).toEqual(['weights.bin']);
    expect(manifest[0]!.weights).toEqual(m.weights.map((w) => ({ name: w.path, shape: w.shape, dtype: 'float32' })));
    const bin = await readFile(path.join(target, 'weights.bin'));
    const floats = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
    expect(Array.from(floats)).toEqual(m.weights.flatMap((w) => Array.from(w.variable.dataSync())));
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(bin.byteLength);
    m.dispose();
  });

  it('loads from the path of model.json as well as from its directory', async () => {
    const m = sequenceModelMax('path');
    await m.save(`file://${path.join(dir, 'path')}`);
    const loaded = await loadModel(`file://${path.join(dir, 'path', 'model.json')}`);
    const x = tf.ones([1, 6, 3]);
    expect(values(loaded.predict(x))).toEqual(values(m.predict(x)));
    expect(loaded.isCompiled).toBe(false);
    tf.dispose(x);
    m.dispose();
    loaded.dispose();
  });

  it('works through tfjs-core handlers: tf.io.withSaveHandler, then tf.io.fromMemory', async () => {
    const m = denseModel('mem');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: new Cube({ factor: 0.1 }), include: 'dense_*/kernel' } });
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
      { userDefinedMetadata: { note: 'kept' } },
    );
    expect(saved!.userDefinedMetadata).toEqual({ note: 'kept' });
    const loaded = await loadModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([3, 4]);
    expect(values(loaded.predict(x))).toEqual(values(m.predict(x)));
    expect(penaltyTable(loaded, x)).toEqual(penaltyTable(m, x));
    tf.dispose(x);
    m.dispose();
    loaded.dispose();
  });

  it('saves a frozen layer as frozen: it carries no penalty after loading either', async () => {
    const m = denseModel('frozen');
    m.getLayer('frozen_hidden').trainable = false;
    const loaded = modelFromJSON(m.toJSON());
    expect(loaded.getLayer('frozen_hidden').trainable).toBe(false);
    expect(loaded.penalties().terms.map((t) => t.path)).toEqual(m.penalties().terms.map((t) => t.path));
    m.dispose();
    loaded.dispose();
  });

  it('keeps a regularizer set on a built weight, and the penalty of a plugin regularizer is its formula', async () => {
    const m = denseModel('late');
    const out = m.getLayer('late_out') as unknown as { kernel: { regularizer: unknown; variable: tf.Variable } };
    out.kernel.regularizer = new Cube({ factor: 0.25 });
    const loaded = modelFromJSON(JSON.stringify(m));
    copyWeights(m, loaded);
    const term = loaded.penalties().terms.find((t) => t.path === 'late_out/kernel')!;
    expect(term.regularizer).toBe('test-plugin>Cube');
    const w = Array.from(out.kernel.variable.dataSync());
    expect(term.value).toBeCloseTo(0.25 * w.reduce((s, v) => s + Math.abs(v) ** 3, 0), 5);
    m.dispose();
    loaded.dispose();
  });

  it('includeOptimizer saves the optimizer state, so training continues exactly where it stopped', async () => {
    // A model without noise layers: a seeded noise layer's position in its random stream is not saved.
    const c = cases[3]!;
    const m = sequenceModelMax('opt');
    m.compile({ optimizer: 'adam', loss: 'mse' });
    await m.fit(c.x(), c.y(), { epochs: 3, batchSize: 1, shuffle: false, verbose: 0 });
    const target = path.join(dir, 'opt');
    await m.save(`file://${target}`, { includeOptimizer: true });
    const loaded = await loadModel(`file://${target}`);
    expect(loaded.optimizer!.iterations).toBe(9);
    const after = async (model: Model) => (await model.fit(c.x(), c.y(), { epochs: 3, batchSize: 3, shuffle: false, verbose: 0 })).history['loss']!;
    const [a, b] = [await after(m), await after(loaded)];
    expect(b).toEqual(a);
    // Without the optimizer state, the moments start from zero and the second step already differs.
    await m.save(`file://${target}`);
    const fresh = await loadModel(`file://${target}`);
    expect(fresh.optimizer!.iterations).toBe(0);
    const [c1, c2] = [await after(m), await after(fresh)];
    expect(c2[0]).toBe(c1[0]);
    expect(c2[1]).not.toBe(c1[1]);
    for (const model of [m, loaded, fresh]) model.dispose();
  });

  it('keeps nothing allocated: save and load leave tf.memory() as it was', async () => {
    const m = denseModel('leak');
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const before = tf.memory().numTensors;
    await m.save(`file://${path.join(dir, 'leak')}`, { includeOptimizer: true });
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await loadModel(`file://${path.join(dir, 'leak')}`);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });
});
