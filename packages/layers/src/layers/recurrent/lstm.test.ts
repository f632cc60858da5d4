import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Constant, Ones } from '../../base.js';
import { lstm, type LSTMArgs } from './index.js';
import { values, matrix, vecMat, expectClose, assignWeights, type Mat } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Keras's LSTM with gate order i, f, c, o in the columns of W, U and b:
 * i = σ(·), f = σ(·), c = f c' + i tanh(·), o = σ(·), h = o tanh(c); h_0 = c_0 = 0.
 * Returns per sample the list of h per step and the final c.
 */
function reference(x: number[][][], w: Mat, u: Mat, b: number[], goBackwards = false, gateFn = sigmoid): { hs: number[][][]; c: number[][] } {
  const n = u.length;
  const hs: number[][][] = [];
  const cs: number[][] = [];
  for (const seq of x) {
    let h = new Array<number>(n).fill(0);
    let c = new Array<number>(n).fill(0);
    const outs: number[][] = [];
    for (const xt of goBackwards ? [...seq].reverse() : seq) {
      const a = vecMat(xt, w);
      const r = vecMat(h, u);
      const z = a.map((v, j) => v + r[j]! + b[j]!);
      const gate = (k: number, j: number): number => z[k * n + j]!;
      c = c.map((cj, j) => gateFn(gate(1, j)) * cj + gateFn(gate(0, j)) * Math.tanh(gate(2, j)));
      h = c.map((cj, j) => gateFn(gate(3, j)) * Math.tanh(cj));
      outs.push(h);
    }
    hs.push(outs);
    cs.push(c);
  }
  return { hs, c: cs };
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
const UNITS = 2;
const W = matrix(2, 4 * UNITS, 5);
const U = matrix(UNITS, 4 * UNITS, 17);
const B = values(4 * UNITS, 29);

function setup(args: Partial<LSTMArgs> = {}) {
  const layer = lstm({ units: UNITS, ...args });
  const x = tf.tensor3d(X);
  tf.dispose(layer.applyAll(x));
  assignWeights(layer, [tf.tensor2d(W), tf.tensor2d(U), tf.tensor1d(B)]);
  return { layer, x };
}

describe('LSTM', () => {
  it('has Keras weights: kernel [in, 4u], recurrent_kernel [u, 4u], bias [4u]', () => {
    const layer = lstm({ units: UNITS });
    const x = tf.tensor3d(X);
    tf.dispose(layer.applyAll(x));
    expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
      ['kernel', 'kernel', [2, 8]],
      ['recurrent_kernel', 'recurrentKernel', [2, 8]],
      ['bias', 'bias', [8]],
    ]);
    x.dispose();
    layer.dispose();
  });

  it('matches the reference equations (gate order i, f, c, o)', () => {
    const { layer, x } = setup();
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, UNITS]);
    expectClose(y, reference(X, W, U, B).hs.flatMap((seq) => seq[2]!));
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('the gate order matters: swapping the i and f blocks changes the output', () => {
    // Guards the reference itself: a layer using another order would not match it.
    const swap = (m: Mat): Mat => m.map((row) => [...row.slice(UNITS, 2 * UNITS), ...row.slice(0, UNITS), ...row.slice(2 * UNITS)]);
    const a = reference(X, W, U, B).hs[0]![2]!;
    const b = reference(X, swap(W), swap(U), swap([B])[0]!).hs[0]![2]!;
    expect(Math.abs(a[0]! - b[0]!)).toBeGreaterThan(1e-3);
  });

  it('returnSequences, returnState and goBackwards', () => {
    for (const goBackwards of [false, true]) {
      const { layer, x } = setup({ returnSequences: true, returnState: true, goBackwards });
      const outs = layer.applyAll(x);
      expect(outs.map((t) => t.shape)).toEqual([
        [2, 3, UNITS],
        [2, UNITS],
        [2, UNITS],
      ]);
      const ref = reference(X, W, U, B, goBackwards);
      expectClose(outs[0]!, ref.hs.flat(2));
      expectClose(outs[1]!, ref.hs.flatMap((seq) => seq[2]!));
      expectClose(outs[2]!, ref.c.flat());
      expect(layer.computeOutputShape([null, 3, 2])).toEqual([
        [null, 3, UNITS],
        [null, UNITS],
        [null, UNITS],
      ]);
      tf.dispose([x, ...outs]);
      layer.dispose();
    }
  });

  it('unitForgetBias (default) initializes the forget block to 1, the others with biasInitializer', () => {
    const x = tf.tensor3d(X);
    const check = (args: Partial<LSTMArgs>, expected: number[]) => {
      const layer = lstm({ units: 3, ...args });
      tf.dispose(layer.applyAll(x));
      expect(Array.from(layer.bias!.read().dataSync())).toEqual(expected);
      layer.dispose();
    };
    check({}, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    check({ unitForgetBias: false }, new Array<number>(12).fill(0));
    check({ biasInitializer: new Constant({ value: 0.5 }) }, [0.5, 0.5, 0.5, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
    check({ biasInitializer: new Ones(), unitForgetBias: false }, new Array<number>(12).fill(1));
    x.dispose();
  });

  it('uses recurrentActivation for the gates', () => {
    const { layer, x } = setup({ recurrentActivation: 'hard_sigmoid', returnSequences: true });
    const y = layer.apply(x);
    const hardSigmoid = (v: number): number => Math.min(6, Math.max(0, v + 3)) / 6;
    const expected = reference(X, W, U, B, false, hardSigmoid).hs.flat(2);
    expectClose(y, expected);
    // The inputs reach the linear part of hard_sigmoid, so this is not the sigmoid result.
    const sig = reference(X, W, U, B).hs.flat(2);
    expect(expected.some((v, i) => Math.abs(v - sig[i]!) > 1e-3)).toBe(true);
    tf.dispose([x, y]);
    layer.dispose();
  });
});
