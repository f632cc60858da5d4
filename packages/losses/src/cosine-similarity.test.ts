import { initBackend } from '@ridge/backend';
import { beforeAll, describe, it } from 'vitest';
import { expectAllFinite, expectClose, gradient, mean, run, sum } from '../test/helpers.js';
import { cosineSimilarity } from './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function negativeCosine(a: readonly number[], b: readonly number[]): number {
  const dot = sum(a.map((x, i) => x * b[i]!));
  const norm = (v: readonly number[]): number => Math.sqrt(sum(v.map((x) => x * x)));
  return -dot / (norm(a) * norm(b));
}

describe('CosineSimilarity', () => {
  it('is -1 for aligned vectors (whatever their lengths), 1 for opposite ones, 0 for orthogonal ones', () => {
    const yTrue = [
      [1, 2, 3],
      [1, 0, 0],
      [0, 1, 0],
    ];
    const yPred = [
      [2, 4, 6],
      [-3, 0, 0],
      [0, 0, 5],
    ];
    expectClose(run(cosineSimilarity({ reduction: 'none' }), yTrue, yPred), [-1, 1, 0]);
  });

  it('is -cos(angle) per sample on a general batch', () => {
    const yTrue = [
      [1, 1, 0],
      [0.5, -2, 1],
    ];
    const yPred = [
      [1, 0, 0],
      [1, 1, 1],
    ];
    // Hand check, sample 0: -1 / sqrt(2).
    expectClose(negativeCosine(yTrue[0]!, yPred[0]!), -Math.SQRT1_2);
    const perSample = yTrue.map((t, i) => negativeCosine(t, yPred[i]!));
    expectClose(run(cosineSimilarity({ reduction: 'none' }), yTrue, yPred), perSample);
    expectClose(run(cosineSimilarity(), yTrue, yPred), mean(perSample));
  });

  it('compares vectors along axis', () => {
    // Shape [1, 2, 2]: along axis 1 the vectors are the columns.
    const yTrue = [[[1, 0], [0, 1]]];
    const yPred = [[[1, 1], [1, 0]]];
    const expected = mean([negativeCosine([1, 0], [1, 1]), negativeCosine([0, 1], [1, 0])]);
    expectClose(run(cosineSimilarity({ axis: 1 }), yTrue, yPred), expected);
  });

  it('is 0, with finite gradients, for a zero vector', () => {
    expectClose(run(cosineSimilarity({ reduction: 'none' }), [[0, 0]], [[1, 2]]), [0]);
    expectAllFinite(gradient(cosineSimilarity(), [[1, 2]], [[0, 0]]));
  });
});
