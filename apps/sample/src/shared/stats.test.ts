import { describe, expect, it } from 'vitest';
import {
  combineWeightStats,
  generalizationGap,
  histogram,
  l1Norm,
  l2Norm,
  lastOf,
  nearZeroFraction,
  penaltyShares,
  weightStats,
} from './stats.js';

describe('nearZeroFraction', () => {
  it('counts |v| < 1e-3, strictly', () => {
    // 0, -0.0005 and 0.000999 are below 1e-3; 0.001, -0.002 and 0.5 are not: 3 of 6.
    expect(nearZeroFraction([0, -0.0005, 0.000999, 0.001, -0.002, 0.5])).toBe(0.5);
  });

  it('takes another threshold, and gives 0 for no values', () => {
    expect(nearZeroFraction([0.05, -0.2, 0.09, 1], 0.1)).toBe(0.5);
    expect(nearZeroFraction([])).toBe(0);
  });
});

describe('norms', () => {
  it('L1 is the sum of magnitudes, L2 the root of the sum of squares', () => {
    expect(l1Norm([3, -4, 0])).toBe(7);
    expect(l2Norm([3, -4, 0])).toBe(5);
    expect(l1Norm(new Float32Array([0.5, -0.25]))).toBe(0.75);
    expect(l2Norm([])).toBe(0);
  });
});

describe('histogram', () => {
  it('puts values in equal bins, max in the last one, and counts the rest as outside', () => {
    // Bins of 0.5 on [-1, 1]: [-1, -0.5), [-0.5, 0), [0, 0.5), [0.5, 1].
    const h = histogram([-1, -0.75, -0.5, 0, 0.25, 0.5, 1, 1.5, -2, Number.NaN], -1, 1, 4);
    expect(h.edges).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(h.counts).toEqual([2, 1, 2, 2]);
    expect(h.outside).toBe(3);
  });

  it('rejects an empty range', () => {
    expect(() => histogram([1], 1, 1, 3)).toThrow(/max > min/);
    expect(() => histogram([1], 0, 1, 0)).toThrow(/bins/);
  });
});

describe('weightStats', () => {
  it('summarizes one weight', () => {
    expect(weightStats('dense_1/kernel', [0, 0.0001, 3, -4])).toEqual({ path: 'dense_1/kernel', count: 4, nearZero: 0.5, l1: 7.0001, l2: Math.sqrt(25.00000001), maxAbs: 4 });
  });

  it('combines weights as if they were one vector', () => {
    const a = weightStats('a', [3, 0]); // nearZero 1/2, l1 3, l2 3
    const b = weightStats('b', [4, 0, 0, 0]); // nearZero 3/4, l1 4, l2 4
    const both = combineWeightStats('kernels', [a, b]);
    expect(both.count).toBe(6);
    expect(both.nearZero).toBeCloseTo(4 / 6, 12);
    expect(both.l1).toBe(7);
    expect(both.l2).toBe(5);
    expect(both.maxAbs).toBe(4);
  });
});

describe('penaltyShares', () => {
  const logs = {
    loss: 2,
    data_loss: 0.5,
    penalty: 1.5,
    'penalty/dense_1/kernel': 1,
    'penalty/dense_1/activity': 0.4,
    'penalty/dense_2/kernel': 0.1,
    accuracy: 0.9,
    val_loss: 4,
    'val_penalty/dense_1/kernel': 1,
  };

  it('lists each term with its share of the loss, largest first', () => {
    expect(penaltyShares(logs)).toEqual([
      { term: 'dense_1/kernel', value: 1, share: 0.5 },
      { term: 'dense_1/activity', value: 0.4, share: 0.2 },
      { term: 'dense_2/kernel', value: 0.1, share: 0.05 },
    ]);
  });

  it('reads the validation terms with the val_ prefix', () => {
    expect(penaltyShares(logs, 'val_')).toEqual([{ term: 'dense_1/kernel', value: 1, share: 0.25 }]);
  });

  it('is empty without penalties', () => {
    expect(penaltyShares({ loss: 1, data_loss: 1 })).toEqual([]);
  });
});

describe('generalizationGap and lastOf', () => {
  it('subtracts validation from training', () => {
    expect(generalizationGap(1, 0.86)).toBeCloseTo(0.14, 12);
  });

  it('takes the last epoch of each series', () => {
    expect(lastOf({ loss: [3, 2, 1], accuracy: [0.5, 0.75], empty: [] })).toEqual({ loss: 1, accuracy: 0.75 });
  });
});
