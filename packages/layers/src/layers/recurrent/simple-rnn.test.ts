import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import { simpleRNN } from './index.js';
import { values, matrix, vecMat, expectClose, assignWeights, type Mat } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/**
 * Keras's SimpleRNN equations: h_t = act(x_t W + b + h_{t-1} U), h_0 = 0, `act` applied to each
 * sample's pre-activation vector. Returns [batch][time][units].
 */
function reference(
  x: number[][][],
  w: Mat,
  u: Mat,
  b: number[],
  goBackwards = false,
  act: (v: number[]) => number[] = (v) => v.map(Math.tanh),
): number[][][] {
  const units = u.length;
  return x.map((seq) => {
    let h = new Array<number>(units).fill(0);
    const outs: number[][] = [];
    for (const xt of goBackwards ? [...seq].reverse() : seq) {
      const a = vecMat(xt, w);
      const r = vecMat(h, u);
      h = act(a.map((v, j) => v + b[j]! + r[j]!));
      outs.push(h);
    }
    return outs;
  });
}

const X = [
  [
    [0.5, -1],
    [1.5, 0.25],
    [-0.75, 2],
  ],
  [
    [-1, 0.5],
    [0.1, -0.3],
    [0.9, 0.6],
  ],
];
const W = matrix(2, 3, 11);
const U = matrix(3, 3, 23);
const B = values(3, 37);

function setup(args: Partial<Parameters<typeof simpleRNN>[0]> = {}) {
  const layer = simpleRNN({ units: 3, ...args });
  const x = tf.tensor3d(X);
  tf.dispose(layer.applyAll(x));
  assignWeights(layer, args.useBias === false ? [tf.tensor2d(W), tf.tensor2d(U)] : [tf.tensor2d(W), tf.tensor2d(U), tf.tensor1d(B)]);
  return { layer, x };
}

describe('SimpleRNN', () => {
  it('returns the last state, matching the reference equations', () => {
    const { layer, x } = setup();
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 3]);
    expectClose(y, reference(X, W, U, B).flatMap((seq) => seq[2]!));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('returnSequences gives every step', () => {
    const { layer, x } = setup({ returnSequences: true });
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 3, 3]);
    expectClose(y, reference(X, W, U, B).flat(2));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('goBackwards reads the sequence from the end and returns the reversed sequence', () => {
    const { layer, x } = setup({ returnSequences: true, goBackwards: true });
    const y = layer.apply(x);
    const expected = reference(X, W, U, B, true);
    expectClose(y, expected.flat(2));
    // Differs from the forward pass: the order matters.
    expect(expected[0]![2]![0]).not.toBeCloseTo(reference(X, W, U, B)[0]![2]![0]!, 3);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('returnState gives [output, h] with h the last state', () => {
    const { layer, x } = setup({ returnSequences: true, returnState: true });
    const outs = layer.applyAll(x);
    expect(outs).toHaveLength(2);
    const ref = reference(X, W, U, B);
    expectClose(outs[0]!, ref.flat(2));
    expectClose(outs[1]!, ref.flatMap((seq) => seq[2]!));
    tf.dispose([x, ...outs]);
    layer.dispose();
  });

  it('honours activation and useBias: false', () => {
    const { layer, x } = setup({ activation: 'relu', useBias: false, returnSequences: true });
    expect(layer.weights.map((w) => w.name)).toEqual(['kernel', 'recurrent_kernel']);
    const y = layer.apply(x);
    expectClose(y, reference(X, W, U, [0, 0, 0], false, (v) => v.map((e) => Math.max(0, e))).flat(2));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('a softmax activation normalizes over the units of each sample, as on [batch, units]', () => {
    const { layer, x } = setup({ activation: 'softmax', returnSequences: true });
    const y = layer.apply(x);
    const softmax = (v: number[]): number[] => {
      const e = v.map(Math.exp);
      const total = e.reduce((a, b) => a + b, 0);
      return e.map((ei) => ei / total);
    };
    expectClose(y, reference(X, W, U, B, false, softmax).flat(2));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('works with an unknown time length, taking it from the real tensor', () => {
    const inp = input({ shape: [null, 2] });
    const layer = simpleRNN({ units: 3, returnSequences: true });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    assignWeights(layer, [tf.tensor2d(W), tf.tensor2d(U), tf.tensor1d(B)]);
    expect(layer.computeOutputShape([null, null, 2])).toEqual([null, null, 3]);
    for (const steps of [1, 3, 5]) {
      const xs = X.map((seq) => Array.from({ length: steps }, (_, t) => seq[t % 3]!));
      const x = tf.tensor3d(xs);
      const y = m.predict(x) as tf.Tensor;
      expect(y.shape).toEqual([2, steps, 3]);
      expectClose(y, reference(xs, W, U, B).flat(2));
      tf.dispose([x, y]);
    }
    m.dispose();
  });
});
