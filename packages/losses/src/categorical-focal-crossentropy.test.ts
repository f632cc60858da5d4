import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { EPS, clip, expectAllFinite, expectClose, run, sum } from '../test/helpers.js';
import { CategoricalFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

interface Options {
  alpha?: number | number[];
  gamma?: number;
  smoothing?: number;
  logits?: boolean;
}

/**
 * Keras 3's categorical_focal_crossentropy for one row: smooth y by ls / classes, softmax of
 * logits, rescale to sum 1, clip to [eps, 1 - eps], then sum(-alpha (1 - p)^gamma y log p).
 */
function row(y: number[], x: number[], { alpha = 0.25, gamma = 2, smoothing = 0, logits = false }: Options): number {
  const z = y.map((v) => v * (1 - smoothing) + smoothing / y.length);
  const exp = x.map((v) => Math.exp(v));
  const probs = logits ? exp.map((e) => e / sum(exp)) : x;
  const p = probs.map((v) => clip(v / sum(probs), EPS, 1 - EPS));
  const a = (j: number): number => (typeof alpha === 'number' ? alpha : alpha[j]!);
  return sum(p.map((pi, j) => -a(j) * (1 - pi) ** gamma * z[j]! * Math.log(pi)));
}

const reference = (t: number[][], p: number[][], options: Options = {}): number[] => t.map((y, i) => row(y, p[i]!, options));

describe('CategoricalFocalCrossentropy', () => {
  it("matches Keras' documented example: 0.23315276", () => {
    const t = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const p = [
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ];
    expectClose(sum(reference(t, p)) / 2, 0.23315276, 1e-5);
    expectClose(run(categoricalFocalCrossentropy(), t, p), 0.23315276);
    expect(new CategoricalFocalCrossentropy().getConfig()).toEqual({ reduction: 'mean', alpha: 0.25, gamma: 2, fromLogits: false, labelSmoothing: 0, axis: -1 });
  });

  it("matches Keras' documented per-sample values: [2.63401289e-04, 6.75912094e-01]", () => {
    const t = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const p = [
      [0.05, 0.9, 0.05],
      [0.1, 0.85, 0.05],
    ];
    expectClose(reference(t, p), [2.63401289e-4, 6.75912094e-1], 1e-6);
    expectClose(run(categoricalFocalCrossentropy({ reduction: 'none' }), t, p), [2.63401289e-4, 6.75912094e-1]);
  });

  const yTrue = [
    [1, 0, 0],
    [0, 0, 1],
  ];
  const yPred = [
    [0.3, 0.6, 0.1],
    [2, 1, 1],
  ];

  it('rescales probabilities to sum to 1, and honours alpha, gamma and smoothing', () => {
    const loss = categoricalFocalCrossentropy({ alpha: 0.6, gamma: 1, labelSmoothing: 0.15, reduction: 'none' });
    expectClose(run(loss, yTrue, yPred), reference(yTrue, yPred, { alpha: 0.6, gamma: 1, smoothing: 0.15 }));
  });

  it('reads logits through a softmax (then clipped like probabilities)', () => {
    const logits = [
      [0.5, -1, 2],
      [1, 1, -3],
    ];
    const loss = categoricalFocalCrossentropy({ fromLogits: true, reduction: 'none' });
    expectClose(run(loss, yTrue, logits), reference(yTrue, logits, { logits: true }));
    expectAllFinite(run(categoricalFocalCrossentropy({ fromLogits: true }), [[1, 0]], [[-200, 200]]));
  });

  it('is alpha times categorical crossentropy at gamma 0', () => {
    const plain = run(categoricalCrossentropy({ reduction: 'none' }), yTrue, yPred);
    expectClose(run(categoricalFocalCrossentropy({ gamma: 0, alpha: 1, reduction: 'none' }), yTrue, yPred), plain);
  });

  it('takes one alpha per class (Keras: a list of floats), along the class axis', () => {
    const alpha = [0.1, 0.3, 0.6];
    const soft = [
      [0.7, 0.2, 0.1],
      [0.1, 0.3, 0.6],
    ];
    expectClose(run(categoricalFocalCrossentropy({ alpha, reduction: 'none' }), soft, yPred), reference(soft, yPred, { alpha }));
    const t = [yTrue[0]!.map((_, j) => soft.map((r) => r[j]!))];
    const p = [yPred[0]!.map((_, j) => yPred.map((r) => r[j]!))];
    const expected = (reference(soft, yPred, { alpha })[0]! + reference(soft, yPred, { alpha })[1]!) / 2;
    expectClose(run(categoricalFocalCrossentropy({ alpha, axis: 1, reduction: 'none' }), t, p), [expected]);
  });

  it('takes the class axis from axis', () => {
    // One sample of shape [3, 2] whose two columns are the rows above: with the classes along
    // axis 1, its loss is the mean of theirs.
    const t = yTrue[0]!.map((_, j) => yTrue.map((r) => r[j]!));
    const p = yPred[0]!.map((_, j) => yPred.map((r) => r[j]!));
    const loss = categoricalFocalCrossentropy({ axis: 1, reduction: 'none' });
    const expected = (reference(yTrue, yPred)[0]! + reference(yTrue, yPred)[1]!) / 2;
    expectClose(run(loss, [t], [p]), [expected]);
  });

  it("weights samples; 'mean' divides by the batch size", () => {
    const perSample = reference(yTrue, yPred);
    expectClose(run(categoricalFocalCrossentropy(), yTrue, yPred, [0, 4]), (4 * perSample[1]!) / 2);
  });
});
