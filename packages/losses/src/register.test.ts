import { initBackend } from '@ridge/backend';
import { getLoss, registry, type Loss } from '@ridge/core';
import { expectConfigRoundTrip, expectNoTensorLeak, expectResolvable } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASES } from '../test/cases.js';
import { ALL_NAMES, NAMES_BY_CLASS } from '../test/names.js';
import './index.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

describe('registered names', () => {
  it('registers exactly the expected names, each once, from @ridge/losses', () => {
    const ours = registry('loss')
      .list()
      .filter((n) => registry('loss').resolve(n).package === '@ridge/losses');
    expect(ours.sort()).toEqual([...ALL_NAMES].sort());
    expect(new Set(ALL_NAMES).size).toBe(ALL_NAMES.length);
  });

  it.each(Object.entries(NAMES_BY_CLASS).flatMap(([className, names]) => names.map((name) => [name, className])))(
    "'%s' resolves to %s, by name and as { className, config }",
    (name, className) => {
      expectResolvable('loss', name, { className });
      expect(getLoss(name as Parameters<typeof getLoss>[0]).className).toBe(className);
    },
  );
});

describe.each(CASES)('$className passes the @ridge/testing contract', ({ className, create, nonDefault, yTrue, yPred, trueDtype }) => {
  it('round-trips its config, default and non-default', () => {
    for (const loss of [create(), create(nonDefault)]) {
      const rebuilt = expectConfigRoundTrip(loss, 'loss');
      expect(rebuilt.className).toBe(className);
    }
    expectResolvable('loss', className, { config: nonDefault });
  });

  it('leaks no tensor: apply in every reduction, with weights, and under tf.grad', async () => {
    const t = tf.tensor(yTrue, undefined, trueDtype);
    const p = tf.tensor(yPred);
    const w = tf.tensor1d([1, 0.5, 0]);
    const losses: Loss[] = ['mean', 'sum', 'none'].map((reduction) => create({ ...nonDefault, reduction }));
    for (const loss of losses) {
      await expectNoTensorLeak(`${className} (${loss.reduction}).apply`, () => loss.apply(t, p));
      await expectNoTensorLeak(`${className} (${loss.reduction}).apply with weights`, () => loss.apply(t, p, w));
    }
    await expectNoTensorLeak(`${className} gradient`, () =>
      tf.grad((x: tf.Tensor) => create().apply(t, x) as tf.Scalar)(p),
    );
    tf.dispose([t, p, w]);
  });
});
