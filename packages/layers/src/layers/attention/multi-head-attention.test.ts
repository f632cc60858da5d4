/**
 * MultiHeadAttention against Keras 3's formula (keras/src/layers/attention/multi_head_attention.py),
 * written here head by head with tfjs ops from the layer's own weights:
 *
 *   Q_h = query Wq[:, h, :] + bq[h]     K_h = key Wk[:, h, :] + bk[h]     V_h = value Wv[:, h, :] + bv[h]
 *   P_h = softmax((Q_h / sqrt(keyDim)) K_h^T - 1e9 (1 - M)) * M     (M the [batch, Tq, Tv] mask, or 1)
 *   out = sum_h (P_h V_h) Wo[h] + bo
 *
 * where M is Keras's `_compute_attention_mask`: query mask [B, Tq, 1] & value mask [B, 1, Tv] &
 * key mask & causal [1, Tq, Tv] & attention_mask.
 */
import { RidgeError } from '@ridge/core';
import { initBackend } from '@ridge/backend';
import { l2 } from '@ridge/regularizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { assignWeights, caughtRidgeError, expectClose, fitAndRead, seedWeights, values } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { dense, embedding, globalAveragePooling1d, input, lstm, model, modelFromJSON, type Model } from '../../index.js';
import { MultiHeadAttention, multiHeadAttention } from './index.js';

useCpu();

function rand(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale), shape);
}

/** Gives every weight of `layer` known values: weight k from values(n, 50 + k) * 0.5. */
function seed(layer: MultiHeadAttention): void {
  layer.weights.forEach((w, k) => {
    const t = rand(w.shape, 50 + k, 0.5);
    w.assign(t);
    t.dispose();
  });
}

/** `[B, ...steps, d] -> [B, prod(steps), d]`. */
const flat3 = (x: tf.Tensor) => tf.reshape(x, [x.shape[0]!, -1, x.shape[x.rank - 1]!]);

/** The formula above, head by head; `mask` is M, [B | 1, Tq, Tv] of 0/1 (flattened steps). */
function reference(layer: MultiHeadAttention, query: tf.Tensor, value: tf.Tensor, key = value, mask?: tf.Tensor): { out: tf.Tensor; probs: tf.Tensor } {
  return tf.tidy(() => {
    const w = (name: string) => layer.weights.find((x) => x.name === name)?.read();
    const [q, v, k] = [flat3(query), flat3(value), flat3(key)];
    const [b, t] = [q.shape[0]!, q.shape[1]!];
    const proj = (x: tf.Tensor, p: string, h: number) => {
      const kernel = w(`${p}/kernel`)!;
      const kh = tf.reshape(tf.slice(kernel, [0, h, 0], [-1, 1, -1]), [kernel.shape[0]!, kernel.shape[2]!]);
      let y = tf.reshape(tf.matMul(tf.reshape(x, [-1, x.shape[2]!]), kh), [b, x.shape[1]!, kernel.shape[2]!]);
      const bias = w(`${p}/bias`);
      if (bias) y = tf.add(y, tf.reshape(tf.slice(bias, [h, 0], [1, -1]), [-1]));
      return y;
    };
    const wo = w('attention_output/kernel')!;
    const outDims = wo.shape.slice(2);
    const p = outDims.reduce((a, c) => a * c, 1);
    let out: tf.Tensor = tf.zeros([b * t, p]);
    const probs: tf.Tensor[] = [];
    for (let h = 0; h < layer.numHeads; h++) {
      const s = tf.matMul(tf.div(proj(q, 'query', h), Math.sqrt(layer.keyDim)), proj(k, 'key', h), false, true);
      const ph = mask ? tf.mul(tf.softmax(tf.sub(s, tf.mul(tf.sub(1, mask), 1e9))), mask) : tf.softmax(s);
      probs.push(ph);
      const oh = tf.reshape(tf.matMul(ph, proj(v, 'value', h)), [b * t, layer.valueDim]);
      out = tf.add(out, tf.matMul(oh, tf.reshape(tf.slice(wo, [h, 0, ...outDims.map(() => 0)], [1, -1, ...outDims.map(() => -1)]), [layer.valueDim, p])));
    }
    const bo = w('attention_output/bias');
    if (bo) out = tf.add(out, tf.reshape(bo, [-1]));
    return {
      out: tf.reshape(out, [...query.shape.slice(0, -1), ...outDims]),
      probs: tf.reshape(tf.stack(probs, 1), [b, layer.numHeads, ...query.shape.slice(1, -1), ...value.shape.slice(1, -1)]),
    };
  });
}

