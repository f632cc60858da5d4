import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { EPS, clip, expectAllFinite, expectClose, mean, run } from '../test/helpers.js';
import { BinaryFocalCrossentropy, binaryCrossentropy, binaryFocalCrossentropy } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

interface Options {
  alpha?: number;
  gamma?: number;
  balance?: boolean;
  smoothing?: number;
  logits?: boolean;
}

/**
 * Keras 3's binary_focal_crossentropy for one element: smooth z, sigmoid of logits, bce on
 * probabilities clipped to [eps, 1 - eps], times (1 - p_t)^gamma with p_t = z p + (1 - z)(1 - p),
 * times z alpha + (1 - z)(1 - alpha) when balancing.
 */
function element(y: number, x: number, { alpha = 0.25, gamma = 2, balance = false, smoothing = 0, logits = false }: Options): number {
  const z = y * (1 - smoothing) + 0.5 * smoothing;
  const p = logits ? 1 / (1 + Math.exp(-x)) : x;
  const c = clip(p, EPS, 1 - EPS);
  const bce = -(z * Math.log(c) + (1 - z) * Math.log(1 - c));
  const pT = z * p + (1 - z) * (1 - p);
  const focal = (1 - pT) ** gamma * bce;
  return balance ? (z * alpha + (1 - z) * (1 - alpha)) * focal : focal;
}

const reference = (t: number[][], p: number[][], options: Options = {}): number[] =>
  t.map((row, i) => mean(row.map((y, j) => element(y, p[i]![j]!, options))));

const yTrue = [
  [0, 1, 1],
  [1, 0, 0],
];
const yPred = [
  [0.2, 0.7, 0.1],
  [0.55, 0.9, 0.3],
];

describe('BinaryFocalCrossentropy', () => {
  it("matches Keras' documented example (gamma 2): [0.330, 0.206]", () => {
    const t = [
      [0, 1],
      [0, 0],
    ];
    const p = [
      [0.6, 0.4],
      [0.4, 0.6],
    ];
    expectClose(reference(t, p), [0.32986, 0.20579], 1e-4);
    expectClose(run(binaryFocalCrossentropy({ reduction: 'none' }), t, p), reference(t, p));
  });

  it("matches Keras' documented logits examples: 0.691, 0.51 with balancing, 0.647 at gamma 3", () => {
    const t = [0, 1, 0, 0];
    const x = [-18.6, 0.51, 2.94, -12.8];
    // One value per element ([4] is four samples here, one sample of four in Keras): same mean.
    expectClose(mean(reference([t], [x], { logits: true })), 0.691, 1e-3);
    expectClose(run(binaryFocalCrossentropy({ fromLogits: true }), t, x), 0.691, 1e-3);
    expectClose(run(binaryFocalCrossentropy({ fromLogits: true, applyClassBalancing: true }), t, x), 0.51, 1e-3);
    const t2 = [
      [0, 1],
      [0, 0],
    ];
    const x2 = [
      [-18.6, 0.51],
      [2.94, -12.8],
    ];
    expectClose(run(binaryFocalCrossentropy({ fromLogits: true, gamma: 3 }), t2, x2), 0.647, 1e-3);
    expectClose(run(binaryFocalCrossentropy({ fromLogits: true, gamma: 3 }), t2, x2), mean(reference(t2, x2, { logits: true, gamma: 3 })));
  });

  it('has the Keras defaults: no balancing, alpha 0.25, gamma 2, probabilities, no smoothing', () => {
    const loss = new BinaryFocalCrossentropy();
    expect([loss.applyClassBalancing, loss.alpha, loss.gamma, loss.fromLogits, loss.labelSmoothing, loss.axis]).toEqual([false, 0.25, 2, false, 0, -1]);
    expectClose(run(loss, yTrue, yPred), mean(reference(yTrue, yPred)));
  });

  it('balances classes with alpha for 1 and 1 - alpha for 0', () => {
    const options = { balance: true, alpha: 0.7, gamma: 1.5 };
    const loss = binaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.7, gamma: 1.5, reduction: 'none' });
    expectClose(run(loss, yTrue, yPred), reference(yTrue, yPred, options));
  });

  it('smooths labels towards 0.5 before p_t and the crossentropy', () => {
    const loss = binaryFocalCrossentropy({ labelSmoothing: 0.2, reduction: 'none' });
    expectClose(run(loss, yTrue, yPred), reference(yTrue, yPred, { smoothing: 0.2 }));
  });

  it('reads logits through a sigmoid, and stays finite for large logits', () => {
    const logits = [
      [-1.5, 0.8, -3],
      [0.2, 2.5, -0.4],
    ];
    const loss = binaryFocalCrossentropy({ fromLogits: true, applyClassBalancing: true, labelSmoothing: 0.1, reduction: 'none' });
    expectClose(run(loss, yTrue, logits), reference(yTrue, logits, { logits: true, balance: true, smoothing: 0.1 }));
    expectAllFinite(run(binaryFocalCrossentropy({ fromLogits: true }), [[1, 0]], [[-200, 200]]));
  });

  it('is binary crossentropy at gamma 0', () => {
    const plain = run(binaryCrossentropy({ reduction: 'none' }), yTrue, yPred);
    expectClose(run(binaryFocalCrossentropy({ gamma: 0, reduction: 'none' }), yTrue, yPred), plain);
  });

  it("weights samples; 'sum' adds them", () => {
    const perSample = reference(yTrue, yPred);
    expectClose(run(binaryFocalCrossentropy({ reduction: 'sum' }), yTrue, yPred, [3, 0.5]), 3 * perSample[0]! + 0.5 * perSample[1]!);
  });
});
