import { initBackend } from '@ridge/backend';
import { registry, type RidgeError } from '@ridge/core';
import { Embedding, InputLayer, dense, embedding, input, lstm, model, modelFromJSON, type EmbeddingArgs, type InputArgs, type Model } from '@ridge/layers/base';
import { meanSquaredError } from '@ridge/losses/base';
import { sgd } from '@ridge/optimizers/base';
import { l1, l2 } from '@ridge/regularizers/base';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { caughtRidgeError, rejectedRidgeError } from '../support/caught.js';

/*
 * `@ridge/layers/base` leaves out the optional parts of a model (saving, the summary table, the
 * progress output, model-level rules, masking) until their entries are imported. The parts of fit and
 * inference it leaves out are tested in layers-fit-features.test.ts. This file imports only
 * side-effect-free entries (each test file runs with its own modules, so no other file's import
 * of `@ridge/layers` installs them here); the second half imports the feature entries.
 */

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

afterEach(() => {
  vi.restoreAllMocks();
});

let count = 0;
function small(): Model {
  const inp = input({ shape: [3] });
  const n = ++count;
  const out = dense({ units: 2, name: `out_${n}`, kernelRegularizer: l1(0.01) }).apply(dense({ units: 4, name: `hidden_${n}` }).apply(inp));
  return model({ inputs: inp, outputs: out });
}

function compiled(): Model {
  const m = small();
  m.compile({ optimizer: sgd(), loss: meanSquaredError() });
  return m;
}

/** The error names the call and the one import that adds it. */
function expectMissing(error: RidgeError, call: string, entry: string): void {
  expect(error.code).toBe('FEATURE_NOT_LOADED');
  expect(error.message).toContain(call);
  expect(error.message).toContain(`import '${entry}'`);
  expect(error.details).toMatchObject({ call, entry });
}

/**
 * A saved model (Keras 3 JSON) whose Embedding has mask_zero: its names resolve through entries
 * registered here, since `@ridge/layers/base` registers none.
 */
function maskZeroJSON(n: number): object {
  const layers = registry('layer');
  for (const [name, create] of [
    ['InputLayer', (c: object) => new InputLayer(c as InputArgs)],
    ['Embedding', (c: object) => new Embedding(c as EmbeddingArgs)],
  ] as const) {
    if (!layers.has(name)) layers.register({ kind: 'layer', name, package: '@ridge/layers', create: (config) => create(config ?? {}) });
  }
  return {
    class_name: 'Functional',
    config: {
      name: `saved_${n}`,
      layers: [
        { class_name: 'InputLayer', name: `tokens_${n}`, config: { name: `tokens_${n}`, batch_shape: [null, 4] }, inbound_nodes: [] },
        {
          class_name: 'Embedding',
          name: `words_${n}`,
          config: { name: `words_${n}`, input_dim: 10, output_dim: 2, mask_zero: true },
          inbound_nodes: [[[`tokens_${n}`, 0, 0, {}]]],
        },
      ],
      input_layers: [[`tokens_${n}`, 0, 0]],
      output_layers: [[`words_${n}`, 0, 0]],
    },
  };
}

function captureStdout(tty: boolean): { out: string[]; restore: () => void } {
  const out: string[] = [];
  const stdout = process.stdout as unknown as { isTTY?: boolean };
  const wasTTY = stdout.isTTY;
  stdout.isTTY = tty;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  return { out, restore: () => (stdout.isTTY = wasTTY) };
}

