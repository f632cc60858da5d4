import { initBackend } from '@ridge/backend';
import type { JsonObject } from '@ridge/core';
import { loadModel, modelFromJSON, type Model } from '@ridge/layers';
import '@ridge/losses';
import '@ridge/optimizers';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/*
 * Fixtures written by hand after what Keras writes (`model.to_json()` and `.keras` config.json
 * for Keras 3.x; `model.to_json()` and the tensorflowjs converter's model.json for tf.keras 2.x),
 * trimmed to two Dense layers so that the expected outputs can be written out in the test.
 */

const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
const kerasTensor = (layer: string, shape: (number | null)[]) => ({
  class_name: '__keras_tensor__',
  config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] },
});

const keras3Functional: JsonObject = {
  module: 'keras',
  class_name: 'Functional',
  config: {
    name: 'functional',
    trainable: true,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'InputLayer',
        config: { batch_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_layer' },
        registered_name: null,
        name: 'input_layer',
        inbound_nodes: [],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense',
          trainable: true,
          dtype,
          units: 2,
          activation: 'relu',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.009999999776482582 }, registered_name: null },
          bias_regularizer: { module: 'keras.regularizers', class_name: 'L1', config: { l1: 0.5 }, registered_name: null },
          kernel_constraint: null,
          bias_constraint: null,
          lora_rank: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 3] },
        name: 'dense',
        inbound_nodes: [{ args: [kerasTensor('input_layer', [null, 3])], kwargs: {} }],
      },
      {
        module: 'keras.layers',
        class_name: 'Dropout',
        config: { name: 'dropout', trainable: true, dtype, rate: 0.5, seed: null, noise_shape: null },
        registered_name: null,
        name: 'dropout',
        build_config: { input_shape: [null, 2] },
        inbound_nodes: [{ args: [kerasTensor('dense', [null, 2])], kwargs: { training: false } }],
      },
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense_1',
          trainable: true,
          dtype,
          units: 1,
          activation: 'linear',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'HeNormal', config: { seed: 1 }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L1L2', config: { l1: 0.25, l2: 0.5 }, registered_name: null },
          bias_regularizer: null,
          kernel_constraint: { module: 'keras.constraints', class_name: 'MaxNorm', config: { max_value: 2.0, axis: 0 }, registered_name: null },
          bias_constraint: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 2] },
        name: 'dense_1',
        inbound_nodes: [{ args: [kerasTensor('dropout', [null, 2])], kwargs: {} }],
      },
    ],
    input_layers: [['input_layer', 0, 0]],
    output_layers: [['dense_1', 0, 0]],
  },
  registered_name: 'Functional',
  build_config: { input_shape: null },
  compile_config: {
    optimizer: {
      module: 'keras.optimizers',
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: 0.0010000000474974513,
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon: 1e-7,
        amsgrad: false,
      },
      registered_name: null,
    },
    loss: 'mean_squared_error',
    loss_weights: null,
    metrics: ['mae'],
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  },
};

const keras3Sequential: JsonObject = {
  module: 'keras',
  class_name: 'Sequential',
  config: {
    name: 'sequential',
    trainable: true,
    dtype,
    layers: [
      {
        module: 'keras.layers',
        class_name: 'Dense',
        config: {
          name: 'dense_2',
          trainable: true,
          dtype,
          units: 2,
          activation: 'tanh',
          use_bias: true,
          kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
          bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
          kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.1 }, registered_name: null },
          bias_regularizer: null,
          kernel_constraint: null,
          bias_constraint: null,
        },
        registered_name: null,
        build_config: { input_shape: [null, 4] },
      },
    ],
    build_input_shape: [null, 4],
  },
  registered_name: null,
  build_config: { input_shape: [null, 4] },
};

