import { l1, l2, orthogonal } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caught, useCpu } from '../../test/setup.js';
import { dense, input, model, type Model, type RegularizationOption } from '../index.js';

useCpu();

/** inp -> a (kernel has its own L1) -> b -> out; every layer has a bias. */
function threeLayers(prefix: string): Model {
  const inp = input({ shape: [3] });
  const a = dense({ units: 4, name: `${prefix}_a`, kernelRegularizer: l1(0.5) }).apply(inp);
  const b = dense({ units: 4, name: `${prefix}_b` }).apply(a);
  const out = dense({ units: 2, name: `${prefix}_out` }).apply(b);
  return model({ inputs: inp, outputs: out });
}

function termsFor(m: Model, regularization: RegularizationOption): string[] {
  m.compile({ optimizer: 'sgd', loss: 'mse', regularization });
  return m.penalties().terms.map((t) => `${t.path}:${t.regularizer}:${t.source}`);
}

describe('model-level regularization selectors', () => {
  let m: Model;
  beforeAll(() => {
    m = threeLayers('sel');
  });

  it("a bare spec means include: 'kernels', and the layer's own regularizer wins (skip)", () => {
    expect(termsFor(m, 'l2')).toEqual(['sel_a/kernel:L1:layer', 'sel_b/kernel:L2:model', 'sel_out/kernel:L2:model']);
  });

  it('a role', () => {
    expect(termsFor(m, { regularizer: 'l2', include: 'bias' })).toEqual([
      'sel_a/kernel:L1:layer',
      'sel_a/bias:L2:model',
      'sel_b/bias:L2:model',
      'sel_out/bias:L2:model',
    ]);
  });

  it("'all' with an exclude", () => {
    expect(termsFor(m, { regularizer: 'l2', include: 'all', exclude: 'sel_out/*' })).toEqual([
      'sel_a/kernel:L1:layer',
      'sel_a/bias:L2:model',
      'sel_b/kernel:L2:model',
      'sel_b/bias:L2:model',
    ]);
  });

  it('a glob, a RegExp, a predicate and a list', () => {
    expect(termsFor(m, { regularizer: 'l2', include: 'sel_b/kernel' })).toEqual(['sel_a/kernel:L1:layer', 'sel_b/kernel:L2:model']);
    expect(termsFor(m, { regularizer: 'l2', include: /_out\/(kernel|bias)$/ })).toEqual([
      'sel_a/kernel:L1:layer',
      'sel_out/kernel:L2:model',
      'sel_out/bias:L2:model',
    ]);
    expect(termsFor(m, { regularizer: 'l2', include: (w) => w.variable.shape.length === 1 && w.path.startsWith('sel_b') })).toEqual([
      'sel_a/kernel:L1:layer',
      'sel_b/bias:L2:model',
    ]);
    expect(termsFor(m, { regularizer: 'l2', include: ['sel_b/*', 'bias'], exclude: 'sel_a/*' })).toEqual([
      'sel_a/kernel:L1:layer',
      'sel_b/kernel:L2:model',
      'sel_b/bias:L2:model',
      'sel_out/bias:L2:model',
    ]);
  });

  it('a list of rules: the first rule that matches a weight applies', () => {
    expect(
      termsFor(m, [
        { regularizer: 'l1', include: 'sel_out/kernel' },
        { regularizer: 'l2', include: 'kernels' },
      ]),
    ).toEqual(['sel_a/kernel:L1:layer', 'sel_b/kernel:L2:model', 'sel_out/kernel:L1:model']);
  });
});

describe('onConflict', () => {
  let m: Model;
  beforeAll(() => {
    m = threeLayers('conf');
  });
  it("'skip' keeps only the layer's own regularizer", () => {
    expect(termsFor(m, { regularizer: 'l2', include: 'conf_a/kernel', onConflict: 'skip' })).toEqual(['conf_a/kernel:L1:layer']);
  });
  it("'add' keeps both terms, and the log key sums them", async () => {
    expect(termsFor(m, { regularizer: l2(0.25), include: 'conf_a/kernel', onConflict: 'add' })).toEqual(['conf_a/kernel:L1:layer', 'conf_a/kernel:L2:model']);
    const k = Array.from((m.getLayer('conf_a') as ReturnType<typeof dense>).kernel.read().dataSync());
    const expected = 0.5 * k.reduce((s, v) => s + Math.abs(v), 0) + 0.25 * k.reduce((s, v) => s + v * v, 0);
    const logs = await m.evaluate(tf.ones([2, 3]), tf.zeros([2, 2]));
    expect(logs['penalty/conf_a/kernel']).toBeCloseTo(expected, 5);
  });
  it("'replace' drops the layer's own regularizer for the model's", () => {
    expect(termsFor(m, { regularizer: 'l2', include: 'conf_a/kernel', onConflict: 'replace' })).toEqual(['conf_a/kernel:L2:model']);
  });
});

