import { initBackend } from '@ridge/backend';
import { activation, batchNormalization, dense, dropout, input, model, type Model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSystem } from '@ridge/layers';
import { artifactsOf, expectClose, randomize, variables } from '../support/tfjs-layers.js';

/*
 * `model.loadWeights` reads the weights of a model that tfjs-layers 4.22 saved with `model.save`
 * (model.json + weights.bin) into a Ridge model of the same architecture built in code, whose
 * layer names differ (tfjs-layers names them `dense_Dense1`, ...): layers are matched by order.
 * The reference for every prediction is tfjs-layers' own `predict` on the model it saved.
 */

let dir: string;
beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-weights-interop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadWeights reads what tfjs-layers saved', () => {
  it("a Dense/Dropout/Dense/softmax model saved by tfjs-layers to 'file://' predicts the same in Ridge", async () => {
    const tm = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [5], units: 8, activation: 'relu' }),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.dense({ units: 3 }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    });
    randomize(variables(tm), 11);
    const where = path.join(dir, 'tfjs-dense');
    await tm.save(fileSystem(where));
    const manifest = JSON.parse(await readFile(path.join(where, 'model.json'), 'utf8')).weightsManifest[0].weights.map((w: { name: string }) => w.name);
    // tfjs-layers' own names, which no Ridge layer has.
    expect(manifest).toHaveLength(4);
    expect(manifest[0]).toMatch(/^dense_Dense\d+\/kernel$/);

    const inp = input({ shape: [5] });
    let x = dense({ units: 8, activation: 'relu', name: 'hidden' }).apply(inp);
    x = dropout({ rate: 0.2 }).apply(x);
    x = dense({ units: 3, name: 'scores' }).apply(x);
    const rm_ = model({ inputs: inp, outputs: activation({ activation: 'softmax' }).apply(x) });
    const before = tf.memory().numTensors;
    await rm_.loadWeights(`file://${where}`);
    expect(tf.memory().numTensors).toBe(before);
    rm_.weights.forEach((w, i) => expect(Array.from(w.variable.dataSync())).toEqual(Array.from(tm.weights[i]!.read().dataSync())));

    const xs = tf.randomNormal([6, 5], 0, 1, 'float32', 3);
    const expected = tm.predict(xs) as tf.Tensor;
    const actual = rm_.predict(xs) as tf.Tensor;
    expectClose(actual, expected);
    tf.dispose([xs, expected, actual]);
    tm.dispose();
    rm_.dispose();
  });

  it('a frozen first layer, which tfjs-layers writes after the trainable weights, still goes to the first layer', async () => {
    const tin = tfl.input({ shape: [4] });
    let tx = tfl.layers.dense({ units: 6, activation: 'tanh', trainable: false }).apply(tin) as tfl.SymbolicTensor;
    tx = tfl.layers.batchNormalization({}).apply(tx) as tfl.SymbolicTensor;
    const tm = tfl.model({ inputs: tin, outputs: tfl.layers.dense({ units: 2 }).apply(tx) as tfl.SymbolicTensor });
    randomize(variables(tm), 21);
    // The moving variance must be positive: |v| + 0.5.
    const variance = variables(tm).find((v) => v.name.includes('moving_variance'))!;
    const positive = tf.tidy(() => tf.add(tf.abs(variance), 0.5));
    variance.assign(positive);
    positive.dispose();
    const artifacts = await artifactsOf((h) => tm.save(h));
    const order = artifacts.weightSpecs!.map((s) => s.name.split('/')[1]);
    // tfjs-layers' order: trainable weights (gamma, beta, the last kernel and bias), then the
    // non-trainable ones: the frozen kernel and bias, then the moving statistics.
    expect(order).toEqual(['gamma', 'beta', 'kernel', 'bias', 'kernel', 'bias', 'moving_mean', 'moving_variance']);

    const inp = input({ shape: [4] });
    let x = dense({ units: 6, activation: 'tanh' }).apply(inp);
    x = batchNormalization({}).apply(x);
    const rm_: Model = model({ inputs: inp, outputs: dense({ units: 2 }).apply(x) });
    await rm_.loadWeights(tf.io.fromMemory(artifacts));
    const xs = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
    const expected = tm.predict(xs) as tf.Tensor;
    const actual = rm_.predict(xs) as tf.Tensor;
    expectClose(actual, expected);
    tf.dispose([xs, expected, actual]);
    tm.dispose();
    rm_.dispose();
  });

  it('a Ridge model of another architecture is refused, and keeps its weights', async () => {
    const tm = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 8 }), tfl.layers.dense({ units: 3 })] });
    const artifacts = await artifactsOf((h) => tm.save(h));
    const inp = input({ shape: [5] });
    const rm_ = model({ inputs: inp, outputs: dense({ units: 4, name: 'narrow' }).apply(dense({ units: 8, name: 'wide' }).apply(inp)) });
    const kept = rm_.weights.map((w) => Array.from(w.variable.dataSync()));
    const before = tf.memory().numTensors;
    await expect(rm_.loadWeights(tf.io.fromMemory(artifacts))).rejects.toMatchObject({
      code: 'INVALID_WEIGHTS',
      message: expect.stringMatching(/its weight 'narrow\/kernel' has shape \[8, 4\], but the file's layer 'dense_Dense\d+' \(Dense\) stores 'dense_Dense\d+\/kernel' with shape \[8, 3\]/),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(rm_.weights.map((w) => Array.from(w.variable.dataSync()))).toEqual(kept);
    tm.dispose();
    rm_.dispose();
  });
});