function expectSame(got: tf.Tensor, want: tf.Tensor, digits = 5): void {
  expect(got.shape).toEqual(want.shape);
  expectClose(got, Array.from(want.dataSync()), digits);
}

describe('MultiHeadAttention: values against the formula', () => {
  const cases: [string, () => MultiHeadAttention, number[], number[], number[] | undefined][] = [
    ['self-attention, 2 heads', () => multiHeadAttention({ numHeads: 2, keyDim: 3 }), [2, 4, 5], [2, 4, 5], undefined],
    ['cross-attention with a key, valueDim 2, 3 heads', () => multiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 4 }), [2, 3, 5], [2, 6, 3], [2, 6, 4]],
    ['no biases, outputShape 7', () => multiHeadAttention({ numHeads: 2, keyDim: 2, useBias: false, outputShape: 7 }), [1, 3, 4], [1, 5, 4], undefined],
    ['outputShape [2, 3]', () => multiHeadAttention({ numHeads: 2, keyDim: 2, outputShape: [2, 3] }), [2, 3, 4], [2, 2, 4], undefined],
    ['rank 4: attention over both middle axes jointly (Keras default)', () => multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [1, 2] }), [2, 2, 3, 4], [2, 3, 2, 4], undefined],
  ];
  for (const [name, make, qs, vs, ks] of cases) {
    it(name, () => {
      const layer = make();
      const [q, v] = [rand(qs, 1), rand(vs, 2)];
      const k = ks ? rand(ks, 3) : undefined;
      const xs = k ? [q, v, k] : [q, v];
      tf.dispose(layer.apply(xs)); // builds
      seed(layer);
      const start = tf.memory().numTensors;
      const [out, scores] = layer.applyAll(xs, { returnAttentionScores: true });
      const want = reference(layer, q, v, k);
      expectSame(out!, want.out);
      expectSame(scores!, want.probs);
      tf.dispose([out!, scores!, want.out, want.probs]);
      expect(tf.memory().numTensors).toBe(start);
      tf.dispose(xs);
      layer.dispose();
    });
  }

  it("weights as Keras names and shapes them, kernels with role 'kernel' and biases 'bias'", () => {
    const layer = multiHeadAttention({ numHeads: 3, keyDim: 2, valueDim: 4, outputShape: [5], name: 'mha' });
    tf.dispose(layer.apply([tf.zeros([1, 2, 6]), tf.zeros([1, 3, 7]), tf.zeros([1, 3, 8])]));
    expect(layer.weights.map((w) => [w.path, w.role, w.shape])).toEqual([
      ['mha/query/kernel', 'kernel', [6, 3, 2]],
      ['mha/query/bias', 'bias', [3, 2]],
      ['mha/key/kernel', 'kernel', [8, 3, 2]],
      ['mha/key/bias', 'bias', [3, 2]],
      ['mha/value/kernel', 'kernel', [7, 3, 4]],
      ['mha/value/bias', 'bias', [3, 4]],
      ['mha/attention_output/kernel', 'kernel', [3, 4, 5]],
      ['mha/attention_output/bias', 'bias', [5]],
    ]);
    // Biases start at zero (bias_initializer 'zeros'); kernels are Glorot uniform.
    expect(layer.weights.filter((w) => w.role === 'bias').every((w) => w.variable.dataSync().every((x) => x === 0))).toBe(true);
    layer.dispose();
  });
});

