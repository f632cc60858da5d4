/**
 * Attention and AdditiveAttention against Keras 3's formulas written out here in plain JavaScript
 * (keras/src/layers/attention/attention.py and additive_attention.py):
 *
 *   dot:      s[i][j] = scale * sum_d q[i][d] k[j][d]
 *   concat:   s[i][j] = c * sum_d tanh(scale * (q[i][d] + k[j][d]))
 *   additive: s[i][j] = sum_d scale[d] * tanh(q[i][d] + k[j][d])
 *   s[i][j] -= 1e9 where value step j is padded or (causal) j > i
 *   w = softmax_j(s), out[i] = sum_j w[i][j] v[j], times 0 where query step i is padded.
 */
import { RidgeError } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { assignWeights, caughtRidgeError, expectClose, setWeight, values } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { dense, embedding, input, lstm, model, modelFromJSON } from '../../index.js';
import { AdditiveAttention, Attention, additiveAttention, attention } from './index.js';

useCpu();

type T3 = number[][][];

function t3(b: number, t: number, d: number, seed: number): T3 {
  const v = values(b * t * d, seed);
  return Array.from({ length: b }, (_, i) => Array.from({ length: t }, (_, j) => v.slice((i * t + j) * d, (i * t + j + 1) * d)));
}

interface RefArgs {
  score: (q: number[], k: number[]) => number;
  vMask?: boolean[][];
  qMask?: boolean[][];
  causal?: boolean;
}

/** [output, weights] of one attention call, per the formulas above. */
function reference(q: T3, v: T3, k: T3, { score, vMask, qMask, causal }: RefArgs): [T3, T3] {
  const outs: T3 = [];
  const weights: T3 = [];
  q.forEach((qb, b) => {
    const wb = qb.map((qi, i) => {
      const s = k[b]!.map((kj, j) => score(qi, kj) - ((vMask && !vMask[b]![j]) || (causal && j > i) ? 1e9 : 0));
      const m = Math.max(...s);
      const e = s.map((x) => Math.exp(x - m));
      const z = e.reduce((a, x) => a + x, 0);
      return e.map((x) => x / z);
    });
    weights.push(wb);
    outs.push(wb.map((w, i) => v[b]![0]!.map((_, d) => (qMask && !qMask[b]![i] ? 0 : w.reduce((a, wj, j) => a + wj * v[b]![j]![d]!, 0)))));
  });
  return [outs, weights];
}

const dotScore = (scale: number) => (q: number[], k: number[]) => scale * q.reduce((a, x, d) => a + x * k[d]!, 0);
const concatScore = (scale: number, c: number) => (q: number[], k: number[]) => c * q.reduce((a, x, d) => a + Math.tanh(scale * (x + k[d]!)), 0);
const additiveScore = (scale: readonly number[]) => (q: number[], k: number[]) => q.reduce((a, x, d) => a + scale[d]! * Math.tanh(x + k[d]!), 0);

/** Runs `layer` eagerly on [q, v(, k)] with `options` and returns [output, scores] as arrays; frees everything. */
function run(layer: Attention, q: T3, v: T3, k: T3 | undefined, options: Parameters<Attention['applyAll']>[1] = {}): tf.Tensor[] {
  const xs = [tf.tensor3d(q), tf.tensor3d(v), ...(k ? [tf.tensor3d(k)] : [])];
  const out = layer.applyAll(xs, { ...options, returnAttentionScores: true });
  tf.dispose(xs);
  return out;
}

function expectT3(t: tf.Tensor, want: T3, digits = 5): void {
  expect(t.shape).toEqual([want.length, want[0]!.length, want[0]![0]!.length]);
  expectClose(t, want.flat(2), digits);
}

const Q = t3(2, 3, 4, 1);
const V = t3(2, 5, 4, 2);
const K = t3(2, 5, 4, 3);
const V6 = t3(2, 5, 6, 4);

