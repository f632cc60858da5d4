import { initBackend } from '@ridge/backend';
import type { RidgeError, WeightGradient, WeightInfo } from '@ridge/core';
import { countKernels } from '@ridge/testing';
import { dense, input, model, type Model } from '@ridge/layers/base';
import { meanSquaredError } from '@ridge/losses/base';
import { Adam, adagrad, adam, adamw, exponentialDecay, rmsprop, sgd, type OptimizerBase } from '@ridge/optimizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caughtRidgeError, rejectedRidgeError } from '../support/caught.js';

/*
 * `@ridge/optimizers/base` leaves out clipping, weight decay, the optimizer's io (getConfig,
 * fromConfig, getWeights, setWeights), reading saved schedules and the fused updates until their entries are imported. This file imports only
 * side-effect-free entries (each test file runs with its own modules, so no other file's import of
 * `@ridge/optimizers` installs them here); the second half imports the feature entries.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const made: tf.Tensor[] = [];
afterEach(() => {
  tf.dispose(made.splice(0));
});

let count = 0;
/** A trainable weight holding `values`, freed after the test. */
function weight(values: number[], path = 'dense_1/kernel', role: WeightInfo['role'] = 'kernel'): WeightInfo {
  const variable = tf.tidy(() => tf.variable(tf.tensor1d(values), true, `opt_features_${count++}`));
  made.push(variable);
  return { path, role, trainable: true, variable };
}

function grad(w: WeightInfo, values: number[]): WeightGradient {
  const gradient = tf.tensor1d(values);
  made.push(gradient);
  return { weight: w, gradient };
}

function valuesOf(w: WeightInfo): number[] {
  return Array.from(w.variable.dataSync());
}

function expectCloseTo(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 6));
}

/** The error names the call and the one import that adds it. */
function expectMissing(error: RidgeError, call: string, entry: string): void {
  expect(error.code).toBe('FEATURE_NOT_LOADED');
  expect(error.message).toContain(call);
  expect(error.message).toContain(`import '${entry}'`);
  expect(error.details).toMatchObject({ call, entry });
}

/** Keras 3's first Adam step from zero moments: the amount subtracted from w. */
function firstAdamUpdate(g: number, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): number {
  const m = (1 - b1) * g;
  const v = (1 - b2) * g * g;
  return ((lr * Math.sqrt(1 - b2)) / (1 - b1)) * (m / (Math.sqrt(v) + eps));
}

let modelCount = 0;
function compiledModel(optimizer: Adam): Model {
  const inp = input({ shape: [3] });
  const n = ++modelCount;
  const m = model({ inputs: inp, outputs: dense({ units: 2, name: `opt_out_${n}` }).apply(inp) });
  m.compile({ optimizer, loss: meanSquaredError() });
  return m;
}

