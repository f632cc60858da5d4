/**
 * A table-driven bad-input sweep over the public entry points: regularizer, constraint, loss,
 * optimizer and layer configs; `compile` options (bad selectors included); `fit`, `evaluate` and
 * `predict` data and options (wrong rank, wrong dtype, mismatched lengths, empty arrays, NaN and
 * Infinity); and weights. Each case asserts the RidgeError code, that the message names the
 * argument and shows the received value, and that a compiled, trained model's weights, compile
 * state and `tf.memory()` are unchanged afterwards.
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import {
  RidgeError,
  deserializeConstraint,
  deserializeLoss,
  deserializeOptimizer,
  deserializeRegularizer,
  getConstraint,
  getLoss,
  getOptimizer,
  getRegularizer,
  type RidgeErrorCode,
} from '@ridge/core';
import {
  activation,
  activityRegularization,
  alphaDropout,
  batchNormalization,
  conv1d,
  conv2d,
  dense,
  dropout,
  embedding,
  gaussianNoise,
  gru,
  input,
  layerNormalization,
  loadModel,
  modelFromJSON,
  lstm,
  maxPooling2d,
  model,
  reshape,
  sequential,
  simpleRNN,
  type Dense,
  type Model,
} from '@ridge/layers';
import { adam, adamw, rmsprop, sgd } from '@ridge/optimizers';
import { binaryCrossentropy, categoricalCrossentropy, huber, meanSquaredError } from '@ridge/losses';
import { l1, l1l2, l2, maxNorm, minMaxNorm, orthogonal, unitNorm } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** One bad call: what it must throw, and what its message must name. */
interface Case {
  readonly call: () => unknown;
  readonly code: RidgeErrorCode;
  /** The argument, as the message names it. */
  readonly argument: string;
  /** The received value, as the message shows it. */
  readonly received: string;
}

type Table = Record<string, Case>;

const c = (call: () => unknown, code: RidgeErrorCode, argument: string, received: string): Case => ({ call, code, argument, received });

// ------------------------------------------------------------------------------------------------
// The model every case is checked against: built, compiled and trained once, fresh for each case
// (so that a case that corrupts it cannot fail the cases after it).

let m: Model;
let hidden: Dense;
const X = [[1, 0, 2], [0, 1, -1], [1, 1, 0], [2, 1, 1]];
const Y = [[1, 0], [0, 1], [1, 0], [0, 1]];
const fixtures: Record<string, tf.Tensor> = {};

beforeAll(() => {
  fixtures['nanX'] = tf.tensor2d([[Number.NaN, 0, 1]]);
  fixtures['infY'] = tf.tensor2d([[Number.POSITIVE_INFINITY, 0]]);
  fixtures['stringX'] = tf.tensor([['a', 'b', 'c']]);
  fixtures['goneX'] = tf.ones([1, 3]);
  fixtures['goneX'].dispose();
  fixtures['rank3'] = tf.ones([4, 1, 3]);
  fixtures['rank1'] = tf.ones([4]);
  fixtures['x4'] = tf.tensor2d(X);
  fixtures['y3'] = tf.ones([3, 2]);
  fixtures['oneHot3d'] = tf.ones([4, 1, 2]);
});