describe('Attention: values against the formulas', () => {
  const cases: [string, () => Attention, (l: Attention) => RefArgs['score'], T3, T3 | undefined][] = [
    ['dot, no scale, key = value', () => attention(), () => dotScore(1), V, undefined],
    ['dot, separate key, value of another width', () => attention(), () => dotScore(1), V6, K],
    ['dot with useScale (scale 0.7)', () => attention({ useScale: true }), (l) => (setWeight(l.scale!, [0.7]), dotScore(0.7)), V, K],
    ['concat without scale (concat_score_weight 1.3)', () => attention({ scoreMode: 'concat' }), (l) => (setWeight(l.concatScoreWeight!, [1.3]), concatScore(1, 1.3)), V, K],
    [
      'concat with scale 0.6 inside the tanh and concat_score_weight 1.3',
      () => attention({ scoreMode: 'concat', useScale: true }),
      (l) => (setWeight(l.scale!, [0.6]), setWeight(l.concatScoreWeight!, [1.3]), concatScore(0.6, 1.3)),
      V,
      K,
    ],
    ['additive with its [dim] scale', () => additiveAttention(), (l) => (setWeight(l.scale!, [0.5, -1, 2, 0.25]), additiveScore([0.5, -1, 2, 0.25])), V, K],
    ['additive without scale', () => additiveAttention({ useScale: false }), () => additiveScore([1, 1, 1, 1]), V6, K],
  ];
  for (const [name, make, prepare, v, k] of cases) {
    it(name, () => {
      const layer = make();
      tf.dispose(run(layer, Q, v, k)); // builds
      const score = prepare(layer);
      const start = tf.memory().numTensors;
      const [out, w] = run(layer, Q, v, k);
      const [wantOut, wantW] = reference(Q, v, k ?? v, { score });
      expectT3(out!, wantOut);
      expectT3(w!, wantW);
      tf.dispose([out!, w!]);
      expect(tf.memory().numTensors).toBe(start);
      layer.dispose();
    });
  }

  it('weights: scale [] (ones) and concat_score_weight [] for Attention, scale [dim] (Glorot uniform) for AdditiveAttention', () => {
    const a = attention({ useScale: true, scoreMode: 'concat' });
    const b = additiveAttention();
    tf.dispose([...run(a, Q, V, K), ...run(b, Q, V, K)]);
    expect(a.weights.map((w) => [w.name, w.role, w.shape, Array.from(w.variable.dataSync())])).toEqual([
      ['scale', 'scale', [], [1]],
      ['concat_score_weight', 'concatScoreWeight', [], [1]],
    ]);
    expect(b.weights.map((w) => [w.path, w.shape])).toEqual([[`${b.name}/scale`, [4]]]);
    // Glorot uniform for a [4] vector: fan_in = fan_out = 4, limit sqrt(6 / 8).
    expect(Array.from(b.scale!.variable.dataSync()).every((x) => Math.abs(x) <= Math.sqrt(6 / 8))).toBe(true);
    expect(attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])]).shape).toEqual([1, 2, 3]);
    a.dispose();
    b.dispose();
  });
});

