import { RidgeError, registry, type JsonObject } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cube, cubeEntry, denseModel } from '../../test/io-fixtures.js';
import { caught, useCpu } from '../../test/setup.js';
import { dense, input, loadModel, model, modelFromJSON, type Model } from '../index.js';

useCpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-io-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function artifactsOf(m: Model): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })));
  return saved!;
}

/** Runs a failing load and checks that it is a RidgeError with that code and left no tensor behind. */
async function rejects(code: string, fn: () => unknown): Promise<RidgeError> {
  const before = tf.memory().numTensors;
  const error = await caught(fn);
  expect(RidgeError.is(error), String(error)).toBe(true);
  expect((error as RidgeError).code).toBe(code);
  expect(tf.memory().numTensors).toBe(before);
  return error as RidgeError;
}

let base: tf.io.ModelArtifacts;
let original: Model;
beforeAll(async () => {
  original = denseModel('bad');
  base = await artifactsOf(original);
});

function topology(): JsonObject {
  return structuredClone(base.modelTopology) as JsonObject;
}

function layersOf(t: JsonObject): JsonObject[] {
  return (t['config'] as JsonObject)['layers'] as unknown as JsonObject[];
}

describe('unregistered class names', () => {
  it('a plugin regularizer that is not imported: UNKNOWN_NAME, naming the package to import', async () => {
    const m = denseModel('plug');
    (m.getLayer('plug_out') as unknown as { kernel: { regularizer: unknown } }).kernel.regularizer = new Cube();
    const artifacts = await artifactsOf(m);
    m.dispose();
    registry('regularizer').unregister('test-plugin>Cube');
    try {
      const error = await rejects('UNKNOWN_NAME', () => loadModel(tf.io.fromMemory(artifacts)));
      expect(error.message).toContain('Unknown regularizer "test-plugin>Cube"');
      expect(error.message).toContain("import 'test-plugin'");
      expect(error.message).toContain("'plug_out'");
    } finally {
      registry('regularizer').register(cubeEntry);
    }
  });

  it('a layer class nobody registered: UNKNOWN_NAME with its package', async () => {
    const t = topology();
    layersOf(t).push({
      name: 'widget',
      class_name: 'acme-layers>Widget',
      config: { name: 'widget' },
      inbound_nodes: [[['bad_softmax', 0, 0, {}]]],
    });
    const error = await rejects('UNKNOWN_NAME', () => loadModel(tf.io.fromMemory({ ...base, modelTopology: t })));
    expect(error.message).toContain("import 'acme-layers'");
    expect(error.message).toContain('layers[5]');
  });

  it('a built-in layer whose family is not registered says to import @ridge/layers', async () => {
    const t = topology();
    // A Keras 3 layer Ridge does not have (ConvLSTM3D and RandomFlip, the examples here before, are now Ridge layers).
    layersOf(t)[1]!['class_name'] = 'HashedCrossing';
    const error = await rejects('UNKNOWN_NAME', () => modelFromJSON(t));
    expect(error.message).toContain("import '@ridge/layers'");
  });

  it("a model-level rule's unregistered regularizer leaves the model uncompiled, and says why", () => {
    const m = denseModel('rule');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: new Cube(), include: 'kernels' } });
    const json = m.toJSON();
    m.dispose();
    registry('regularizer').unregister('test-plugin>Cube');
    try {
      const warnings: string[] = [];
      const loaded = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
      expect(loaded.isCompiled).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain("import 'test-plugin'");
      expect(warnings[0]).toContain('without its compile state');
      loaded.dispose();
    } finally {
      registry('regularizer').register(cubeEntry);
    }
  });
});