beforeEach(async () => {
  const inp = input({ shape: [3], name: 'bad_in' });
  hidden = dense({ units: 4, activation: 'tanh', name: 'bad_hidden', kernelRegularizer: l2(0.01), biasRegularizer: 'l1' });
  const out = dense({ units: 2, activation: 'softmax', name: 'bad_out' }).apply(hidden.apply(inp));
  m = model({ inputs: inp, outputs: out });
  m.compile({ optimizer: adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'], regularization: 'l2' });
  await m.fit(X, Y, { epochs: 1, verbose: 0 });
});

afterEach(() => {
  try {
    m.dispose();
  } catch {
    // A case that corrupted the model (a bug it reports) may leave it unable to free itself.
  }
});

afterAll(() => {
  tf.dispose(Object.values(fixtures).filter((t) => !t.isDisposed));
});

interface Snapshot {
  readonly weights: number[][];
  readonly compileArgs: unknown;
  readonly optimizer: unknown;
  readonly iterations: number | undefined;
  readonly penalties: string;
  readonly tensors: number;
  readonly bytes: number;
}

function snapshot(): Snapshot {
  const ws = m.getWeights();
  const weights = ws.map((w) => Array.from(w.dataSync()));
  tf.dispose(ws);
  return {
    weights,
    compileArgs: m.compileArgs,
    optimizer: m.optimizer,
    iterations: m.optimizer?.iterations,
    penalties: JSON.stringify(m.penalties().terms.map((t) => [t.path, t.regularizer, t.config, t.source])),
    tensors: tf.memory().numTensors,
    bytes: tf.memory().numBytes,
  };
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    const r = await call();
    return { returned: r };
  } catch (error) {
    return error;
  }
}

function sweep(table: Table): void {
  it.each(Object.entries(table))('%s', async (_label, bad) => {
    const before = snapshot();
    const error = await outcome(bad.call);
    expect(RidgeError.is(error), `expected a RidgeError; got ${error instanceof Error ? `${error.name}: ${error.message}` : JSON.stringify(error)}`).toBe(true);
    const e = error as RidgeError;
    expect(e.code, e.message).toBe(bad.code);
    expect(e.message, 'names the argument').toContain(bad.argument);
    expect(e.message, 'shows the received value').toContain(bad.received);
    const after = snapshot();
    expect(after.weights, 'weights unchanged').toEqual(before.weights);
    expect(after.compileArgs, 'compile arguments unchanged').toBe(before.compileArgs);
    expect(after.optimizer, 'optimizer unchanged').toBe(before.optimizer);
    expect(after.iterations, 'no optimizer step').toBe(before.iterations);
    expect(after.penalties, 'penalty terms unchanged').toBe(before.penalties);
    expect(after.tensors, 'tensor count unchanged').toBe(before.tensors);
    expect(after.bytes, 'bytes unchanged').toBe(before.bytes);
  });
}

// ------------------------------------------------------------------------------------------------

describe('regularizer configs', () => {
  sweep({
    'l1(-1)': c(() => l1(-1), 'INVALID_ARGUMENT', 'l1', '-1'),
    'l1(NaN)': c(() => l1(Number.NaN), 'INVALID_ARGUMENT', 'l1', 'NaN'),
    'l2(Infinity)': c(() => l2(Number.POSITIVE_INFINITY), 'INVALID_ARGUMENT', 'l2', 'Infinity'),
    "l2('0.1')": c(() => l2('0.1' as never), 'INVALID_ARGUMENT', 'l2', '"0.1"'),
    'l2({ l_2: 0.1 }) (a typo)': c(() => l2({ l_2: 0.1 } as never), 'INVALID_CONFIG', 'l_2', '0.1'),
    'l1l2({ l1: -0.5 })': c(() => l1l2({ l1: -0.5 }), 'INVALID_ARGUMENT', 'l1', '-0.5'),
    'l1l2({ l2: null })': c(() => l1l2({ l2: null as never }), 'INVALID_ARGUMENT', 'l2', 'null'),
    'orthogonal({ factor: -0.1 })': c(() => orthogonal({ factor: -0.1 }), 'INVALID_ARGUMENT', 'factor', '-0.1'),
    "orthogonal({ mode: 'diagonal' })": c(() => orthogonal({ mode: 'diagonal' as never }), 'INVALID_ARGUMENT', 'mode', '"diagonal"'),
    'orthogonal().apply(a rank-3 tensor)': c(() => tf.tidy(() => orthogonal().apply(tf.ones([2, 2, 2]))), 'INVALID_ARGUMENT', 'rank', '[2, 2, 2]'),
    "getRegularizer('l3')": c(() => getRegularizer('l3' as never), 'UNKNOWN_NAME', 'regularizer', '"l3"'),
    'deserializeRegularizer({ className: L2, config: { l2: -1 } })': c(() => deserializeRegularizer({ className: 'L2', config: { l2: -1 } }), 'INVALID_ARGUMENT', 'l2', '-1'),
    'deserializeRegularizer(Keras { class_name: L1L2, config: { l1: "a" } })': c(() => deserializeRegularizer({ class_name: 'L1L2', config: { l1: 'a' } }), 'INVALID_ARGUMENT', 'l1', '"a"'),
    'deserializeRegularizer({ config: {} }) (no className)': c(() => deserializeRegularizer({ config: {} }), 'INVALID_CONFIG', 'className', '{"config":{}}'),
    'deserializeRegularizer({ className: L2, config: [1] })': c(() => deserializeRegularizer({ className: 'L2', config: [1] }), 'INVALID_CONFIG', 'config', '[1]'),
  });
});

describe('constraint configs', () => {
  sweep({
    'maxNorm({ maxValue: -1 })': c(() => maxNorm({ maxValue: -1 }), 'INVALID_ARGUMENT', 'maxValue', '-1'),
    "maxNorm({ axis: 'rows' })": c(() => maxNorm({ axis: 'rows' as never }), 'INVALID_ARGUMENT', 'axis', '"rows"'),
    'unitNorm({ axis: 1.5 })': c(() => unitNorm({ axis: 1.5 }), 'INVALID_ARGUMENT', 'axis', '1.5'),
    'unitNorm({ axis: [] })': c(() => unitNorm({ axis: [] }), 'INVALID_ARGUMENT', 'axis', '[]'),
    'minMaxNorm({ minValue: 2, maxValue: 1 })': c(() => minMaxNorm({ minValue: 2, maxValue: 1 }), 'INVALID_ARGUMENT', 'minValue', '2'),
    'minMaxNorm({ rate: 1.5 })': c(() => minMaxNorm({ rate: 1.5 }), 'INVALID_ARGUMENT', 'rate', '1.5'),
    'NonNeg from { className: NonNeg, config: { min: 0 } }': c(() => deserializeConstraint({ className: 'NonNeg', config: { min: 0 } }), 'INVALID_CONFIG', 'min', 'NonNeg'),
    "getConstraint('maxnorm')": c(() => getConstraint('maxnorm' as never), 'UNKNOWN_NAME', 'constraint', '"maxnorm"'),
    'deserializeConstraint({ className: MaxNorm, config: { max_value: NaN } })': c(
      () => deserializeConstraint({ className: 'MaxNorm', config: { max_value: Number.NaN } }),
      'INVALID_ARGUMENT',
      'maxValue',
      'NaN',
    ),
  });
});

describe('loss configs', () => {
  sweep({
    'categoricalCrossentropy({ labelSmoothing: 2 })': c(() => categoricalCrossentropy({ labelSmoothing: 2 }), 'INVALID_ARGUMENT', 'labelSmoothing', '2'),
    'huber({ delta: 0 })': c(() => huber({ delta: 0 }), 'INVALID_ARGUMENT', 'delta', '0'),
    "binaryCrossentropy({ fromLogits: 'yes' })": c(() => binaryCrossentropy({ fromLogits: 'yes' as never }), 'INVALID_ARGUMENT', 'fromLogits', '"yes"'),
    "meanSquaredError({ reduction: 'avg' })": c(() => meanSquaredError({ reduction: 'avg' as never }), 'INVALID_ARGUMENT', 'reduction', '"avg"'),
    'meanSquaredError({ axis: 1 }) (an unknown key)': c(() => meanSquaredError({ axis: 1 } as never), 'INVALID_CONFIG', 'axis', 'MeanSquaredError'),
    "getLoss('msee')": c(() => getLoss('msee' as never), 'UNKNOWN_NAME', 'loss', '"msee"'),
    'deserializeLoss({ class_name: Huber, config: { delta: -1 } })': c(() => deserializeLoss({ class_name: 'Huber', config: { delta: -1 } }), 'INVALID_ARGUMENT', 'delta', '-1'),
    'a loss applied to y of another shape': c(
      () => tf.tidy(() => getLoss('mse').apply(tf.ones([2, 3]), tf.ones([2, 2]))),
      'SHAPE_MISMATCH',
      'yTrue',
      '[2, 3]',
    ),
  });
});

describe('optimizer configs', () => {
  sweep({
    'sgd(-1)': c(() => sgd(-1), 'INVALID_ARGUMENT', 'learningRate', '-1'),
    'sgd({ momentum: 2 })': c(() => sgd({ momentum: 2 }), 'INVALID_ARGUMENT', 'momentum', '2'),
    'adam({ beta1: 1.5 })': c(() => adam({ beta1: 1.5 }), 'INVALID_ARGUMENT', 'beta1', '1.5'),
    'adam({ epsilon: -1e-7 })': c(() => adam({ epsilon: -1e-7 }), 'INVALID_ARGUMENT', 'epsilon', '-1e-7'),
    'adam({ learningRate: NaN })': c(() => adam({ learningRate: Number.NaN }), 'INVALID_ARGUMENT', 'learningRate', 'NaN'),
    'adamw({ weightDecay: -0.1 })': c(() => adamw({ weightDecay: -0.1 }), 'INVALID_ARGUMENT', 'weightDecay', '-0.1'),
    "rmsprop({ centered: 'no' })": c(() => rmsprop({ centered: 'no' as never }), 'INVALID_ARGUMENT', 'centered', '"no"'),
    'sgd({ lr: 0.1 }) (the Keras 1 name)': c(() => sgd({ lr: 0.1 } as never), 'INVALID_CONFIG', 'lr', 'SGD'),
    "getOptimizer('adamm')": c(() => getOptimizer('adamm' as never), 'UNKNOWN_NAME', 'optimizer', '"adamm"'),
    'deserializeOptimizer({ class_name: Adam, config: { learning_rate: "fast" } })': c(
      () => deserializeOptimizer({ class_name: 'Adam', config: { learning_rate: 'fast' } }),
      'INVALID_ARGUMENT',
      'learningRate',
      '"fast"',
    ),
  });
});

describe('layer configs', () => {
  sweep({
    'dense({ units: 0 })': c(() => dense({ units: 0 }), 'INVALID_ARGUMENT', 'units', '0'),
    'dense({ units: 1.5 })': c(() => dense({ units: 1.5 }), 'INVALID_ARGUMENT', 'units', '1.5'),
    "dense({ units: '3' })": c(() => dense({ units: '3' as never }), 'INVALID_ARGUMENT', 'units', '"3"'),
    'dense({ units: NaN })': c(() => dense({ units: Number.NaN }), 'INVALID_ARGUMENT', 'units', 'NaN'),
    "dense({ activation: 'relux' })": c(() => dense({ units: 2, activation: 'relux' }), 'UNKNOWN_NAME', 'activation', '"relux"'),
    "dense({ useBias: 'yes' })": c(() => dense({ units: 2, useBias: 'yes' as never }), 'INVALID_ARGUMENT', 'useBias', '"yes"'),
    "dense({ kernelInitializer: 'glorot' })": c(() => dense({ units: 2, kernelInitializer: 'glorot' as never }), 'UNKNOWN_NAME', 'kernelInitializer', '"glorot"'),
    "dense({ kernelRegularizer: 'l3' })": c(() => dense({ units: 2, kernelRegularizer: 'l3' as never }), 'UNKNOWN_NAME', 'kernelRegularizer', '"l3"'),
    'dense({ biasRegularizer: l2(-1) as a config })': c(() => dense({ units: 2, biasRegularizer: { className: 'L2', config: { l2: -1 } } }), 'INVALID_ARGUMENT', 'biasRegularizer', '-1'),
    "dense({ kernelConstraint: 'nope' })": c(() => dense({ units: 2, kernelConstraint: 'nope' as never }), 'UNKNOWN_NAME', 'kernelConstraint', '"nope"'),
    "dense({ name: 'a/b' })": c(() => dense({ units: 2, name: 'a/b' }), 'INVALID_ARGUMENT', 'name', '"a/b"'),
    "dense({ trainable: 'yes' })": c(() => dense({ units: 2, trainable: 'yes' as never }), 'INVALID_ARGUMENT', 'trainable', '"yes"'),
    'dense({ inputShape: [-1] })': c(() => dense({ units: 2, inputShape: [-1] }), 'INVALID_ARGUMENT', 'inputShape', '[-1]'),
    'dense({ activityRegularizer: 5 })': c(() => dense({ units: 2, activityRegularizer: 5 as never }), 'INVALID_ARGUMENT', 'activityRegularizer', '5'),
    "activation({ activation: 'swishy' })": c(() => activation({ activation: 'swishy' }), 'UNKNOWN_NAME', 'activation', '"swishy"'),
    'conv1d({ filters: 0 })': c(() => conv1d({ filters: 0, kernelSize: 2 }), 'INVALID_ARGUMENT', 'filters', '0'),
    'conv2d({ kernelSize: [0, 1] })': c(() => conv2d({ filters: 2, kernelSize: [0, 1] }), 'INVALID_ARGUMENT', 'kernelSize', '0'),
    'conv2d({ strides: 0 })': c(() => conv2d({ filters: 2, kernelSize: 2, strides: 0 }), 'INVALID_ARGUMENT', 'strides', '0'),
    "conv2d({ padding: 'full' })": c(() => conv2d({ filters: 2, kernelSize: 2, padding: 'full' as never }), 'INVALID_ARGUMENT', 'padding', '"full"'),
    'conv2d({ strides: 2, dilationRate: 2 })': c(() => conv2d({ filters: 2, kernelSize: 2, strides: 2, dilationRate: 2 }), 'INVALID_ARGUMENT', 'dilationRate', '2'),
    'conv2d({ filters: 3, groups: 2 })': c(() => conv2d({ filters: 3, kernelSize: 2, groups: 2 }), 'INVALID_ARGUMENT', 'groups', '2'),
    "conv2d({ dataFormat: 'channels_first' })": c(() => conv2d({ filters: 2, kernelSize: 2, dataFormat: 'channels_first' as never }), 'INVALID_ARGUMENT', 'dataFormat', '"channels_first"'),
    'maxPooling2d({ poolSize: 0 })': c(() => maxPooling2d({ poolSize: 0 }), 'INVALID_ARGUMENT', 'poolSize', '0'),
    'reshape({ targetShape: [-1, -1] })': c(() => reshape({ targetShape: [-1, -1] }), 'INVALID_ARGUMENT', 'targetShape', '[-1, -1]'),
    'dropout({ rate: 1 })': c(() => dropout({ rate: 1 }), 'INVALID_ARGUMENT', 'rate', '1'),
    'dropout({ rate: -0.1 })': c(() => dropout({ rate: -0.1 }), 'INVALID_ARGUMENT', 'rate', '-0.1'),
    'dropout({ rate: NaN })': c(() => dropout({ rate: Number.NaN }), 'INVALID_ARGUMENT', 'rate', 'NaN'),
    'alphaDropout({ rate: 1 })': c(() => alphaDropout({ rate: 1 }), 'INVALID_ARGUMENT', 'rate', '1'),
    'gaussianNoise({ stddev: -1 })': c(() => gaussianNoise({ stddev: -1 }), 'INVALID_ARGUMENT', 'stddev', '-1'),
    'simpleRNN({ units: 0 })': c(() => simpleRNN({ units: 0 }), 'INVALID_ARGUMENT', 'units', '0'),
    'lstm({ dropout: 1 })': c(() => lstm({ units: 2, dropout: 1 }), 'INVALID_ARGUMENT', 'dropout', '1'),
    'gru({ stateful: true })': c(() => gru({ units: 2, stateful: true }), 'INVALID_ARGUMENT', 'stateful', 'true'),
    "lstm({ recurrentActivation: 'hard' })": c(() => lstm({ units: 2, recurrentActivation: 'hard' }), 'UNKNOWN_NAME', 'recurrentActivation', '"hard"'),
    'embedding({ inputDim: 0 })': c(() => embedding({ inputDim: 0, outputDim: 2 }), 'INVALID_ARGUMENT', 'inputDim', '0'),
    'batchNormalization({ momentum: 1.5 })': c(() => batchNormalization({ momentum: 1.5 }), 'INVALID_ARGUMENT', 'momentum', '1.5'),
    'layerNormalization({ epsilon: -1 })': c(() => layerNormalization({ epsilon: -1 }), 'INVALID_ARGUMENT', 'epsilon', '-1'),
    'activityRegularization({ l1: -1 })': c(() => activityRegularization({ l1: -1 }), 'INVALID_ARGUMENT', 'l1', '-1'),
    'input({ shape: [-1] })': c(() => input({ shape: [-1] }), 'INVALID_ARGUMENT', 'shape', '[-1]'),
    'input({}) (no shape: nothing received to show)': c(() => input({}), 'INVALID_ARGUMENT', 'shape', 'batchShape'),
    'dense applied to an input of rank 1': c(() => dense({ units: 2, name: 'rank1_dense' }).apply(input({ shape: [] })), 'SHAPE_MISMATCH', 'input shape', '[null]'),
    'conv2d applied to an input of rank 3': c(() => conv2d({ filters: 2, kernelSize: 2, name: 'rank3_conv' }).apply(input({ shape: [4, 4] })), 'SHAPE_MISMATCH', 'rank3_conv', '[null, 4, 4]'),
    'lstm applied to an input of rank 2': c(() => lstm({ units: 2, name: 'rank2_lstm' }).apply(input({ shape: [4] })), 'SHAPE_MISMATCH', 'rank2_lstm', '[null, 4]'),
    'an orthogonal bias regularizer fails when the layer builds, leaving no weights behind': c(
      () => dense({ units: 2, name: 'ortho_bias', biasRegularizer: orthogonal() }).apply(input({ shape: [3] })),
      'INVALID_ARGUMENT',
      'biasRegularizer',
      '[2]',
    ),
  });
});

describe('compile options (the model keeps its compile state)', () => {
  const ok = { optimizer: 'adam', loss: 'categoricalCrossentropy' } as const;
  sweep({
    'compile(null)': c(() => m.compile(null as never), 'INVALID_ARGUMENT', 'compile', 'null'),
    'no optimizer': c(() => m.compile({ loss: 'mse' } as never), 'INVALID_ARGUMENT', 'optimizer', 'required'),
    "optimizer: 'adamm'": c(() => m.compile({ ...ok, optimizer: 'adamm' as never }), 'UNKNOWN_NAME', 'optimizer', '"adamm"'),
    'optimizer: 5': c(() => m.compile({ ...ok, optimizer: 5 as never }), 'INVALID_ARGUMENT', 'optimizer', '5'),
    'optimizer: { className: Adam, config: { beta_1: 2 } }': c(() => m.compile({ ...ok, optimizer: { className: 'Adam', config: { beta_1: 2 } } as never }), 'INVALID_ARGUMENT', 'beta1', '2'),
    'no loss': c(() => m.compile({ optimizer: 'adam' } as never), 'INVALID_ARGUMENT', 'loss', 'required'),
    "loss: 'msee'": c(() => m.compile({ ...ok, loss: 'msee' as never }), 'UNKNOWN_NAME', 'loss', '"msee"'),
    'loss: a list of 2 for 1 output': c(() => m.compile({ ...ok, loss: ['mse', 'mse'] }), 'INVALID_ARGUMENT', 'loss', '2 entries'),
    'loss: a record naming an unknown output': c(() => m.compile({ ...ok, loss: { bad_out: 'mse', nowhere: 'mse' } as never }), 'INVALID_ARGUMENT', 'loss', 'nowhere'),
    'lossWeights: [NaN]': c(() => m.compile({ ...ok, lossWeights: [Number.NaN] }), 'INVALID_ARGUMENT', 'lossWeights', 'NaN'),
    'lossWeights: [-1]': c(() => m.compile({ ...ok, lossWeights: [-1] }), 'INVALID_ARGUMENT', 'lossWeights', '-1'),
    'lossWeights: [1, 1] for 1 output': c(() => m.compile({ ...ok, lossWeights: [1, 1] }), 'INVALID_ARGUMENT', 'lossWeights', '2 entries'),
    "metrics: ['acuracy']": c(() => m.compile({ ...ok, metrics: ['acuracy'] }), 'UNKNOWN_NAME', 'metrics', '"acuracy"'),
    'metrics: [5]': c(() => m.compile({ ...ok, metrics: [5 as never] }), 'INVALID_ARGUMENT', 'metrics', '5'),
    "metrics: 'accuracy' (not a list)": c(() => m.compile({ ...ok, metrics: 'accuracy' as never }), 'INVALID_ARGUMENT', 'metrics', '"accuracy"'),
    "regularization: 'l3'": c(() => m.compile({ ...ok, regularization: 'l3' as never }), 'UNKNOWN_NAME', 'regularization', '"l3"'),
    'regularization: { className: L2, config: { l2: -1 } }': c(() => m.compile({ ...ok, regularization: { className: 'L2', config: { l2: -1 } } }), 'INVALID_ARGUMENT', 'l2', '-1'),
    'regularization: []': c(() => m.compile({ ...ok, regularization: [] }), 'INVALID_ARGUMENT', 'regularization', 'empty list'),
    'regularization: [5]': c(() => m.compile({ ...ok, regularization: [5 as never] }), 'INVALID_ARGUMENT', 'regularization[0]', '5'),
    'a rule with an unknown key (includes)': c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', includes: 'bias' } as never }), 'INVALID_ARGUMENT', 'regularization', '"includes"'),
    "a rule with onConflict: 'merge'": c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', onConflict: 'merge' as never } }), 'INVALID_ARGUMENT', 'onConflict', '"merge"'),
    'selector include: 5': c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', include: 5 as never } }), 'INVALID_ARGUMENT', 'regularization.include', '5'),
    "selector include: ''": c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', include: '' as never } }), 'INVALID_ARGUMENT', 'regularization.include', '""'),
    'selector include: {}': c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', include: {} as never } }), 'INVALID_ARGUMENT', 'regularization.include', '{}'),
    "selector include: ['kernel', 7]": c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', include: ['kernel', 7] as never } }), 'INVALID_ARGUMENT', 'regularization.include[1]', '7'),
    'selector exclude: true': c(() => m.compile({ ...ok, regularization: { regularizer: 'l2', exclude: true as never } }), 'INVALID_ARGUMENT', 'regularization.exclude', 'true'),
    'selector in a list of rules: [ok, { include: 3 }]': c(
      () => m.compile({ ...ok, regularization: [{ regularizer: 'l1' }, { regularizer: 'l2', include: 3 as never }] }),
      'INVALID_ARGUMENT',
      'regularization[1].include',
      '3',
    ),
    // bad_hidden/bias keeps its own L1 (onConflict 'skip'), so the rule first meets bad_out/bias.
    "model-level orthogonal on 'bias' (rank 1)": c(() => m.compile({ ...ok, regularization: { regularizer: 'orthogonal', include: 'bias' } }), 'INVALID_ARGUMENT', 'bad_out/bias', '[2]'),
    'an unknown compile option (metric: [...])': c(() => m.compile({ ...ok, metric: ['accuracy'] } as never), 'INVALID_ARGUMENT', 'metric', '"metric"'),
  });
});

describe('compile options on a sequential model without an input shape yet', () => {
  sweep({
    "metrics: ['acuracy'] fails at compile, not at the first fit": c(
      () => sequential({ layers: [dense({ units: 2 })] }).compile({ optimizer: 'sgd', loss: 'mse', metrics: ['acuracy'] }),
      'UNKNOWN_NAME',
      'metrics',
      '"acuracy"',
    ),
    "optimizer: 'adamm'": c(() => sequential({ layers: [dense({ units: 2 })] }).compile({ optimizer: 'adamm' as never, loss: 'mse' }), 'UNKNOWN_NAME', 'optimizer', '"adamm"'),
    'selector include: 5': c(
      () => sequential({ layers: [dense({ units: 2 })] }).compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 5 as never } }),
      'INVALID_ARGUMENT',
      'include',
      '5',
    ),
  });
});