describe('Attention: causal mask, masks, dropout', () => {
  const vMask = [
    [true, true, true, false, false],
    [true, false, true, true, false],
  ];
  const qMask = [
    [true, true, false],
    [true, true, true],
  ];

  it('useCausalMask: query step i attends to value steps j <= i only', () => {
    const layer = attention();
    const [out, w] = run(layer, Q, V, K, { useCausalMask: true });
    const [wantOut, wantW] = reference(Q, V, K, { score: dotScore(1), causal: true });
    expectT3(out!, wantOut);
    expectT3(w!, wantW);
    expect(Array.from(w!.dataSync()).filter((_, n) => n % 5 > Math.floor(n / 5) % 3)).toEqual(new Array(2 * 3 * 5 - 2 * 6).fill(0));
    tf.dispose([out!, w!]);
  });

  it('masks [queryMask, valueMask]: padded value steps get weight 0, padded query steps output 0 (Keras 3)', () => {
    const layer = additiveAttention({ useScale: false });
    const masks = [tf.tensor2d(qMask.map((r) => r.map(Number))), tf.tensor2d(vMask.map((r) => r.map(Number)), undefined, 'bool')];
    const start = tf.memory().numTensors;
    const [out, w] = run(layer, Q, V, K, { mask: masks, useCausalMask: true });
    const [wantOut, wantW] = reference(Q, V, K, { score: additiveScore([1, 1, 1, 1]), vMask, qMask, causal: true });
    expectT3(out!, wantOut);
    expectT3(w!, wantW);
    tf.dispose([out!, w!]);
    expect(tf.memory().numTensors).toBe(start);
    // One tensor is the query's mask, as apply(x, { mask }) masks a layer's first input.
    const single = run(layer, Q, V, K, { mask: masks[0] });
    expectT3(single[0]!, reference(Q, V, K, { score: additiveScore([1, 1, 1, 1]), qMask })[0]);
    tf.dispose([...single, ...masks]);
  });

  it('embedding({ maskZero: true }) in a model: padded and unpadded sequences give the same outputs at real steps; the mask goes on', () => {
    const tokens = input({ shape: [null] });
    const e = embedding({ inputDim: 9, outputDim: 4, maskZero: true }).apply(tokens);
    const a = attention({ useScale: true }).apply([e, e], { useCausalMask: false });
    const b = additiveAttention().apply([a, e]);
    const last = lstm({ units: 3 }).apply(b);
    const m = model({ inputs: tokens, outputs: [b, last] });
    const padded = tf.tensor2d([[3, 1, 4, 0, 0], [5, 0, 0, 0, 0]]);
    const trimmed = [tf.tensor2d([[3, 1, 4]]), tf.tensor2d([[5]])];
    const [seq, fin] = m.predict(padded) as tf.Tensor[];
    const seqRows = seq!.arraySync() as T3;
    const finRows = fin!.arraySync() as number[][];
    trimmed.forEach((x, row) => {
      const [s, f] = m.predict(x) as tf.Tensor[];
      const n = x.shape[1]!;
      expectClose(s!, seqRows[row]!.slice(0, n).flat());
      // The LSTM skips the padded steps only if the mask reached it through both attention layers.
      expectClose(f!, finRows[row]!);
      tf.dispose([s!, f!]);
    });
    // Keras 3 zeroes Attention's outputs at padded query steps.
    expect(seqRows[0]!.slice(3).flat().every((x) => x === 0)).toBe(true);
    tf.dispose([padded, ...trimmed, seq!, fin!]);
    m.dispose();
  });

  it('dropout on the weights in training only, seeded: (w / keep) * floor(u + keep), u drawn with seed, seed + 1, ...', () => {
    const layer = attention({ dropout: 0.4, seed: 7 });
    const [wantOut, wantW] = reference(Q, V, K, { score: dotScore(1) });
    const [inference] = run(layer, Q, V, K, { training: false });
    expectT3(inference!, wantOut);
    for (const seed of [7, 8]) {
      const kept = tf.tidy(() => tf.floor(tf.add(tf.randomUniform([2, 3, 5], 0, 1, 'float32', seed), 0.6)).arraySync() as T3);
      const dropped = wantW.map((wb, b) => wb.map((wi, i) => wi.map((x, j) => (x / 0.6) * kept[b]![i]![j]!)));
      const want = dropped.map((wb, b) => wb.map((wi) => V[b]![0]!.map((_, d) => wi.reduce((a, x, j) => a + x * V[b]![j]![d]!, 0))));
      const [out, w] = run(layer, Q, V, K, { training: true });
      expectT3(w!, dropped);
      expectT3(out!, want);
      expect(kept.flat(2).some((x) => x === 0)).toBe(true);
      tf.dispose([out!, w!]);
    }
    tf.dispose(inference!);
  });
});

