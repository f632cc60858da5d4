import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { activation, dense, embedding, input, model, type Model } from '../index.js';
import type { FitArgs } from './fit.js';

/*
 * Sample weights per time step, as Keras 3 weighs them (keras/src/losses/loss.py
 * `reduce_weighted_values` and `apply_mask`, keras/src/metrics/reduction_metrics.py
 * `reduce_to_samplewise_values`):
 * - loss ('sum_over_batch_size'): sum(loss * w) / (batch * time) per batch, or with a mask
 *   sum(loss * w * mask) / sum(mask); the epoch's loss is the batches' mean weighted by batch size;
 * - weightedMetrics: sum(value * w) / sum(w) over the epoch (times the mask with one);
 *   metrics ignore the weights;
 * - classWeight on a sequence output: the class of each step, argmax of one-hot labels along
 *   their last axis (Keras 3's `make_class_weight_map_fn`), or the label itself for class indices.
 * The model is an embedding followed by a softmax, so its outputs are softmax(E[token]); the
 * expected numbers are computed here in plain JavaScript from the embedding table.
 */

useCpu();

/** Embedding rows, one per token. */
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
/** Class indices per step. */
const Y = [
  [0, 1, 2],
  [2, 1, 1],
  [1, 0, 2],
];
/** One weight per step, zeros among them. */
const W = [
  [1, 0, 2],
  [0.5, 1, 0],
  [0, 3, 1],
];

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
const steps = (rows: readonly number[]) => rows.flatMap((b) => [0, 1, 2].map((t) => [b, t] as const));
type Weight = (b: number, t: number) => number;
const one: Weight = () => 1;
const perStep: Weight = (b, t) => W[b]![t]!;
/** 1 where the step is not padding, for the masked model (maskZero: token 0 is padding). */
const valid: Weight = (b, t) => (X[b]![t] !== 0 ? 1 : 0);
/** Keras's loss of a batch: sum(ce * w * m) / sum(m), m = 1 without a mask (so / (batch * time)). */
const batchLoss = (rows: readonly number[], w: Weight, m: Weight = one) => {
  const s = steps(rows);
  const count = s.reduce((a, [b, t]) => a + m(b, t), 0);
  return count === 0 ? 0 : s.reduce((a, [b, t]) => a + ce(b, t) * w(b, t) * m(b, t), 0) / count;
};
/** A weighted metric over rows: sum(hit * w * m) / sum(w * m). */
const accuracyOver = (rows: readonly number[], w: Weight, m: Weight = one) => {
  const s = steps(rows);
  const total = s.reduce((a, [b, t]) => a + w(b, t) * m(b, t), 0);
  return total === 0 ? 0 : s.reduce((a, [b, t]) => a + hit(b, t) * w(b, t) * m(b, t), 0) / total;
};

let count = 0;
interface TaggerArgs {
  maskZero?: boolean;
  loss?: 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy';
  metrics?: string[];
  weightedMetrics?: string[];
  learningRate?: number;
  penalty?: number;
}
/** Embedding then softmax: the outputs are softmax(E[token]), shape [batch, 3, 3]. */
function tagger(args: TaggerArgs = {}): Model {
  const inp = input({ shape: [3] });
  const emb = embedding({ inputDim: 4, outputDim: 3, maskZero: args.maskZero ?? false, name: `tw_emb_${++count}`, embeddingsRegularizer: args.penalty ? l2(args.penalty) : null });
  const m = model({ inputs: inp, outputs: activation({ activation: 'softmax', name: `tw_tags_${count}` }).apply(emb.apply(inp)) });
  const e = tf.tensor2d(E);
  m.setWeights([e]);
  e.dispose();
  m.compile({ optimizer: sgd(args.learningRate ?? 0), loss: args.loss ?? 'sparseCategoricalCrossentropy', metrics: args.metrics, weightedMetrics: args.weightedMetrics });
  return m;
}

const oneHot = (labels: number[][]) => labels.map((row) => row.map((l) => [0, 1, 2].map((c) => (c === l ? 1 : 0))));