describe('malformed JSON', () => {
  it('text that is not JSON', async () => {
    const error = await rejects('INVALID_JSON', () => modelFromJSON('{"class_name": "Model", '));
    expect(error.message).toContain('not valid JSON');
  });

  it('a topology without class_name, or without layers', async () => {
    expect((await rejects('INVALID_JSON', () => modelFromJSON({ config: {} }))).message).toContain('class_name');
    const error = await rejects('INVALID_JSON', () => modelFromJSON({ class_name: 'Model', config: { name: 'm' } }));
    expect(error.message).toContain('modelTopology.config.layers must be a list');
  });

  it('a call that refers to a layer the model does not have, found after layers were built', async () => {
    const t = topology();
    const inbound = layersOf(t)[3]!['inbound_nodes'] as unknown as unknown[][][];
    inbound[0]![0]![0] = 'bad_nowhere';
    const error = await rejects('INVALID_JSON', () => loadModel(tf.io.fromMemory({ ...base, modelTopology: t })));
    expect(error.message).toContain("layer 'bad_out' needs layer 'bad_nowhere', which is not in the model");
  });

  it('a malformed tensor reference and a bad selector in the training config', async () => {
    const t = topology();
    (t['config'] as JsonObject)['output_layers'] = [['bad_softmax', 'zero', 0]];
    expect((await rejects('INVALID_JSON', () => modelFromJSON(t))).message).toContain('output_layers[0]');
    const m = denseModel('badrule');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: 'kernels' } });
    const json = m.toJSON();
    m.dispose();
    ((json.training_config!['ridge_regularization'] as JsonObject[])[0]!)['include'] = 42;
    const error = await rejects('INVALID_JSON', () => modelFromJSON(json));
    expect(error.message).toContain('ridge_regularization[0].include must be a selector');
  });

  it('a model.json that is not JSON, and a missing directory', async () => {
    const target = path.join(dir, 'broken');
    const m = denseModel('broken');
    await m.save(`file://${target}`);
    m.dispose();
    await writeFile(path.join(target, 'model.json'), '{ "modelTopology": ');
    expect((await rejects('INVALID_JSON', () => loadModel(`file://${target}`))).message).toContain('model.json');
    expect((await rejects('INVALID_ARGUMENT', () => loadModel(`file://${path.join(dir, 'nothing-here')}`))).message).toContain('does not exist');
  });

  it('a graph model is named as such', async () => {
    const error = await rejects('INVALID_JSON', () => loadModel(tf.io.fromMemory({ ...base, format: 'graph-model' })));
    expect(error.message).toContain('tf.loadGraphModel');
  });
});

describe('weights that do not fit', () => {
  const specs = () => structuredClone(base.weightSpecs!);
  const data = () => tf.io.CompositeArrayBuffer.join(base.weightData!);

  it('a truncated weights file: the sizes and the first weight that does not fit', async () => {
    const error = await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightData: data().slice(0, 100) })));
    // bad_hidden/kernel [4, 6] and bias [6] take 120 bytes, so the first that does not fit is the bias.
    expect(error.message).toContain('has 100 bytes');
    expect(error.message).toContain("'bad_hidden/bias'");
    expect(error.message).toContain(`${(24 + 6 + 18 + 3) * 4} bytes`);
  });

  it('a weights file with extra bytes', async () => {
    const longer = new Uint8Array(data().byteLength + 8);
    longer.set(new Uint8Array(data()));
    const error = await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightData: longer.buffer })));
    expect(error.message).toContain(`has ${(24 + 6 + 18 + 3) * 4 + 8} bytes`);
  });

  it('a weight stored with the wrong dtype, or a dtype a layers model cannot hold', async () => {
    const asInt = specs();
    asInt[2]!.dtype = 'int32';
    const error = await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightSpecs: asInt })));
    expect(error.message).toBe("'bad_out/kernel' is stored as int32, but the weight is float32.");
    const asComplex = specs();
    asComplex[0]!.dtype = 'complex64';
    expect((await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightSpecs: asComplex })))).message).toContain(
      "'bad_hidden/kernel' is stored as \"complex64\"",
    );
  });

  it('a missing weight is named, with its shape', async () => {
    const all = specs();
    const without = all.filter((s) => s.name !== 'bad_out/bias');
    const error = await rejects('INVALID_WEIGHTS', () =>
      loadModel(tf.io.fromMemory({ ...base, weightSpecs: without, weightData: data().slice(0, (24 + 6 + 18) * 4) })),
    );
    expect(error.message).toContain("no value for 'bad_out/bias' (the first has shape [3], float32)");
  });

  it('a weight of another shape, and a weight the model does not have', async () => {
    const reshaped = specs();
    reshaped[0]!.shape = [6, 4];
    expect((await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightSpecs: reshaped })))).message).toBe(
      "'bad_hidden/kernel' is stored with shape [6, 4], but the weight has shape [4, 6].",
    );
    const renamed = specs();
    renamed[3]!.name = 'bad_other/bias';
    const error = await rejects('INVALID_WEIGHTS', () => loadModel(tf.io.fromMemory({ ...base, weightSpecs: renamed })));
    expect(error.message).toContain("no value for 'bad_out/bias'");
  });

  it('a weights file that model.json lists but that is not there', async () => {
    const target = path.join(dir, 'nobin');
    const m = denseModel('nobin');
    await m.save(`file://${target}`);
    m.dispose();
    await rm(path.join(target, 'weights.bin'));
    expect((await rejects('INVALID_WEIGHTS', () => loadModel(`file://${target}`))).message).toContain('weights.bin');
  });
});