describe('Attention: config, Keras JSON, errors', () => {
  it('getConfig has Keras 3 keys; AdditiveAttention has no scoreMode', () => {
    const a = attention({ useScale: true, scoreMode: 'concat', dropout: 0.25, seed: 3, name: 'att' });
    expect(a.getConfig()).toMatchObject({ name: 'att', useScale: true, scoreMode: 'concat', dropout: 0.25, seed: 3 });
    const b = additiveAttention({ name: 'add_att' });
    expect(b.getConfig()).toMatchObject({ useScale: true, dropout: 0, seed: null });
    expect('scoreMode' in b.getConfig()).toBe(false);
    expect([a.className, b.className]).toEqual(['Attention', 'AdditiveAttention']);
  });

  it('a Keras 3 functional model with Attention (use_causal_mask in the call kwargs) and AdditiveAttention loads and computes the formulas', () => {
    const tensor = (layer: string) => ({ class_name: '__keras_tensor__', config: { shape: [null, 3, 4], dtype: 'float32', keras_history: [layer, 0, 0] } });
    const keras = {
      module: 'keras',
      class_name: 'Functional',
      config: {
        name: 'functional',
        trainable: true,
        layers: [
          ['q', [null, 3, 4]],
          ['v', [null, 5, 4]],
        ].map(([name, shape]) => ({
          module: 'keras.layers',
          class_name: 'InputLayer',
          config: { batch_shape: shape, dtype: 'float32', sparse: false, name },
          registered_name: null,
          name,
          inbound_nodes: [],
        })).concat([
          {
            module: 'keras.layers',
            class_name: 'Attention',
            config: { name: 'attention', trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, use_scale: true, score_mode: 'dot', dropout: 0.0 },
            registered_name: null,
            build_config: { input_shape: [[null, 3, 4], [null, 5, 4]] },
            name: 'attention',
            inbound_nodes: [{ args: [[tensor('q'), tensor('v')]], kwargs: { use_causal_mask: true } }],
          } as never,
          {
            module: 'keras.layers',
            class_name: 'AdditiveAttention',
            config: { name: 'additive_attention', trainable: true, dtype: 'float32', use_scale: false, dropout: 0.0 },
            registered_name: null,
            build_config: { input_shape: [[null, 3, 4], [null, 5, 4]] },
            name: 'additive_attention',
            inbound_nodes: [{ args: [[tensor('attention'), tensor('v')]], kwargs: {} }],
          } as never,
        ]),
        input_layers: [['q', 0, 0], ['v', 0, 0]],
        output_layers: [['attention', 0, 0], ['additive_attention', 0, 0]],
      },
      registered_name: 'Functional',
      build_config: { input_shape: null },
    };
    const m = modelFromJSON(JSON.stringify(keras));
    const att = m.layers.find((l) => l.name === 'attention') as Attention;
    expect(att).toBeInstanceOf(Attention);
    expect(m.layers.find((l) => l.name === 'additive_attention')).toBeInstanceOf(AdditiveAttention);
    setWeight(att.scale!, [0.8]);
    const xs = [tf.tensor3d(Q), tf.tensor3d(V)];
    const [a, b] = m.predict(xs) as tf.Tensor[];
    const [wantA] = reference(Q, V, V, { score: dotScore(0.8), causal: true });
    expectT3(a!, wantA);
    expectT3(b!, reference(wantA, V, V, { score: additiveScore([1, 1, 1, 1]) })[0]);
    // The call argument is saved with the call (Keras 2 / tfjs-layers form) and read back.
    const again = modelFromJSON(JSON.stringify(m));
    const callOf = (mm: typeof m) => (mm.toJSON().config as { layers: { name: string; inbound_nodes: unknown }[] }).layers.find((l) => l.name === 'attention')!.inbound_nodes;
    expect(callOf(m)).toEqual([[['q', 0, 0, { use_causal_mask: true }], ['v', 0, 0, { use_causal_mask: true }]]]);
    expect(callOf(again)).toEqual(callOf(m));
    assignWeights(again, m.getWeights());
    const [a2] = again.predict(xs) as tf.Tensor[];
    expectClose(a2!, Array.from(a!.dataSync()));
    tf.dispose([...xs, a!, b!, a2!]);
    m.dispose();
    again.dispose();
  });

  it("tf.keras 2's Attention config (causal, Keras 2 call references) loads; causal: true makes every call causal, as tf.keras 2 computes it", () => {
    const keras2 = (causal: boolean) => ({
      class_name: 'Functional',
      config: {
        name: 'k2',
        layers: [
          ...['q', 'v'].map((name) => ({ class_name: 'InputLayer', config: { batch_input_shape: [null, 3, 4], dtype: 'float32', sparse: false, ragged: false, name }, name, inbound_nodes: [] })),
          { class_name: 'Attention', config: { name: 'att', trainable: true, dtype: 'float32', use_scale: false, score_mode: 'dot', causal, dropout: 0.0 }, name: 'att', inbound_nodes: [[['q', 0, 0, {}], ['v', 0, 0, {}]]] },
        ],
        input_layers: [['q', 0, 0], ['v', 0, 0]],
        output_layers: [['att', 0, 0]],
      },
      keras_version: '2.12.0',
      backend: 'tensorflow',
    });
    const warnings: string[] = [];
    const plain = modelFromJSON(JSON.stringify(keras2(false)), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const causal = modelFromJSON(JSON.stringify(keras2(true)), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    const q3 = Q.map((b) => b.slice(0, 3));
    const v3 = V.map((b) => b.slice(0, 3));
    const xs = [tf.tensor3d(q3), tf.tensor3d(v3)];
    const y = plain.predict(xs) as tf.Tensor;
    expectT3(y, reference(q3, v3, v3, { score: dotScore(1) })[0]);
    const yc = causal.predict(xs) as tf.Tensor;
    expectT3(yc, reference(q3, v3, v3, { score: dotScore(1), causal: true })[0]);
    // Saved again, the causal calls are written as Keras 3 writes them, in each call's arguments.
    const again = modelFromJSON(JSON.stringify(causal));
    const ya = again.predict(xs) as tf.Tensor;
    expectT3(ya, reference(q3, v3, v3, { score: dotScore(1), causal: true })[0]);
    again.dispose();
    tf.dispose([...xs, y, yc, ya]);
    plain.dispose();
    causal.dispose();
  });

  it('bad arguments and inputs are RidgeErrors naming the argument and the value', () => {
    const cases: [() => unknown, string, RegExp][] = [
      [() => attention({ scoreMode: 'add' as 'dot' }), 'INVALID_ARGUMENT', /scoreMode must be 'dot' or 'concat'; received "add"/],
      [() => attention({ useScale: 1 as unknown as boolean }), 'INVALID_ARGUMENT', /useScale/],
      [() => attention({ dropout: 1 }), 'INVALID_ARGUMENT', /dropout.*\[0, 1\)/],
      [() => additiveAttention({ seed: -1 }), 'INVALID_ARGUMENT', /seed/],
      [() => additiveAttention({ scoreMode: 'dot' } as never), 'INVALID_ARGUMENT', /unknown argument "scoreMode"/],
      [() => attention({ use_scale: true } as never), 'INVALID_ARGUMENT', /did you mean 'useScale'/],
      [() => attention().apply(tf.zeros([1, 2, 3]) as never), 'INVALID_ARGUMENT', /a list \[query, value\].*not in a list/],
      [() => attention().apply([tf.zeros([1, 2, 3])]), 'INVALID_ARGUMENT', /1 tensors/],
      [() => attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 4])]), 'SHAPE_MISMATCH', /same last dimension.*\[1, 2, 3\], \[1, 2, 4\]/],
      [() => attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 4, 3]), tf.zeros([1, 5, 3])]), 'SHAPE_MISMATCH', /same number of time steps/],
      [() => attention().apply([tf.zeros([2, 3]), tf.zeros([2, 3])]), 'SHAPE_MISMATCH', /rank 3/],
      [() => attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])], { attentionMask: tf.ones([1, 2, 2]) }), 'INVALID_ARGUMENT', /unknown option "attentionMask"/],
      [() => attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])], { useCausalMask: 'yes' as never }), 'INVALID_ARGUMENT', /useCausalMask.*received "yes"/],
      [() => attention().apply([tf.zeros([1, 2, 3]), tf.zeros([1, 2, 3])], { mask: [tf.ones([1, 3]), null] }), 'SHAPE_MISMATCH', /mask\[0\].*\[1, 2\]; received shape \[1, 3\]/],
      [() => attention().apply([input({ shape: [2, 3] }), input({ shape: [2, 3] })], { training: true } as never), 'INVALID_ARGUMENT', /symbolic tensors: unknown option "training"/],
    ];
    for (const [fn, code, message] of cases) {
      const start = tf.memory().numTensors;
      // tidy frees the inputs the case makes (a throw ends the scope too).
      const error = caughtRidgeError(() => tf.tidy(() => fn() as never));
      expect(error).toBeInstanceOf(RidgeError);
      expect(error.code, String(message)).toBe(code);
      expect(error.message).toMatch(message);
      expect(tf.memory().numTensors).toBe(start);
    }
  });

  it('a symbolic call records its options; a model returns the scores as a second output', () => {
    const q = input({ shape: [3, 4] });
    const v = input({ shape: [5, 4] });
    const layer = attention();
    const [out, scores] = layer.applyAll([q, v], { returnAttentionScores: true, useCausalMask: true });
    expect(out!.shape).toEqual([null, 3, 4]);
    expect(scores!.shape).toEqual([null, 3, 5]);
    const m = model({ inputs: [q, v], outputs: [dense({ units: 2 }).apply(out!), scores!] });
    const xs = [tf.tensor3d(Q), tf.tensor3d(V)];
    const outs = m.predict(xs) as tf.Tensor[];
    expectT3(outs[1]!, reference(Q, V, V, { score: dotScore(1), causal: true })[1]);
    // Saved and read back, the call still returns the scores (its second output is a model output).
    const again = modelFromJSON(JSON.stringify(m));
    assignWeights(again, m.getWeights());
    const outs2 = again.predict(xs) as tf.Tensor[];
    outs2.forEach((o, i) => expectClose(o, Array.from(outs[i]!.dataSync())));
    tf.dispose([...xs, ...outs, ...outs2]);
    again.dispose();
    m.dispose();
  });
});
