import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import '@ridge/losses';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { activation, dense, embedding, input, lstm, model, timeDistributed, type Model } from '../index.js';

/*
 * Masked outputs in losses and metrics, as Keras 3 weighs them (keras/src/losses/loss.py
 * `apply_mask`, keras/src/metrics/reduction_metrics.py `MeanMetricWrapper`):
 * - loss ('sum_over_batch_size'): sum(loss * sampleWeight * mask) / sum(mask) per batch, 0 when
 *   every step of the batch is masked; the epoch's loss is the batches' mean weighted by batch size;
 * - metrics: the mask is the weight of each step (times the sample weight for weightedMetrics),
 *   summed over the epoch: sum(value * weight) / sum(weight).
 * The expected numbers are computed here in plain JavaScript from the embedding table.
 */

useCpu();

/** Embedding rows, one per token; token 0 is padding (its row would count if it were not masked). */
const E = [
  [3, -2, 1],
  [2, 0, -1],
  [0, 1, 0.5],
  [-1, 0.5, 1.5],
];
const X = [
  [1, 2, 0],
  [3, 0, 0],
  [2, 3, 1],
];
/** Labels per step; those at padded steps are wrong on purpose. */
const Y = [
  [0, 1, 2],
  [2, 1, 1],
  [1, 0, 2],
];
const SW = [1, 2, 0.5];