describe('works on a trained model, and rejects bad rules without changing it', () => {
  it('applies to a model that was already trained', async () => {
    const m = threeLayers('trained');
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 5);
    const y = tf.randomNormal([8, 2], 0, 1, 'float32', 6);
    const plain = await m.fit(x, y, { epochs: 2, batchSize: 4 });
    expect(Object.keys(plain.history).filter((k) => k.startsWith('penalty/'))).toEqual(['penalty/trained_a/kernel']);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    const after = await m.fit(x, y, { epochs: 1, batchSize: 4 });
    expect(Object.keys(after.history).filter((k) => k.startsWith('penalty/')).sort()).toEqual([
      'penalty/trained_a/kernel',
      'penalty/trained_b/kernel',
      'penalty/trained_out/kernel',
    ]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('bad rules are RidgeErrors naming the part, and the previous compile stays', () => {
    const m = threeLayers('bad');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    const before = m.penalties().terms.length;
    const cases: [RegularizationOption, string, RegExp][] = [
      ['l3' as never, 'UNKNOWN_NAME', /regularization\.regularizer: Unknown regularizer "l3"/],
      [{ regularizer: 'l2', include: 42 } as never, 'INVALID_ARGUMENT', /regularization\.include must be .*received 42/],
      [{ regularizer: 'l2', onConflict: 'merge' } as never, 'INVALID_ARGUMENT', /onConflict must be 'skip', 'add' or 'replace'; received "merge"/],
      [[{ regularizer: 'l2' }, { regularizer: 'l1', exclude: [''] }] as never, 'INVALID_ARGUMENT', /regularization\[1\]\.exclude\[0\] must be/],
      [{ regularizer: 'l2', includes: 'bias' } as never, 'INVALID_ARGUMENT', /unknown key "includes"/],
      [{ regularizer: orthogonal(), include: 'all' }, 'INVALID_ARGUMENT', /bad_a\/bias .*OrthogonalRegularizer.*\[4\]/],
      // A role no weight has and Ridge does not know matches nothing: a typo, named with a guess.
      [{ regularizer: 'l2', include: 'kernal' }, 'INVALID_ARGUMENT', /regularization\.include names the weight role "kernal", which no weight of this model has; did you mean 'kernel'\? The model's roles: bias, kernel\./],
      [{ regularizer: 'l2', exclude: ['bias', 'gama'] }, 'INVALID_ARGUMENT', /regularization\.exclude names the weight role "gama".*did you mean 'gamma'/],
      // A glob without '/' matches no '<layer>/<weight>' path (as excludeFromWeightDecay refuses it).
      [{ regularizer: 'l2', include: 'kernel*' }, 'INVALID_ARGUMENT', /regularization\.include is the glob "kernel\*", which has no '\/'.*Use '\*\/kernel\*'/],
      [{ regularizer: 'l2', exclude: ['bias', 'bad_?'] }, 'INVALID_ARGUMENT', /regularization\.exclude is the glob "bad_\?"/],
    ];
    for (const [option, code, message] of cases) {
      let error: unknown;
      try {
        m.compile({ optimizer: 'sgd', loss: 'mse', regularization: option });
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toMatchObject({ code, message: expect.stringMatching(message) });
      expect(m.penalties().terms.length).toBe(before);
    }
    m.dispose();
  });

  it('a known role the model lacks is a generic rule, not an error', () => {
    const m = threeLayers('generic');
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: [{ regularizer: 'l2', include: ['recurrentKernel', 'gamma'] }, { regularizer: 'l1', include: 'kernel' }] });
    expect(m.penalties().terms.map((t) => `${t.path}:${t.source}`).sort()).toEqual(['generic_a/kernel:layer', 'generic_b/kernel:model', 'generic_out/kernel:model']);
    m.dispose();
  });

  it('an orthogonal regularizer on a bias fails at construction, naming the layer and the argument', async () => {
    const inp = input({ shape: [3] });
    const layer = dense({ units: 2, name: 'ortho_bias', biasRegularizer: orthogonal() });
    const error = await caught(() => layer.apply(inp));
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("Dense 'ortho_bias': biasRegularizer") });
    expect((error as Error).message).toMatch(/rank|2/);
  });
});
