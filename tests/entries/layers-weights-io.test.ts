import { initBackend } from '@ridge/backend';
import { dense, input, model, type Model } from '@ridge/layers/base';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

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

  it("without it, modelCheckpoint({ saveWeightsOnly: true }) refuses a /base model when fit sets it, naming '@ridge/layers/io'", async () => {
    const { modelCheckpoint } = await import('@ridge/layers/callbacks');
    const m = linear([[1, 2], [3, 4], [5, 6]], [0, 0]);
    const ck = modelCheckpoint({ filepath: 'file://never-written', saveWeightsOnly: true });
    let error: unknown;
    try {
      ck.setModel(m);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'FEATURE_NOT_LOADED', details: { entry: '@ridge/layers/io' } });
    expect((error as Error).message).toContain('modelCheckpoint({ saveWeightsOnly: true }) needs');
    // A whole-model checkpoint takes the model: its save() names the import when it runs.
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