/** tf.keras 2.x `to_json()`, as the tensorflowjs converter wraps it in model.json's modelTopology. */
const keras2Topology: JsonObject = {
  keras_version: '2.13.1',
  backend: 'tensorflow',
  model_config: {
    class_name: 'Functional',
    config: {
      name: 'model',
      layers: [
        {
          class_name: 'InputLayer',
          config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' },
          name: 'input_1',
          inbound_nodes: [],
        },
        {
          class_name: 'Dense',
          config: {
            name: 'hidden',
            trainable: true,
            dtype: 'float32',
            units: 2,
            activation: 'relu',
            use_bias: true,
            kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
            bias_initializer: { class_name: 'Zeros', config: {} },
            kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.0, l2: 0.009999999776482582 } },
            bias_regularizer: 'l1_l2',
            activity_regularizer: null,
            kernel_constraint: null,
            bias_constraint: null,
          },
          name: 'hidden',
          inbound_nodes: [[['input_1', 0, 0, {}]]],
        },
        {
          class_name: 'Dense',
          config: {
            name: 'output',
            trainable: true,
            dtype: 'float32',
            units: 1,
            activation: 'sigmoid',
            use_bias: true,
            kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1.0, mode: 'fan_avg', distribution: 'normal', seed: null } },
            bias_initializer: { class_name: 'Zeros', config: {} },
            kernel_regularizer: { class_name: 'l1_l2', config: { l1: 0.125, l2: 0.0 } },
            bias_regularizer: null,
            activity_regularizer: null,
            kernel_constraint: null,
            bias_constraint: null,
          },
          name: 'output',
          inbound_nodes: [[['hidden', 0, 0, {}]]],
        },
      ],
      input_layers: [['input_1', 0, 0]],
      output_layers: [['output', 0, 0]],
    },
  },
  training_config: {
    loss: 'binary_crossentropy',
    metrics: [['accuracy']],
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: {
      class_name: 'SGD',
      config: { name: 'SGD', lr: 0.05, decay: 0.0, momentum: 0.0, nesterov: false },
    },
  },
};

/** Sets each weight to given values (row-major), by its path. */
function setWeights(m: Model, values: Record<string, number[]>): void {
  for (const w of m.weights) {
    const t = tf.tensor(values[w.path]!, w.shape);
    w.assign(t);
    t.dispose();
  }
}

/** `x W + b` for one sample, written out. */
function affine(x: number[], kernel: number[], bias: number[]): number[] {
  return bias.map((b, j) => b + x.reduce((s, xi, i) => s + xi * kernel[i * bias.length + j]!, 0));
}

const sum = (v: number[], f: (x: number) => number) => v.reduce((s, x) => s + f(x), 0);

describe('Keras 3 JSON', () => {
  const weights = {
    'dense/kernel': [0.5, -1, 0.25, 2, -0.75, 1],
    'dense/bias': [0.1, -0.2],
    'dense_1/kernel': [1.5, -0.5],
    'dense_1/bias': [0.3],
  };

  it('a functional model: layers, regularizers, constraints and compile state, with the outputs and penalties Keras defines', () => {
    const m = modelFromJSON(JSON.stringify(keras3Functional));
    expect(m.layers.map((l) => `${l.className}:${l.name}`)).toEqual(['InputLayer:input_layer', 'Dense:dense', 'Dropout:dropout', 'Dense:dense_1']);
    setWeights(m, weights);
    const x = [1, 2, -1];
    const hidden = affine(x, weights['dense/kernel'], weights['dense/bias']).map((v) => Math.max(v, 0));
    const expected = affine(hidden, weights['dense_1/kernel'], weights['dense_1/bias']);
    const y = m.predict(tf.tensor2d([x])) as tf.Tensor;
    expect(Array.from(y.dataSync())[0]).toBeCloseTo(expected[0]!, 5);
    const terms = Object.fromEntries(m.penalties().terms.map((t) => [t.path, t.value]));
    expect(terms['dense/kernel']).toBeCloseTo(0.01 * sum(weights['dense/kernel'], (v) => v * v), 5);
    expect(terms['dense/bias']).toBeCloseTo(0.5 * sum(weights['dense/bias'], Math.abs), 5);
    expect(terms['dense_1/kernel']).toBeCloseTo(0.25 * sum(weights['dense_1/kernel'], Math.abs) + 0.5 * sum(weights['dense_1/kernel'], (v) => v * v), 5);
    expect(m.isCompiled).toBe(true);
    expect(m.optimizer!.className).toBe('Adam');
    expect(m.optimizer!.learningRate).toBeCloseTo(0.001, 8);
    expect(m.toJSON().config['layers']).toHaveLength(4);
    y.dispose();
    m.dispose();
  });

  it('a sequential model whose input shape is in build_input_shape', () => {
    const m = modelFromJSON(keras3Sequential);
    expect(m.inputs[0]!.shape).toEqual([null, 4]);
    expect(m.penalties().terms.map((t) => [t.path, t.regularizer])).toEqual([['dense_2/kernel', 'L2']]);
    m.dispose();
  });
});

