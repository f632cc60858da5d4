import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gru, type GRUArgs } from './index.js';
import { values, matrix, vecMat, expectClose, assignWeights, type Mat } from '../../../test/fixtures.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Columns [from, to) of a matrix. */
function cols(m: Mat, from: number, to: number): Mat {
  return m.map((row) => row.slice(from, to));
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Keras's GRU, gate order z, r, h. With resetAfter, bias = [input bias, recurrent bias] and
 * hh = tanh(x W_h + b_h + r * (h U_h + b'_h)); without, one bias and hh = tanh(x W_h + b_h + (r * h) U_h).
 * h = z * h' + (1 - z) * hh, h_0 = 0. Returns [batch][time][units].
 */
function reference(x: number[][][], w: Mat, u: Mat, bias: number[] | [number[], number[]], resetAfter: boolean, goBackwards = false): number[][][] {
  const n = u.length;
  const [bIn, bRec] = resetAfter ? (bias as [number[], number[]]) : [bias as number[], new Array<number>(3 * n).fill(0)];
  return x.map((seq) => {
    let h = new Array<number>(n).fill(0);
    const outs: number[][] = [];
    for (const xt of goBackwards ? [...seq].reverse() : seq) {
      const xw = vecMat(xt, w).map((v, j) => v + bIn[j]!);
      const hu = vecMat(h, cols(u, 0, 2 * n)).map((v, j) => v + bRec[j]!);
      const z = h.map((_, j) => sigmoid(xw[j]! + hu[j]!));
      const r = h.map((_, j) => sigmoid(xw[n + j]! + hu[n + j]!));
      let rh: number[];
      if (resetAfter) {
        const hc = vecMat(h, cols(u, 2 * n, 3 * n)).map((v, j) => v + bRec[2 * n + j]!);
        rh = hc.map((v, j) => r[j]! * v);
      } else {
        rh = vecMat(
          h.map((v, j) => r[j]! * v),
          cols(u, 2 * n, 3 * n),
        );
      }
      const hh = h.map((_, j) => Math.tanh(xw[2 * n + j]! + rh[j]!));
      h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * hh[j]!);
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
const UNITS = 3;
const W = matrix(2, 3 * UNITS, 3);
const U = matrix(UNITS, 3 * UNITS, 13);
const B_IN = values(3 * UNITS, 41);
const B_REC = values(3 * UNITS, 53);

function setup(args: Partial<GRUArgs> = {}) {
  const layer = gru({ units: UNITS, ...args });
  const x = tf.tensor3d(X);
  tf.dispose(layer.applyAll(x));
  const bias = args.resetAfter === false ? tf.tensor1d(B_IN) : tf.tensor2d([B_IN, B_REC]);
  assignWeights(layer, [tf.tensor2d(W), tf.tensor2d(U), bias]);
  return { layer, x };
}

describe('GRU', () => {
  it('resetAfter (default true) has bias [2, 3u]; false has bias [3u]', () => {
    const x = tf.tensor3d(X);
    for (const [resetAfter, biasShape] of [
      [undefined, [2, 9]],
      [true, [2, 9]],
      [false, [9]],
    ] as const) {
      const layer = gru({ units: UNITS, ...(resetAfter === undefined ? {} : { resetAfter }) });
      tf.dispose(layer.applyAll(x));
      expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
        ['kernel', 'kernel', [2, 9]],
        ['recurrent_kernel', 'recurrentKernel', [3, 9]],
        ['bias', 'bias', biasShape],
      ]);
      layer.dispose();
    }
    x.dispose();
  });

  for (const resetAfter of [true, false]) {
    it(`matches the reference equations with resetAfter ${resetAfter} (gate order z, r, h)`, () => {
      const { layer, x } = setup({ resetAfter, returnSequences: true });
      const y = layer.apply(x);
      expect(y.shape).toEqual([2, 3, UNITS]);
      expectClose(y, reference(X, W, U, resetAfter ? [B_IN, B_REC] : B_IN, resetAfter).flat(2));
      tf.dispose([x, y]);
      layer.dispose();
    });
  }

  it('the two resetAfter variants compute different things on the same weights', () => {
    const a = reference(X, W, U, [B_IN, new Array<number>(9).fill(0)], true).flat(2);
    const b = reference(X, W, U, B_IN, false).flat(2);
    expect(a.some((v, i) => Math.abs(v - b[i]!) > 1e-3)).toBe(true);
  });

  it('returnState gives [output, h]; goBackwards reverses the reading order', () => {
    for (const goBackwards of [false, true]) {
      const { layer, x } = setup({ returnState: true, goBackwards });
      const outs = layer.applyAll(x);
      expect(outs.map((t) => t.shape)).toEqual([
        [2, UNITS],
        [2, UNITS],
      ]);
      const last = reference(X, W, U, [B_IN, B_REC], true, goBackwards).flatMap((seq) => seq[2]!);
      expectClose(outs[0]!, last);
      expectClose(outs[1]!, last);
      expect(layer.computeOutputShape([null, 3, 2])).toEqual([
        [null, UNITS],
        [null, UNITS],
      ]);
      tf.dispose([x, ...outs]);
      layer.dispose();
    }
  });

  it('useBias: false drops the bias', () => {
    const layer = gru({ units: UNITS, useBias: false, returnSequences: true });
    const x = tf.tensor3d(X);
    tf.dispose(layer.applyAll(x));
    assignWeights(layer, [tf.tensor2d(W), tf.tensor2d(U)]);
    const y = layer.apply(x);
    const zeros = new Array<number>(9).fill(0);
    expectClose(y, reference(X, W, U, [zeros, zeros], true).flat(2));
    tf.dispose([x, y]);
    layer.dispose();
  });
});
