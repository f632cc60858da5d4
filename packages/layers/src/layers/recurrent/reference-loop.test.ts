/**
 * The recurrent layers' time loop (one input projection before the loop, transposed states, its
 * own product gradients) against a plain per-step loop of Keras's cell formulas written here,
 * batch-major, on tfjs-core's own ops and gradients: outputs, final states, and the gradients of
 * the input and of every weight, with a mask (a Masking layer) and with goBackwards.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { masking, model, input, type Model } from '../../index.js';
import { gru, lstm, simpleRNN, type RecurrentLayer } from './index.js';
import { values } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';

useCpu();

const BATCH = 3;
const TIME = 5;
const FEATURES = 2;
const UNITS = 3;

type T2 = tf.Tensor2D;
/** One Keras cell: inputs x_t [batch, features] and the states, returns the new states (h first). */
type Cell = (x: T2, states: T2[], w: T2, u: T2, b: tf.Tensor) => T2[];

const sig = (t: tf.Tensor) => tf.sigmoid(t) as T2;
const tanh = (t: tf.Tensor) => tf.tanh(t) as T2;
const cols = (m: tf.Tensor, k: number) => tf.slice(m, [0, k * UNITS], [-1, UNITS]) as T2;
const dot = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as T2, b as T2);

/** Keras's LSTMCell: z = x W + h U + b, gates i, f, c, o. */
const lstmCell: Cell = (x, [h, c], w, u, b) => {
  const z = tf.add(tf.add(dot(x, w), dot(h!, u)), b);
  const cNext = tf.add(tf.mul(sig(cols(z, 1)), c!), tf.mul(sig(cols(z, 0)), tanh(cols(z, 2)))) as T2;
  return [tf.mul(sig(cols(z, 3)), tanh(cNext)) as T2, cNext];
};

/** Keras's GRUCell, reset_after=True: bias rows are the input and the recurrent bias. */
const gruAfterCell: Cell = (x, [h], w, u, b) => {
  const xm = tf.add(dot(x, w), tf.slice(b, [0, 0], [1, -1]));
  const inner = tf.add(dot(h!, u), tf.slice(b, [1, 0], [1, -1]));
  const z = sig(tf.add(cols(xm, 0), cols(inner, 0)));
  const r = sig(tf.add(cols(xm, 1), cols(inner, 1)));
  const hh = tanh(tf.add(cols(xm, 2), tf.mul(r, cols(inner, 2))));
  return [tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), hh)) as T2];
};

/** Keras's GRUCell, reset_after=False: the reset gate multiplies h before the candidate's product. */
const gruBeforeCell: Cell = (x, [h], w, u, b) => {
  const xm = tf.add(dot(x, w), b);
  const z = sig(tf.add(cols(xm, 0), dot(h!, cols(u, 0))));
  const r = sig(tf.add(cols(xm, 1), dot(h!, cols(u, 1))));
  const hh = tanh(tf.add(cols(xm, 2), dot(tf.mul(r, h!), cols(u, 2))));
  return [tf.add(tf.mul(z, h!), tf.mul(tf.sub(1, z), hh)) as T2];
};

/** Keras's SimpleRNNCell: h = tanh(x W + b + h U). */
const simpleCell: Cell = (x, [h], w, u, b) => [tanh(tf.add(tf.add(dot(x, w), b), dot(h!, u)))];

/**
 * Keras's RNN loop: steps whose features all equal 0 are masked and keep the states (and the
 * output repeats the last one); goBackwards walks the steps last to first and returns the
 * sequence in that order. Returns [sequence, ...final states].
 */
function referenceLoop(cell: Cell, stateCount: number, goBackwards: boolean, x: tf.Tensor3D, w: T2, u: T2, b: tf.Tensor): tf.Tensor[] {
  const order = Array.from({ length: TIME }, (_, t) => (goBackwards ? TIME - 1 - t : t));
  let states: T2[] = Array.from({ length: stateCount }, () => tf.zeros([BATCH, UNITS]) as T2);
  const outputs: T2[] = [];
  for (const t of order) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [-1, 1, -1]), [BATCH, FEATURES]) as T2;
    // Known from the data (Keras: any feature != 0), so not part of the differentiated function.
    const keep = tf.tensor2d(Array.from({ length: BATCH }, (_, s) => Array.from({ length: UNITS }, () => MASKED.some(([ms, mt]) => ms === s && mt === t) ? 0 : 1)), undefined, 'bool');
    const next = cell(xt, states, w, u, b);
    states = next.map((s, i) => tf.where(keep, s, states[i]!) as T2);
    outputs.push(states[0]!);
  }
  return [tf.stack(outputs, 1), ...states];
}

