import { RidgeError, type JsonObject } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { numbers, useCpu } from '../../test/setup.js';
import { modelFromArtifacts } from './load.js';
import { activation, dense, input, loadModel, lstm, model, modelFromJSON, sequential, type Model } from '../index.js';

useCpu();

afterEach(() => {
  vi.restoreAllMocks();
});

const legacy = (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5));
const keras3 = (x: number): number => Math.min(6, Math.max(0, x + 3)) / 6;

/**
 * One Dense unit with kernel [1, 1] and bias 0: its output is `f(x0 + x1)`, so each row of
 * `X` below checks `f` at one point, on both forms' slopes and past the clip form's kinks.
 */
const X = [
  [0.5, 0.5],
  [-1, -0.5],
  [2, 0.7],
  [-2, -0.8],
];
const sums = X.map(([a, b]) => a! + b!);

/** A model with each form of hard_sigmoid: two Dense layers side by side, and an Activation layer after each. */
function twoForms(prefix: string): Model {
  const inp = input({ shape: [2], name: `${prefix}_in` });
  const ones = { units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' } as const;
  const k3 = dense({ ...ones, activation: 'hard_sigmoid', name: `${prefix}_k3` }).apply(inp);
  const old = dense({ ...ones, activation: 'hard_sigmoid_legacy', name: `${prefix}_legacy` }).apply(inp);
  const k3b = activation({ activation: 'hardSigmoid', name: `${prefix}_k3_act` }).apply(k3);
  const oldb = activation({ activation: 'hardSigmoidLegacy', name: `${prefix}_legacy_act` }).apply(old);
  return model({ inputs: inp, outputs: [k3, old, k3b, oldb], name: `${prefix}_model` });
}

function outputs(m: Model): number[][] {
  const x = tf.tensor2d(X);
  const ys = m.predict(x) as tf.Tensor[];
  const out = ys.map(numbers);
  tf.dispose([x, ...ys]);
  return out;
}

/** What `twoForms` computes when Dense layers use `dense` and Activation layers `act`. */
function expected(dense3: (x: number) => number, denseOld: (x: number) => number, act3: (x: number) => number, actOld: (x: number) => number): number[][] {
  return [sums.map(dense3), sums.map(denseOld), sums.map((s) => act3(dense3(s))), sums.map((s) => actOld(denseOld(s)))];
}

function expectOutputs(m: Model, want: number[][]): void {
  outputs(m).forEach((col, j) => col.forEach((v, i) => expect(v).toBeCloseTo(want[j]![i]!, 6)));
}

function layerActivations(m: Model): Record<string, string> {
  return Object.fromEntries(m.layers.filter((l) => 'activation' in l).map((l) => [l.name, (l as unknown as { activation: string }).activation]));
}

async function artifactsOf(m: Model, options: Parameters<Model['save']>[1] = {}): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await m.save(
    tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) })),
    options,
  );
  return saved!;
}

/** A one-layer topology as another library writes it: Dense with `hard_sigmoid`, LSTM with it as gate. */
function foreignTopology(labels: JsonObject, keras3Form = false): JsonObject {
  const entry = (className: string, config: JsonObject): JsonObject =>
    keras3Form ? { module: 'keras.layers', class_name: className, config, registered_name: null } : { class_name: className, config };
  return {
    ...entry('Sequential', {
      name: 'foreign',
      layers: [
        entry('Dense', { name: 'f_dense', units: 3, activation: 'hard_sigmoid', batch_input_shape: [null, 4, 2] }),
        entry('LSTM', { name: 'f_lstm', units: 2, recurrent_activation: 'hard_sigmoid', activation: 'tanh' }),
        entry('Activation', { name: 'f_act', activation: 'hard_sigmoid' }),
      ],
    }),
    ...labels,
  };
}

function load(json: unknown): { m: Model; warnings: string[]; activations: Record<string, string> } {
  const warnings: string[] = [];
  const m = modelFromJSON(json, { onWarning: (w) => warnings.push(w) });
  const activations = { ...layerActivations(m), f_lstm_gate: (m.layers.find((l) => l.name === 'f_lstm') as unknown as { recurrentActivation: string }).recurrentActivation };
  return { m, warnings, activations };
}

const allLegacy = { f_dense: 'hard_sigmoid_legacy', f_lstm: 'tanh', f_act: 'hard_sigmoid_legacy', f_lstm_gate: 'hard_sigmoid_legacy' };
const allKeras3 = { f_dense: 'hard_sigmoid', f_lstm: 'tanh', f_act: 'hard_sigmoid', f_lstm_gate: 'hard_sigmoid' };