describe('MultiHeadAttention: masks', () => {
  const q = () => rand([2, 4, 3], 4);
  const v = () => rand([2, 5, 3], 5);

  it('useCausalMask, query/value/key masks and attentionMask combine as Keras: M = q & v & k & causal & attentionMask', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 3 });
    const [qx, vx, kx] = [q(), v(), rand([2, 5, 3], 6)];
    tf.dispose(layer.apply([qx, vx, kx]));
    seed(layer);
    const qm = [[1, 1, 1, 0], [1, 1, 1, 1]];
    const vm = [[1, 1, 1, 1, 0], [1, 0, 1, 1, 1]];
    const km = [[1, 1, 1, 1, 1], [1, 1, 0, 1, 1]];
    const am = [[[1, 1, 1, 1, 1], [0, 1, 1, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1, 1, 1]]];
    const m = [0, 1].map((b) => [0, 1, 2, 3].map((i) => [0, 1, 2, 3, 4].map((j) => qm[b]![i]! * vm[b]![j]! * km[b]![j]! * (j <= i ? 1 : 0) * am[0]![i]![j]!)));
    const masks = [tf.tensor2d(qm, undefined, 'bool'), tf.tensor2d(vm), tf.tensor2d(km)];
    const attentionMask = tf.tensor3d(am);
    const start = tf.memory().numTensors;
    const [out, scores] = layer.applyAll([qx, vx, kx], { mask: masks, useCausalMask: true, attentionMask, returnAttentionScores: true });
    const mt = tf.tensor3d(m);
    const want = reference(layer, qx, vx, kx, mt);
    expectSame(out!, want.out);
    expectSame(scores!, want.probs);
    // Keras's masked softmax gives the fully masked query step (3 of sample 0) probability 0 everywhere.
    const row = tf.slice(scores!, [0, 0, 3, 0], [1, -1, 1, -1]);
    expect(Array.from(row.dataSync()).every((x) => x === 0)).toBe(true);
    row.dispose();
    tf.dispose([out!, scores!, want.out, want.probs, mt]);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([qx, vx, kx, attentionMask, ...masks]);
    layer.dispose();
  });

  it('useCausalMask: the output at step i does not change when value steps after i do', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = rand([1, 5, 3], 7);
    const changed = tf.tidy(() => tf.concat([tf.slice(x, [0, 0, 0], [1, 3, 3]), tf.mul(tf.slice(x, [0, 3, 0], [1, 2, 3]), -4)], 1));
    const a = layer.apply([x, x], { useCausalMask: true });
    const b = layer.apply([x, changed], { useCausalMask: true });
    const c = layer.apply([x, changed]);
    const first3 = (t: tf.Tensor) => Array.from(tf.tidy(() => tf.slice(t, [0, 0, 0], [1, 3, -1])).dataSync());
    expectClose(first3(b), first3(a));
    expect(first3(c).some((val, i) => Math.abs(val - first3(a)[i]!) > 1e-3)).toBe(true);
    tf.dispose([x, changed, a, b, c]);
    layer.dispose();
  });

  it('embedding({ maskZero: true }): padded and unpadded sequences give the same outputs at real steps, and the query mask goes on to an LSTM', () => {
    const tokens = input({ shape: [null] });
    const e = embedding({ inputDim: 9, outputDim: 4, maskZero: true }).apply(tokens);
    const a = multiHeadAttention({ numHeads: 2, keyDim: 3, name: 'self' }).apply([e, e]);
    const fin = lstm({ units: 3 }).apply(a);
    const m = model({ inputs: tokens, outputs: [a, fin] });
    const padded = tf.tensor2d([[3, 1, 4, 0, 0], [5, 2, 0, 0, 0]]);
    const [seq, last] = m.predict(padded) as tf.Tensor[];
    const seqRows = seq!.arraySync() as number[][][];
    const lastRows = last!.arraySync() as number[][];
    [[[3, 1, 4]], [[5, 2]]].forEach((rows, r) => {
      const x = tf.tensor2d(rows);
      const [s, l] = m.predict(x) as tf.Tensor[];
      expectClose(s!, seqRows[r]!.slice(0, rows[0]!.length).flat());
      expectClose(l!, lastRows[r]!);
      tf.dispose([x, s!, l!]);
    });
    tf.dispose([padded, seq!, last!]);
    m.dispose();
  });
});

