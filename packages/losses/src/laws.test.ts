import { initBackend } from '@ridge/backend';
import type { Loss } from '@ridge/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, gradient, run } from '../test/helpers.js';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  categoricalHinge,
  cosineSimilarity,
  hinge,
  huber,
  klDivergence,
  logCosh,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  meanSquaredLogarithmicError,
  poisson,
  sparseCategoricalCrossentropy,
  squaredHinge,
} from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const BATCH = 2;
const WIDTH = 3;
const RUNS = { numRuns: 20, seed: 20240611 };

const rows = (flat: readonly number[]): number[][] =>
  Array.from({ length: flat.length / WIDTH }, (_, i) => flat.slice(i * WIDTH, (i + 1) * WIDTH));
const values = (min: number, max: number) =>
  fc.array(fc.double({ min, max, noNaN: true }), { minLength: BATCH * WIDTH, maxLength: BATCH * WIDTH });
const normalized = (flat: readonly number[]): number[][] =>
  rows(flat).map((r) => {
    const s = r.reduce((a, b) => a + b, 0);
    return r.map((x) => x / s);
  });

/** Central finite differences of the (mean-reduced) loss in yPred, in float32 arithmetic. */
function numericGradient(loss: Loss, yTrue: number[][] | number[], yPred: readonly number[], trueDtype: 'float32' | 'int32'): number[] {
  const h = 1e-3;
  return yPred.map((_, i) => {
    const plus = [...yPred];
    const minus = [...yPred];
    plus[i]! += h;
    minus[i]! -= h;
    return (run(loss, yTrue, rows(plus), undefined, trueDtype)[0]! - run(loss, yTrue, rows(minus), undefined, trueDtype)[0]!) / (2 * h);
  });
}

interface GradientCase {
  readonly name: string;
  readonly loss: Loss;
  readonly inputs: fc.Arbitrary<{ yTrue: number[][] | number[]; yPred: number[]; trueDtype: 'float32' | 'int32' }>;
}

const soft = values(0.05, 1).map(normalized);
const probabilities = values(0.05, 1);
const logits = values(-4, 4);
const reals = values(-3, 3);
const labels = fc.array(fc.integer({ min: 0, max: WIDTH - 1 }), { minLength: BATCH, maxLength: BATCH });
const f32 = 'float32' as const;

/** Inputs that keep every element at least `gap` from a kink of the loss, where no gradient exists. */
const awayFrom = (kinks: (t: number, p: number) => number, gap = 0.02) =>
  fc
    .tuple(reals, reals)
    .filter(([t, p]) => t.every((ti, i) => kinks(ti, p[i]!) > gap))
    .map(([t, p]) => ({ yTrue: rows(t), yPred: p, trueDtype: f32 }));

const GRADIENT_CASES: readonly GradientCase[] = [
  { name: 'categorical, probabilities', loss: categoricalCrossentropy(), inputs: fc.tuple(soft, probabilities).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: f32 })) },
  { name: 'categorical, logits, smoothed', loss: categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), inputs: fc.tuple(soft, logits).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: f32 })) },
  { name: 'sparse categorical, logits', loss: sparseCategoricalCrossentropy({ fromLogits: true }), inputs: fc.tuple(labels, logits).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: 'int32' as const })) },
  { name: 'binary, probabilities', loss: binaryCrossentropy(), inputs: fc.tuple(values(0, 1), values(0.05, 0.95)).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  { name: 'binary, logits', loss: binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), inputs: fc.tuple(values(0, 1), logits).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  { name: 'mse', loss: meanSquaredError(), inputs: awayFrom(() => 1) },
  { name: 'mae', loss: meanAbsoluteError(), inputs: awayFrom((t, p) => Math.abs(t - p)) },
  { name: 'huber', loss: huber({ delta: 0.8 }), inputs: awayFrom((t, p) => Math.abs(Math.abs(t - p) - 0.8)) },
  { name: 'kld', loss: klDivergence(), inputs: fc.tuple(soft, values(0.05, 0.95)).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: f32 })) },
  { name: 'hinge', loss: hinge(), inputs: awayFrom((t, p) => Math.abs(1 - t * p)) },
  { name: 'squared hinge', loss: squaredHinge(), inputs: awayFrom(() => 1) },
  {
    name: 'categorical hinge',
    loss: categoricalHinge(),
    // Away from ties in neg = max((1 - y) * p), which also sees the 0 at the true class, and from the hinge's kink.
    inputs: fc
      .tuple(labels, reals)
      .map(([ls, p]) => ({ yTrue: ls.map((l) => Array.from({ length: WIDTH }, (_, j) => (j === l ? 1 : 0))), yPred: p, trueDtype: f32 }))
      .filter(({ yTrue, yPred }) =>
        rows(yPred).every((r, i) => {
          const others = [...r.filter((_, j) => yTrue[i]![j] === 0), 0].sort((a, b) => b - a);
          const pos = r.find((_, j) => yTrue[i]![j] === 1)!;
          return others[0]! - others[1]! > 0.02 && Math.abs(others[0]! - pos + 1) > 0.02;
        }),
      ),
  },
  { name: 'log cosh', loss: logCosh(), inputs: awayFrom(() => 1) },
  { name: 'poisson', loss: poisson(), inputs: fc.tuple(values(0, 4), values(0.2, 3)).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  {
    name: 'mape',
    loss: meanAbsolutePercentageError(),
    inputs: fc
      .tuple(values(0.5, 3), reals)
      .filter(([t, p]) => t.every((ti, i) => Math.abs(ti - p[i]!) > 0.02))
      .map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })),
  },
  { name: 'msle', loss: meanSquaredLogarithmicError(), inputs: fc.tuple(values(0, 3), values(0.05, 3)).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  { name: 'binary focal, probabilities', loss: binaryFocalCrossentropy({ applyClassBalancing: true }), inputs: fc.tuple(values(0, 1), values(0.05, 0.95)).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  { name: 'binary focal, logits', loss: binaryFocalCrossentropy({ fromLogits: true, gamma: 1.5, labelSmoothing: 0.1 }), inputs: fc.tuple(values(0, 1), logits).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })) },
  { name: 'categorical focal, probabilities', loss: categoricalFocalCrossentropy(), inputs: fc.tuple(soft, probabilities).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: f32 })) },
  { name: 'categorical focal, logits', loss: categoricalFocalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), inputs: fc.tuple(soft, logits).map(([yTrue, yPred]) => ({ yTrue, yPred, trueDtype: f32 })) },
  {
    name: 'cosine',
    loss: cosineSimilarity(),
    inputs: fc.tuple(reals, reals).filter(([, p]) => rows(p).every((r) => Math.hypot(...r) > 0.5)).map(([t, yPred]) => ({ yTrue: rows(t), yPred, trueDtype: f32 })),
  },
];