describe("Ridge's format keeps each form", () => {
  it('toJSON writes both names and ridge_format; modelFromJSON and save/loadModel give the same maths back', async () => {
    const before = tf.memory().numTensors;
    const m = twoForms('rt');
    const want = expected(keras3, legacy, keras3, legacy);
    expectOutputs(m, want);
    const json = m.toJSON();
    expect(json.ridge_format).toBe('ridge');
    const configs = (json.config['layers'] as JsonObject[]).map((l) => (l['config'] as JsonObject)['activation']);
    expect(configs).toEqual([undefined, 'hard_sigmoid', 'hard_sigmoid_legacy', 'hard_sigmoid', 'hard_sigmoid_legacy']);
    const warnings: string[] = [];
    const copy = modelFromJSON(JSON.stringify(json), { onWarning: (w) => warnings.push(w) });
    expect(layerActivations(copy)).toEqual(layerActivations(m));
    expect(copy.toJSON()).toEqual(json);
    expectOutputs(copy, want);
    const loaded = await loadModel(tf.io.fromMemory(await artifactsOf(m)), { onWarning: (w) => warnings.push(w) });
    expectOutputs(loaded, want);
    expect(warnings).toEqual([]);
    for (const x of [m, copy, loaded]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("the 'tfjs-layers' format", () => {
  it("writes the legacy form as 'hard_sigmoid', and names the layers whose Keras 3 form it cannot write", async () => {
    const m = twoForms('tj');
    const warnings: string[] = [];
    const artifacts = await artifactsOf(m, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) });
    const topology = artifacts.modelTopology as JsonObject;
    expect(topology['ridge_format']).toBe('tfjs-layers');
    const configs = ((topology['config'] as JsonObject)['layers'] as JsonObject[]).map((l) => (l['config'] as JsonObject)['activation']);
    expect(configs).toEqual([undefined, 'hard_sigmoid', 'hard_sigmoid', 'hard_sigmoid', 'hard_sigmoid']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'tj_k3', 'tj_k3_act'");
    expect(warnings[0]).not.toContain("'tj_legacy'");
    expect(warnings[0]).toContain('clip(0.2 x + 0.5, 0, 1)');
    // toJSON takes onWarning too; without it, the warning goes to the console.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const toJSONWarnings: string[] = [];
    expect(m.toJSON({ format: 'tfjs-layers', onWarning: (w) => toJSONWarnings.push(w) })).toEqual(topology);
    expect(toJSONWarnings).toEqual(warnings);
    expect(warn).not.toHaveBeenCalled();
    expect(m.toJSON({ format: 'tfjs-layers' })).toEqual(topology);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain("'tj_k3', 'tj_k3_act'");
    // an onWarning that is not a function is refused before anything is written
    const calls: (() => unknown)[] = [() => m.toJSON({ onWarning: 'log' as never }), () => artifactsOf(m, { onWarning: 42 as never })];
    for (const call of calls) {
      const error = await Promise.resolve().then(call).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(RidgeError);
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'onWarning' } });
      expect((error as Error).message).toMatch(/(toJSON|save): onWarning must be a function/);
    }
    // ... and so is one given to loadModel, modelFromArtifacts or modelFromJSON, before anything is
    // read or built (the handler's load is never called, no tensor is made).
    const reads = { count: 0 };
    const handler: tf.io.IOHandler = {
      load: async () => {
        reads.count++;
        return artifacts;
      },
    };
    const tensors = tf.memory().numTensors;
    const loads: [string, () => unknown][] = [
      ['loadModel', () => loadModel(handler, { onWarning: 'log' as never })],
      ['modelFromArtifacts', () => modelFromArtifacts(artifacts, { onWarning: 42 as never })],
      ['modelFromJSON', () => modelFromJSON(topology, { onWarning: {} as never })],
    ];
    for (const [call, load] of loads) {
      const error = await Promise.resolve().then(load).then(() => undefined, (e: unknown) => e);
      expect(error, call).toMatchObject({ code: 'INVALID_ARGUMENT', details: { argument: 'onWarning' } });
      expect((error as Error).message, call).toMatch(new RegExp(`^${call}: onWarning must be a function`));
    }
    expect(reads.count).toBe(0);
    expect(tf.memory().numTensors).toBe(tensors);
    // Read back, the file means what tfjs-layers reads in it: the clip form everywhere.
    const loaded = await loadModel(tf.io.fromMemory(artifacts), { onWarning: (w) => warnings.push(w) });
    expect(Object.values(layerActivations(loaded))).toEqual(['hard_sigmoid_legacy', 'hard_sigmoid_legacy', 'hard_sigmoid_legacy', 'hard_sigmoid_legacy']);
    expectOutputs(loaded, expected(legacy, legacy, legacy, legacy));
    expect(warnings).toHaveLength(1);
    m.dispose();
    loaded.dispose();
  });

  it('a model with only the legacy form (a nested model too) saves without a warning', async () => {
    const inner = sequential({ name: 'tn_inner', layers: [dense({ units: 2, inputShape: [3, 2], activation: 'hard_sigmoid_legacy', name: 'tn_d' })] });
    const inp = input({ shape: [3, 2] });
    const outer = model({ inputs: inp, outputs: lstm({ units: 1, recurrentActivation: 'hard_sigmoid_legacy', name: 'tn_lstm' }).apply(inner.apply(inp)), name: 'tn_outer' });
    const warnings: string[] = [];
    const artifacts = await artifactsOf(outer, { format: 'tfjs-layers', onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const nested = ((artifacts.modelTopology as JsonObject)['config'] as JsonObject)['layers'] as JsonObject[];
    expect(JSON.stringify(nested)).toContain('"activation":"hard_sigmoid"');
    expect(JSON.stringify(nested)).toContain('"recurrent_activation":"hard_sigmoid"');
    expect(JSON.stringify(nested)).not.toContain('hard_sigmoid_legacy');
    outer.dispose();
  });
});

describe("reading 'hard_sigmoid' by the file's origin", () => {
  it.each([
    ['Keras 2 (keras_version 2.x)', { keras_version: '2.13.1', backend: 'tensorflow' }, false, allLegacy],
    ["Ridge's tfjs-layers format (ridge_format)", { keras_version: 'tfjs-layers 4.22.0', ridge_format: 'tfjs-layers' }, false, allLegacy],
    ["Ridge's own format (ridge_format)", { keras_version: 'tfjs-layers 4.22.0', ridge_format: 'ridge' }, false, allKeras3],
    ['Keras 3 (keras_version 3.x)', { keras_version: '3.3.3' }, false, allKeras3],
    ['Keras 3 (module and registered_name, no version)', {}, true, allKeras3],
  ] as const)('%s, without a warning', (_what, labels, keras3Form, want) => {
    const { m, warnings, activations } = load(foreignTopology(labels, keras3Form));
    expect(activations).toEqual(want);
    expect(warnings).toEqual([]);
    m.dispose();
  });

  it("Keras's converter model.json: keras_version beside model_config, generatedBy beside modelTopology", () => {
    const { m, warnings, activations } = load({
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: foreignTopology({}) },
      format: 'layers-model',
      generatedBy: 'keras v2.15.0',
    });
    expect(activations).toEqual(allLegacy);
    expect(warnings).toEqual([]);
    m.dispose();
  });

  it.each([
    ["tfjs-layers' generatedBy", 'TensorFlow.js tfjs-layers v4.22.0', allLegacy],
    ["an older Ridge's generatedBy (no ridge_format; its only hard_sigmoid was Keras 3's)", 'Ridge @ridge/layers (core v0.1.0)', allKeras3],
  ] as const)('loadModel reads %s', async (_what, generatedBy, want) => {
    const warnings: string[] = [];
    const m = await loadModel(tf.io.fromMemory({ modelTopology: foreignTopology({ keras_version: 'tfjs-layers 4.22.0' }), format: 'layers-model', generatedBy }), {
      onWarning: (w) => warnings.push(w),
    });
    expect(layerActivations(m)).toMatchObject({ f_dense: want.f_dense, f_act: want.f_act });
    expect(warnings).toEqual(["Model 'foreign' was saved without weights; its weights are freshly initialized."]);
    m.dispose();
  });

  it("a tfjs-layers keras_version and nothing else (tfjs-layers' toJSON, or an older Ridge): assumes tfjs-layers, and says so", () => {
    const { m, warnings, activations } = load(foreignTopology({ keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' }));
    expect(activations).toEqual(allLegacy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("'f_dense', 'f_lstm', 'f_act'");
    expect(warnings[0]).toContain("Ridge assumed tfjs-layers' and Keras 2's clip(0.2 x + 0.5, 0, 1)");
    expect(warnings[0]).toContain('"ridge_format": \'ridge\'');
    m.dispose();
  });

  it("no labels at all: keeps Ridge's (Keras 3's) meaning, and says so", () => {
    const { m, warnings, activations } = load(foreignTopology({}));
    expect(activations).toEqual(allKeras3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("Ridge assumed Keras 3's relu6(x + 3) / 6");
    m.dispose();
  });

  it('a file without hard_sigmoid warns about nothing, and the JSON given is not changed', () => {
    const unlabeled = foreignTopology({});
    ((unlabeled['config'] as JsonObject)['layers'] as JsonObject[]).splice(1);
    ((((unlabeled['config'] as JsonObject)['layers'] as JsonObject[])[0]!['config']) as JsonObject)['activation'] = 'relu';
    const warnings: string[] = [];
    modelFromJSON(unlabeled, { onWarning: (w) => warnings.push(w) }).dispose();
    expect(warnings).toEqual([]);
    const keras2 = foreignTopology({ keras_version: '2.13.1' });
    const text = JSON.stringify(keras2);
    const { m } = load(keras2);
    expect(JSON.stringify(keras2)).toBe(text);
    m.dispose();
  });

  it('a ridge_format other than the two formats is INVALID_JSON, and leaves nothing allocated', () => {
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      modelFromJSON(foreignTopology({ ridge_format: 'keras' }));
    } catch (e) {
      error = e;
    }
    expect(RidgeError.is(error) && error.code).toBe('INVALID_JSON');
    expect((error as Error).message).toContain("ridge_format must be 'ridge' or 'tfjs-layers'");
    expect(tf.memory().numTensors).toBe(before);
  });
});