describe('Keras 2 JSON', () => {
  const weights = {
    'hidden/kernel': [1, -2, 0.5, 0.25, -1, 3],
    'hidden/bias': [0.5, -0.5],
    'output/kernel': [2, -1],
    'output/bias': [-0.25],
  };

  it("the converter's model.json with weights: model_config, training_config and the 'l1_l2' spelling", async () => {
    const shapes: Record<keyof typeof weights, number[]> = { 'hidden/kernel': [3, 2], 'hidden/bias': [2], 'output/kernel': [2, 1], 'output/bias': [1] };
    const names = Object.keys(shapes) as (keyof typeof weights)[];
    const specs = names.map((name) => ({ name, shape: shapes[name], dtype: 'float32' as const }));
    const data = new Float32Array(names.flatMap((n) => weights[n])).buffer;
    const m = await loadModel(tf.io.fromMemory({ modelTopology: keras2Topology, weightSpecs: specs, weightData: data, format: 'layers-model' }));
    const x = [0.5, -1, 2];
    const hidden = affine(x, weights['hidden/kernel'], weights['hidden/bias']).map((v) => Math.max(v, 0));
    const logit = affine(hidden, weights['output/kernel'], weights['output/bias'])[0]!;
    const y = m.predict(tf.tensor2d([x])) as tf.Tensor;
    expect(Array.from(y.dataSync())[0]).toBeCloseTo(1 / (1 + Math.exp(-logit)), 5);
    const terms = m.penalties().terms;
    expect(terms.map((t) => t.path)).toEqual(['hidden/kernel', 'hidden/bias', 'output/kernel']);
    expect(terms[0]!.value).toBeCloseTo(0.009999999776482582 * sum(weights['hidden/kernel'], (v) => v * v), 5);
    // A bare 'l1_l2' is Keras 2's l1_l2(): 0.01 and 0.01.
    expect(terms[1]!.value).toBeCloseTo(0.01 * sum(weights['hidden/bias'], Math.abs) + 0.01 * sum(weights['hidden/bias'], (v) => v * v), 5);
    expect(terms[2]!.value).toBeCloseTo(0.125 * sum(weights['output/kernel'], Math.abs), 5);
    expect(m.isCompiled).toBe(true);
    expect(m.optimizer!.className).toBe('SGD');
    expect(m.optimizer!.learningRate).toBeCloseTo(0.05, 8);
    y.dispose();
    m.dispose();
  });

  it('a Keras 2.2 sequential config, which is the list of layers itself', () => {
    const m = modelFromJSON({
      class_name: 'Sequential',
      config: [
        {
          class_name: 'Dense',
          config: { name: 'k22_dense', units: 3, batch_input_shape: [null, 2], activation: 'linear', kernel_regularizer: { class_name: 'L1L2', config: { l1: 0.01, l2: 0 } } },
        },
      ],
      keras_version: '2.2.4',
      backend: 'tensorflow',
    });
    expect(m.inputs[0]!.shape).toEqual([null, 2]);
    expect(m.penalties().terms.map((t) => t.path)).toEqual(['k22_dense/kernel']);
    m.dispose();
  });
});

/*
 * Keras 3 defines hard_sigmoid as relu6(x + 3) / 6 (Ridge's 'hard_sigmoid'); Keras 2 as
 * clip(0.2 x + 0.5, 0, 1) (Ridge's 'hard_sigmoid_legacy'). The same layers with the same weights,
 * in each version's JSON, give each version's numbers.
 */