describe('fit data', () => {
  const fit = (x: unknown, y: unknown, args: object = {}) => () => m.fit(x as never, y as never, { verbose: 0, ...args });
  sweep({
    'x of rank 3': c(fit(() => fixtures['rank3'], Y), 'INVALID_DATA', 'x', 'a function'),
    'x tensor of rank 3': c(() => m.fit(fixtures['rank3']!, Y, { verbose: 0 }), 'SHAPE_MISMATCH', 'x', '[4, 1, 3]'),
    'x tensor of rank 1': c(() => m.fit(fixtures['rank1']!, Y, { verbose: 0 }), 'SHAPE_MISMATCH', 'x', '[4]'),
    'x rows of the wrong width': c(fit([[1, 2]], [[1, 0]]), 'SHAPE_MISMATCH', 'x', '[1, 2]'),
    'y of the wrong width': c(fit(X, [[1], [0], [1], [0]]), 'SHAPE_MISMATCH', 'yTrue', '[4, 1]'),
    'x of dtype string': c(() => m.fit(fixtures['stringX']!, [[1, 0]], { verbose: 0 }), 'INVALID_DATA', 'x', 'string'),
    'x holding a string': c(fit([[1, 'a', 2]], [[1, 0]]), 'INVALID_DATA', 'x', '"a"'),
    'x holding an object': c(fit([[1, {}, 2]], [[1, 0]]), 'INVALID_DATA', 'x', '{}'),
    'x ragged': c(fit([[1, 2, 3], [1, 2]], [[1, 0], [0, 1]]), 'INVALID_DATA', 'x', 'rectangular'),
    'x with 4 samples, y with 3': c(() => m.fit(fixtures['x4']!, fixtures['y3']!, { verbose: 0 }), 'INVALID_DATA', 'y', '3'),
    'x empty ([])': c(fit([], []), 'INVALID_DATA', 'x', '[0]'),
    'x empty rows ([[]])': c(fit([[]], [[]]), 'SHAPE_MISMATCH', 'x', '[1, 0]'),
    'x holding NaN (arrays)': c(fit([[Number.NaN, 0, 1]], [[1, 0]]), 'INVALID_DATA', 'x', 'NaN'),
    'x holding NaN (a tensor)': c(() => m.fit(fixtures['nanX']!, [[1, 0]], { verbose: 0 }), 'INVALID_DATA', 'x', 'NaN'),
    'y holding Infinity (a tensor)': c(() => m.fit([[1, 0, 1]], fixtures['infY']!, { verbose: 0 }), 'INVALID_DATA', 'y', 'Infinity'),
    'y holding -Infinity (arrays)': c(fit([[1, 0, 1]], [[Number.NEGATIVE_INFINITY, 0]]), 'INVALID_DATA', 'y', '-Infinity'),
    'x a disposed tensor': c(() => m.fit(fixtures['goneX']!, [[1, 0]], { verbose: 0 }), 'INVALID_DATA', 'x', 'disposed'),
    'x undefined': c(fit(undefined, Y), 'INVALID_DATA', 'x', 'undefined'),
    'x a string': c(fit('data.csv', Y), 'INVALID_DATA', 'x', '"data.csv"'),
    'x a record with an unknown input name': c(fit({ wrong_in: X }, Y), 'INVALID_DATA', 'x', 'wrong_in'),
    'y missing': c(() => m.fit(X as never, undefined as never), 'INVALID_ARGUMENT', 'y', 'required'),
    'sampleWeight of the wrong length': c(fit(X, Y, { sampleWeight: [1, 1] }), 'SHAPE_MISMATCH', 'sampleWeight', '[2]'),
    'sampleWeight holding NaN': c(fit(X, Y, { sampleWeight: [1, Number.NaN, 1, 1] }), 'INVALID_DATA', 'sampleWeight', 'NaN'),
    'sampleWeight holding -1': c(fit(X, Y, { sampleWeight: [1, 1, -1, 1] }), 'INVALID_DATA', 'sampleWeight[2]', '-1'),
    'classWeight holding NaN': c(fit(X, Y, { classWeight: { 0: Number.NaN } }), 'INVALID_ARGUMENT', 'classWeight[0]', 'NaN'),
    'classWeight holding -1': c(fit(X, Y, { classWeight: { 1: -1 } }), 'INVALID_ARGUMENT', 'classWeight[1]', '-1'),
    "classWeight with a key that is not a class index ('a')": c(fit(X, Y, { classWeight: { a: 1 } }), 'INVALID_ARGUMENT', 'classWeight', '"a"'),
    'classWeight with y of rank 3': c(() => m.fit([[1, 0, 1], [0, 1, 0], [1, 1, 1], [0, 0, 0]], fixtures['oneHot3d']!, { classWeight: { 0: 1 }, verbose: 0 }), 'INVALID_ARGUMENT', 'classWeight', '[4, 1, 2]'),
    'validationData of the wrong shape': c(fit(X, Y, { validationData: [[[1, 2]], [[1, 0]]] }), 'SHAPE_MISMATCH', 'validationData[0]', '[1, 2]'),
    'validationData not a pair': c(fit(X, Y, { validationData: [X] }), 'INVALID_ARGUMENT', 'validationData', '[1, 0, 2]'),
    'validationData weights holding -1': c(fit(X, Y, { validationData: [X, Y, [1, -1, 1, 1]] }), 'INVALID_DATA', 'validationData[2][1]', '-1'),
    'validationData holding NaN': c(fit(X, Y, { validationData: [[[Number.NaN, 1, 1]], [[1, 0]]] }), 'INVALID_DATA', 'validationData[0]', 'NaN'),
  });
});

