import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { registry } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model } from '../../base.js';
import { ActivityRegularization, activityRegularization } from './index.js';
import './register.js';
import { values, caughtRidgeError as caught, type Mat } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

function matMul(a: Mat, b: Mat): Mat {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
}

function transpose(a: Mat): Mat {
  return a[0]!.map((_, j) => a.map((row) => row[j]!));
}

function rows(flat: readonly number[], cols: number): Mat {
  return Array.from({ length: flat.length / cols }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

/** Keras's activity penalty: (l1 * sum|a| + l2 * sum a^2) / batch size. */
function activityPenalty(a: Mat, l1: number, l2: number): number {
  const flat = a.flat();
  return (l1 * flat.reduce((s, v) => s + Math.abs(v), 0) + l2 * flat.reduce((s, v) => s + v * v, 0)) / a.length;
}

describe('ActivityRegularization', () => {
  it('is the identity, in training and inference', () => {
    const layer = activityRegularization({ l1: 0.5, l2: 0.5 });
    const x = tf.tensor2d([1, -2, 3, 4], [2, 2]);
    expect(layer.apply(x)).toBe(x);
    expect(layer.apply(x, { training: true })).toBe(x);
    x.dispose();
  });

  it('carries an L1L2 activity regularizer with its factors; defaults are 0 and 0', () => {
    const layer = activityRegularization({ l1: 0.25, l2: 0.125 });
    expect(layer.activityRegularizer?.className).toBe('L1L2');
    expect(layer.activityRegularizer?.getConfig()).toEqual({ l1: 0.25, l2: 0.125 });
    const plain = activityRegularization();
    expect([plain.l1, plain.l2]).toEqual([0, 0]);
    expect(plain.activityRegularizer?.getConfig()).toEqual({ l1: 0, l2: 0 });
  });

  it('adds penalty/<layer>/activity to fit logs, and its gradient moves the weights before it', async () => {
    const start = tf.memory().numTensors;
    const [l1, l2, lr] = [0.01, 0.02, 0.1];
    const X = rows(values(12, 31).map((v) => v * 3), 3);
    const K = rows(values(6, 32), 2);
    const inp = input({ shape: [3] });
    const d = dense({ units: 2, useBias: false, name: 'act_dense' });
    const act = activityRegularization({ name: 'act_reg', l1, l2 });
    const m = model({ inputs: inp, outputs: act.apply(d.apply(inp)) });
    m.compile({ optimizer: sgd({ learningRate: lr }), loss: 'mse' });
    const k0 = tf.tensor2d(K);
    d.setWeights([k0]);
    k0.dispose();
    // The targets are the model's own outputs, so the data loss and its gradient are (about) zero
    // and the step follows the activity penalty alone.
    const A = matMul(X, K);
    const x = tf.tensor2d(X);
    const y = tf.tensor2d(A);

    const expected = activityPenalty(A, l1, l2);
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
    expect(h.history['penalty/act_reg/activity']![0]).toBeCloseTo(expected, 5);
    expect(h.history['penalty']![0]).toBeCloseTo(expected, 5);
    expect(h.history['data_loss']![0]).toBeCloseTo(0, 6);
    expect(h.history['loss']![0]).toBeCloseTo(h.history['data_loss']![0]! + expected, 5);

    // dP/dK = X^T (l1 sign(A) + 2 l2 A) / batch
    const dA = A.map((row) => row.map((a) => (l1 * Math.sign(a) + 2 * l2 * a) / A.length));
    const grad = matMul(transpose(X), dA);
    const k1 = Array.from(d.kernel.read().dataSync());
    const expectedK1 = K.flat().map((k, i) => k - lr * grad.flat()[i]!);
    k1.forEach((v, i) => expect(v).toBeCloseTo(expectedK1[i]!, 5));
    expect(k1.some((v, i) => Math.abs(v - K.flat()[i]!) > 1e-4)).toBe(true);

    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('model.penalties(x) reports the activity term', () => {
    const [l1, l2] = [0.3, 0.05];
    const X = rows(values(10, 41), 5);
    const inp = input({ shape: [5] });
    const m = model({ inputs: inp, outputs: activityRegularization({ name: 'act_pen', l1, l2 }).apply(inp) });
    const x = tf.tensor2d(X);
    const report = m.penalties(x);
    expect(report.terms.map((t) => [t.path, t.kind, t.regularizer])).toEqual([['act_pen/activity', 'activity', 'L1L2']]);
    expect(report.terms[0]!.value).toBeCloseTo(activityPenalty(X, l1, l2), 5);
    x.dispose();
    m.dispose();
  });

  it('computeOutputShape matches a real output', () => {
    const inp = input({ shape: [2, 5] });
    const layer = activityRegularization({ l2: 0.1 });
    const out = layer.apply(inp);
    expect(out.shape).toEqual(layer.computeOutputShape([null, 2, 5]));
    const m = model({ inputs: inp, outputs: out });
    const x = tf.ones([3, 2, 5]);
    const y = m.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([3, 2, 5]);
    x.dispose();
    m.dispose();
  });

  it('getConfig has l1 and l2 (not the derived regularizer) and round-trips through the registry', () => {
    const layer = activityRegularization({ l1: 0.3, l2: 0.4 });
    const config = layer.getConfig();
    expect(config).toMatchObject({ l1: 0.3, l2: 0.4 });
    expect(config).not.toHaveProperty('activityRegularizer');
    const copy = registry('layer').get('ActivityRegularization').create({ ...config, name: 'act_copy' }) as ActivityRegularization;
    expect({ ...copy.getConfig(), name: 'x' }).toEqual({ ...config, name: 'x' });
    expect(copy.activityRegularizer?.getConfig()).toEqual({ l1: 0.3, l2: 0.4 });
    // Keras and tfjs-layers configs may carry activityRegularizer: null.
    expect(new ActivityRegularization({ ...config, name: 'act_copy_2', activityRegularizer: null } as never).l1).toBe(0.3);
  });

  it.each([
    ['l1', { l1: -1 }, '-1'],
    ['l2', { l2: 'big' }, 'big'],
    ['l1', { l1: Number.NaN }, 'NaN'],
    ['activityRegularizer', { activityRegularizer: 'l2' }, 'l2'],
  ])('rejects a bad %s', (argument, args, received) => {
    const error = caught(() => new ActivityRegularization({ name: 'act_bad', ...(args as object) }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain("ActivityRegularization 'act_bad'");
    expect(error.message).toContain(argument);
    expect(error.message).toContain(received);
  });
});