describe('hard_sigmoid in Keras 3 and Keras 2 JSON', () => {
  const weights = { 'hs/kernel': [1, -0.5, 0.25, 2], 'hs/bias': [0.5, 0.25] };
  const x = [1.5, 0.5];
  const pre = affine(x, weights['hs/kernel'], weights['hs/bias']); // [2.125, 0.5]
  const keras3Form = (v: number) => Math.min(6, Math.max(0, v + 3)) / 6;
  const keras2Form = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
  const denseConfig = { name: 'hs', trainable: true, units: 2, activation: 'hard_sigmoid', use_bias: true };
  const actConfig = { name: 'hs_act', trainable: true, activation: 'hard_sigmoid' };

  function predictOne(m: Model): number[][] {
    setWeights(m, weights);
    const input = tf.tensor2d([x]);
    const ys = m.predict(input) as tf.Tensor[];
    const out = ys.map((y) => Array.from(y.dataSync()));
    tf.dispose([input, ...ys]);
    return out;
  }

  it('Keras 3: relu6(x + 3) / 6, for Dense and Activation', () => {
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const m = modelFromJSON(
      {
        module: 'keras',
        class_name: 'Functional',
        config: {
          name: 'hs3',
          layers: [
            { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 2], dtype: 'float32', name: 'in3' }, registered_name: null, name: 'in3', inbound_nodes: [] },
            { module: 'keras.layers', class_name: 'Dense', config: { ...denseConfig, dtype }, registered_name: null, name: 'hs', inbound_nodes: [{ args: [kerasTensor('in3', [null, 2])], kwargs: {} }] },
            { module: 'keras.layers', class_name: 'Activation', config: { ...actConfig, dtype }, registered_name: null, name: 'hs_act', inbound_nodes: [{ args: [kerasTensor('hs', [null, 2])], kwargs: {} }] },
          ],
          input_layers: [['in3', 0, 0]],
          output_layers: [['hs', 0, 0], ['hs_act', 0, 0]],
        },
        registered_name: 'Functional',
      },
      { onWarning: (w) => warnings.push(w) },
    );
    const [dense, act] = predictOne(m);
    dense!.forEach((v, i) => expect(v).toBeCloseTo(keras3Form(pre[i]!), 6));
    act!.forEach((v, i) => expect(v).toBeCloseTo(keras3Form(keras3Form(pre[i]!)), 6));
    // Not the Keras 2 numbers: at 2.125 they differ by 0.071, at 0.5 by 0.017.
    expect(Math.abs(dense![0]! - keras2Form(pre[0]!))).toBeGreaterThan(1e-3);
    expect(warnings).toEqual([]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('Keras 2 (the converter model.json): clip(0.2 x + 0.5, 0, 1), for Dense and Activation', async () => {
    const before = tf.memory().numTensors;
    const warnings: string[] = [];
    const topology = {
      keras_version: '2.13.1',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Functional',
        config: {
          name: 'hs2',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 2], dtype: 'float32', name: 'in2' }, name: 'in2', inbound_nodes: [] },
            { class_name: 'Dense', config: { ...denseConfig, dtype: 'float32' }, name: 'hs', inbound_nodes: [[['in2', 0, 0, {}]]] },
            { class_name: 'Activation', config: { ...actConfig, dtype: 'float32' }, name: 'hs_act', inbound_nodes: [[['hs', 0, 0, {}]]] },
          ],
          input_layers: [['in2', 0, 0]],
          output_layers: [['hs', 0, 0], ['hs_act', 0, 0]],
        },
      },
    };
    const m = await loadModel(tf.io.fromMemory({ modelTopology: topology, format: 'layers-model', generatedBy: 'keras v2.13.1' }), {
      onWarning: (w) => warnings.push(w),
    });
    const [dense, act] = predictOne(m);
    dense!.forEach((v, i) => expect(v).toBeCloseTo(keras2Form(pre[i]!), 6));
    act!.forEach((v, i) => expect(v).toBeCloseTo(keras2Form(keras2Form(pre[i]!)), 6));
    expect(Math.abs(dense![1]! - keras3Form(pre[1]!))).toBeGreaterThan(1e-3);
    expect(warnings.filter((w) => w.includes('hard_sigmoid'))).toEqual([]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