describe('fit options', () => {
  const fit = (args: object) => () => m.fit(X, Y, { verbose: 0, ...args });
  sweep({
    'epochs: 0': c(fit({ epochs: 0 }), 'INVALID_ARGUMENT', 'epochs', '0'),
    'epochs: NaN': c(fit({ epochs: Number.NaN }), 'INVALID_ARGUMENT', 'epochs', 'NaN'),
    "epochs: '3'": c(fit({ epochs: '3' }), 'INVALID_ARGUMENT', 'epochs', '"3"'),
    'batchSize: 1.5': c(fit({ batchSize: 1.5 }), 'INVALID_ARGUMENT', 'batchSize', '1.5'),
    'batchSize: -1': c(fit({ batchSize: -1 }), 'INVALID_ARGUMENT', 'batchSize', '-1'),
    'verbose: 3': c(fit({ verbose: 3 }), 'INVALID_ARGUMENT', 'verbose', '3'),
    "shuffle: 'yes'": c(fit({ shuffle: 'yes' }), 'INVALID_ARGUMENT', 'shuffle', '"yes"'),
    'validationSplit: 1': c(fit({ validationSplit: 1 }), 'INVALID_ARGUMENT', 'validationSplit', '1'),
    'validationSplit: NaN': c(fit({ validationSplit: Number.NaN }), 'INVALID_ARGUMENT', 'validationSplit', 'NaN'),
    'validationSplit: 0.9 of 4 samples (no training part: floor(4 * 0.1) = 0)': c(fit({ validationSplit: 0.9 }), 'INVALID_ARGUMENT', 'validationSplit', '0.9'),
    'initialEpoch: 3 with epochs: 2': c(fit({ initialEpoch: 3, epochs: 2 }), 'INVALID_ARGUMENT', 'initialEpoch', '3'),
    'seed: -1': c(fit({ seed: -1 }), 'INVALID_ARGUMENT', 'seed', '-1'),
    'callbacks: [3]': c(fit({ callbacks: [3] }), 'INVALID_ARGUMENT', 'callbacks', '3'),
    "an unknown option ('epoch')": c(fit({ epoch: 3 }), 'INVALID_ARGUMENT', 'option', '"epoch"'),
    'options: 5': c(() => m.fit(X, Y, 5 as never), 'INVALID_ARGUMENT', 'options', '5'),
  });
});

