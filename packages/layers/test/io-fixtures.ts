import { checkNonNegativeNumber, registry, type FactoryEntry, type JsonObject, type Regularizer } from '@ridge/core';
import { l1, l1l2, l2, maxNorm, minMaxNorm, nonNeg, orthogonal, unitNorm } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import {
  activation,
  activityRegularization,
  alphaDropout,
  averagePooling1d,
  averagePooling2d,
  batchNormalization,
  conv1d,
  conv2d,
  dense,
  dropout,
  embedding,
  flatten,
  gaussianDropout,
  gaussianNoise,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
  gru,
  input,
  InputLayer,
  layerNormalization,
  lstm,
  maxPooling1d,
  maxPooling2d,
  model,
  reshape,
  sequential,
  simpleRNN,
  spatialDropout1d,
  type Model,
} from '../src/index.js';

/** A third-party regularizer, as a plugin package would publish it: `factor * sum(|x|^3)`. */
export class Cube implements Regularizer {
  readonly className = 'test-plugin>Cube';
  readonly factor: number;
  constructor(config: { factor?: number } = {}) {
    this.factor = checkNonNegativeNumber('factor', config.factor ?? 0.01);
  }
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(tf.sum(tf.pow(tf.abs(x), 3)), this.factor));
  }
  getConfig(): JsonObject {
    return { factor: this.factor };
  }
}

declare module '@ridge/core' {
  interface RegularizerRegistry {
    'test-plugin>Cube': { factor?: number };
  }
}

export const cubeEntry: FactoryEntry<'regularizer'> = {
  kind: 'regularizer',
  name: 'test-plugin>Cube',
  package: 'test-plugin',
  create: (c) => new Cube(c as { factor?: number }),
};
registry('regularizer').register(cubeEntry);

/** Dense, Dropout, Activation and every regularizer kind, constraints and initializers. */
export function denseModel(p: string): Model {
  const inp = input({ shape: [4], name: `${p}_in` });
  let x = dense({
    units: 6,
    name: `${p}_hidden`,
    activation: 'relu',
    kernelInitializer: { className: 'HeNormal', config: { seed: 3 } },
    kernelRegularizer: l1(0.01),
    biasRegularizer: l2(0.02),
    activityRegularizer: l1l2(0.001, 0.002),
    kernelConstraint: maxNorm({ maxValue: 2 }),
    biasConstraint: minMaxNorm({ minValue: 0, maxValue: 1, axis: 0 }),
  }).apply(inp);
  x = dropout({ rate: 0.25, seed: 7, name: `${p}_drop` }).apply(x);
  x = dense({
    units: 3,
    name: `${p}_out`,
    kernelRegularizer: orthogonal({ factor: 0.05, mode: 'columns' }),
    biasRegularizer: l1l2(0.01, 0.03),
    biasInitializer: { className: 'Constant', config: { value: 0.1 } },
    kernelConstraint: unitNorm({ axis: 0 }),
    biasConstraint: nonNeg(),
  }).apply(x);
  return model({ inputs: inp, outputs: activation({ activation: 'softmax', name: `${p}_softmax` }).apply(x), name: `${p}_model` });
}

/** Convolutions, pooling, normalization, reshaping; two outputs. */
export function convModel(p: string): Model {
  const inp = input({ shape: [8, 8, 2], name: `${p}_image` });
  let x = conv2d({
    filters: 4,
    kernelSize: 3,
    padding: 'same',
    name: `${p}_conv`,
    activation: 'relu',
    kernelRegularizer: l1l2(0.001, 0.01),
    biasRegularizer: new Cube({ factor: 0.5 }),
    kernelConstraint: maxNorm({ maxValue: 3, axis: [0, 1, 2] }),
  }).apply(inp);
  x = batchNormalization({ name: `${p}_bn`, gammaRegularizer: l2(0.01), betaRegularizer: l1(0.01) }).apply(x);
  x = maxPooling2d({ poolSize: 2, name: `${p}_max` }).apply(x);
  x = averagePooling2d({ poolSize: 2, padding: 'same', name: `${p}_avg` }).apply(x);
  const a = globalAveragePooling2d({ name: `${p}_gap` }).apply(x);
  const b = globalMaxPooling2d({ name: `${p}_gmp` }).apply(x);
  let f = flatten({ name: `${p}_flat` }).apply(x);
  f = reshape({ targetShape: [4, 4], name: `${p}_reshape` }).apply(f);
  f = flatten({ name: `${p}_flat2` }).apply(f);
  const shared = dense({ units: 2, name: `${p}_shared`, kernelRegularizer: l2(0.01) });
  const out1 = dense({ units: 1, name: `${p}_score` }).apply(shared.apply(a));
  const out2 = dense({ units: 2, name: `${p}_class`, activation: 'softmax' }).apply(shared.apply(b));
  const out3 = dense({ units: 1, name: `${p}_aux` }).apply(f);
  return model({ inputs: inp, outputs: [out1, out2, out3], name: `${p}_model` });
}