describe('MultiHeadAttention: dropout', () => {
  it('drops attention probabilities in training only: (P / keep) * floor(u + keep), u seeded with seed, seed + 1, ...', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 0.5, seed: 11 });
    const x = rand([2, 3, 4], 8);
    tf.dispose(layer.apply([x, x]));
    seed(layer);
    const inference = layer.apply([x, x], { training: false });
    const want = reference(layer, x, x);
    expectSame(inference, want.out);
    for (const s of [11, 12]) {
      // The dropped probabilities go through the value and output projections as P does.
      const expected = tf.tidy(() => {
        const kept = tf.floor(tf.add(tf.randomUniform([2, 2, 3, 3], 0, 1, 'float32', s), 0.5));
        const dropped = tf.mul(tf.div(want.probs, 0.5), kept);
        const vk = layer.weights.find((w) => w.name === 'value/kernel')!.read();
        const vb = layer.weights.find((w) => w.name === 'value/bias')!.read();
        const vh = tf.transpose(tf.add(tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), tf.reshape(vk, [4, 4])), [2, 3, 2, 2]), vb), [0, 2, 1, 3]);
        const ctx = tf.reshape(tf.transpose(tf.matMul(dropped, vh), [0, 2, 1, 3]), [6, 4]);
        const wo = layer.weights.find((w) => w.name === 'attention_output/kernel')!.read();
        const bo = layer.weights.find((w) => w.name === 'attention_output/bias')!.read();
        return tf.reshape(tf.add(tf.matMul(ctx, tf.reshape(wo, [4, 4])), bo), [2, 3, 4]);
      });
      const [out, scores] = layer.applyAll([x, x], { training: true, returnAttentionScores: true });
      expectSame(out!, expected);
      // As Keras, the scores returned are before dropout.
      expectSame(scores!, want.probs);
      tf.dispose([out!, scores!, expected]);
    }
    tf.dispose([x, inference, want.out, want.probs]);
    layer.dispose();
  });
});

/** input [4, 3] -> self-attention 'mha' -> average over steps -> dense 2. */
function attentionModel(name: string, args: Partial<Parameters<typeof multiHeadAttention>[0]> = {}): Model {
  const inp = input({ shape: [4, 3] });
  const a = multiHeadAttention({ numHeads: 2, keyDim: 2, name, ...args }).apply([inp, inp], { useCausalMask: true });
  return model({ inputs: inp, outputs: dense({ units: 2, name: `${name}_out` }).apply(globalAveragePooling1d().apply(a)) });
}

describe('MultiHeadAttention: regularization', () => {
  const sq = (w: { variable: tf.Variable }) => Array.from(w.variable.dataSync()).reduce((a, x) => a + x * x, 0);

  it("compile({ regularization: 'l2' }) penalizes the four kernels (0.01 * sum(w^2) each), not the biases; the logs show each term", async () => {
    const m = attentionModel('mha');
    seedWeights(m, 3, 0.5);
    m.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: 'l2' });
    const kernels = ['query', 'key', 'value', 'attention_output'].map((p) => m.weights.find((w) => w.path === `mha/${p}/kernel`)!);
    const report = m.penalties();
    const mhaTerms = report.terms.filter((t) => t.path.startsWith('mha/'));
    expect(mhaTerms.map((t) => [t.path, t.regularizer, t.source])).toEqual(kernels.map((w) => [w.path, 'L2', 'model']));
    mhaTerms.forEach((t, i) => expect(t.value).toBeCloseTo(0.01 * sq(kernels[i]!), 5));
    const x = rand([4, 4, 3], 9);
    const y = rand([4, 2], 10);
    const before = kernels.map((w) => 0.01 * sq(w));
    const logs = await m.evaluate(x, y);
    kernels.forEach((w, i) => expect(logs[`penalty/${w.path}`]).toBeCloseTo(before[i]!, 5));
    expect(Object.keys(logs).filter((k) => k.startsWith('penalty/mha/')).sort()).toEqual(kernels.map((w) => `penalty/${w.path}`).sort());
    expect(logs['loss']).toBeCloseTo(logs['data_loss']! + logs['penalty']!, 5);
    const history = await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(history.history['penalty/mha/attention_output/kernel']![0]).toBeCloseTo(before[3]!, 5);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('kernelRegularizer and biasRegularizer reach all four projections, as Keras passes them to each EinsumDense', () => {
    const m = attentionModel('reg', { kernelRegularizer: l2(0.1), biasRegularizer: 'l1' });
    seedWeights(m, 4, 0.5);
    m.compile({ optimizer: sgd(0.1), loss: 'mse' });
    const terms = m.penalties().terms.filter((t) => t.path.startsWith('reg/'));
    const weights = m.weights.filter((w) => w.path.startsWith('reg/'));
    expect(terms.map((t) => [t.path, t.regularizer, t.source])).toEqual(weights.map((w) => [w.path, w.role === 'kernel' ? 'L2' : 'L1', 'layer']));
    terms.forEach((t, i) => {
      const vals = Array.from(weights[i]!.variable.dataSync());
      const want = weights[i]!.role === 'kernel' ? 0.1 * sq(weights[i]!) : 0.01 * vals.reduce((a, v) => a + Math.abs(v), 0);
      expect(t.value).toBeCloseTo(want, 5);
    });
    m.dispose();
  });
});

