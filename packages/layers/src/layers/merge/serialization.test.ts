import { registry, serdeTrio, type JsonObject, type LayerName } from '@ridge/core';
import { expectConfigRoundTrip, expectResolvable } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, input, loadModel, mergeLayerEntries, model, modelFromJSON, type Layer, type Model } from '../../index.js';
import { expectClose, seedWeights } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum, minimum, multiply, subtract } from './index.js';

useCpu();

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ridge-merge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('registry', () => {
  const classes: [LayerName, { readonly className: string }, JsonObject][] = [
    ['Add', Add, {}],
    ['Subtract', Subtract, {}],
    ['Multiply', Multiply, {}],
    ['Average', Average, {}],
    ['Maximum', Maximum, {}],
    ['Minimum', Minimum, {}],
    ['Concatenate', Concatenate, { axis: 1 }],
    ['Dot', Dot, { axes: [1, 2], normalize: true }],
  ];

  it("registers every merge layer under Keras's class name, from @ridge/layers", () => {
    expect(mergeLayerEntries.map((e) => e.name)).toEqual(classes.map(([name]) => name));
    for (const [name, cls, config] of classes) {
      const entry = registry('layer').get(name);
      expect(entry.package).toBe('@ridge/layers');
      const layer = entry.create(config);
      expect(layer).toBeInstanceOf(cls as never);
      expect(cls.className).toBe(name);
    }
  });

  it('registering the entries again is a no-op', () => {
    for (const entry of mergeLayerEntries) expect(() => registry('layer').register(entry)).not.toThrow();
  });

  it('names that need no config resolve by name and by { className, config }', () => {
    for (const name of ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate']) expectResolvable('layer', name);
  });

  it('Dot from an empty config is its own argument error', () => {
    expect(() => registry('layer').get('Dot').create()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('axes') }));
  });

  it('every config survives JSON and the registry (the config contract)', () => {
    const layers: Layer[] = [add(), subtract(), multiply(), average(), maximum(), minimum(), concatenate({ axis: 2 }), dot({ axes: -1 }), dot({ axes: [2, 1], normalize: true })];
    for (const layer of layers) expectConfigRoundTrip(layer, 'layer');
    expect(concatenate({ axis: 2 }).getConfig()).toMatchObject({ axis: 2 });
    expect(concatenate().getConfig()).toMatchObject({ axis: -1 });
    expect(dot({ axes: [2, 1], normalize: true }).getConfig()).toMatchObject({ axes: [2, 1], normalize: true });
    expect(dot({ axes: -1 }).getConfig()).toMatchObject({ axes: -1, normalize: false });
  });

  it('reads Keras 3 configs (snake_case keys, dtype policy, module)', () => {
    const layers = serdeTrio('layer');
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const d = layers.deserialize({ module: 'keras.layers', class_name: 'Dot', config: { name: 'k_dot', trainable: true, dtype, axes: [2, 2], normalize: true }, registered_name: null }) as Dot;
    expect([d.name, d.axes, d.normalize]).toEqual(['k_dot', [2, 2], true]);
    const c = layers.deserialize({ module: 'keras.layers', class_name: 'Concatenate', config: { name: 'k_cat', trainable: true, dtype, axis: 1 }, registered_name: null }) as Concatenate;
    expect([c.name, c.axis]).toEqual(['k_cat', 1]);
    expect(layers.deserialize({ module: 'keras.layers', class_name: 'Subtract', config: { name: 'k_sub', trainable: true, dtype }, registered_name: null })).toBeInstanceOf(Subtract);
  });
});

/** Two inputs, every merge layer, and dense layers between them, so that weights matter. */
function mergeModel(prefix: string): Model {
  const a = input({ shape: [4], name: `${prefix}_a` });
  const b = input({ shape: [4], name: `${prefix}_b` });
  const da = dense({ units: 4, activation: 'tanh', name: `${prefix}_da` }).apply(a);
  const db = dense({ units: 4, activation: 'tanh', name: `${prefix}_db` }).apply(b);
  const merged = [
    add({ name: `${prefix}_add` }).apply([da, db, a]),
    subtract({ name: `${prefix}_sub` }).apply([da, db]),
    multiply({ name: `${prefix}_mul` }).apply([da, db]),
    average({ name: `${prefix}_avg` }).apply([da, db]),
    maximum({ name: `${prefix}_max` }).apply([da, db]),
    minimum({ name: `${prefix}_min` }).apply([da, db]),
    dot({ name: `${prefix}_dot`, axes: 1, normalize: true }).apply([da, db]),
  ];
  const joined = concatenate({ name: `${prefix}_cat`, axis: -1 }).apply(merged);
  expect(joined.shape).toEqual([null, 6 * 4 + 1]);
  return model({ inputs: [a, b], outputs: dense({ units: 2, name: `${prefix}_out` }).apply(joined), name: `${prefix}_model` });
}

const data = (): tf.Tensor[] => [tf.randomNormal([5, 4], 0, 1, 'float32', 1), tf.randomNormal([5, 4], 0, 1, 'float32', 2)];

function expectSamePredictions(a: Model, b: Model): void {
  const xs = data();
  const [pa, pb] = [a.predict(xs) as tf.Tensor, b.predict(xs) as tf.Tensor];
  expectClose(pb, Array.from(pa.dataSync()));
  tf.dispose([...xs, pa, pb]);
}