describe('@ridge/optimizers/base without the feature entries', () => {
  it("adam() with default options takes Keras's Adam steps", () => {
    const w = weight([1, -2]);
    const opt = adam();
    expect(opt).toMatchObject({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0, clipNorm: null, globalClipNorm: null, clipValue: null });
    expect(opt.excludeFromWeightDecay).toEqual([]);
    opt.applyGradients([grad(w, [0.5, -1])]);
    expectCloseTo(valuesOf(w), [1 - firstAdamUpdate(0.5, 0.001), -2 - firstAdamUpdate(-1, 0.001)]);
    expect(opt.iterations).toBe(1);
    opt.dispose();
  });

  it('keeps every argument check of the options it has', () => {
    const cases: [() => unknown, string, string][] = [
      [() => adam({ learningRate: -1 }), 'INVALID_ARGUMENT', 'learningRate must be a finite number >= 0; received -1'],
      [() => adam({ beta1: 1 }), 'INVALID_ARGUMENT', 'beta1 must be a number >= 0 and < 1; received 1'],
      [() => adam({ beta2: -0.5 }), 'INVALID_ARGUMENT', 'beta2 must be a number >= 0 and < 1; received -0.5'],
      [() => adam({ epsilon: -1 }), 'INVALID_ARGUMENT', 'epsilon'],
      [() => adam({ weightDecay: -1 }), 'INVALID_ARGUMENT', 'weightDecay'],
      [() => adam({ beta_1: 0.8 } as never), 'INVALID_CONFIG', "Did you mean 'beta1'?"],
      [() => adam({ amsgrad: true } as never), 'INVALID_CONFIG', 'unknown config key "amsgrad"'],
    ];
    for (const [call, code, text] of cases) {
      const error = caughtRidgeError(call);
      expect(error.code).toBe(code);
      expect(error.message).toContain(text);
    }
  });

  it('clipping and weight decay options are FEATURE_NOT_LOADED at construction, naming their entry; unset values are fine', () => {
    const tensors = tf.memory().numTensors;
    expectMissing(caughtRidgeError(() => adam({ clipNorm: 1 })), 'Adam({ clipNorm })', '@ridge/optimizers/clipping');
    expectMissing(caughtRidgeError(() => sgd({ globalClipNorm: 2 })), 'SGD({ globalClipNorm })', '@ridge/optimizers/clipping');
    expectMissing(caughtRidgeError(() => rmsprop({ clipValue: 0.5 })), 'RMSprop({ clipValue })', '@ridge/optimizers/clipping');
    expectMissing(caughtRidgeError(() => sgd({ weightDecay: 0.1 })), 'SGD({ weightDecay })', '@ridge/optimizers/weight-decay');
    expectMissing(
      caughtRidgeError(() => adam({ excludeFromWeightDecay: 'bias' })),
      'Adam({ excludeFromWeightDecay })',
      '@ridge/optimizers/weight-decay',
    );
    expect(tf.memory().numTensors).toBe(tensors);
    // null means unset (as in Keras JSON) and 0 turns decay off: nothing to load
    const opt = adam({ clipNorm: null, globalClipNorm: null, clipValue: null, weightDecay: 0, excludeFromWeightDecay: null });
    expect(opt).toMatchObject({ clipNorm: null, weightDecay: 0 });
  });

  it('getConfig, getWeights, setWeights and fromConfig are FEATURE_NOT_LOADED naming @ridge/optimizers/io, and change nothing', () => {
    const w = weight([1, 2]);
    const opt = adam({ learningRate: 0.1 });
    opt.applyGradients([grad(w, [1, -1])]);
    const before = valuesOf(w);
    const state = [{ name: 'iterations', tensor: tf.scalar(7, 'int32') }];
    made.push(state[0]!.tensor);
    const tensors = tf.memory().numTensors;
    expectMissing(caughtRidgeError(() => opt.getConfig()), 'Adam.getConfig()', '@ridge/optimizers/io');
    expectMissing(caughtRidgeError(() => opt.getWeights()), 'Adam.getWeights()', '@ridge/optimizers/io');
    expectMissing(caughtRidgeError(() => opt.setWeights(state)), 'Adam.setWeights()', '@ridge/optimizers/io');
    expectMissing(caughtRidgeError(() => Adam.fromConfig({ learning_rate: 0.01 })), 'Adam.fromConfig()', '@ridge/optimizers/io');
    expect(tf.memory().numTensors).toBe(tensors);
    expect(opt.iterations).toBe(1);
    // the next step continues from the kept moments: the optimizer is as it was
    opt.applyGradients([grad(w, [0, 0])]);
    expect(opt.iterations).toBe(2);
    // Keras's second step with g = 0: m = 0.9 * 0.1 * g1, v = 0.999 * 0.001 * g1^2
    const alpha2 = (0.1 * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const second = (g1: number): number => (alpha2 * 0.09 * g1) / (Math.sqrt(0.000999 * g1 * g1) + 1e-7);
    expectCloseTo(valuesOf(w), [before[0]! - second(1), before[1]! - second(-1)]);
    opt.dispose();
  });

  it('a learning-rate schedule, as an object or saved, is FEATURE_NOT_LOADED naming @ridge/optimizers/schedules', () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    expectMissing(caughtRidgeError(() => sgd({ learningRate: schedule })), 'SGD({ learningRate: schedule })', '@ridge/optimizers/schedules');
    const saved = { className: 'ExponentialDecay', config: schedule.getConfig() };
    expectMissing(caughtRidgeError(() => adam({ learningRate: saved as never })), 'Adam({ learningRate: schedule })', '@ridge/optimizers/schedules');
  });

  it('adamw() decays without @ridge/optimizers/weight-decay, and does not install it for the others', () => {
    const kernel = weight([2, -4]);
    const bias = weight([1], 'dense_1/bias', 'bias');
    const opt = adamw({ learningRate: 0.1, weightDecay: 0.5 });
    opt.applyGradients([grad(kernel, [0, 0]), grad(bias, [0])]);
    // zero gradients: only the decay moves the kernel, by (1 - lr * wd); the bias is excluded by default
    expectCloseTo(valuesOf(kernel), [2 * (1 - 0.05), -4 * (1 - 0.05)]);
    expect(valuesOf(bias)).toEqual([1]);
    opt.dispose();
    expectMissing(caughtRidgeError(() => sgd({ weightDecay: 0.1 })), 'SGD({ weightDecay })', '@ridge/optimizers/weight-decay');
  });

  it('a /base model trains with adam(); with @ridge/layers/io, toJSON and save name @ridge/optimizers/io and write nothing', async () => {
    const m = compiledModel(adam());
    const history = await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history['loss']).toHaveLength(2);
    expect(m.optimizer?.iterations).toBe(4);
    await import('@ridge/layers/io');
    expectMissing(caughtRidgeError(() => m.toJSON()), 'Adam.getConfig()', '@ridge/optimizers/io');
    let written = false;
    const handler = tf.io.withSaveHandler(async () => {
      written = true;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    });
    const tensors = tf.memory().numTensors;
    expectMissing(await rejectedRidgeError(() => m.save(handler, { includeOptimizer: true })), 'Adam.getConfig()', '@ridge/optimizers/io');
    expect(written).toBe(false);
    expect(tf.memory().numTensors).toBe(tensors);
    m.dispose();
  });
});

