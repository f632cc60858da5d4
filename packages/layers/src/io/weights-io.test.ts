import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWeights } from '../../test/fixtures.js';
import { convModel, denseModel, nestedModel, sequenceModel, values } from '../../test/io-fixtures.js';
import { caught, useCpu } from '../../test/setup.js';
import { dense, input, loadModel, model, sequential, type Model } from '../index.js';

useCpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every weight's values, by position in the model. */
function weightValues(m: Model): number[][] {
  return m.weights.map((w) => Array.from(w.variable.dataSync()));
}

/** Saves through a memory handler and returns what a handler receives. */
async function savedWeights(m: Model, options?: { includeOptimizer?: boolean }): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.saveWeights(
    tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })),
    options,
  );
  return saved!;
}

function ridgeError(error: unknown): RidgeError {
  if (!RidgeError.is(error)) throw error;
  return error;
}

/** Two Dense layers, 4 -> hidden -> out; named only when `names` are given (else auto-generated). */
function mlp(hidden: number, out: number, names?: [string, string], useBias = true): Model {
  const inp = input({ shape: [4] });
  const h = dense({ units: hidden, activation: 'tanh', ...(names ? { name: names[0] } : {}) }).apply(inp);
  return model({ inputs: inp, outputs: dense({ units: out, useBias, ...(names ? { name: names[1] } : {}) }).apply(h) });
}

