import { initBackend } from '@ridge/backend';
import { dense, input, model, type Model } from '@ridge/layers/base';
import { meanSquaredError } from '@ridge/losses/base';
import { sgd } from '@ridge/optimizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rejectedRidgeError } from '../support/caught.js';

/*
 * `@ridge/layers/io` adds saveWeights and loadWeights to models; a `/base` bundle without it has
 * neither, and a weights-only checkpoint names the import (this file runs with its own modules, so
 * no other file's import installs them here).
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** 3 -> 2 Dense with the given kernel and bias. */
function linear(kernel: number[][], bias: number[]): Model {
  const inp = input({ shape: [3] });
  const m = model({ inputs: inp, outputs: dense({ units: 2 }).apply(inp) });
  const init = [tf.tensor2d(kernel), tf.tensor1d(bias)];
  m.setWeights(init);
  tf.dispose(init);
  return m;
}

describe('@ridge/layers/io: saveWeights and loadWeights', () => {
  it('without it, a /base model has neither', () => {
    const m = linear([[1, 2], [3, 4], [5, 6]], [0, 0]);
    for (const name of ['saveWeights', 'loadWeights']) expect(name in m).toBe(false);
    m.dispose();
  });

  it("without it, fit with modelCheckpoint({ saveWeightsOnly: true }) is FEATURE_NOT_LOADED naming '@ridge/layers/io', before any step", async () => {
    const { modelCheckpoint } = await import('@ridge/layers/callbacks');
    const kernel = [[1, 2], [3, 4], [5, 6]];
    const m = linear(kernel, [0, 0]);
    m.compile({ optimizer: sgd(0.1), loss: meanSquaredError() });
    const x = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
    const y = tf.tensor2d([[0, 0], [0, 0]]);
    const before = tf.memory().numTensors;
    const ck = modelCheckpoint({ filepath: 'file://never-written', saveWeightsOnly: true });
    const error = await rejectedRidgeError(() => m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [ck] }));
    expect(error).toMatchObject({ code: 'FEATURE_NOT_LOADED', details: { entry: '@ridge/layers/io' } });
    expect(error.message).toContain('modelCheckpoint({ saveWeightsOnly: true }) needs');
    expect(tf.memory().numTensors).toBe(before);
    expect(ck.saved).toEqual([]);
    const [k] = m.getWeights();
    expect(Array.from(k!.dataSync())).toEqual(kernel.flat());
    tf.dispose([k!, x, y]);
    // A whole-model checkpoint takes the model (its save() names the import when it runs).
    modelCheckpoint({ filepath: 'file://never-written' }).setModel(m);
    m.dispose();
  });

  it('imported, a /base model saves its weights and another loads them', async () => {
    await import('@ridge/layers/io');
    const kernel = [[0.5, -1], [2, 0.25], [-0.75, 1.5]];
    const bias = [0.1, -0.2];
    const source = linear(kernel, bias);
    const target = linear([[0, 0], [0, 0], [0, 0]], [0, 0]);
    let saved: tf.io.ModelArtifacts | undefined;
    await source.saveWeights(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })));
    await target.loadWeights(tf.io.fromMemory(saved!));
    const [k, b] = target.getWeights();
    expect(Array.from(k!.dataSync())).toEqual(kernel.flat());
    expect(Array.from(b!.dataSync())).toEqual(bias.map((v) => Math.fround(v)));
    tf.dispose([k!, b!]);
    source.dispose();
    target.dispose();
  });
});