describe('sampleWeight per time step ([batch, time]) on a [batch, time, classes] output', () => {
  it('evaluate: the loss is sum(loss * w) / (batch * time); weightedMetrics weigh each step, metrics do not', async () => {
    // The arithmetic, written out for the batch of all three rows.
    const hand =
      (ce(0, 0) * 1 + ce(0, 1) * 0 + ce(0, 2) * 2 + ce(1, 0) * 0.5 + ce(1, 1) * 1 + ce(1, 2) * 0 + ce(2, 0) * 0 + ce(2, 1) * 3 + ce(2, 2) * 1) / 9;
    expect(batchLoss([0, 1, 2], perStep)).toBeCloseTo(hand, 12);
    // The weights matter: one per sample (their means) would give another number.
    const sampleMeans = [1, 0.5, 4 / 3];
    expect(Math.abs(batchLoss([0, 1, 2], (b) => sampleMeans[b]!) - hand)).toBeGreaterThan(0.05);
    const start = tf.memory().numTensors;
    const m = tagger({ metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    for (const [sampleWeight, form] of [[tf.tensor2d(W), 'tensor'], [W, 'nested arrays']] as const) {
      const logs = await m.evaluate(X, Y, { batchSize: 3, sampleWeight });
      expect(logs['data_loss'], form).toBeCloseTo(hand, 5);
      expect(logs['loss'], form).toBeCloseTo(hand, 5);
      expect(logs['accuracy'], form).toBeCloseTo(accuracyOver([0, 1, 2], one), 6);
      expect(logs['weighted_accuracy'], form).toBeCloseTo(accuracyOver([0, 1, 2], perStep), 6);
      if (sampleWeight instanceof tf.Tensor) sampleWeight.dispose();
    }
    // The two accuracies differ here, so each weighs as it should.
    expect(Math.abs(accuracyOver([0, 1, 2], one) - accuracyOver([0, 1, 2], perStep))).toBeGreaterThan(0.05);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it("fit: epoch logs from batches of 2 and 1, val_ logs from validationData weights, and evaluate's agree", async () => {
    const loss = (w: Weight) => (2 * batchLoss([0, 1], w) + 1 * batchLoss([2], w)) / 3;
    const start = tf.memory().numTensors;
    const [x, y, w] = [tf.tensor2d(X), tf.tensor2d(Y), tf.tensor2d(W)];
    const m = tagger({ weightedMetrics: ['accuracy'] });
    const h = await m.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, sampleWeight: w, validationData: [x, y, W] });
    expect(h.history['data_loss']![1]).toBeCloseTo(loss(perStep), 5);
    expect(h.history['accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2], perStep), 6);
    expect(h.history['val_data_loss']![1]).toBeCloseTo(loss(perStep), 5);
    expect(h.history['val_accuracy']![1]).toBeCloseTo(accuracyOver([0, 1, 2], perStep), 6);
    const e = await m.evaluate(x, y, { batchSize: 2, sampleWeight: w });
    for (const key of ['loss', 'data_loss', 'accuracy']) expect(e[key], key).toBeCloseTo(h.history[key]![1]!, 5);
    tf.dispose([x, y, w]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('fit({ validationSplit }) slices the weights per step with the samples: the last row validates with its own weights', async () => {
    const m = tagger();
    // 3 samples, split 0.34: floor(3 * 0.66) = 1 trains, rows 1 and 2 validate (Keras's split).
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 3, shuffle: false, verbose: 0, sampleWeight: W, validationSplit: 0.34 });
    expect(h.params.samples).toBe(1);
    expect(h.history['data_loss']![0]).toBeCloseTo(batchLoss([0], perStep), 5);
    expect(h.history['val_data_loss']![0]).toBeCloseTo(batchLoss([1, 2], perStep), 5);
    m.dispose();
  });

  it('penalties are never weighted: loss = data_loss + penalty, the penalty l2 * sum(E^2) whatever the weights', async () => {
    const m = tagger({ penalty: 0.01 });
    const penalty = 0.01 * E.flat().reduce((a, v) => a + v * v, 0);
    for (const [sampleWeight, w] of [[W, perStep], [W.map((row) => row.map(() => 0)), () => 0]] as const) {
      const logs = await m.evaluate(X, Y, { sampleWeight });
      expect(logs['data_loss']).toBeCloseTo(batchLoss([0, 1, 2], w), 5);
      expect(logs['penalty']).toBeCloseTo(penalty, 5);
      expect(logs[`penalty/tw_emb_${count}/embeddings`]).toBeCloseTo(penalty, 5);
      expect(logs['loss']).toBeCloseTo(batchLoss([0, 1, 2], w) + penalty, 5);
    }
    m.dispose();
  });

  it('a weight constant over time equals the same weight per sample: logs and trained weights', async () => {
    const perSample = [1, 2, 0.5];
    const spread = perSample.map((v) => [v, v, v]);
    const histories: Record<string, number[]>[] = [];
    const trained: number[][] = [];
    for (const sampleWeight of [perSample, spread]) {
      const m = tagger({ learningRate: 0.5, metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
      const h = await m.fit(X, Y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0, sampleWeight, validationData: [X, Y, sampleWeight] });
      histories.push(h.history);
      trained.push(numbers(m.weights[0]!.variable));
      m.dispose();
    }
    for (const key of ['loss', 'data_loss', 'accuracy', 'weighted_accuracy', 'val_loss', 'val_weighted_accuracy']) {
      histories[0]![key]!.forEach((v, i) => expect(histories[1]![key]![i], `${key} ${i}`).toBeCloseTo(v, 5));
    }
    trained[0]!.forEach((v, i) => expect(trained[1]![i]).toBeCloseTo(v, 5));
    // Training moved the embedding, so the equality covers the gradients too.
    expect(Math.max(...trained[0]!.map((v, i) => Math.abs(v - E.flat()[i]!)))).toBeGreaterThan(1e-2);
  });

  it('a zero weight on a step leaves it out of the gradient: only weighted steps move their tokens', async () => {
    // Row 1 = [3, 0, 0] weighted [0, 0, 0] and row 0 = [1, 2, 0] weighted only at its first step:
    // of the embedding rows, only token 1's moves.
    const m = tagger({ learningRate: 1 });
    await m.fit([X[0]!, X[1]!], [Y[0]!, Y[1]!], { epochs: 1, batchSize: 2, verbose: 0, sampleWeight: [[1, 0, 0], [0, 0, 0]] });
    const after = numbers(m.weights[0]!.variable);
    E.forEach((row, token) =>
      row.forEach((v, j) => {
        if (token === 1) expect(Math.abs(after[token * 3 + j]! - v)).toBeGreaterThan(1e-3);
        else expect(after[token * 3 + j]).toBe(v);
      }),
    );
    m.dispose();
  });

  it('combined with a mask: sum(loss * w * mask) / sum(mask); weightedMetrics weigh by w * mask, metrics by the mask', async () => {
    const hand = (ce(0, 0) * 1 + ce(0, 1) * 0 + ce(1, 0) * 0.5 + ce(2, 0) * 0 + ce(2, 1) * 3 + ce(2, 2) * 1) / 6;
    expect(batchLoss([0, 1, 2], perStep, valid)).toBeCloseTo(hand, 12);
    const start = tf.memory().numTensors;
    const m = tagger({ maskZero: true, metrics: ['accuracy'], weightedMetrics: ['accuracy'] });
    const logs = await m.evaluate(X, Y, { sampleWeight: W });
    expect(logs['data_loss']).toBeCloseTo(hand, 5);
    expect(logs['accuracy']).toBeCloseTo(accuracyOver([0, 1, 2], one, valid), 6);
    expect(logs['weighted_accuracy']).toBeCloseTo(accuracyOver([0, 1, 2], perStep, valid), 6);
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0, sampleWeight: W });
    expect(h.history['data_loss']![0]).toBeCloseTo((2 * batchLoss([0, 1], perStep, valid) + batchLoss([2], perStep, valid)) / 3, 5);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('batches from an iterable, trainOnBatch and testOnBatch take weights per step', async () => {
    const m = tagger({ weightedMetrics: ['accuracy'] });
    const batches = {
      *[Symbol.iterator]() {
        yield { xs: tf.tensor2d(X.slice(0, 2)), ys: tf.tensor2d(Y.slice(0, 2)), sampleWeight: tf.tensor2d(W.slice(0, 2)) };
        yield [tf.tensor2d(X.slice(2)), tf.tensor2d(Y.slice(2)), W.slice(2)] as const;
      },
    };
    // A first step makes the optimizer's state (learning rate 0: the embedding stays as it is).
    await m.trainOnBatch(X, Y);
    const start = tf.memory().numTensors;
    const h = await m.fit(batches, { epochs: 1, verbose: 0 });
    expect(h.history['data_loss']![0]).toBeCloseTo((2 * batchLoss([0, 1], perStep) + batchLoss([2], perStep)) / 3, 5);
    expect(h.history['accuracy']![0]).toBeCloseTo(accuracyOver([0, 1, 2], perStep), 6);
    const test = await m.testOnBatch(X, Y, { sampleWeight: W });
    expect(test['data_loss']).toBeCloseTo(batchLoss([0, 1, 2], perStep), 5);
    const train = await m.trainOnBatch(X, Y, { sampleWeight: W });
    expect(train['data_loss']).toBeCloseTo(batchLoss([0, 1, 2], perStep), 5);
    expect(tf.memory().numTensors).toBe(start);
    m.dispose();
  });
});

describe('classWeight on a sequence output (a weight per step, as Keras 3 reads classes)', () => {
  const classWeight = { 0: 2, 1: 0.5 };
  /** The class weight of step (b, t): class 2 has none, so 1. */
  const byClass: Weight = (b, t) => [2, 0.5, 1][Y[b]![t]!]!;

  it('class indices [n, time] or [n, time, 1], and one-hot [n, time, classes] (argmax per step), give each step its class weight', async () => {
    const hand = steps([0, 1, 2]).reduce((a, [b, t]) => a + ce(b, t) * byClass(b, t), 0) / 9;
    expect(batchLoss([0, 1, 2], byClass)).toBeCloseTo(hand, 12);
    const cases: [string, TaggerArgs['loss'], unknown][] = [
      ['indices [n, time]', 'sparseCategoricalCrossentropy', Y],
      ['indices [n, time, 1]', 'sparseCategoricalCrossentropy', Y.map((row) => row.map((l) => [l]))],
      ['one-hot [n, time, classes]', 'categoricalCrossentropy', oneHot(Y)],
    ];
    for (const [name, loss, y] of cases) {
      const m = tagger({ loss, weightedMetrics: ['accuracy'] });
      const h = await m.fit(X, y as number[][], { epochs: 1, batchSize: 3, verbose: 0, classWeight });
      expect(h.history['data_loss']![0], name).toBeCloseTo(hand, 5);
      expect(h.history['accuracy']![0], name).toBeCloseTo(accuracyOver([0, 1, 2], byClass), 6);
      m.dispose();
    }
  });

  it('times sampleWeight, per sample or per step', async () => {
    const m = tagger();
    const perSample = [1, 2, 0.5];
    for (const [sampleWeight, w] of [
      [perSample, (b: number, t: number) => perSample[b]! * byClass(b, t)],
      [W, (b: number, t: number) => W[b]![t]! * byClass(b, t)],
    ] as const) {
      const h = await m.fit(X, Y, { epochs: 1, batchSize: 3, verbose: 0, classWeight, sampleWeight });
      expect(h.history['data_loss']![0]).toBeCloseTo(batchLoss([0, 1, 2], w), 5);
    }
    m.dispose();
  });

  it('with a mask: the masked steps are left out, the others weighed by their class', async () => {
    const m = tagger({ maskZero: true });
    const h = await m.fit(X, Y, { epochs: 1, batchSize: 3, verbose: 0, classWeight });
    expect(h.history['data_loss']![0]).toBeCloseTo(batchLoss([0, 1, 2], byClass, valid), 5);
    m.dispose();
  });

  it('a key beyond the classes and labels that are not per step are refused, naming classWeight', async () => {
    const m = tagger();
    const start = tf.memory().numTensors;
    const beyond = (await caught(() => m.fit(X, Y, { classWeight: { 3: 1 }, verbose: 0 }))) as RidgeError;
    expect(beyond.code).toBe('INVALID_ARGUMENT');
    expect(beyond.message).toContain(`fit: classWeight[3] (1) names class 3, but there are 3 classes, 0 to 2: y holds class indices and the output 'tw_tags_${count}' has 3 units`);
    const wrong = (await caught(() => m.fit(X, [0, 1, 2], { classWeight, verbose: 0 }))) as RidgeError;
    expect(wrong.code).toBe('INVALID_ARGUMENT');
    expect(wrong.message).toBe(
      `fit: classWeight needs y of shape [n, 3], [n, 3, 1] (class indices) or [n, 3, classes] (one-hot), a class per step of the output 'tw_tags_${count}' (shape [null, 3, 3]); received [3].`,
    );
    expect(tf.memory().numTensors).toBe(start);
    expect(m.optimizer!.iterations).toBe(0);
    m.dispose();
  });
});

describe('sample weights whose shape is not a prefix of the losses', () => {
  /** Runs a call that must be refused with SHAPE_MISMATCH; checks that nothing changed or leaked. */
  async function refused(m: Model, call: () => unknown): Promise<RidgeError> {
    const before = tf.memory().numTensors;
    const weights = m.weights.map((w) => numbers(w.variable));
    const error = await caught(call);
    expect(RidgeError.is(error), String(error)).toBe(true);
    expect((error as RidgeError).code).toBe('SHAPE_MISMATCH');
    expect(tf.memory().numTensors).toBe(before);
    expect(m.weights.map((w) => numbers(w.variable))).toEqual(weights);
    expect(m.optimizer!.iterations).toBe(0);
    return error as RidgeError;
  }

  it('fit, evaluate and validationData refuse [n, time + 1] and [n, time, classes], naming sampleWeight, its shape and the output', async () => {
    const m = tagger({ learningRate: 1 });
    const name = `tw_tags_${count}`;
    const long = X.map(() => [1, 1, 1, 1]);
    const deep = tf.ones([3, 3, 3]);
    const cases: [string, () => unknown, string, number[]][] = [
      ['fit', () => m.fit(X, Y, { sampleWeight: long, verbose: 0 }), 'fit: sampleWeight has shape [3, 4]', [3, 4]],
      ['fit tensor', () => m.fit(X, Y, { sampleWeight: deep, verbose: 0 }), 'fit: sampleWeight has shape [3, 3, 3]', [3, 3, 3]],
      ['evaluate', () => m.evaluate(X, Y, { sampleWeight: long }), 'evaluate: sampleWeight has shape [3, 4]', [3, 4]],
      ['validationData', () => m.fit(X, Y, { validationData: [X, Y, long], verbose: 0 }), 'fit: validationData[2] has shape [3, 4]', [3, 4]],
      ['testOnBatch', () => m.testOnBatch(X, Y, { sampleWeight: long }), 'testOnBatch: sampleWeight has shape [3, 4]', [3, 4]],
    ];
    for (const [what, call, start, shape] of cases) {
      const error = await refused(m, call);
      expect(error.message, what).toBe(
        `${start}, but the output '${name}' has shape [null, 3, 3], so its losses are [3, 3] (one per step); a weight needs a prefix of that shape: [3] or [3, 3].`,
      );
      expect(error.details, what).toMatchObject({ received: shape, expected: [3, 3], output: name });
    }
    deep.dispose();
    m.dispose();
  });

  it('labels with other steps than the output are refused at the first step, naming y, with the weights untouched', async () => {
    const m = tagger({ learningRate: 1 });
    const y = X.map(() => [0, 1, 2, 0]);
    const error = await refused(m, () => m.fit(X, y, { sampleWeight: W, verbose: 0 }));
    expect(error.message).toBe(
      `output 'tw_tags_${count}' is weighed per step by sampleWeight of shape [3, 3], so y must start with the same axes, [3, 3, ...]; received y of shape [3, 4]. Give one label per time step (class indices [3, 3] or one-hot [3, 3, classes]).`,
    );
    expect(error.details).toMatchObject({ argument: 'y', received: [3, 4], expected: [3, 3] });
    m.dispose();
  });

  it('a batch of an iterable with weights of the wrong steps is refused before its step', async () => {
    const m = tagger({ learningRate: 1 });
    const given: tf.Tensor[] = [];
    const batches = {
      *[Symbol.iterator]() {
        given.push(tf.tensor2d(X), tf.tensor2d(Y), tf.ones([3, 2]));
        yield { xs: given[0]!, ys: given[1]!, sampleWeight: given[2]! };
      },
    };
    const error = await refused(m, () => m.fit(batches, { verbose: 0 }));
    expect(error.message).toContain('fit: batch 0 sampleWeight has shape [3, 2], but the output');
    // Ridge disposes the tensors of the batches it is given, also of a refused one.
    expect(given.every((t) => t.isDisposed)).toBe(true);
    m.dispose();
  });

  it('an output with one loss per sample ([batch, units]) takes only [n]', async () => {
    const inp = input({ shape: [2] });
    const m = model({ inputs: inp, outputs: dense({ units: 3, activation: 'softmax', name: 'flat_out' }).apply(inp) });
    m.compile({ optimizer: sgd(1), loss: 'sparseCategoricalCrossentropy' });
    const error = await refused(m, () => m.fit([[1, 0], [0, 1]], [0, 2], { sampleWeight: [[1, 1, 1], [1, 1, 1]], verbose: 0 }));
    expect(error.message).toBe("fit: sampleWeight has shape [2, 3], but the output 'flat_out' has shape [null, 3], so its losses are [2] (one per sample); a weight needs a prefix of that shape: [2].");
    m.dispose();
  });

  it('a model with several outputs takes one weight per sample, as in Keras', async () => {
    const inp = input({ shape: [3] });
    const h = embedding({ inputDim: 4, outputDim: 3 }).apply(inp);
    const m = model({ inputs: inp, outputs: [activation({ activation: 'softmax', name: 'two_a' }).apply(h), activation({ activation: 'softmax', name: 'two_b' }).apply(h)] });
    m.compile({ optimizer: sgd(1), loss: 'sparseCategoricalCrossentropy' });
    const error = await refused(m, () => m.fit(X, [Y, Y], { sampleWeight: W, verbose: 0 }));
    expect(error.message).toBe("fit: sampleWeight has shape [3, 3], a weight per step, but the model has 2 outputs ('two_a', 'two_b'); as in Keras, one sample weight for several outputs holds one weight per sample. Pass sampleWeight of shape [3].");
    m.dispose();
  });

  it('a negative or NaN weight per step is INVALID_DATA naming its sample and step', async () => {
    const m = tagger({ learningRate: 1 });
    const before = tf.memory().numTensors;
    const bad = W.map((row) => [...row]);
    bad[1]![2] = -1;
    const error = (await caught(() => m.fit(X, Y, { sampleWeight: bad, verbose: 0 }))) as RidgeError;
    expect(error.code).toBe('INVALID_DATA');
    expect(error.message).toBe('fit: sampleWeight[1][2] is -1; weights must be finite and >= 0; use 0 to leave a sample out.');
    expect(error.details).toMatchObject({ argument: 'sampleWeight', index: '[1][2]', received: -1 });
    const nan = tf.tensor2d([[1, 1, 1], [1, 1, 1], [1, Number.NaN, 1]]);
    const args: FitArgs = { sampleWeight: nan, verbose: 0 };
    expect(((await caught(() => m.fit(X, Y, args))) as RidgeError).message).toContain('fit: sampleWeight[2][1] is NaN;');
    nan.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(m.optimizer!.iterations).toBe(0);
    m.dispose();
  });
});