describe('evaluate and predict data', () => {
  sweep({
    'evaluate: x rows of the wrong width': c(() => m.evaluate([[1, 2]], [[1, 0]]), 'SHAPE_MISMATCH', 'x', '[1, 2]'),
    'evaluate: 4 samples of x, 3 of y': c(() => m.evaluate(fixtures['x4']!, fixtures['y3']!), 'INVALID_DATA', 'y', '3'),
    'evaluate: y holding NaN': c(() => m.evaluate(X, [[1, 0], [0, 1], [Number.NaN, 0], [0, 1]]), 'INVALID_DATA', 'y', 'NaN'),
    'evaluate: x a NaN tensor': c(() => m.evaluate(fixtures['nanX']!, [[1, 0]]), 'INVALID_DATA', 'x', 'NaN'),
    'evaluate: empty': c(() => m.evaluate([], []), 'INVALID_DATA', 'x', '[0]'),
    'evaluate: batchSize 0': c(() => m.evaluate(X, Y, { batchSize: 0 }), 'INVALID_ARGUMENT', 'batchSize', '0'),
    'evaluate: sampleWeight of the wrong length': c(() => m.evaluate(X, Y, { sampleWeight: [1] }), 'SHAPE_MISMATCH', 'sampleWeight', '[1]'),
    'evaluate: sampleWeight holding -1': c(() => m.evaluate(X, Y, { sampleWeight: [1, 1, 1, -1] }), 'INVALID_DATA', 'sampleWeight[3]', '-1'),
    'evaluate: y undefined': c(() => m.evaluate(X, undefined as never), 'INVALID_DATA', 'y', 'undefined'),
    'predict: x tensor of rank 3': c(() => m.predict(fixtures['rank3']!), 'SHAPE_MISMATCH', 'x', '[4, 1, 3]'),
    'predict: rows of the wrong width': c(() => m.predict([[1, 2]]), 'SHAPE_MISMATCH', 'x', '[1, 2]'),
    'predict: dtype string': c(() => m.predict(fixtures['stringX']!), 'INVALID_DATA', 'x', 'string'),
    'predict: empty': c(() => m.predict([]), 'INVALID_DATA', 'x', '[0]'),
    'predict: NaN in nested arrays': c(() => m.predict([[Number.NaN, 1, 1]]), 'INVALID_DATA', 'x', 'NaN'),
    'predict: a disposed tensor': c(() => m.predict(fixtures['goneX']!), 'INVALID_DATA', 'x', 'disposed'),
    'predict: batchSize 0': c(() => m.predict(X, { batchSize: 0 }), 'INVALID_ARGUMENT', 'batchSize', '0'),
    'predict: null': c(() => m.predict(null as never), 'INVALID_DATA', 'x', 'null'),
  });
});

