import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import { RidgeError } from '@ridge/core';
import { l2 } from '@ridge/regularizers';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import '../../register.js';
import { Flatten, Reshape, flatten, reshape, type ReshapeArgs } from './index.js';
import './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i / 10 - 1);

function errorOf(fn: () => unknown): RidgeError {
  try {
    fn();
  } catch (e) {
    if (RidgeError.is(e)) return e;
    throw e;
  }
  throw new Error('expected a RidgeError');
}

describe('Flatten', () => {
  it('keeps the batch axis and the row-major order of the rest', () => {
    const x = tf.tensor(range(2 * 3 * 4 * 2), [2, 3, 4, 2]);
    const y = flatten().apply(x);
    expect(y.shape).toEqual([2, 24]);
    // Row-major flattening leaves the flat order of the data unchanged.
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    const z = tf.tensor([[1], [2]]);
    const zf = flatten().apply(z);
    expect(zf.shape).toEqual([2, 1]);
    tf.dispose([x, y, z, zf]);
  });

  it('computeOutputShape agrees with predict; unknown sizes give an unknown length', () => {
    for (const [sample, concrete, expected] of [
      [[3, 4, 2], [3, 4, 2], [null, 24]],
      [[5], [5], [null, 5]],
      [[null, 2], [6, 2], [null, null]],
    ] as const) {
      const inp = input({ shape: sample });
      const layer = flatten();
      const out = layer.apply(inp);
      expect(out.shape).toEqual(expected);
      const m = model({ inputs: inp, outputs: out });
      const x = tf.ones([2, ...concrete]);
      const y = m.predict(x) as tf.Tensor;
      expect(y.shape).toEqual(layer.computeOutputShape([2, ...concrete]));
      expect(y.shape).toEqual([2, concrete.reduce((a: number, d: number) => a * d, 1)]);
      tf.dispose([x, y]);
      m.dispose();
    }
  });

  it('activityRegularizer adds its penalty', () => {
    const inp = input({ shape: [2, 2] });
    const layer = flatten({ name: 'flatten_act', activityRegularizer: l2(0.5) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const xv = range(3 * 4);
    const x = tf.tensor(xv, [3, 2, 2]);
    const { terms } = m.penalties(x);
    expect(terms.map((t) => t.path)).toEqual(['flatten_act/activity']);
    expect(terms[0]!.value).toBeCloseTo((0.5 * xv.reduce((a, v) => a + v * v, 0)) / 3, 5);
    x.dispose();
    m.dispose();
  });

  it('config round trip; channels_first rejected', () => {
    const layer = flatten({ name: 'flatten_cfg', inputShape: [3, 3] });
    expect(layer.getConfig()).toMatchObject({ name: 'flatten_cfg', dataFormat: 'channels_last', batchInputShape: [null, 3, 3] });
    expectConfigRoundTrip(layer, 'layer');
    const copy = new Flatten({ ...layer.getConfig(), name: 'flatten_cfg_copy' });
    expect({ ...copy.getConfig(), name: 'flatten_cfg' }).toEqual(layer.getConfig());
    const e = errorOf(() => flatten({ name: 'flatten_bad', dataFormat: 'channels_first' as 'channels_last' }));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain("Flatten 'flatten_bad'");
    expect(e.message).toContain('dataFormat');
    expect(e.message).toContain('"channels_first"');
  });
});

describe('Reshape', () => {
  const cases: { targetShape: number[]; xShape: number[]; out: number[] }[] = [
    { targetShape: [2, 3], xShape: [2, 6], out: [2, 2, 3] },
    { targetShape: [-1], xShape: [2, 2, 3], out: [2, 6] },
    { targetShape: [-1, 2], xShape: [1, 3, 4], out: [1, 6, 2] },
    { targetShape: [3, -1, 2], xShape: [2, 12], out: [2, 3, 2, 2] },
  ];
  for (const c of cases) {
    it(`[${c.xShape}] to targetShape [${c.targetShape}]`, () => {
      const n = c.xShape.reduce((a, d) => a * d, 1);
      const x = tf.tensor(range(n), c.xShape);
      const layer = reshape({ targetShape: c.targetShape });
      const y = layer.apply(x);
      expect(y.shape).toEqual(c.out);
      expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
      expect(layer.computeOutputShape([null, ...c.xShape.slice(1)])).toEqual([null, ...c.out.slice(1)]);
      const inp = input({ shape: c.xShape.slice(1) });
      const m = model({ inputs: inp, outputs: reshape({ targetShape: c.targetShape }).apply(inp) });
      const p = m.predict(x) as tf.Tensor;
      expect(p.shape).toEqual(c.out);
      tf.dispose([x, y, p]);
      m.dispose();
    });
  }

  it('unknown input sizes: -1 stays unknown until called', () => {
    const inp = input({ shape: [null, 4] });
    const flex = reshape({ targetShape: [-1, 2] });
    const fixed = reshape({ name: 'reshape_fixed', targetShape: [2, 2] });
    expect(flex.apply(inp).shape).toEqual([null, null, 2]);
    expect(fixed.apply(inp).shape).toEqual([null, 2, 2]);
    const x = tf.ones([3, 5, 4]);
    const y = flex.apply(x);
    expect(y.shape).toEqual([3, 10, 2]);
    const e = errorOf(() => fixed.apply(x));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain("Reshape 'reshape_fixed'");
    expect(e.message).toContain('[3, 5, 4]');
    expect(e.message).toContain('[2, 2]');
    tf.dispose([x, y]);
  });

  it('sizes that do not match name both shapes', () => {
    const e = errorOf(() => reshape({ name: 'reshape_mismatch', targetShape: [4] }).apply(input({ shape: [2, 3] })));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain("Reshape 'reshape_mismatch'");
    expect(e.message).toContain('[null, 2, 3]');
    expect(e.message).toContain('6 values');
    expect(e.message).toContain('[4]');
    expect(e.message).toContain('4 values');
    const e2 = errorOf(() => reshape({ name: 'reshape_mismatch2', targetShape: [4, -1] }).apply(input({ shape: [7] })));
    expect(e2.code).toBe('SHAPE_MISMATCH');
    expect(e2.message).toContain('[null, 7]');
    expect(e2.message).toContain('[4, -1]');
  });

  it('bad targetShape is rejected at construction', () => {
    for (const [targetShape, received] of [
      [[2, -1, -1], '[2, -1, -1]'],
      [[0, 3], '[0, 3]'],
      [[2.5], '[2.5]'],
      ['2x3', '"2x3"'],
      [undefined, 'undefined'],
    ] as const) {
      const e = errorOf(() => new Reshape({ name: 'reshape_bad', targetShape } as unknown as ReshapeArgs));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain("Reshape 'reshape_bad'");
      expect(e.message).toContain('targetShape');
      expect(e.message).toContain(received);
    }
  });

  it('activityRegularizer adds its penalty', () => {
    const inp = input({ shape: [4] });
    const layer = reshape({ name: 'reshape_act', targetShape: [2, 2], activityRegularizer: l2(0.25) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const xv = range(8);
    const x = tf.tensor(xv, [2, 4]);
    const { terms } = m.penalties(x);
    expect(terms.map((t) => t.path)).toEqual(['reshape_act/activity']);
    expect(terms[0]!.value).toBeCloseTo((0.25 * xv.reduce((a, v) => a + v * v, 0)) / 2, 5);
    x.dispose();
    m.dispose();
  });

  it('config round trip', () => {
    const layer = reshape({ name: 'reshape_cfg', targetShape: [3, -1] });
    expect(layer.getConfig()).toMatchObject({ name: 'reshape_cfg', targetShape: [3, -1] });
    expectConfigRoundTrip(layer, 'layer');
    const copy = new Reshape({ ...(layer.getConfig() as unknown as ReshapeArgs), name: 'reshape_cfg_copy' });
    expect({ ...copy.getConfig(), name: 'reshape_cfg' }).toEqual(layer.getConfig());
  });

  it('gradients flow back through it, in the original layout, without leaks', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor(range(6), [1, 6]);
    const g = tf.tensor([[[1, 2, 3], [4, 5, 6]]]);
    const layer = reshape({ targetShape: [2, 3] });
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t), g)))(x);
    expect(dx.shape).toEqual([1, 6]);
    expect(Array.from(dx.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    tf.dispose([x, g, dx]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