describe('the feature entries', () => {
  it('@ridge/optimizers/clipping adds clipNorm, globalClipNorm and clipValue, with their checks', async () => {
    await import('@ridge/optimizers/clipping');
    const a = weight([0, 0]);
    const opt = sgd({ learningRate: 1, clipNorm: 1 });
    opt.applyGradients([grad(a, [3, 4])]);
    // |[3, 4]| = 5: the gradient is scaled to norm 1, and w = -g / 5 after one step of lr 1
    expectCloseTo(valuesOf(a), [-3 / 5, -4 / 5]);
    const b = weight([0, 0, 0]);
    sgd({ learningRate: 1, clipValue: 0.5 }).applyGradients([grad(b, [-2, 0.3, 0.7])]);
    expectCloseTo(valuesOf(b), [0.5, -0.3, -0.5]);
    const error = caughtRidgeError(() => adam({ clipNorm: 1, clipValue: 1 }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('Only one of clipNorm, globalClipNorm and clipValue');
    expect(caughtRidgeError(() => adam({ clipNorm: 0 })).message).toContain('clipNorm');
  });

  it('@ridge/optimizers/weight-decay adds weightDecay and excludeFromWeightDecay on every optimizer', async () => {
    await import('@ridge/optimizers/weight-decay');
    const kernel = weight([1, 2]);
    const bias = weight([1], 'dense_1/bias', 'bias');
    const opt = sgd({ learningRate: 0.1, weightDecay: 0.5, excludeFromWeightDecay: 'bias' });
    opt.applyGradients([grad(kernel, [1, 1]), grad(bias, [1])]);
    // kernel: w * (1 - lr * wd) - lr * g; bias, excluded: w - lr * g
    expectCloseTo(valuesOf(kernel), [1 * (1 - 0.05) - 0.1, 2 * (1 - 0.05) - 0.1]);
    expectCloseTo(valuesOf(bias), [1 - 0.1]);
    const error = caughtRidgeError(() => adam({ excludeFromWeightDecay: { regexp: '(' } }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('excludeFromWeightDecay');
  });

  it('@ridge/optimizers/schedules adds schedules as learningRate, objects and saved ones', async () => {
    await import('@ridge/optimizers/schedules');
    // SGD at 0.1, 0.05: two unit gradients take w from 1 to 0.85.
    const opt = sgd({ learningRate: exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    const w = weight([1]);
    opt.applyGradients([grad(w, [1])]);
    opt.applyGradients([grad(w, [1])]);
    expectCloseTo(valuesOf(w), [0.85]);
    opt.dispose();
    // 0.1 / (1 + step): 0.1, then 0.05.
    const saved = sgd({ learningRate: { className: 'InverseTimeDecay', config: { initialLearningRate: 0.1, decaySteps: 1, decayRate: 1 } } as never });
    const v = weight([1]);
    saved.applyGradients([grad(v, [1])]);
    expect(saved.learningRate).toBeCloseTo(0.05, 12);
    expectCloseTo(valuesOf(v), [0.9]);
    saved.dispose();
  });

  it('@ridge/optimizers/fused makes a step of Adam, SGD with momentum, Adagrad and RMSprop one kernel per weight, with the same results as the ops of /base', async () => {
    const values = Array.from({ length: 33 }, (_, i) => Math.sin(i) * 2);
    const gradient = Array.from({ length: 33 }, (_, i) => Math.cos(3 * i));
    // Each optimizer, and the fewest kernels its ops take for one weight's step.
    const optimizers: [string, () => OptimizerBase, number][] = [
      ['adam', () => adam({ learningRate: 0.01 }), 12], // sub, mul, add; square, sub, mul, add; sqrt, add, mul, div, sub
      ['sgd', () => sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 6], // mul; mul, sub; mul, sub; add
      ['adagrad', () => adagrad({ learningRate: 0.1 }), 7], // square, add; mul, add, sqrt, div, sub
      ['rmsprop', () => rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }), 16],
    ];
    const steps = async (fused: boolean) => {
      if (fused) await import('@ridge/optimizers/fused');
      return optimizers.map(([name, make]) => {
        const w = weight(values);
        const opt = make();
        opt.applyGradients([grad(w, gradient)]);
        const kernels = countKernels(() => opt.applyGradients([grad(w, gradient.map((g) => -g / 2))]));
        const result = { name, values: valuesOf(w), kernels };
        opt.dispose();
        return result;
      });
    };
    const ops = await steps(false);
    const fused = await steps(true);
    optimizers.forEach(([name, , least], i) => {
      expect(fused[i]!.values, name).toEqual(ops[i]!.values);
      expect(ops[i]!.kernels, name).toBeGreaterThanOrEqual(least);
      expect(fused[i]!.kernels, name).toBeLessThanOrEqual(2);
    });
  });

  it('@ridge/optimizers/io adds getConfig, fromConfig (Keras JSON too), getWeights and setWeights, and saving a /base model', async () => {
    await import('@ridge/optimizers/io');
    const opt = adam({ learningRate: 0.01, beta1: 0.8 });
    expect(opt.getConfig()).toEqual({
      learningRate: 0.01,
      beta1: 0.8,
      beta2: 0.999,
      epsilon: 1e-7,
      weightDecay: 0,
      excludeFromWeightDecay: [],
      clipNorm: null,
      globalClipNorm: null,
      clipValue: null,
    });
    const fromKeras = Adam.fromConfig({ learning_rate: 0.01, beta_1: 0.8, amsgrad: false, name: 'adam' });
    expect(fromKeras.getConfig()).toEqual(opt.getConfig());
    expect(caughtRidgeError(() => Adam.fromConfig({ amsgrad: true })).message).toContain('Ridge does not implement AMSGrad');

    const w = weight([1, -2]);
    const twin = weight([1, -2]);
    opt.applyGradients([grad(w, [0.5, 1])]);
    tf.tidy(() => twin.variable.assign(w.variable));
    const state = opt.getWeights();
    expect(state.map((s) => s.name)).toEqual(['iterations', 'dense_1/kernel/momentum', 'dense_1/kernel/velocity']);
    fromKeras.setWeights(state);
    tf.dispose(state.map((s) => s.tensor));
    expect(fromKeras.iterations).toBe(1);
    opt.applyGradients([grad(w, [-1, 0.25])]);
    fromKeras.applyGradients([grad(twin, [-1, 0.25])]);
    expectCloseTo(valuesOf(twin), valuesOf(w));
    opt.dispose();
    fromKeras.dispose();

    const m = compiledModel(adam());
    const json = m.toJSON() as { training_config?: { optimizer_config?: { class_name?: string } } };
    expect(json.training_config?.optimizer_config?.class_name).toBe('Adam');
    m.dispose();
  });
});