describe('weights', () => {
  const shapes = () => m.weights.map((w) => w.shape);
  sweep({
    'setWeights with one tensor too few': c(
      () => tf.tidy(() => m.setWeights(shapes().slice(1).map((s) => tf.zeros(s)))),
      'INVALID_ARGUMENT',
      'setWeights',
      '3 tensors',
    ),
    'setWeights with a wrong shape (the last one: nothing is assigned first)': c(
      () => tf.tidy(() => m.setWeights(shapes().map((s, i, all) => tf.zeros(i === all.length - 1 ? [s[0]! + 1] : s)))),
      'SHAPE_MISMATCH',
      'bad_out/bias',
      '[3]',
    ),
    'setWeights with nested arrays instead of tensors': c(() => m.setWeights(shapes().map(() => [[0]]) as never), 'INVALID_ARGUMENT', 'setWeights', '[[0]]'),
    'setWeights with a disposed tensor (the last one)': c(
      () => {
        const values = shapes().map((s) => tf.zeros(s));
        values[values.length - 1]!.dispose();
        try {
          m.setWeights(values);
        } finally {
          tf.dispose(values);
        }
      },
      'INVALID_ARGUMENT',
      'setWeights',
      'disposed',
    ),
    'layer.setWeights with a wrong shape': c(() => tf.tidy(() => hidden.setWeights([tf.zeros([3, 4]), tf.zeros([5])])), 'SHAPE_MISMATCH', 'bad_hidden/bias', '[5]'),
    'weight.assign with a wrong shape': c(() => tf.tidy(() => hidden.kernel.assign(tf.zeros([4, 3]))), 'SHAPE_MISMATCH', 'bad_hidden/kernel', '[4, 3]'),
    "weight.regularizer = 'l3'": c(() => (hidden.kernel.regularizer = 'l3' as never), 'UNKNOWN_NAME', 'regularizer', '"l3"'),
    'weight.regularizer = orthogonal() on a bias': c(() => (hidden.bias!.regularizer = orthogonal()), 'INVALID_ARGUMENT', 'bad_hidden/bias', '[4]'),
    "layer.activityRegularizer = 'l3'": c(() => (hidden.activityRegularizer = 'l3' as never), 'UNKNOWN_NAME', 'activityRegularizer', '"l3"'),
    "getLayer('nowhere')": c(() => m.getLayer('nowhere'), 'UNKNOWN_NAME', 'layer', '"nowhere"'),
  });
});