describe('save and load', () => {
  it("reads a Keras 3 functional model: a call's list of inputs is written as { args: [[tensor, tensor]] }", () => {
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const tensor = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
    const inputLayer = (name: string, width: number) => ({
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: { batch_shape: [null, width], dtype: 'float32', sparse: false, name },
      registered_name: null,
      name,
      inbound_nodes: [],
    });
    const keras3 = {
      module: 'keras.src.models.functional',
      class_name: 'Functional',
      config: {
        name: 'k3_merge',
        trainable: true,
        layers: [
          inputLayer('k3_a', 3),
          inputLayer('k3_b', 2),
          {
            module: 'keras.layers',
            class_name: 'Concatenate',
            config: { name: 'k3_cat', trainable: true, dtype, axis: -1 },
            registered_name: null,
            build_config: { input_shape: [[null, 3], [null, 2]] },
            name: 'k3_cat',
            inbound_nodes: [{ args: [[tensor('k3_a', [null, 3]), tensor('k3_b', [null, 2])]], kwargs: {} }],
          },
          {
            module: 'keras.layers',
            class_name: 'Dot',
            config: { name: 'k3_dot', trainable: true, dtype, axes: [1, 1], normalize: false },
            registered_name: null,
            name: 'k3_dot',
            inbound_nodes: [{ args: [[tensor('k3_cat', [null, 5]), tensor('k3_cat', [null, 5])]], kwargs: {} }],
          },
        ],
        input_layers: [['k3_a', 0, 0], ['k3_b', 0, 0]],
        output_layers: [['k3_dot', 0, 0]],
      },
      registered_name: 'Functional',
    };
    const m = modelFromJSON(keras3);
    expect(m.layers.map((l) => l.className)).toEqual(['InputLayer', 'InputLayer', 'Concatenate', 'Dot']);
    // the squared norm of each row of [a | b]
    const a = [[1, 2, 3], [0, -1, 0.5]];
    const b = [[-1, 4], [2, 2]];
    const xs = [tf.tensor2d(a), tf.tensor2d(b)];
    const y = m.predict(xs) as tf.Tensor;
    expect(y.shape).toEqual([2, 1]);
    expectClose(y, a.map((row, i) => [...row, ...b[i]!].reduce((s, v) => s + v * v, 0)));
    tf.dispose([...xs, y]);
    m.dispose();
  });

  it('toJSON writes Keras class names, snake_case keys and every input of each call; modelFromJSON rebuilds the same graph', () => {
    const m = mergeModel('js');
    const json = m.toJSON();
    const layers = (json.config['layers'] as JsonObject[]).map((l) => [l['class_name'], l['config'] as JsonObject, l['inbound_nodes']] as const);
    const byName = Object.fromEntries(layers.map(([cls, config, nodes]) => [config['name'], { cls, config, nodes }]));
    expect(byName['js_dot']).toMatchObject({ cls: 'Dot', config: { axes: 1, normalize: true } });
    expect(byName['js_cat']).toMatchObject({ cls: 'Concatenate', config: { axis: -1 } });
    expect(byName['js_add']!.nodes).toEqual([[['js_da', 0, 0, {}], ['js_db', 0, 0, {}], ['js_a', 0, 0, {}]]]);
    expect(byName['js_cat']!.nodes).toEqual([['js_add', 'js_sub', 'js_mul', 'js_avg', 'js_max', 'js_min', 'js_dot'].map((n) => [n, 0, 0, {}])]);
    const copy = modelFromJSON(JSON.stringify(m));
    expect(copy.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.className));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(m));
    copy.setWeights(m.getWeights());
    expectSamePredictions(m, copy);
    tf.dispose(copy.getWeights());
    m.dispose();
    copy.dispose();
  });

  it("model.save('file://') and loadModel: the same predictions, and nothing leaks", async () => {
    const start = tf.memory().numTensors;
    const m = mergeModel('fs');
    seedWeights(m, 5, 0.8);
    const target = path.join(dir, 'merge-model');
    await m.save(`file://${target}`);
    const saved = JSON.parse(await readFile(path.join(target, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { class_name: string }[] } } };
    expect(saved.modelTopology.config.layers.map((l) => l.class_name)).toEqual(expect.arrayContaining(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Dot', 'Concatenate']));
    const loaded = await loadModel(`file://${target}`);
    expectSamePredictions(m, loaded);
    m.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it("the 'tfjs-layers' format writes the same merge layers (tfjs-layers has them under the same names)", () => {
    const m = mergeModel('tfl');
    const json = m.toJSON({ format: 'tfjs-layers' });
    const dotEntry = (json.config['layers'] as JsonObject[]).find((l) => (l['config'] as JsonObject)['name'] === 'tfl_dot')!;
    expect(dotEntry).toMatchObject({ class_name: 'Dot', config: { axes: 1, normalize: true } });
    m.dispose();
  });

  it('a file whose shapes do not merge is refused when loaded, naming the merge layer and the shapes, and frees its layers', () => {
    const m = mergeModel('badjs');
    const json = m.toJSON();
    const da = (json.config['layers'] as JsonObject[]).find((l) => (l['config'] as JsonObject)['name'] === 'badjs_da')!;
    (da['config'] as JsonObject)['units'] = 3;
    const start = tf.memory().numTensors;
    let error: unknown;
    try {
      modelFromJSON(json);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'SHAPE_MISMATCH', details: { layer: 'badjs_add', argument: 'inputs' } });
    expect((error as Error).message).toMatch(/layers\[\d+\].*Add 'badjs_add'.*\[null, 3\] and \[null, 4\] and \[null, 4\]/);
    expect(tf.memory().numTensors).toBe(start);
    m.dispose();
  });
});