describe('@ridge/layers/base without the feature entries', () => {
  it('trains on tensors, with a validation split and every penalty term in the logs', async () => {
    const m = compiled();
    const history = await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 2, batchSize: 2, validationSplit: 0.5, verbose: 0 });
    expect(history.history['loss']).toHaveLength(2);
    expect(Object.keys(history.history)).toEqual(expect.arrayContaining([`penalty/${m.layers[2]!.name}/kernel`, `val_penalty/${m.layers[2]!.name}/kernel`]));
    m.dispose();
  });

  it('save, toJSON and JSON.stringify are FEATURE_NOT_LOADED, naming @ridge/layers/io', async () => {
    const m = compiled();
    expectMissing(await rejectedRidgeError(() => m.save(tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })))), 'model.save()', '@ridge/layers/io');
    expectMissing(caughtRidgeError(() => m.toJSON()), 'model.toJSON()', '@ridge/layers/io');
    expectMissing(caughtRidgeError(() => JSON.stringify(m)), 'model.toJSON()', '@ridge/layers/io');
    m.dispose();
  });

  it('layer.getConfig() is FEATURE_NOT_LOADED, naming @ridge/layers/io, for every layer and the model', () => {
    const m = compiled();
    const tensors = tf.memory().numTensors;
    for (const layer of [...m.layers, m]) expectMissing(caughtRidgeError(() => layer.getConfig()), 'layer.getConfig()', '@ridge/layers/io');
    expect(tf.memory().numTensors).toBe(tensors);
    m.dispose();
  });

  it('summary is FEATURE_NOT_LOADED, naming @ridge/layers/summary', () => {
    const m = compiled();
    expectMissing(caughtRidgeError(() => m.summary(false)), 'model.summary()', '@ridge/layers/summary');
    m.dispose();
  });

  it('compile({ regularization }) is FEATURE_NOT_LOADED, naming @ridge/layers/regularization, and leaves the model uncompiled', () => {
    const m = small();
    expectMissing(
      caughtRidgeError(() => m.compile({ optimizer: sgd(), loss: meanSquaredError(), regularization: l2() })),
      'compile({ regularization })',
      '@ridge/layers/regularization',
    );
    expect(m.isCompiled).toBe(false);
    m.dispose();
  });

  it('compile with a function as loss or metric is FEATURE_NOT_LOADED, naming @ridge/layers/functions, and leaves the model uncompiled', () => {
    const m = small();
    const squared = (t: tf.Tensor, p: tf.Tensor) => tf.square(tf.sub(t, p));
    expectMissing(caughtRidgeError(() => m.compile({ optimizer: sgd(), loss: squared })), 'compile({ loss: function })', '@ridge/layers/functions');
    expectMissing(
      caughtRidgeError(() => m.compile({ optimizer: sgd(), loss: meanSquaredError(), metrics: [squared] })),
      'compile({ metrics: [function] })',
      '@ridge/layers/functions',
    );
    expect(m.isCompiled).toBe(false);
    m.dispose();
  });

  it('fit is silent by default, even in a terminal; verbose 1 or 2 is FEATURE_NOT_LOADED before any step', async () => {
    const m = compiled();
    const { out, restore } = captureStdout(true);
    try {
      await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 2 });
      expect(out).toEqual([]);
      const before = m.getWeights();
      const [xs, ys] = [tf.ones([4, 3]), tf.zeros([4, 2])];
      const tensors = tf.memory().numTensors;
      for (const verbose of [1, 2] as const) {
        expectMissing(await rejectedRidgeError(() => m.fit(xs, ys, { verbose })), `fit({ verbose: ${verbose} })`, '@ridge/layers/progress');
      }
      expect(tf.memory().numTensors).toBe(tensors);
      m.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(before[i]!.dataSync())));
    } finally {
      restore();
    }
    m.dispose();
  });

  it('maskZero, apply(x, { mask }) and loading a mask_zero model are FEATURE_NOT_LOADED, naming @ridge/layers/masking, and change nothing', () => {
    const x = tf.ones([2, 3, 4]);
    const mask = tf.tensor2d([[1, 1, 0], [1, 0, 0]], undefined, 'bool');
    const tensors = tf.memory().numTensors;
    expectMissing(caughtRidgeError(() => embedding({ inputDim: 10, outputDim: 2, maskZero: true })), 'embedding({ maskZero: true })', '@ridge/layers/masking');
    // Refused before the build: the layer has no weights, and nothing was computed.
    const rnn = lstm({ units: 3 });
    expectMissing(caughtRidgeError(() => rnn.apply(x, { mask })), 'layer.apply(x, { mask })', '@ridge/layers/masking');
    expect(rnn.built).toBe(false);
    expect(rnn.weights).toHaveLength(0);
    // A saved Embedding with mask_zero fails to load the same way (the error says where), and frees what it built.
    const error = caughtRidgeError(() => modelFromJSON(maskZeroJSON(1), { onWarning: () => {} }));
    expectMissing(error, 'embedding({ maskZero: true })', '@ridge/layers/masking');
    expect(tf.memory().numTensors).toBe(tensors);
    // Without masks, the same layers work as before.
    const plain = embedding({ inputDim: 10, outputDim: 2 });
    expect(plain.apply(tf.tensor2d([[1, 0]])).shape).toEqual([1, 2, 2]);
    expect(rnn.apply(x).shape).toEqual([2, 3]);
    tf.dispose([x, mask]);
    rnn.dispose();
    plain.dispose();
  });
});

