import { initBackend } from '@ridge/backend';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../test/cases.js';
import { expectClose, run, sum } from '../test/helpers.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const weights = [0.5, 0, 2];

describe.each(CASES)('$className reductions and sample weights', ({ create, yTrue, yPred, trueDtype }) => {
  const go = (reduction: string, w?: number[] | number[][]): number[] =>
    run(create({ reduction }), yTrue, yPred, w, trueDtype);

  it("'none' gives one value per sample; 'sum' adds them; 'mean' divides the sum by the batch size", () => {
    const perSample = go('none');
    expect(perSample).toHaveLength(3);
    expectClose(go('sum'), sum(perSample));
    expectClose(go('mean'), sum(perSample) / 3);
    expectClose(run(create(), yTrue, yPred, undefined, trueDtype), sum(perSample) / 3);
  });

  it("reads Keras' 'sum_over_batch_size' and 'auto' as 'mean'", () => {
    const mean = go('mean');
    expectClose(go('sum_over_batch_size'), mean);
    expectClose(go('auto'), mean);
    expect(create({ reduction: 'sum_over_batch_size' }).getConfig()['reduction']).toBe('mean');
    expect(create({ reduction: 'auto' }).getConfig()['reduction']).toBe('mean');
  });

  it('weights each sample; mean is sum(loss * w) / batch size, not / sum(w)', () => {
    const perSample = go('none');
    const weighted = perSample.map((l, i) => l * weights[i]!);
    expectClose(go('none', weights), weighted);
    expectClose(go('sum', weights), sum(weighted));
    expectClose(go('mean', weights), sum(weighted) / 3);
    // sum(w) = 2.5, so dividing by it would give a different number.
    expect(Math.abs(sum(weighted) / 3 - sum(weighted) / sum(weights))).toBeGreaterThan(1e-3);
  });

  it('takes weights of shape [batch, 1] like [batch]', () => {
    expectClose(go('none', weights.map((w) => [w])), go('none', weights));
  });

  it('gives 0 with all-zero weights, and drops a zero-weighted sample', () => {
    expectClose(go('mean', [0, 0, 0]), 0);
    expectClose(go('sum', [1, 0, 1]), go('sum')[0]! - go('none')[1]!);
  });

  it('returns a scalar for mean and sum, shape [batch] for none', () => {
    const t = tf.tensor(yTrue, undefined, trueDtype);
    const p = tf.tensor(yPred);
    const shapes = ['mean', 'sum', 'none'].map((reduction) => {
      const out = create({ reduction }).apply(t, p);
      const shape = out.shape;
      out.dispose();
      return shape;
    });
    tf.dispose([t, p]);
    expect(shapes).toEqual([[], [], [3]]);
  });
});