describe('gradients equal finite differences', () => {
  it.each(GRADIENT_CASES)('$name', ({ loss, inputs }) => {
    fc.assert(
      fc.property(inputs, ({ yTrue, yPred, trueDtype }) => {
        const analytic = gradient(loss, yTrue, rows(yPred), trueDtype);
        expectClose(analytic, numericGradient(loss, yTrue, yPred, trueDtype), 2e-2);
      }),
      RUNS,
    );
  });
});

describe('laws', () => {
  it('every loss but cosine is >= 0 per sample', () => {
    fc.assert(
      fc.property(soft, soft, probabilities, reals, reals, (t, q, p, a, b) => {
        const checks: number[][] = [
          run(categoricalCrossentropy({ reduction: 'none' }), t, rows(p)),
          run(binaryCrossentropy({ reduction: 'none' }), t, rows(p)),
          run(klDivergence({ reduction: 'none' }), t, q),
          run(meanSquaredError({ reduction: 'none' }), rows(a), rows(b)),
          run(meanAbsoluteError({ reduction: 'none' }), rows(a), rows(b)),
          run(huber({ reduction: 'none' }), rows(a), rows(b)),
          run(hinge({ reduction: 'none' }), rows(a), rows(b)),
          run(squaredHinge({ reduction: 'none' }), rows(a), rows(b)),
          run(logCosh({ reduction: 'none' }), rows(a), rows(b)),
          run(meanAbsolutePercentageError({ reduction: 'none' }), rows(a), rows(b)),
          run(meanSquaredLogarithmicError({ reduction: 'none' }), rows(a), rows(b)),
          run(binaryFocalCrossentropy({ reduction: 'none' }), t, rows(p)),
          run(categoricalFocalCrossentropy({ reduction: 'none' }), t, rows(p)),
        ];
        for (const v of checks.flat()) expect(v).toBeGreaterThanOrEqual(-1e-6);
      }),
      RUNS,
    );
  });

  it('mse, mae, huber, log cosh, mape, msle and kld are 0 at yPred = yTrue', () => {
    fc.assert(
      fc.property(reals, soft, (a, t) => {
        for (const loss of [meanSquaredError(), meanAbsoluteError(), huber(), logCosh(), meanAbsolutePercentageError(), meanSquaredLogarithmicError()]) {
          expectClose(run(loss, rows(a), rows(a)), 0);
        }
        expectClose(run(klDivergence(), t, t), 0);
      }),
      RUNS,
    );
  });

  it('huber <= 0.5 * squared error and <= delta * absolute error', () => {
    fc.assert(
      fc.property(reals, reals, fc.double({ min: 0.1, max: 3, noNaN: true }), (a, b, delta) => {
        const h = run(huber({ delta, reduction: 'none' }), rows(a), rows(b));
        const mse = run(meanSquaredError({ reduction: 'none' }), rows(a), rows(b));
        const mae = run(meanAbsoluteError({ reduction: 'none' }), rows(a), rows(b));
        h.forEach((v, i) => {
          expect(v).toBeLessThanOrEqual(0.5 * mse[i]! * (1 + 1e-5) + 1e-6);
          expect(v).toBeLessThanOrEqual(delta * mae[i]! * (1 + 1e-5) + 1e-6);
        });
      }),
      RUNS,
    );
  });

  it('cosine lies in [-1, 1] and ignores the length of yPred', () => {
    fc.assert(
      fc.property(reals, reals, fc.double({ min: 0.1, max: 10, noNaN: true }), (a, b, scale) => {
        const base = run(cosineSimilarity({ reduction: 'none' }), rows(a), rows(b));
        for (const v of base) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-5);
        const scaled = run(cosineSimilarity({ reduction: 'none' }), rows(a), rows(b.map((x) => x * scale)));
        expectClose(scaled, base, 1e-4);
      }),
      RUNS,
    );
  });

  it('sparse equals categorical on one-hot labels', () => {
    fc.assert(
      fc.property(labels, logits, fc.boolean(), (ls, p, fromLogits) => {
        const hot = ls.map((l) => Array.from({ length: WIDTH }, (_, j) => (j === l ? 1 : 0)));
        const yPred = fromLogits ? rows(p) : rows(p.map((x) => Math.abs(x) + 0.05));
        expectClose(
          run(sparseCategoricalCrossentropy({ fromLogits, reduction: 'none' }), ls, yPred, undefined, 'int32'),
          run(categoricalCrossentropy({ fromLogits, reduction: 'none' }), hot, yPred),
        );
      }),
      RUNS,
    );
  });
});