describe('MultiHeadAttention: training on cpu and on wasm', () => {
  async function train(): Promise<number[][]> {
    const m = attentionModel('train', { dropout: 0 });
    seedWeights(m, 21, 0.5);
    m.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: 'l2' });
    return (await fitAndRead(m, rand([8, 4, 3], 12), rand([8, 2], 13), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 })).weights;
  }

  it('reaches the same weights on both backends, every weight moved, nothing leaked', async () => {
    try {
      await initBackend({ prefer: 'cpu', log: false });
      const onCpu = await train();
      await initBackend({ prefer: 'wasm', log: false });
      expect(tf.getBackend()).toBe('wasm');
      const before = tf.memory().numTensors;
      const onWasm = await train();
      expect(tf.memory().numTensors).toBe(before);
      expect(onWasm).toHaveLength(onCpu.length);
      onWasm.forEach((w, i) => expectClose(w, onCpu[i]!, 4));
      // Weight 3 is key/bias: q . (k_j + b) = q . k_j + q . b adds the same to every score of a
      // query, which the softmax ignores, so its gradient is 0 (as in Keras) and it stays put.
      onCpu.forEach((w, k) => {
        const start = values(w.length, 21 + k).map((v) => v * 0.5);
        const moved = w.map((v, j) => Math.abs(v - start[j]!));
        if (k === 3) expect(Math.max(...moved), 'key/bias').toBeLessThan(1e-5);
        else expect(Math.max(...moved), `weight ${k}`).toBeGreaterThan(1e-4);
      });
    } finally {
      await initBackend({ prefer: 'cpu', log: false });
    }
  });
});

describe('MultiHeadAttention: config and Keras 3 JSON', () => {
  it('getConfig has Keras 3 keys', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 3, outputShape: 5, attentionAxes: -2, dropout: 0.1, seed: 4, kernelRegularizer: l2(0.02), name: 'cfg' });
    expect(layer.getConfig()).toMatchObject({
      name: 'cfg',
      numHeads: 2,
      keyDim: 3,
      valueDim: 3,
      dropout: 0.1,
      useBias: true,
      outputShape: [5],
      attentionAxes: [-2],
      kernelInitializer: { className: 'GlorotUniform' },
      biasInitializer: { className: 'Zeros' },
      kernelRegularizer: { className: 'L2', config: { l2: 0.02 } },
      biasRegularizer: null,
      kernelConstraint: null,
      biasConstraint: null,
      seed: 4,
    });
  });

  it('a Keras 3 model JSON (dtype policy, flash_attention, build_config, use_causal_mask in kwargs) loads, computes the formula, and writes back what it read', () => {
    const keras = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'decoder',
        trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 5, 4], dtype: 'float32', sparse: false, name: 'x' }, registered_name: null, name: 'x', inbound_nodes: [] },
          {
            module: 'keras.layers',
            class_name: 'MultiHeadAttention',
            config: {
              name: 'mha',
              trainable: true,
              dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
              num_heads: 2,
              key_dim: 3,
              value_dim: 2,
              dropout: 0.0,
              use_bias: true,
              output_shape: null,
              attention_axes: [1],
              flash_attention: null,
              kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
              bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
              kernel_regularizer: { module: 'keras.regularizers', class_name: 'L2', config: { l2: 0.01 }, registered_name: null },
              bias_regularizer: null,
              activity_regularizer: null,
              kernel_constraint: null,
              bias_constraint: null,
              seed: null,
            },
            registered_name: null,
            build_config: { shapes_dict: { query_shape: [null, 5, 4], value_shape: [null, 5, 4] } },
            name: 'mha',
            inbound_nodes: [
              {
                args: [
                  { class_name: '__keras_tensor__', config: { shape: [null, 5, 4], dtype: 'float32', keras_history: ['x', 0, 0] } },
                  { class_name: '__keras_tensor__', config: { shape: [null, 5, 4], dtype: 'float32', keras_history: ['x', 0, 0] } },
                ],
                kwargs: { use_causal_mask: true },
              },
            ],
          },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['mha', 0, 0]],
      },
      registered_name: 'Functional',
      build_config: { input_shape: null },
    };
    const m = modelFromJSON(JSON.stringify(keras));
    const layer = m.layers.find((l) => l.name === 'mha') as MultiHeadAttention;
    expect(layer).toBeInstanceOf(MultiHeadAttention);
    expect([layer.numHeads, layer.keyDim, layer.valueDim, layer.attentionAxes]).toEqual([2, 3, 2, [1]]);
    expect(m.weights.map((w) => w.path)).toEqual(['query', 'key', 'value', 'attention_output'].flatMap((p) => [`mha/${p}/kernel`, `mha/${p}/bias`]));
    expect(layer.kernels.query!.regularizer?.className).toBe('L2');
    seed(layer);
    const x = rand([2, 5, 4], 14);
    const got = m.predict(x) as tf.Tensor;
    const causal = tf.tensor3d([[0, 1, 2, 3, 4].map((i) => [0, 1, 2, 3, 4].map((j) => (j <= i ? 1 : 0)))]);
    const want = reference(layer, x, x, x, causal);
    expectSame(got, want.out);
    const again = modelFromJSON(JSON.stringify(m));
    expect(again.toJSON()).toEqual(m.toJSON());
    assignWeights(again, m.getWeights());
    const got2 = again.predict(x) as tf.Tensor;
    expectSame(got2, want.out);
    tf.dispose([x, got, got2, causal, want.out, want.probs]);
    m.dispose();
    again.dispose();
  });
});