const KINDS: readonly { name: string; make: (args: { units: number; goBackwards: boolean }) => RecurrentLayer; cell: Cell; states: number; gates: number; biasShape: number[] }[] = [
  { name: 'LSTM', make: (a) => lstm({ ...a, returnSequences: true, returnState: true }), cell: lstmCell, states: 2, gates: 4, biasShape: [4 * UNITS] },
  { name: 'GRU (resetAfter)', make: (a) => gru({ ...a, returnSequences: true, returnState: true }), cell: gruAfterCell, states: 1, gates: 3, biasShape: [2, 3 * UNITS] },
  { name: 'GRU (resetAfter: false)', make: (a) => gru({ ...a, resetAfter: false, returnSequences: true, returnState: true }), cell: gruBeforeCell, states: 1, gates: 3, biasShape: [3 * UNITS] },
  { name: 'SimpleRNN', make: (a) => simpleRNN({ ...a, returnSequences: true, returnState: true }), cell: simpleCell, states: 1, gates: 1, biasShape: [UNITS] },
];

/** [sample, step] pairs whose features are all 0. */
const MASKED: readonly [number, number][] = [[1, 0], [1, 2], [2, 3], [2, 4]];

/** Inputs with masked steps (all features 0): sample 0 none, sample 1 its first and a middle step, sample 2 its last two. */
function inputs(): number[] {
  const x = values(BATCH * TIME * FEATURES, 7);
  for (const [s, t] of MASKED) x.fill(0, (s * TIME + t) * FEATURES, (s * TIME + t + 1) * FEATURES);
  return x;
}

const flat = (ts: readonly tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

function expectAllClose(actual: number[][], expected: number[][]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => a.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(2e-5 + 2e-5 * Math.abs(expected[i]![j]!))));
}

describe('recurrent time loop against a per-step loop of the Keras cell formulas', () => {
  for (const kind of KINDS) {
    for (const goBackwards of [false, true]) {
      it(`${kind.name}${goBackwards ? ', goBackwards' : ''}, masked steps: outputs, states, and gradients of x, kernel, recurrent kernel and bias`, () => {
        const inp = input({ shape: [TIME, FEATURES] });
        const rnn = kind.make({ units: UNITS, goBackwards });
        const m: Model = model({ inputs: inp, outputs: rnn.applyAll(masking({ maskValue: 0 }).apply(inp)) });
        const width = kind.gates * UNITS;
        const weightData = [values(FEATURES * width, 11), values(UNITS * width, 13), values(kind.biasShape.reduce((a, v) => a * v, 1), 17)];
        rnn.weights.forEach((wt, i) => {
          const t = tf.tensor(weightData[i]!, wt.shape as number[]);
          wt.assign(t);
          t.dispose();
        });
        const x = tf.variable(tf.tensor3d(inputs(), [BATCH, TIME, FEATURES]));
        // A loss that weighs every output entry differently, so each gradient entry is distinct.
        const shapes = [[BATCH, TIME, UNITS], ...Array.from({ length: kind.states }, () => [BATCH, UNITS])];
        const lossWeights = shapes.map((s, i) => tf.tensor(values(s.reduce((a, v) => a * v, 1), 31 + i), s));
        const weigh = (outs: tf.Tensor[]) => tf.addN(outs.map((o, i) => tf.sum(tf.mul(o, lossWeights[i]!)))) as tf.Scalar;

        const before = tf.memory().numTensors;
        const variables = [x, ...rnn.weights.map((wt) => wt.variable)];
        const ridge = tf.tidy(() => {
          const outs = m.applyAll(x);
          const { grads } = tf.variableGrads(() => weigh(m.applyAll(x, { training: true })), variables);
          return [...outs, ...variables.map((v) => grads[v.name]!)];
        });
        expect(tf.memory().numTensors).toBe(before + ridge.length);

        const [w, u, b] = weightData.map((d, i) => tf.tensor(d, i === 2 ? kind.biasShape : [i === 0 ? FEATURES : UNITS, width]));
        const expected = tf.tidy(() => {
          const f = (xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) => referenceLoop(kind.cell, kind.states, goBackwards, xs as tf.Tensor3D, ws as T2, us as T2, bs);
          const outs = f(x, w!, u!, b!);
          const grads = tf.grads((xs: tf.Tensor, ws: tf.Tensor, us: tf.Tensor, bs: tf.Tensor) => weigh(f(xs, ws, us, bs)))([x, w!, u!, b!]);
          return [...outs, ...grads];
        });
        expectAllClose(flat(ridge), flat(expected));
        // Masked steps got no gradient: sample 1's first step.
        expect(flat([ridge[kind.states + 1]!])[0]!.slice((1 * TIME + 0) * FEATURES, (1 * TIME + 1) * FEATURES)).toEqual([0, 0]);
        tf.dispose([...ridge, ...expected, x, w!, u!, b!, ...lossWeights]);
        m.dispose();
      });
    }
  }
});