describe('model.saveWeights and model.loadWeights', () => {
  it("round trip through 'file://': the weights of a model with other layer names are replaced, and it predicts the same", async () => {
    const source = denseModel('wsrc');
    seedWeights(source, 101, 0.5);
    const target = denseModel('wdst');
    // The two models start from different weights (else the test could not fail).
    expect(weightValues(target)).not.toEqual(weightValues(source));
    const where = path.join(dir, 'dense');
    const before = tf.memory().numTensors;
    await source.saveWeights(`file://${where}`);
    expect(tf.memory().numTensors).toBe(before);
    expect((await readdir(where)).sort()).toEqual(['model.weights.bin', 'model.weights.json']);
    // The data is every weight as float32, in layer order: 4*6 + 6 (hidden) + 6*3 + 3 (out) = 51 values.
    expect((await readFile(path.join(where, 'model.weights.bin'))).byteLength).toBe(51 * 4);
    const json = JSON.parse(await readFile(path.join(where, 'model.weights.json'), 'utf8'));
    expect(json.format).toBe('layers-weights');
    expect(json.modelTopology).toEqual({
      weights_of: { class_name: 'Functional', name: 'wsrc_model' },
      layers: [
        { class_name: 'Dense', name: 'wsrc_hidden' },
        { class_name: 'Dense', name: 'wsrc_out' },
      ],
    });
    expect(json.weightsManifest).toEqual([
      {
        paths: ['model.weights.bin'],
        weights: [
          { name: 'wsrc_hidden/kernel', shape: [4, 6], dtype: 'float32' },
          { name: 'wsrc_hidden/bias', shape: [6], dtype: 'float32' },
          { name: 'wsrc_out/kernel', shape: [6, 3], dtype: 'float32' },
          { name: 'wsrc_out/bias', shape: [3], dtype: 'float32' },
        ],
      },
    ]);
    await target.loadWeights(`file://${where}`);
    expect(tf.memory().numTensors).toBe(before);
    expect(weightValues(target)).toEqual(weightValues(source));
    const x = tf.randomNormal([5, 4], 0, 1, 'float32', 7);
    expect(values(target.predict(x) as tf.Tensor)).toEqual(values(source.predict(x) as tf.Tensor));
    x.dispose();
    source.dispose();
    target.dispose();
  });

  it.each([
    ['convolutions, batch normalization (non-trainable statistics) and a shared layer', convModel, () => tf.randomNormal([3, 8, 8, 2], 0, 1, 'float32', 3)],
    ['embedding, LSTM, GRU and SimpleRNN in a sequential model', sequenceModel, () => tf.randomUniform([3, 12], 0, 10, 'int32', 4)],
    ['models nested in a model', nestedModel, () => tf.randomNormal([3, 4], 0, 1, 'float32', 5)],
  ])('round trip through a memory handler: %s', async (_, build, x) => {
    const source = build('msrc');
    seedWeights(source, 202, 0.3);
    const target = build('mdst');
    expect(weightValues(target)).not.toEqual(weightValues(source));
    const before = tf.memory().numTensors;
    const artifacts = await savedWeights(source);
    await target.loadWeights(tf.io.fromMemory(artifacts));
    expect(tf.memory().numTensors).toBe(before);
    expect(weightValues(target)).toEqual(weightValues(source));
    const input = x();
    expect(values(target.predict(input))).toEqual(values(source.predict(input)));
    input.dispose();
    source.dispose();
    target.dispose();
  });

  it("a URL goes through tfjs-core's router, to a store that, like localstorage://, keeps the topology as JSON and needs one", async () => {
    const store = new Map<string, { topology: string; specs: string; data: ArrayBuffer }>();
    const scheme = 'ridge-test-store://';
    const handler = (url: string): tf.io.IOHandler => {
      const key = url.slice(scheme.length);
      return {
        async save(a) {
          store.set(key, { topology: JSON.stringify(a.modelTopology), specs: JSON.stringify(a.weightSpecs), data: tf.io.CompositeArrayBuffer.join(a.weightData).slice(0) });
          return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
        },
        async load() {
          const saved = store.get(key)!;
          // tfjs-core's BrowserLocalStorage.load refuses a missing topology the same way.
          const modelTopology = JSON.parse(saved.topology ?? 'null') as object | null;
          if (modelTopology === null) throw new Error(`the topology of '${key}' is missing`);
          return { modelTopology, weightSpecs: JSON.parse(saved.specs), weightData: saved.data };
        },
      };
    };
    // A router answers null for URLs that are not its own, as tfjs-core's routers do (its type says IOHandler).
    const route = ((url: string | string[]) => (typeof url === 'string' && url.startsWith(scheme) ? handler(url) : null)) as Parameters<typeof tf.io.registerSaveRouter>[0];
    tf.io.registerSaveRouter(route);
    tf.io.registerLoadRouter(route);
    const source = mlp(3, 2);
    seedWeights(source, 808, 1);
    const target = mlp(3, 2);
    expect(weightValues(target)).not.toEqual(weightValues(source));
    await source.saveWeights(`${scheme}ckpt`);
    await target.loadWeights(`${scheme}ckpt`);
    expect(weightValues(target)).toEqual(weightValues(source));
    const unknown = ridgeError(await caught(() => target.loadWeights('no-such-scheme://ckpt')));
    expect(unknown.message).toContain('loadWeights: no handler for "no-such-scheme://ckpt"');
    source.dispose();
    target.dispose();
  });

  it('matches layers by their order in the model, not by their names (as Keras 3 does)', async () => {
    // Both layers of each model are [4, 4] -> the same shapes, so only the order decides.
    const source = mlp(4, 4, ['first', 'second']);
    seedWeights(source, 303, 1);
    const swapped = mlp(4, 4, ['second', 'first']);
    await swapped.loadWeights(tf.io.fromMemory(await savedWeights(source)));
    // swapped's first layer (named 'second') took the source's first layer.
    expect(weightValues(swapped)).toEqual(weightValues(source));
    expect(swapped.weights[0]!.path).toBe('second/kernel');
    // Auto-generated names differ from one model to the next; the order is the same.
    const auto = mlp(4, 4);
    expect(auto.weights[0]!.path).not.toBe('first/kernel');
    await auto.loadWeights(tf.io.fromMemory(await savedWeights(source)));
    expect(weightValues(auto)).toEqual(weightValues(source));
    for (const m of [source, swapped, auto]) m.dispose();
  });

  it('refuses a shape mismatch naming the layer, the weight and both shapes, and changes nothing', async () => {
    const source = mlp(6, 3, ['hidden', 'out']);
    seedWeights(source, 404, 1);
    const artifacts = await savedWeights(source);
    // The first layer matches; the second has 2 units instead of 3, so a loader that assigned as it
    // went would have changed the first layer before finding the mismatch.
    const target = mlp(6, 2, ['h2', 'o2']);
    const kept = weightValues(target);
    const before = tf.memory().numTensors;
    const error = ridgeError(await caught(() => target.loadWeights(tf.io.fromMemory(artifacts))));
    expect(error.code).toBe('INVALID_WEIGHTS');
    expect(error.message).toContain("layer 'o2': its weight 'o2/kernel' has shape [6, 2], but the file's layer 'out' (Dense) stores 'out/kernel' with shape [6, 3]");
    expect(error.message).toContain('this is layer 2 of 2');
    expect(error.message).toContain('Nothing was loaded');
    expect(error.message).toContain('skipMismatch: true');
    expect(error.details).toMatchObject({ layer: 'o2', weight: 'o2/kernel', expected: [6, 2], received: [6, 3] });
    expect(tf.memory().numTensors).toBe(before);
    expect(weightValues(target)).toEqual(kept);
    source.dispose();
    target.dispose();
  });

  it('refuses a weight count or layer count that differs', async () => {
    const source = mlp(5, 2);
    const artifacts = await savedWeights(source);
    const noBias = mlp(5, 2, undefined, false);
    const countError = ridgeError(await caught(() => noBias.loadWeights(tf.io.fromMemory(artifacts))));
    expect(countError.code).toBe('INVALID_WEIGHTS');
    expect(countError.message).toMatch(/layer '\w+' has 1 weight\(s\) \('kernel'\), the file's layer '\w+' \(Dense\) has 2 \('kernel', 'bias'\)/);
    // One Dense layer of the same first shape: the file's second layer matches nothing.
    const inp = input({ shape: [4] });
    const single = model({ inputs: inp, outputs: dense({ units: 5, activation: 'tanh' }).apply(inp) });
    const kept = weightValues(single);
    const layerError = ridgeError(await caught(() => single.loadWeights(tf.io.fromMemory(artifacts))));
    expect(layerError.message).toContain('the file has 2 layer(s) with weights');
    expect(layerError.message).toContain('has 1;');
    expect(weightValues(single)).toEqual(kept);
    // A sequential model without an input shape has no weights yet: the error says how to build it.
    const unbuilt = sequential({ layers: [dense({ units: 5 }), dense({ units: 2 })] });
    const unbuiltError = ridgeError(await caught(() => unbuilt.loadWeights(tf.io.fromMemory(artifacts))));
    expect(unbuiltError.message).toContain('give its first layer an inputShape');
    for (const m of [source, noBias, single, unbuilt]) m.dispose();
  });

  it('a sequential model that is not built yet is refused, as Keras 3 refuses it: saveWeights writes nothing, loadWeights reads nothing', async () => {
    // Keras 3's saving_lib.save_weights_only and load_weights_only raise a ValueError for
    // `not model.built` ("Try building the model first by calling it on some data"), before any file is opened.
    const layers = () => [dense({ units: 3, activation: 'tanh' }), dense({ units: 2 })];
    const late = sequential({ name: 'late', layers: layers() });
    expect(late.built).toBe(false);
    const source = sequential({ layers: [dense({ units: 3, activation: 'tanh', inputShape: [4] }), dense({ units: 2 })] });
    seedWeights(source, 909, 1);
    const artifacts = await savedWeights(source);
    const where = path.join(dir, 'unbuilt');
    let writes = 0;
    let reads = 0;
    const writer = tf.io.withSaveHandler(async (a) => (writes++, { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }));
    const reader: tf.io.IOHandler = { load: async () => (reads++, artifacts) };
    const before = tf.memory().numTensors;
    for (const target of [`file://${where}`, writer]) {
      const error = ridgeError(await caught(() => late.saveWeights(target)));
      expect(error.code).toBe('NOT_COMPILED');
      expect(error.message).toContain("saveWeights: Sequential 'late' is not built yet, so it has no weights to save; nothing was written.");
      expect(error.message).toContain('give its first layer an inputShape (or start it with input({ shape })), or call fit or predict on data once');
      expect(error.details).toEqual({ model: 'late' });
    }
    expect(writes).toBe(0);
    await expect(readdir(where)).rejects.toMatchObject({ code: 'ENOENT' });
    // A path that does not exist is not read either: the refusal comes first, not "No weights at".
    for (const from of [reader, `file://${where}`]) {
      const error = ridgeError(await caught(() => late.loadWeights(from)));
      expect(error.code).toBe('NOT_COMPILED');
      expect(error.message).toContain("loadWeights: Sequential 'late' is not built yet, so it has no weights to load into; nothing was read.");
    }
    expect(reads).toBe(0);
    expect(late.built).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    // Built by its first data, it takes the weights, and saves them.
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 11);
    tf.dispose(late.predict(x));
    expect(late.built).toBe(true);
    expect(weightValues(late)).not.toEqual(weightValues(source));
    await late.loadWeights(reader);
    expect(reads).toBe(1);
    expect(weightValues(late)).toEqual(weightValues(source));
    expect(values(late.predict(x))).toEqual(values(source.predict(x)));
    await late.saveWeights(`file://${where}`);
    expect((await readdir(where)).sort()).toEqual(['model.weights.bin', 'model.weights.json']);
    x.dispose();
    source.dispose();
    late.dispose();
  });

  it('skipMismatch loads the layers that match and names each skipped layer in one warning', async () => {
    // Three Dense layers 4 -> 3 -> 5 -> 2; the target's middle layer has 4 units, so the middle and the last layer differ.
    const build = (middle: number): Model => {
      const inp = input({ shape: [4] });
      const a = dense({ units: 3 }).apply(inp);
      const b = dense({ units: middle }).apply(a);
      return model({ inputs: inp, outputs: dense({ units: 2 }).apply(b) });
    };
    const source = build(5);
    seedWeights(source, 505, 1);
    const target = build(4);
    const kept = weightValues(target);
    const warnings: string[] = [];
    const before = tf.memory().numTensors;
    await target.loadWeights(tf.io.fromMemory(await savedWeights(source)), { skipMismatch: true, onWarning: (w) => warnings.push(w) });
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings).toHaveLength(1);
    const [, middle, last] = target.layers.slice(1).map((l) => l.name);
    expect(warnings[0]).toContain('skipped 2 layer(s)');
    expect(warnings[0]).toContain(`layer '${middle}': its weight '${middle}/kernel' has shape [3, 4]`);
    expect(warnings[0]).toContain(`layer '${last}': its weight '${last}/kernel' has shape [4, 2]`);
    const now = weightValues(target);
    // The first layer (kernel and bias) is the source's; the skipped layers keep their weights.
    expect(now.slice(0, 2)).toEqual(weightValues(source).slice(0, 2));
    expect(now.slice(2)).toEqual(kept.slice(2));
    source.dispose();
    target.dispose();
  });

  it("reads the weights of a save(): its model.json, or model.weights.json first when a directory holds both", async () => {
    const saved = mlp(3, 2);
    seedWeights(saved, 606, 1);
    const other = mlp(3, 2);
    seedWeights(other, 707, 1);
    const where = path.join(dir, 'both');
    await saved.save(`file://${where}`);
    const target = mlp(3, 2);
    await target.loadWeights(`file://${where}`);
    expect(weightValues(target)).toEqual(weightValues(saved));
    await target.loadWeights(`file://${where}/model.json`);
    expect(weightValues(target)).toEqual(weightValues(saved));
    // saveWeights writes beside save()'s files without touching them.
    await other.saveWeights(`file://${where}`);
    expect((await readdir(where)).sort()).toEqual(['model.json', 'model.weights.bin', 'model.weights.json', 'weights.bin']);
    await target.loadWeights(`file://${where}`);
    expect(weightValues(target)).toEqual(weightValues(other));
    const loaded = await loadModel(`file://${where}`);
    expect(weightValues(loaded)).toEqual(weightValues(saved));
    for (const m of [saved, other, target, loaded]) m.dispose();
  });

  it('restores the optimizer state under the new model weight paths with includeOptimizer: the next step is the same', async () => {
    const x = tf.tensor2d([[1, 2, 0, -1], [0.5, -1, 2, 1], [0, 0, 1, 1]]);
    const y = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const source = mlp(3, 2);
    source.compile({ optimizer: 'adam', loss: 'mse' });
    await source.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
    const artifacts = await savedWeights(source, { includeOptimizer: true });
    expect(artifacts.weightSpecs!.filter((s) => s.group === 'optimizer').map((s) => s.name)).toContain('iterations');
    const target = mlp(3, 2);
    target.compile({ optimizer: 'adam', loss: 'mse' });
    const warnings: string[] = [];
    await target.loadWeights(tf.io.fromMemory(artifacts), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(target.optimizer!.iterations).toBe(2);
    // The reference is the source going on: a third Adam step from the same moments and step count.
    await source.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    await target.fit(x, y, { epochs: 1, batchSize: 3, verbose: 0 });
    weightValues(target).forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(weightValues(source)[i]![j]!, 6)));
    // Without includeOptimizer the file holds none, and the step count starts again.
    const fresh = mlp(3, 2);
    fresh.compile({ optimizer: 'adam', loss: 'mse' });
    await fresh.loadWeights(tf.io.fromMemory(await savedWeights(source)));
    expect(fresh.optimizer!.iterations).toBe(0);
    tf.dispose([x, y]);
    for (const m of [source, target, fresh]) m.dispose();
  });

  it('refuses bad options and targets before reading or writing, and a disposed model', async () => {
    const m = mlp(2, 1);
    const empty = (): tf.io.IOHandler => tf.io.fromMemory({ modelTopology: {} });
    const misspelt = ridgeError(await caught(() => m.loadWeights(empty(), { skip_mismatch: true } as never)));
    expect(misspelt.code).toBe('INVALID_ARGUMENT');
    expect(misspelt.message).toContain("did you mean 'skipMismatch'?");
    const notBoolean = ridgeError(await caught(() => m.loadWeights(empty(), { skipMismatch: 'yes' as never })));
    expect(notBoolean.message).toContain('skipMismatch');
    expect(notBoolean.message).toContain('received "yes"');
    const target = ridgeError(await caught(() => m.saveWeights(42 as never)));
    expect(target.message).toContain('saveWeights: target must be');
    expect(target.message).toContain('42');
    const optimizerFlag = ridgeError(await caught(() => m.saveWeights('file://never-written', { includeOptimizer: 1 as never })));
    expect(optimizerFlag.message).toContain('includeOptimizer');
    const missing = ridgeError(await caught(() => m.loadWeights(`file://${path.join(dir, 'nothing-here')}`)));
    expect(missing.message).toContain('No weights at');
    const loadModelError = ridgeError(await caught(async () => loadModel(tf.io.fromMemory(await savedWeights(m)))));
    expect(loadModelError.code).toBe('INVALID_JSON');
    expect(loadModelError.message).toContain('model.loadWeights');
    m.dispose();
    const disposed = ridgeError(await caught(() => m.loadWeights(empty())));
    expect(disposed.message).toContain('was disposed');
  });
});