describe('model JSON and saved weights', () => {
  const topology = () => JSON.parse(JSON.stringify(m.toJSON())) as { config: { layers: { class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[] } };
  /** The model's artifacts (topology, weight specs, weight data), as save() writes them. */
  let saved: tf.io.ModelArtifacts;
  beforeEach(async () => {
    await m.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
  });
  const quiet = { onWarning: () => {} };
  sweep({
    'modelFromJSON: text that is not JSON': c(() => modelFromJSON('{"class_name": "Model", ', quiet), 'INVALID_JSON', 'JSON', 'not valid JSON'),
    'modelFromJSON(42)': c(() => modelFromJSON(42, quiet), 'INVALID_JSON', 'model JSON', '42'),
    'modelFromJSON: layers is a number': c(() => modelFromJSON({ class_name: 'Functional', config: { name: 'x', layers: 5, input_layers: [], output_layers: [] } }, quiet), 'INVALID_JSON', 'layers', '5'),
    'modelFromJSON: an unregistered layer class': c(
      () => {
        const t = topology();
        t.config.layers[1]!.class_name = 'DenseX';
        return modelFromJSON(t, quiet);
      },
      'UNKNOWN_NAME',
      'layer',
      '"DenseX"',
    ),
    'modelFromJSON: a layer config with units 0': c(
      () => {
        const t = topology();
        t.config.layers[1]!.config['units'] = 0;
        return modelFromJSON(t, quiet);
      },
      'INVALID_ARGUMENT',
      'units',
      '0',
    ),
    'modelFromJSON: an inbound node naming a missing layer': c(
      () => {
        const t = topology();
        t.config.layers[2]!.inbound_nodes = [[['nowhere', 0, 0, {}]]];
        return modelFromJSON(t, quiet);
      },
      'INVALID_JSON',
      'bad_out',
      'nowhere',
    ),
    "loadModel('')": c(() => loadModel(''), 'INVALID_ARGUMENT', 'source', '""'),
    'loadModel: weight data cut short': c(
      () => loadModel(tf.io.fromMemory({ ...saved, weightData: (saved.weightData as ArrayBuffer).slice(0, 20) }), quiet),
      'INVALID_WEIGHTS',
      'weight data',
      '20 bytes',
    ),
    'loadModel: a weight spec with a negative dimension': c(
      () => loadModel(tf.io.fromMemory({ ...saved, weightSpecs: saved.weightSpecs!.map((w, i) => (i === 0 ? { ...w, shape: [-3, 4] } : w)) }), quiet),
      'INVALID_WEIGHTS',
      'bad_hidden/kernel',
      '[-3, 4]',
    ),
    'loadModel: a weight spec with quantization: null': c(
      () => loadModel(tf.io.fromMemory({ ...saved, weightSpecs: saved.weightSpecs!.map((w, i) => (i === 0 ? { ...w, quantization: null as never } : w)) }), quiet),
      'INVALID_WEIGHTS',
      'quantization',
      'null',
    ),
  });
});

describe('inputs that are not refused, by design', () => {
  it('predict does not scan tensors for NaN (only fit and evaluate do): NaN in, NaN out, nothing kept', () => {
    const before = tf.memory().numTensors;
    const p = m.predict(fixtures['nanX']!) as tf.Tensor;
    expect(Array.from(p.dataSync()).every(Number.isNaN)).toBe(true);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('int32 and bool tensors are accepted as data (fit, evaluate, predict) and leak nothing', async () => {
    const xi = tf.tensor2d([[1, 0, 2], [0, 1, 1]], [2, 3], 'int32');
    const xb = tf.tensor2d([[1, 0, 1], [0, 1, 1]], [2, 3], 'bool');
    const yi = tf.tensor2d([[1, 0], [0, 1]], [2, 2], 'int32');
    const before = tf.memory().numTensors;
    const h = await m.fit(xi, yi, { verbose: 0 });
    expect(Number.isFinite(h.history['loss']![0])).toBe(true);
    expect(Number.isFinite((await m.evaluate(xb, yi))['loss'])).toBe(true);
    const p = m.predict(xb) as tf.Tensor;
    expect(p.shape).toEqual([2, 2]);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xi, xb, yi]);
  });
});