describe('the feature entries', () => {
  it('@ridge/layers/summary adds model.summary()', async () => {
    await import('@ridge/layers/summary');
    const m = compiled();
    const text = m.summary(false);
    expect(text).toContain('Regularizers');
    expect(text).toContain('kernel: L1(0.01)');
    m.dispose();
  });

  it('@ridge/layers/regularization adds compile({ regularization })', async () => {
    await import('@ridge/layers/regularization');
    await import('@ridge/layers/inference'); // for model.penalties()
    const m = small();
    m.compile({ optimizer: sgd(), loss: meanSquaredError(), regularization: l2(0.5) });
    const hidden = m.layers[1]!.name;
    const terms = m.penalties().terms;
    const kernel = m.layers[1]!.weights[0]!.variable.dataSync();
    // the hidden kernel has no regularizer of its own, so the model-level L2 applies: 0.5 * sum(w^2)
    const term = terms.find((t) => t.path === `${hidden}/kernel`)!;
    expect(term.source).toBe('model');
    expect(term.value).toBeCloseTo(0.5 * Array.from(kernel).reduce((s, w) => s + w * w, 0), 4);
    m.dispose();
  });

  it('without @ridge/layers/progress, evaluate and predict with verbose 1 or 2 are FEATURE_NOT_LOADED before any work', async () => {
    await import('@ridge/layers/inference');
    const m = compiled();
    const [xs, ys] = [tf.ones([4, 3]), tf.zeros([4, 2])];
    const tensors = tf.memory().numTensors;
    expectMissing(await rejectedRidgeError(() => m.evaluate(xs, ys, { verbose: 1 })), 'evaluate({ verbose: 1 })', '@ridge/layers/progress');
    expectMissing(caughtRidgeError(() => m.predict(xs, { verbose: 2 })), 'predict({ verbose: 2 })', '@ridge/layers/progress');
    expect(tf.memory().numTensors).toBe(tensors);
    tf.dispose([xs, ys]);
    m.dispose();
  });

  it('@ridge/layers/progress adds progress output: verbose 2 prints a line per epoch, verbose 1 is the default in a terminal', async () => {
    await import('@ridge/layers/progress');
    const m = compiled();
    const { out, restore } = captureStdout(true);
    try {
      await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 3, verbose: 2 });
      expect(out.filter((l) => l.startsWith('Epoch '))).toHaveLength(3);
      out.length = 0;
      await m.fit(tf.ones([4, 3]), tf.zeros([4, 2]), { epochs: 2 });
      expect(out.join('')).toContain('Epoch 2/2');
    } finally {
      restore();
    }
    m.dispose();
  });

  it('@ridge/layers/io adds save and toJSON, and exports loadModel', async () => {
    const io = await import('@ridge/layers/io');
    // toJSON writes the optimizer's config: a '/base' optimizer needs its own io entry for that
    await import('@ridge/optimizers/io');
    const m = compiled();
    expect(m.toJSON().class_name).toBe('Model');
    expect(JSON.parse(JSON.stringify(m)).class_name).toBe('Model');
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(saved?.format).toBe('layers-model');
    // loading needs the layer names registered: '@ridge/layers/base' registers none
    expect(typeof io.loadModel).toBe('function');
    expect(typeof io.modelFromJSON).toBe('function');
    m.dispose();
  });

  it('@ridge/layers/io adds layer.getConfig(), in Keras order, with the current regularizers', async () => {
    await import('@ridge/layers/io');
    const inp = input({ shape: [3], name: 'cfg_in' });
    const d = dense({ units: 2, name: 'cfg_dense', kernelRegularizer: l1(0.01), activityRegularizer: l2(0.5) });
    expect(d.getConfig()['kernelRegularizer']).toEqual({ className: 'L1', config: { l1: 0.01 } });
    d.apply(inp);
    d.kernel.regularizer = l2(0.25);
    const config = d.getConfig();
    expect(Object.keys(config)).toEqual([
      'name', 'trainable', 'dtype', 'activityRegularizer', 'units', 'activation', 'useBias',
      'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer', 'kernelConstraint', 'biasConstraint',
    ]);
    expect(config).toMatchObject({
      name: 'cfg_dense',
      activityRegularizer: { className: 'L2', config: { l2: 0.5 } },
      kernelInitializer: { className: 'GlorotUniform', config: { seed: null } },
      kernelRegularizer: { className: 'L2', config: { l2: 0.25 } },
      biasRegularizer: null,
      biasConstraint: null,
    });
    expect((inp.sourceLayer as InputLayer).getConfig()).toEqual({ name: 'cfg_in', batchInputShape: [null, 3], dtype: 'float32', sparse: false });
    d.dispose();
  });

  it('@ridge/layers/functions adds functions as losses and metrics: a squared error by function gives what meanSquaredError() gives', async () => {
    await import('@ridge/layers/functions');
    const squared = (t: tf.Tensor, p: tf.Tensor) => tf.square(tf.sub(t, p));
    const [a, b] = [small(), small()];
    b.setWeights(a.getWeights());
    a.compile({ optimizer: sgd(0.1), loss: squared, metrics: [squared] });
    b.compile({ optimizer: sgd(0.1), loss: meanSquaredError() });
    const x = tf.tensor2d([[1, 2, 3], [0, -1, 2]]);
    const y = tf.tensor2d([[1, 0], [0, 1]]);
    const ha = await a.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    for (const e of [0, 1]) {
      // float32 sums in two orders: equal to about 1e-7 relative.
      expect(ha.history['data_loss']![e]).toBeCloseTo(hb.history['data_loss']![e]!, 5);
      // The metric is the data loss of the same batch, before the update.
      expect(ha.history['squared']![e]).toBeCloseTo(hb.history['data_loss']![e]!, 5);
    }
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('@ridge/layers/masking adds masks: a padded sequence gives what the unpadded one does, and a mask_zero model loads', async () => {
    await import('@ridge/layers/masking');
    // Embedding + LSTM, for `time` tokens; both models get the same weights.
    const textModel = (time: number, maskZero: boolean): Model => {
      const inp = input({ shape: [time] });
      return model({ inputs: inp, outputs: lstm({ units: 3 }).apply(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp)) });
    };
    const padded = textModel(6, true);
    const plain = textModel(3, false);
    plain.setWeights(padded.getWeights());
    const tensors = tf.memory().numTensors;
    const [xp, xs] = [tf.tensor2d([[5, 6, 7, 0, 0, 0]]), tf.tensor2d([[5, 6, 7]])];
    const [a, b] = [padded.apply(xp), plain.apply(xs)];
    const [av, bv] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
    av.forEach((v, i) => expect(v).toBeCloseTo(bv[i]!, 6));
    // Without the mask the padding steps count: the output differs.
    const unmasked = tf.tidy(() => Array.from(plain.apply(tf.tensor2d([[5, 6, 7, 0, 0, 0]])).dataSync()));
    expect(unmasked.some((v, i) => Math.abs(v - bv[i]!) > 1e-4)).toBe(true);
    tf.dispose([xp, xs, a, b]);
    expect(tf.memory().numTensors).toBe(tensors);
    const loaded = modelFromJSON(maskZeroJSON(2), { onWarning: () => {} });
    expect((loaded.layers[1] as Embedding).maskZero).toBe(true);
    loaded.dispose();
    padded.dispose();
    plain.dispose();
  });

  it('@ridge/layers/masking leaves the masked steps out of the loss that /base fit reports', async () => {
    await import('@ridge/layers/masking');
    const E = [
      [9, 9],
      [1, 0],
      [0, 2],
    ];
    const inp = input({ shape: [3] });
    const m = model({ inputs: inp, outputs: embedding({ inputDim: 3, outputDim: 2, maskZero: true }).apply(inp) });
    const e = tf.tensor2d(E);
    m.setWeights([e]);
    e.dispose();
    m.compile({ optimizer: sgd(0), loss: meanSquaredError() });
    const X = [
      [1, 2, 0],
      [2, 0, 0],
    ];
    const Y = [
      [[1, 1], [0, 0], [5, 5]],
      [[0, 0], [5, 5], [5, 5]],
    ];
    // Unmasked steps (0,0), (0,1), (1,0): squared errors (0 + 1) / 2, (0 + 4) / 2, (0 + 4) / 2; their mean.
    const hand = (0.5 + 2 + 2) / 3;
    const [x, y] = [tf.tensor2d(X), tf.tensor3d(Y)];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(h.history['data_loss']![0]).toBeCloseTo(hand, 5);
    tf.dispose([x, y]);
    m.dispose();
  });
});