describe('MultiHeadAttention: bad arguments', () => {
  it('are RidgeErrors naming the argument and the value, and change nothing', () => {
    const cases: [() => unknown, string, RegExp][] = [
      [() => multiHeadAttention({ numHeads: 0, keyDim: 2 }), 'INVALID_ARGUMENT', /numHeads must be an integer >= 1; received 0/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 1.5 }), 'INVALID_ARGUMENT', /keyDim must be an integer >= 1; received 1.5/],
      [() => multiHeadAttention({ keyDim: 2 } as never), 'INVALID_ARGUMENT', /numHeads is required/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: -1 }), 'INVALID_ARGUMENT', /valueDim/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, outputShape: [0] }), 'INVALID_ARGUMENT', /outputShape/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: 'time' as never }), 'INVALID_ARGUMENT', /attentionAxes/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: -0.1 }), 'INVALID_ARGUMENT', /dropout/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, kernelRegularizer: 'nope' as never }), 'UNKNOWN_NAME', /kernelRegularizer/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, key_dim: 2 } as never), 'INVALID_ARGUMENT', /unknown argument "key_dim"/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [2] }).apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])]), 'INVALID_ARGUMENT', /attentionAxes \[2\] is not supported for inputs of rank 3.*\[1\]/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 2, 3])]), 'SHAPE_MISMATCH', /one rank/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3]), tf.zeros([1, 5, 3])]), 'SHAPE_MISMATCH', /value and key, except the last one/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3])], { attentionMask: tf.ones([1, 4, 2]) }), 'SHAPE_MISMATCH', /attentionMask.*\[1, 2, 4\]/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([tf.zeros([1, 2, 2, 3]), tf.zeros([1, 2, 2, 3])], { useCausalMask: true }), 'INVALID_ARGUMENT', /useCausalMask needs inputs of rank 3/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])], { useCasualMask: true } as never), 'INVALID_ARGUMENT', /did you mean 'useCausalMask'/],
      [() => multiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([input({ shape: [2, 3] }), input({ shape: [2, 3] })], { attentionMask: tf.ones([1, 2, 2]) } as never), 'INVALID_ARGUMENT', /symbolic tensors: unknown option "attentionMask"/],
    ];
    for (const [fn, code, message] of cases) {
      const start = tf.memory().numTensors;
      const error = caughtRidgeError(() => tf.tidy(() => fn() as never));
      expect(error).toBeInstanceOf(RidgeError);
      expect(error.code, String(message)).toBe(code);
      expect(error.message).toMatch(message);
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('a layer built for some inputs refuses others, and a refused build leaves no weights', () => {
    const layer = multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [2] });
    const x = tf.zeros([1, 2, 3]);
    expect(caughtRidgeError(() => layer.apply([x, x])).code).toBe('INVALID_ARGUMENT');
    expect([layer.built, layer.weights.length]).toEqual([false, 0]);
    const ok = multiHeadAttention({ numHeads: 2, keyDim: 2 });
    tf.dispose(ok.apply([x, x]));
    const y = tf.zeros([1, 2, 4]);
    expect(caughtRidgeError(() => ok.apply([y, y])).message).toMatch(/built for last dimensions \[3, 3, 3\]/);
    tf.dispose([x, y]);
    ok.dispose();
  });
});
