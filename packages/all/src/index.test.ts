import * as backend from '@ridge/backend';
import * as core from '@ridge/core';
import * as layers from '@ridge/layers';
import * as losses from '@ridge/losses';
import * as optimizers from '@ridge/optimizers';
import * as regularizers from '@ridge/regularizers';
import * as testing from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import * as all from './index.js';

const PACKAGES = { '@ridge/core': core, '@ridge/backend': backend, '@ridge/regularizers': regularizers, '@ridge/losses': losses, '@ridge/optimizers': optimizers, '@ridge/layers': layers, '@ridge/testing': testing };

describe('@ridge/all', () => {
  it.each(Object.entries(PACKAGES))('re-exports every export of %s, as the same object', (_, pkg) => {
    const namespace = all as Record<string, unknown>;
    const exported = Object.keys(pkg);
    expect(exported.length).toBeGreaterThan(3);
    for (const name of exported) expect(namespace[name], name).toBe((pkg as Record<string, unknown>)[name]);
  });

  it('registers every plugin kind, so every built-in name resolves', () => {
    const names: Record<string, string[]> = {
      regularizer: ['l1', 'l2', 'L1L2', 'l1_l2', 'orthogonal'],
      constraint: ['maxNorm', 'non_neg', 'UnitNorm'],
      loss: ['categoricalCrossentropy', 'mse', 'binary_crossentropy'],
      optimizer: ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'],
      layer: ['Dense', 'Activation', 'Dropout', 'InputLayer'],
      initializer: ['glorotUniform', 'zeros', 'he_normal'],
    };
    for (const [kind, list] of Object.entries(names)) {
      for (const name of list) expect(all.registry(kind as core.Kind).has(name), `${kind} ${name}`).toBe(true);
    }
  });

  it('runs the seed model of DESIGN.md section 7 from this one import', async () => {
    const { activation, dense, initBackend, input, l2, model } = all;
    await initBackend({ prefer: 'cpu', log: false });
    const before = tf.memory().numTensors;
    const inp = input({ name: 'the_input', shape: [null, 12] });
    let x = dense({ units: 16, activation: 'tanh', name: 'dense_1', kernelRegularizer: l2(), biasRegularizer: 'l2', activityRegularizer: l2() }).apply(inp);
    x = dense({ units: 5, name: 'dense_2', kernelRegularizer: 'l2' }).apply(x);
    const y = activation({ activation: 'softmax', name: 'softmax' }).apply(x);
    const m = model({ inputs: inp, outputs: y });
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = tf.randomNormal([20, 3, 12], 0, 1, 'float32', 1);
    const ys = tf.tidy(() => tf.oneHot(tf.randomUniform([20, 3], 0, 5, 'int32', 2) as tf.Tensor2D, 5));
    const history = await m.fit(xs, ys, { epochs: 2, batchSize: 8, validationSplit: 0.2, verbose: 0 });
    expect(history.history['penalty/dense_1/activity']).toHaveLength(2);
    expect(Object.keys(history.history)).toEqual(expect.arrayContaining(['loss', 'data_loss', 'penalty', 'accuracy', 'val_loss', 'penalty/dense_1/kernel']));
    tf.dispose([xs, ys]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
