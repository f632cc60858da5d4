/**
 * `model.save()` of a model that is not built yet: Keras 3's saving_lib.save_model warns ("You are
 * saving a model that has not yet been built. It might not contain any weights yet.") and saves;
 * Ridge does the same through `onWarning`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense, loadModel, sequential } from '../index.js';
import { useCpu } from '../../test/setup.js';

useCpu();

async function saved(m: { save: (h: tf.io.IOHandler, o: object) => Promise<unknown> }, options: object): Promise<tf.io.ModelArtifacts> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })), options);
  return artifacts!;
}

describe('save() of a model that is not built', () => {
  it('saves the architecture with no weights and one warning naming the model and how to build it, in both formats', async () => {
    const before = tf.memory().numTensors;
    const late = sequential({ name: 'late', layers: [dense({ units: 3, activation: 'tanh' }), dense({ units: 2 })] });
    expect(late.built).toBe(false);
    for (const format of ['ridge', 'tfjs-layers'] as const) {
      const warnings: string[] = [];
      const artifacts = await saved(late, { format, onWarning: (w: string) => warnings.push(w) });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("save: Sequential 'late' is not built yet, so it has no weights");
      expect(warnings[0]).toContain('give its first layer an inputShape (or start it with input({ shape })), or call fit or predict on data once');
      expect(artifacts.weightSpecs).toEqual([]);
      expect((artifacts.modelTopology as { config: { layers: unknown[] } }).config.layers).toHaveLength(2);
      // The file loads: the same architecture, still unbuilt, with no weights.
      const again = await loadModel(tf.io.fromMemory(artifacts));
      expect(again.layers.map((l) => l.className)).toEqual(['Dense', 'Dense']);
      expect(again.built).toBe(false);
      again.dispose();
    }
    expect(late.built).toBe(false);
    late.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a built model saves its weights with no warning', async () => {
    const m = sequential({ layers: [dense({ units: 3, inputShape: [4], name: 'a' }), dense({ units: 2, name: 'b' })] });
    const warnings: string[] = [];
    const artifacts = await saved(m, { onWarning: (w: string) => warnings.push(w) });
    expect(warnings).toEqual([]);
    // Two Dense layers: a kernel and a bias each, 4*3 + 3 + 3*2 + 2 values.
    expect(artifacts.weightSpecs!.map((s) => s.name)).toEqual(['a/kernel', 'a/bias', 'b/kernel', 'b/bias']);
    expect((artifacts.weightData as ArrayBuffer).byteLength).toBe((4 * 3 + 3 + 3 * 2 + 2) * 4);
    m.dispose();
  });
});