const softmax = (row: readonly number[]) => {
  const e = row.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
/** Crossentropy of step (b, t): -log softmax(E[token])[label]. */
const ce = (b: number, t: number) => -Math.log(softmax(E[X[b]![t]!]!)[Y[b]![t]!]!);
/** 1 where the largest entry of E[token] is at the label. */
const hit = (b: number, t: number) => {
  const row = E[X[b]![t]!]!;
  return row.indexOf(Math.max(...row)) === Y[b]![t] ? 1 : 0;
};
const valid = (b: number, t: number) => (X[b]![t] !== 0 ? 1 : 0);
const steps = (rows: readonly number[]) => rows.flatMap((b) => [0, 1, 2].map((t) => [b, t] as const));
/** Keras's masked loss of a batch: sum(ce * w * m) / sum(m). */
const batchLoss = (rows: readonly number[], sw?: readonly number[]) => {
  const s = steps(rows);
  const m = s.reduce((a, [b, t]) => a + valid(b, t), 0);
  return m === 0 ? 0 : s.reduce((a, [b, t]) => a + ce(b, t) * valid(b, t) * (sw ? sw[b]! : 1), 0) / m;
};
/** A metric over the rows: sum(hit * w * m) / sum(w * m). */
const accuracyOver = (rows: readonly number[], sw?: readonly number[]) => {
  const s = steps(rows);
  const w = ([b, t]: readonly [number, number]) => valid(b, t) * (sw ? sw[b]! : 1);
  const total = s.reduce((a, st) => a + w(st), 0);
  return total === 0 ? 0 : s.reduce((a, st) => a + hit(...st) * w(st), 0) / total;
};

let count = 0;
/** Embedding (masking zeros) then softmax: the outputs are softmax(E[token]), with the embedding's mask. */
function tagger(compile: { metrics?: string[]; weightedMetrics?: string[]; learningRate?: number } = {}): Model {
  const inp = input({ shape: [3] });
  const emb = embedding({ inputDim: 4, outputDim: 3, maskZero: true, name: `tag_emb_${++count}` });
  const m = model({ inputs: inp, outputs: activation({ activation: 'softmax', name: `tags_${count}` }).apply(emb.apply(inp)) });
  const e = tf.tensor2d(E);
  m.setWeights([e]);
  e.dispose();
  m.compile({ optimizer: sgd(compile.learningRate ?? 0), loss: 'sparseCategoricalCrossentropy', metrics: compile.metrics, weightedMetrics: compile.weightedMetrics });
  return m;
}

describe('losses and metrics of a masked output (Keras 3)', () => {
  it('evaluate: the loss is the mean over the unmasked steps only, and the metrics count only them', async () => {
    // The arithmetic, written out: steps (0,0) (0,1) (1,0) (2,0) (2,1) (2,2) are unmasked, 6 of 9.
    const hand = (ce(0, 0) + ce(0, 1) + ce(1, 0) + ce(2, 0) + ce(2, 1) + ce(2, 2)) / 6;
    expect(batchLoss([0, 1, 2])).toBeCloseTo(hand, 12);
    // The mask matters: the padded steps would change both numbers.
    const unmasked = steps([0, 1, 2]).reduce((a, [b, t]) => a + ce(b, t), 0) / 9;
    expect(Math.abs(unmasked - hand)).toBeGreaterThan(0.1);
    expect(accuracyOver([0, 1, 2])).toBeCloseTo(4 / 6, 12);
    expect(steps([0, 1, 2]).reduce((a, st) => a + hit(...st), 0) / 9).toBeCloseTo(4 / 9, 12);

    const start = tf.memory().numTensors;
    const m = tagger({ metrics: ['accuracy', 'sparse_categorical_accuracy'] });
    const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const logs = await m.evaluate(x, y, { batchSize: 3 });
    expect(logs['data_loss']).toBeCloseTo(hand, 5);
    expect(logs['loss']).toBeCloseTo(hand, 5);
    expect(logs['accuracy']).toBeCloseTo(4 / 6, 6);
    expect(logs['sparse_categorical_accuracy']).toBeCloseTo(4 / 6, 6);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('with sampleWeight: sum(loss * w * mask) / sum(mask); weightedMetrics weigh steps by w * mask, metrics by the mask only', async () => {
    // sum(ce * w * m) / 6, and the weighted accuracy (2*1 + 1*2 + 1*0.5) / (2*1 + 1*2 + 3*0.5).
    const hand = (ce(0, 0) * 1 + ce(0, 1) * 1 + ce(1, 0) * 2 + (ce(2, 0) + ce(2, 1) + ce(2, 2)) * 0.5) / 6;
    expect(batchLoss([0, 1, 2], SW)).toBeCloseTo(hand, 12);
    expect(accuracyOver([0, 1, 2], SW)).toBeCloseTo(4.5 / 5.5, 12);
    const m = tagger({ metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const [x, y, w] = [tf.tensor2d(X), tf.tensor2d(Y), tf.tensor1d(SW)];
    const logs = await m.evaluate(x, y, { batchSize: 3, sampleWeight: w });
    expect(logs['data_loss']).toBeCloseTo(hand, 5);
    expect(logs['accuracy']).toBeCloseTo(4 / 6, 6);
    expect(logs['weighted_accuracy']).toBeCloseTo(4.5 / 5.5, 6);
    tf.dispose([x, y, w]);
    m.dispose();
  });

  it("fit's epoch logs (batches of 2 and 1), its val_ logs and evaluate agree, with and without sample weights", async () => {
    // Loss: the batches' masked means, weighted by batch size; metrics: summed over the epoch.
    const loss = (sw?: readonly number[]) => (2 * batchLoss([0, 1], sw) + 1 * batchLoss([2], sw)) / 3;
    expect(loss()).not.toBeCloseTo(batchLoss([0, 1, 2]), 3);
    const start = tf.memory().numTensors;
    const [x, y, w] = [tf.tensor2d(X), tf.tensor2d(Y), tf.tensor1d(SW)];
    for (const sw of [undefined, SW]) {
      const m = tagger({ metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
      const h = await m.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, validationData: [x, y], ...(sw ? { sampleWeight: w } : {}) });
      const e = await m.evaluate(x, y, { batchSize: 2, ...(sw ? { sampleWeight: w } : {}) });
      expect(h.history['data_loss']![1]).toBeCloseTo(loss(sw), 5);
      expect(h.history['loss']![1]).toBeCloseTo(loss(sw), 5);
      expect(h.history['accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2]), 6);
      expect(h.history['weighted_accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2], sw), 6);
      // Validation data carries no sample weights here: its metrics weigh by the mask only.
      expect(h.history['val_loss']![1]).toBeCloseTo(loss(), 5);
      expect(h.history['val_accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2]), 6);
      expect(h.history['val_weighted_accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2]), 6);
      for (const key of ['loss', 'data_loss', 'penalty', 'accuracy', 'weighted_accuracy']) expect(e[key], key).toBeCloseTo(h.history[key]![1]!, 5);
      m.dispose();
    }
    tf.dispose([x, y, w]);
    expect(tf.memory().numTensors).toBe(start);
  });

  it('a batch whose every step is masked has loss 0 and no weight in the metrics, and moves no weight', async () => {
    const rows = [[0, 0, 0], X[0]!];
    const labels = [[2, 2, 2], Y[0]!];
    // Batches of one: (0 + masked mean of row 0) / 2; the accuracy of row 0 alone, 2 / 2.
    const hand = (0 + (ce(0, 0) + ce(0, 1)) / 2) / 2;
    const m = tagger({ metrics: ['accuracy'] });
    const [x, y] = [tf.tensor2d(rows), tf.tensor2d(labels)];
    const logs = await m.evaluate(x, y, { batchSize: 1 });
    expect(logs['loss']).toBeCloseTo(hand, 5);
    expect(logs['accuracy']).toBeCloseTo(1, 6);
    const only = await m.evaluate(tf.slice(x, [0, 0], [1, 3]), tf.slice(y, [0, 0], [1, 3]));
    expect(only['loss']).toBe(0);
    expect(only['accuracy']).toBe(0);
    m.dispose();
    // Trained on the padded row alone with a large step, the embedding does not move.
    const t = tagger({ learningRate: 10 });
    const h = await t.fit(tf.slice(x, [0, 0], [1, 3]), tf.slice(y, [0, 0], [1, 3]), { epochs: 1, verbose: 0 });
    expect(h.history['loss']![0]).toBe(0);
    expect(Array.from(t.weights[0]!.variable.dataSync())).toEqual(E.flat());
    t.dispose();
    tf.dispose([x, y]);
  });

  it('a model with a masked and an unmasked output: each output weighed by its own mask, or per sample', async () => {
    const tokens = input({ shape: [3], name: 'tokens' });
    const scores = input({ shape: [2], name: 'scores' });
    const emb = embedding({ inputDim: 4, outputDim: 3, maskZero: true });
    const tags = activation({ activation: 'softmax', name: 'tags' }).apply(emb.apply(tokens));
    const kind = activation({ activation: 'linear', name: 'kind' }).apply(scores);
    const m = model({ inputs: [tokens, scores], outputs: [tags, kind] });
    const e = tf.tensor2d(E);
    m.setWeights([e]);
    e.dispose();
    m.compile({ optimizer: sgd(0), loss: ['sparseCategoricalCrossentropy', 'categoricalCrossentropy'], metrics: { tags: ['accuracy'], kind: ['accuracy'] }, weightedMetrics: { kind: ['accuracy'] } });
    // The unmasked output: scores as probabilities, one-hot labels; hits at rows 0 and 2 (weights 1 and 0.5).
    const S = [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]];
    const K = [[1, 0], [1, 0], [0, 1]];
    const kindLoss = S.reduce((a, row, b) => a - Math.log(row[K[b]![1]!]!) * SW[b]!, 0) / 3;
    const [x1, x2, y1, y2, w] = [tf.tensor2d(X), tf.tensor2d(S), tf.tensor2d(Y), tf.tensor2d(K), tf.tensor1d(SW)];
    const start = tf.memory().numTensors;
    const logs = await m.evaluate([x1, x2], [y1, y2], { sampleWeight: w });
    expect(logs['tags_loss']).toBeCloseTo(batchLoss([0, 1, 2], SW), 5);
    expect(logs['kind_loss']).toBeCloseTo(kindLoss, 5);
    expect(logs['data_loss']).toBeCloseTo(batchLoss([0, 1, 2], SW) + kindLoss, 5);
    expect(logs['tags_accuracy']).toBeCloseTo(accuracyOver([0, 1, 2]), 6);
    expect(logs['kind_accuracy']).toBeCloseTo(2 / 3, 6);
    expect(logs['kind_weighted_accuracy']).toBeCloseTo((1 + 0.5) / (1 + 2 + 0.5), 6);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x1, x2, y1, y2, w]);
    m.dispose();
  });

  it('a function loss and a function metric see one row per step and the mask weighs their values', async () => {
    const inp = input({ shape: [3] });
    const out = activation({ activation: 'softmax' }).apply(embedding({ inputDim: 4, outputDim: 3, maskZero: true }).apply(inp));
    const m = model({ inputs: inp, outputs: out });
    const e = tf.tensor2d(E);
    m.setWeights([e]);
    e.dispose();
    // The probability given to class 0, per step.
    const firstProbability = (_t: tf.Tensor, p: tf.Tensor) => tf.squeeze(tf.slice(p, [0, 0], [-1, 1]), [1]);
    m.compile({ optimizer: sgd(0), loss: firstProbability, metrics: [firstProbability] });
    const [x, y] = [tf.tensor2d(X), tf.tensor2d(Y)];
    const logs = await m.evaluate(x, y);
    const p0 = steps([0, 1, 2]).filter(([b, t]) => valid(b, t)).map(([b, t]) => softmax(E[X[b]![t]!]!)[0]!);
    const hand = p0.reduce((a, b) => a + b, 0) / p0.length;
    expect(logs['loss']).toBeCloseTo(hand, 5);
    expect(logs['firstProbability']).toBeCloseTo(hand, 5);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('labels that are not one per step are refused with SHAPE_MISMATCH naming y, and nothing leaks', async () => {
    const m = tagger({ learningRate: 1 });
    const x = tf.tensor2d(X);
    const y = tf.tensor1d([0, 1, 2]);
    const start = tf.memory().numTensors;
    const error = await m.evaluate(x, y).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RidgeError);
    if (!(error instanceof RidgeError)) return;
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain("output 'tags_");
    expect(error.message).toContain('carries a mask of shape [3, 3]');
    expect(error.message).toContain('received y of shape [3]');
    expect(tf.memory().numTensors).toBe(start);
    // fit refuses the same labels before any weight moves, and leaks nothing.
    const before = Array.from(m.weights[0]!.variable.dataSync());
    const fitError = await m.fit(x, y, { epochs: 1, verbose: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(fitError).toBeInstanceOf(RidgeError);
    expect((fitError as RidgeError).code).toBe('SHAPE_MISMATCH');
    expect(Array.from(m.weights[0]!.variable.dataSync())).toEqual(before);
    expect(m.optimizer!.iterations).toBe(0);
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([x, y]);
    m.dispose();
  });
});

/** Sets every weight from a fixed formula of its index, so that models of the same layers match. */
function fixedWeights(m: Model): void {
  m.weights.forEach((w, k) => {
    const data = Array.from({ length: w.variable.size }, (_, i) => 0.6 * Math.sin(1.7 + 1.3 * i + 2.1 * k));
    const t = tf.tensor(data, w.shape as number[]);
    w.variable.assign(t);
    t.dispose();
  });
}

/** Embedding, LSTM over the sequence and a softmax per step, with Dense or TimeDistributed(Dense). */
function sequenceTagger(time: number, maskZero: boolean, head: 'dense' | 'timeDistributed'): Model {
  const inp = input({ shape: [time] });
  const h = lstm({ units: 3, returnSequences: true }).apply(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp));
  const d = dense({ units: 3, activation: 'softmax' });
  const m = model({ inputs: inp, outputs: (head === 'dense' ? d : timeDistributed({ layer: d })).apply(h) });
  fixedWeights(m);
  m.compile({ optimizer: sgd(0.5), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

const weightsOf = (m: Model) => m.weights.map((w) => Array.from(w.variable.dataSync()));

describe('padded and masked, or trimmed to the true length', () => {
  for (const head of ['dense', 'timeDistributed'] as const) {
    it(`${head}: the same data_loss and the same SGD step (Embedding(maskZero) -> LSTM(returnSequences) -> ${head})`, async () => {
      const start = tf.memory().numTensors;
      // Two sequences of 3 and 2 tokens, padded to 5; the labels at padded steps are arbitrary.
      const padded = sequenceTagger(5, true, head);
      const px = tf.tensor2d([[5, 6, 7, 0, 0], [3, 2, 0, 0, 0]]);
      const py = tf.tensor2d([[1, 2, 0, 1, 1], [2, 1, 0, 0, 0]]);
      const a = sequenceTagger(3, false, head);
      const b = sequenceTagger(2, false, head);
      const [ax, ay, bx, by] = [tf.tensor2d([[5, 6, 7]]), tf.tensor2d([[1, 2, 0]]), tf.tensor2d([[3, 2]]), tf.tensor2d([[2, 1]])];
      // The masked mean over 5 steps is (3 * mean of a + 2 * mean of b) / 5.
      const la = (await a.evaluate(ax, ay))['data_loss']!;
      const lb = (await b.evaluate(bx, by))['data_loss']!;
      const lp = (await padded.evaluate(px, py))['data_loss']!;
      expect(lp).toBeCloseTo((3 * la + 2 * lb) / 5, 5);
      // So is the gradient, and one SGD step moves the weights by the same mix of the two steps.
      const w0 = weightsOf(padded);
      await padded.fit(px, py, { epochs: 1, verbose: 0 });
      await a.fit(ax, ay, { epochs: 1, verbose: 0 });
      await b.fit(bx, by, { epochs: 1, verbose: 0 });
      const [wp, wa, wb] = [weightsOf(padded), weightsOf(a), weightsOf(b)];
      let moved = 0;
      w0.forEach((w, k) =>
        w.forEach((v, i) => {
          const expected = v + (3 * (wa[k]![i]! - v) + 2 * (wb[k]![i]! - v)) / 5;
          expect(wp[k]![i]).toBeCloseTo(expected, 5);
          moved = Math.max(moved, Math.abs(wp[k]![i]! - v));
        }),
      );
      expect(moved).toBeGreaterThan(1e-3);
      tf.dispose([px, py, ax, ay, bx, by]);
      [padded, a, b].forEach((m) => m.dispose());
      expect(tf.memory().numTensors).toBe(start);
    });
  }
});