describe('what cannot be saved', () => {
  it('a predicate selector in the model-level rules: the error says so, and nothing is written', async () => {
    const inp = input({ shape: [2] });
    const m = model({ inputs: inp, outputs: dense({ units: 1 }).apply(inp) });
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l2', include: (w) => w.path.endsWith('kernel') } });
    const target = path.join(dir, 'predicate');
    const error = await rejects('INVALID_CONFIG', () => m.save(`file://${target}`));
    expect(error.message).toContain('regularization.include');
    expect(error.message).toContain('a predicate has no JSON form');
    await expect(readdir(target)).rejects.toThrow();
    expect(() => m.toJSON()).toThrow(/predicate/);
    m.dispose();
  });

  it('an unknown target, and an unknown format', async () => {
    const m = denseModel('target');
    expect((await rejects('INVALID_ARGUMENT', () => m.save('ftp://somewhere'))).message).toContain("'file://<dir>'");
    expect(() => m.toJSON({ format: 'keras' as never })).toThrow(/'ridge' or 'tfjs-layers'/);
    m.dispose();
  });

  it('an unknown load option or a non-boolean compile is refused before anything is read', async () => {
    let reads = 0;
    const handler: tf.io.IOHandler = { load: async () => (reads++, base) };
    const typo = await rejects('INVALID_ARGUMENT', () => loadModel(handler, { complie: false } as never));
    expect(typo.message).toMatch(/^loadModel: unknown option "complie" \(did you mean 'compile'\?\)/);
    const notBoolean = await rejects('INVALID_ARGUMENT', () => loadModel(handler, { compile: 'no' as never }));
    expect(notBoolean.message).toMatch(/^loadModel: compile must be true or false; received "no"/);
    expect(reads).toBe(0);
    const json = (await artifactsOf(original)).modelTopology as JsonObject;
    expect((await rejects('INVALID_ARGUMENT', () => modelFromJSON(json, { onwarning: () => {} } as never))).message).toMatch(
      /^modelFromJSON: unknown option "onwarning" \(did you mean 'onWarning'\?\)/,
    );
    const loaded = await loadModel(handler, { compile: false, onWarning: () => {}, io: {} });
    expect(reads).toBe(1);
    loaded.dispose();
  });

  it('an unknown save option or a non-boolean includeOptimizer is refused, and nothing is written', async () => {
    // A typo must not save a checkpoint without the optimizer state it was meant to carry.
    const m = denseModel('save_options');
    let writes = 0;
    const handler = tf.io.withSaveHandler(async (a) => (writes++, { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) }));
    const typo = await rejects('INVALID_ARGUMENT', () => m.save(handler, { includeOptimzer: true } as never));
    expect(typo.message).toMatch(/^save: unknown option "includeOptimzer" \(did you mean 'includeOptimizer'\?\)/);
    const notBoolean = await rejects('INVALID_ARGUMENT', () => m.save(handler, { includeOptimizer: 'yes' as never }));
    expect(notBoolean.message).toMatch(/includeOptimizer must be true or false; received "yes"/);
    expect(notBoolean.details['argument']).toBe('includeOptimizer');
    expect(writes).toBe(0);
    await m.save(handler, { includeOptimizer: false, format: 'tfjs-layers', onWarning: () => {}, userDefinedMetadata: { run: 1 } });
    expect(writes).toBe(1);
    m.dispose();
  });
});

afterAll(() => {
  original.dispose();
});