/** Embedding, 1-D convolutions and pooling, the recurrent layers and the noise layers, as a Sequential. */
export function sequenceModel(p: string): Model {
  return sequential({
    name: `${p}_model`,
    layers: [
      new InputLayer({ shape: [12], dtype: 'int32', name: `${p}_tokens` }),
      embedding({ inputDim: 10, outputDim: 4, name: `${p}_embed`, embeddingsRegularizer: l2(0.001) }),
      spatialDropout1d({ rate: 0.1, seed: 1, name: `${p}_sdrop` }),
      conv1d({ filters: 4, kernelSize: 3, padding: 'causal', name: `${p}_conv`, kernelRegularizer: l1(0.001) }),
      maxPooling1d({ poolSize: 2, name: `${p}_max` }),
      averagePooling1d({ poolSize: 2, name: `${p}_avg` }),
      lstm({ units: 3, returnSequences: true, name: `${p}_lstm`, kernelRegularizer: orthogonal(0.01), recurrentRegularizer: l2(0.01), seed: 2 }),
      gru({ units: 3, returnSequences: true, resetAfter: true, name: `${p}_gru`, biasRegularizer: l1l2(0.01, 0.01) }),
      simpleRNN({ units: 2, returnSequences: true, name: `${p}_rnn`, recurrentRegularizer: new Cube({ factor: 0.1 }) }),
      layerNormalization({ name: `${p}_ln`, gammaRegularizer: l2(0.01) }),
      gaussianNoise({ stddev: 0.1, seed: 3, name: `${p}_noise` }),
      gaussianDropout({ rate: 0.1, seed: 4, name: `${p}_gdrop` }),
      alphaDropout({ rate: 0.1, seed: 5, name: `${p}_adrop` }),
      activityRegularization({ l1: 0.01, l2: 0.02, name: `${p}_actreg` }),
      globalAveragePooling1d({ name: `${p}_gap` }),
      dense({ units: 2, name: `${p}_out`, activation: 'softmax' }),
    ],
  });
}

/** The same, with global max pooling at the end instead. */
export function sequenceModelMax(p: string): Model {
  return sequential({
    name: `${p}_model`,
    layers: [
      conv1d({ filters: 2, kernelSize: 2, inputShape: [6, 3], name: `${p}_conv` }),
      globalMaxPooling1d({ name: `${p}_gmp` }),
      dense({ units: 1, name: `${p}_out`, kernelRegularizer: l2(0.05) }),
    ],
  });
}

/** A functional and a sequential model used as layers, the sequential one called twice. */
export function nestedModel(p: string): Model {
  const innerIn = input({ shape: [4], name: `${p}_f_in` });
  const innerF = model({ inputs: innerIn, outputs: dense({ units: 3, name: `${p}_f_dense`, kernelRegularizer: l2(0.01) }).apply(innerIn), name: `${p}_f` });
  const innerS = sequential({ name: `${p}_s`, layers: [new InputLayer({ shape: [3], name: `${p}_s_in` }), dense({ units: 2, name: `${p}_s_dense`, biasRegularizer: l1(0.1) })] });
  const inp = input({ shape: [4], name: `${p}_in` });
  const a = innerS.apply(innerF.apply(inp));
  const b = innerS.apply(dense({ units: 3, name: `${p}_side` }).apply(inp));
  return model({ inputs: inp, outputs: [a, activation({ activation: 'tanh', name: `${p}_tanh` }).apply(b)], name: `${p}_model` });
}

/** Copies weight values by path (a model built from JSON starts from fresh weights). */
export function copyWeights(from: Model, to: Model): void {
  const values = new Map(from.weights.map((w) => [w.path, w.variable]));
  for (const w of to.weights) w.assign(values.get(w.path)!);
}

export function values(t: tf.Tensor | tf.Tensor[]): number[][] {
  const list = Array.isArray(t) ? t : [t];
  const out = list.map((x) => Array.from(x.dataSync()));
  tf.dispose(list);
  return out;
}
