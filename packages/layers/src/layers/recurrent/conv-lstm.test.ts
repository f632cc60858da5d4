import { registry, type JsonObject } from '@ridge/core';
import { l1, l2, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Constant } from '../../base.js';
import { input, masking, model, modelFromJSON, type Model } from '../../index.js';
import { assignWeights, caughtRidgeError, expectClose, values } from '../../../test/fixtures.js';
import { numbers, useCpu } from '../../../test/setup.js';
import { ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, convLstm1d, convLstm2d, convLstm3d, type ConvLSTMArgs } from './index.js';
import './register.js';

useCpu();

/*
 * The reference: Keras 3's ConvLSTMCell (keras/src/layers/rnn/conv_lstm.py) written out as loops
 * in float64, for one sample at a time and any number of spatial axes. Gate order i, f, c, o in the
 * last axis of the kernels and the bias; the recurrent convolution is 'same' with stride 1 and no
 * dilation; h_0 = c_0 = 0.
 */

interface Grid {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Row-major flat index of `at` in `shape`. */
function flat(shape: readonly number[], at: readonly number[]): number {
  return at.reduce((acc, v, i) => acc * shape[i]! + v, 0);
}

/** Every index of `shape`, row-major. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const at = new Array<number>(shape.length).fill(0);
  for (let n = 0; n < size(shape); n++) {
    yield [...at];
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++at[i]! < shape[i]!) break;
      at[i] = 0;
    }
  }
}

interface ConvSpec {
  readonly strides: readonly number[];
  readonly padding: 'valid' | 'same';
  readonly dilation: readonly number[];
}

/**
 * TensorFlow's convolution of `x` ([...spatial, C]) with `w` ([...k, C, F]): out[o, f] = sum over
 * taps t and channels ch of x[o * s + t * d - padBefore, ch] * w[t, ch, f], zero outside x; 'same'
 * pads max(0, (out - 1) * s + (k - 1) * d + 1 - n) in total, the odd one after.
 */
function conv(x: Grid, w: Grid, { strides, padding, dilation }: ConvSpec): Grid {
  const rank = x.shape.length - 1;
  const channels = x.shape[rank]!;
  const filters = w.shape[rank + 1]!;
  const window = w.shape.slice(0, rank);
  const out: number[] = [];
  const before: number[] = [];
  for (let i = 0; i < rank; i++) {
    const n = x.shape[i]!;
    const span = (window[i]! - 1) * dilation[i]! + 1;
    const o = padding === 'valid' ? Math.floor((n - span) / strides[i]!) + 1 : Math.ceil(n / strides[i]!);
    out.push(o);
    before.push(padding === 'valid' ? 0 : Math.floor(Math.max(0, (o - 1) * strides[i]! + span - n) / 2));
  }
  const shape = [...out, filters];
  const data = new Float64Array(size(shape));
  for (const o of indices(out)) {
    for (const t of indices(window)) {
      const pos = o.map((v, i) => v * strides[i]! + t[i]! * dilation[i]! - before[i]!);
      if (pos.some((p, i) => p < 0 || p >= x.shape[i]!)) continue;
      for (let ch = 0; ch < channels; ch++) {
        const xv = x.data[flat(x.shape, [...pos, ch])]!;
        for (let f = 0; f < filters; f++) data[flat(shape, [...o, f])]! += xv * w.data[flat(w.shape, [...t, ch, f])]!;
      }
    }
  }
  return { shape, data };
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface Reference {
  /** Per sample: h after each step (in the order processed). */
  readonly hs: Float64Array[][];
  readonly c: Float64Array[];
}

/** Keras's ConvLSTM over `x` ([batch, time, ...spatial, C], flat), weights W, U, b. */
function reference(x: readonly number[], xShape: readonly number[], w: Grid, u: Grid, b: readonly number[], spec: ConvSpec, goBackwards = false): Reference {
  const [batch, time, ...frame] = xShape as [number, number, ...number[]];
  const filters = b.length / 4;
  const frameSize = size(frame);
  const hs: Float64Array[][] = [];
  const cs: Float64Array[] = [];
  const order = Array.from({ length: time }, (_, t) => (goBackwards ? time - 1 - t : t));
  for (let n = 0; n < batch; n++) {
    let h: Grid | undefined;
    let c: Float64Array | undefined;
    const outs: Float64Array[] = [];
    for (const t of order) {
      const start = (n * time + t) * frameSize;
      const xt: Grid = { shape: frame, data: Float64Array.from(x.slice(start, start + frameSize)) };
      const zx = conv(xt, w, spec);
      h ??= { shape: [...zx.shape.slice(0, -1), filters], data: new Float64Array(size(zx.shape) / 4) };
      c ??= new Float64Array(h.data.length);
      const zh = conv(h, u, { strides: spec.strides.map(() => 1), padding: 'same', dilation: spec.dilation.map(() => 1) });
      const next = new Float64Array(h.data.length);
      const cNext = new Float64Array(h.data.length);
      for (let p = 0; p < h.data.length / filters; p++) {
        for (let f = 0; f < filters; f++) {
          const z = (g: number) => zx.data[p * 4 * filters + g * filters + f]! + zh.data[p * 4 * filters + g * filters + f]! + b[g * filters + f]!;
          const cv = sigmoid(z(1)) * c[p * filters + f]! + sigmoid(z(0)) * Math.tanh(z(2));
          cNext[p * filters + f] = cv;
          next[p * filters + f] = sigmoid(z(3)) * Math.tanh(cv);
        }
      }
      h = { shape: h.shape, data: next };
      c = cNext;
      outs.push(next);
    }
    hs.push(outs);
    cs.push(c!);
  }
  return { hs, c: cs };
}

/** Deterministic weights for a built layer: kernel, recurrent kernel, bias, each scaled by 0.5. */
function weightsOf(layer: ConvLSTM1D | ConvLSTM2D | ConvLSTM3D, seed: number): { w: Grid; u: Grid; b: number[] } {
  const grid = (shape: readonly number[], s: number): Grid => ({ shape, data: Float64Array.from(values(size(shape), s).map((v) => 0.5 * v)) });
  const w = grid(layer.kernel.shape, seed);
  const u = grid(layer.recurrentKernel.shape, seed + 1);
  const b = values(layer.bias!.shape[0]!, seed + 2).map((v) => 0.5 * v);
  assignWeights(layer, [tf.tensor(Array.from(w.data), [...w.shape]), tf.tensor(Array.from(u.data), [...u.shape]), tf.tensor1d(b)]);
  return { w, u, b };
}

const concat = (arrays: readonly Float64Array[]) => arrays.flatMap((a) => Array.from(a));

type Make = (args: ConvLSTMArgs) => ConvLSTM1D | ConvLSTM2D | ConvLSTM3D;

interface ValueCase {
  readonly label: string;
  readonly make: Make;
  readonly args: Partial<ConvLSTMArgs> & { kernelSize: number | number[] };
  readonly xShape: readonly number[];
  readonly spec: ConvSpec;
}

const VALUE_CASES: readonly ValueCase[] = [
  { label: 'ConvLSTM1D valid', make: convLstm1d, args: { kernelSize: 3 }, xShape: [2, 3, 5, 2], spec: { strides: [1], padding: 'valid', dilation: [1] } },
  { label: 'ConvLSTM1D same, strides 2', make: convLstm1d, args: { kernelSize: 2, strides: 2, padding: 'same' }, xShape: [2, 3, 5, 2], spec: { strides: [2], padding: 'same', dilation: [1] } },
  { label: 'ConvLSTM1D dilation 2', make: convLstm1d, args: { kernelSize: 2, dilationRate: 2 }, xShape: [1, 3, 6, 1], spec: { strides: [1], padding: 'valid', dilation: [2] } },
  { label: 'ConvLSTM2D same, kernel [2, 3]', make: convLstm2d, args: { kernelSize: [2, 3], padding: 'same' }, xShape: [2, 3, 3, 4, 2], spec: { strides: [1, 1], padding: 'same', dilation: [1, 1] } },
  { label: 'ConvLSTM3D same, kernel [2, 3, 1]', make: convLstm3d, args: { kernelSize: [2, 3, 1], padding: 'same' }, xShape: [1, 3, 2, 3, 2, 2], spec: { strides: [1, 1, 1], padding: 'same', dilation: [1, 1, 1] } },
  { label: 'ConvLSTM3D valid, strides [1, 2, 1]', make: convLstm3d, args: { kernelSize: 2, strides: [1, 2, 1] }, xShape: [2, 2, 3, 4, 3, 1], spec: { strides: [1, 2, 1], padding: 'valid', dilation: [1, 1, 1] } },
];

function built(c: ValueCase, extra: Partial<ConvLSTMArgs> = {}) {
  const layer = c.make({ filters: 2, ...c.args, ...extra });
  const data = values(size(c.xShape), 41);
  const x = tf.tensor(data, [...c.xShape]);
  tf.dispose(layer.applyAll(x));
  const { w, u, b } = weightsOf(layer, 7);
  return { layer, x, data, w, u, b };
}

describe('ConvLSTM1D, ConvLSTM2D and ConvLSTM3D against a loop over the Keras cell formulas', () => {
  it.each(VALUE_CASES.map((c) => [c.label, c] as const))('%s: the sequence, the last output and both states', (_label, c) => {
    for (const goBackwards of [false, true]) {
      const { layer, x, data, w, u, b } = built(c, { returnSequences: true, returnState: true, goBackwards });
      const before = tf.memory().numTensors;
      const [seq, h, cState] = layer.applyAll(x) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const ref = reference(data, c.xShape, w, u, b, c.spec, goBackwards);
      const stateShape = [c.xShape[0]!, ...conv({ shape: c.xShape.slice(2), data: new Float64Array(size(c.xShape.slice(2))) }, w, c.spec).shape.slice(0, -1), 2];
      expect(seq.shape).toEqual([stateShape[0], c.xShape[1], ...stateShape.slice(1)]);
      expect(h.shape).toEqual(stateShape);
      expect(cState.shape).toEqual(stateShape);
      expectClose(seq, concat(ref.hs.flat()));
      expectClose(h, concat(ref.hs.map((outs) => outs.at(-1)!)));
      expectClose(cState, concat(ref.c));
      tf.dispose([seq, h, cState]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      layer.dispose();
    }
  });

  it('the reference can fail: another gate order gives other values', () => {
    const c = VALUE_CASES[0]!;
    const { layer, x, data, w, u, b } = built(c);
    // i and f swapped in the bias only.
    const f = b.length / 4;
    const swapped = [...b.slice(f, 2 * f), ...b.slice(0, f), ...b.slice(2 * f)];
    const y = layer.apply(x);
    const right = concat(reference(data, c.xShape, w, u, b, c.spec).hs.map((o) => o.at(-1)!));
    const wrong = concat(reference(data, c.xShape, w, u, swapped, c.spec).hs.map((o) => o.at(-1)!));
    expectClose(y, right);
    expect(wrong.some((v, i) => Math.abs(v - right[i]!) > 1e-3)).toBe(true);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('recurrentActivation and activation are used where Keras uses them', () => {
    const c = VALUE_CASES[3]!;
    const { layer, x } = built(c, { activation: 'relu', recurrentActivation: 'hard_sigmoid' });
    const plain = built(c);
    const [a, p] = [layer.apply(x), plain.layer.apply(plain.x)];
    expect(numbers(a).some((v, i) => Math.abs(v - numbers(p)[i]!) > 1e-3)).toBe(true);
    expect(Math.min(...numbers(a))).toBeGreaterThanOrEqual(0); // o >= 0 (hard sigmoid) times relu(c) >= 0
    tf.dispose([a, p, x, plain.x]);
    layer.dispose();
    plain.layer.dispose();
  });
});

describe('ConvLSTM weights and shapes', () => {
  it('has Keras weights: kernel [...k, channels, 4 filters], recurrent_kernel [...k, filters, 4 filters], bias [4 filters]', () => {
    const cases: [Make, number[], (number | number[]), number[][]][] = [
      [convLstm1d, [null as never, 3, 5, 2], 3, [[3, 2, 12], [3, 3, 12], [12]]],
      [convLstm2d, [null as never, 3, 4, 4, 2], [2, 3], [[2, 3, 2, 12], [2, 3, 3, 12], [12]]],
      [convLstm3d, [null as never, 3, 3, 4, 4, 1], 2, [[2, 2, 2, 1, 12], [2, 2, 2, 3, 12], [12]]],
    ];
    for (const [make, shape, kernelSize, shapes] of cases) {
      const layer = make({ filters: 3, kernelSize });
      layer.ensureBuilt(shape);
      expect(layer.weights.map((w) => [w.name, w.role, w.shape])).toEqual([
        ['kernel', 'kernel', shapes[0]],
        ['recurrent_kernel', 'recurrentKernel', shapes[1]],
        ['bias', 'bias', shapes[2]],
      ]);
      layer.dispose();
    }
  });

  it('unitForgetBias (default) initializes the forget block to 1, the others with biasInitializer', () => {
    const check = (args: Partial<ConvLSTMArgs>, expected: number[]) => {
      const layer = convLstm1d({ filters: 2, kernelSize: 1, ...args });
      layer.ensureBuilt([null, 2, 3, 1]);
      expect(numbers(layer.bias!.read())).toEqual(expected);
      layer.dispose();
    };
    check({}, [0, 0, 1, 1, 0, 0, 0, 0]);
    check({ unitForgetBias: false }, [0, 0, 0, 0, 0, 0, 0, 0]);
    check({ biasInitializer: new Constant({ value: 0.5 }) }, [0.5, 0.5, 1, 1, 0.5, 0.5, 0.5, 0.5]);
  });

  for (const returnSequences of [false, true]) {
    for (const returnState of [false, true]) {
      it(`computeOutputShape matches the outputs (returnSequences ${returnSequences}, returnState ${returnState})`, () => {
        const layer = convLstm2d({ filters: 3, kernelSize: 3, strides: [2, 1], padding: 'same', returnSequences, returnState });
        const inp = input({ shape: [null, 5, 4, 2] });
        const outs = layer.applyAll(inp);
        const m = model({ inputs: inp, outputs: outs });
        const x = tf.ones([2, 4, 5, 4, 2]);
        const ys = [m.predict(x)].flat();
        const state = [2, 3, 4, 3];
        const expected = [returnSequences ? [2, 4, 3, 4, 3] : state, ...(returnState ? [state, state] : [])];
        expect(ys.map((y) => y.shape)).toEqual(expected);
        const declared = layer.computeOutputShape([null, null, 5, 4, 2]);
        expect(returnState ? declared : [declared]).toEqual(expected.map((s, i) => s.map((d, j) => (j === 0 || (j === 1 && i === 0 && returnSequences) ? null : d))));
        expect(outs.map((o) => o.shape)).toEqual(expected.map((s, i) => s.map((d, j) => (j === 0 || (j === 1 && i === 0 && returnSequences) ? null : d))));
        if (returnState) {
          // The first state is the output of the last step.
          const last = returnSequences ? tf.squeeze(tf.slice(ys[0]!, [0, 3, 0, 0, 0], [2, 1, 3, 4, 3]), [1]) : ys[0]!;
          expect(numbers(ys[1]!)).toEqual(numbers(last));
          if (last !== ys[0]) last.dispose();
        }
        tf.dispose([x, ...ys]);
        m.dispose();
      });
    }
  }
});

describe('ConvLSTM with a mask', () => {
  it.each([false, true])('masked steps keep the states: [a, b, masked, masked] gives the outputs and states of [a, b] (goBackwards %s)', (goBackwards) => {
    const layer = convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnState: true, goBackwards });
    const data = values(2 * 4 * 3 * 3 * 1, 5);
    const x = tf.tensor5d(data, [2, 4, 3, 3, 1]);
    tf.dispose(layer.applyAll(x));
    const mask = tf.tensor2d([[1, 1, 0, 0], [1, 0, 1, 0]], [2, 4], 'bool');
    const before = tf.memory().numTensors;
    const masked = layer.applyAll(x, { mask });
    // Sample 0 is its first two steps; sample 1 is steps 0 and 2.
    const short = tf.tidy(() => tf.concat([tf.gather(tf.slice(x, [0, 0, 0, 0, 0], [1, 4, 3, 3, 1]), [0, 1], 1), tf.gather(tf.slice(x, [1, 0, 0, 0, 0], [1, 4, 3, 3, 1]), [0, 2], 1)]));
    const plain = layer.applyAll(short);
    masked.forEach((t, i) => expectClose(t, numbers(plain[i]!), 6));
    tf.dispose([...masked, ...plain, short]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    layer.dispose();
  });

  it('gradients flow only through unmasked steps: the same as for the sequence without them, zero at masked frames', () => {
    const layer = convLstm1d({ filters: 2, kernelSize: 2, padding: 'same' });
    const data = values(1 * 3 * 3 * 2, 23);
    const x = tf.tensor4d(data, [1, 3, 3, 2]);
    tf.dispose(layer.applyAll(x));
    const mask = tf.tensor2d([[1, 0, 1]], [1, 3], 'bool');
    const before = tf.memory().numTensors;
    const masked = tf.grad((xi: tf.Tensor) => tf.sum(tf.square(layer.apply(xi, { mask }))))(x);
    const short = tf.tensor4d([...data.slice(0, 6), ...data.slice(12)], [1, 2, 3, 2]);
    const plain = tf.grad((xi: tf.Tensor) => tf.sum(tf.square(layer.apply(xi))))(short);
    const g = numbers(masked);
    const p = numbers(plain);
    expectClose(g, [...p.slice(0, 6), 0, 0, 0, 0, 0, 0, ...p.slice(6)], 6);
    expect(p.every((v) => v !== 0)).toBe(true);
    tf.dispose([masked, short, plain]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, mask]);
    layer.dispose();
  });

  it('returnSequences repeats the last unmasked output at masked steps, or gives zeros with zeroOutputForMask', () => {
    for (const zeroOutputForMask of [false, true]) {
      const layer = convLstm1d({ filters: 2, kernelSize: 2, padding: 'same', returnSequences: true, zeroOutputForMask });
      const x = tf.tensor4d(values(1 * 3 * 3 * 2, 9), [1, 3, 3, 2]);
      const mask = tf.tensor2d([[1, 0, 1]], [1, 3], 'bool');
      const y = layer.apply(x, { mask });
      const plain = layer.apply(x);
      const [steps, plainSteps] = [y.arraySync() as number[][][][], plain.arraySync() as number[][][][]];
      expect(steps[0]![1]).toEqual(zeroOutputForMask ? [[0, 0], [0, 0], [0, 0]] : steps[0]![0]);
      expectClose(steps[0]![0]!.flat(), plainSteps[0]![0]!.flat(), 6);
      tf.dispose([x, mask, y, plain]);
      layer.dispose();
    }
  });

  it("a Masking layer's mask, [batch, time, steps] before a ConvLSTM1D, is refused: a step mask is [batch, time]", () => {
    const inp = input({ shape: [3, 4, 2] });
    const rnn = convLstm1d({ filters: 2, kernelSize: 3, padding: 'same', name: 'masked_clstm' });
    const m = model({ inputs: inp, outputs: rnn.apply(masking({ maskValue: 0 }).apply(inp)) });
    const x = tf.ones([2, 3, 4, 2]);
    const before = tf.memory().numTensors;
    const error = caughtRidgeError(() => m.predict(x));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toBe("ConvLSTM1D 'masked_clstm': the mask must have the shape [batch, time] of the inputs, [2, 3]; received shape [2, 3, 4].");
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });
});

function oneLayerModel(layer: ConvLSTM1D | ConvLSTM2D | ConvLSTM3D, shape: (number | null)[]): Model {
  const inp = input({ shape });
  return model({ inputs: inp, outputs: layer.applyAll(inp) });
}

describe('ConvLSTM training', () => {
  it('fit logs each penalty term, per layer and model level, and leaks nothing in fit, predict or a throwing call', async () => {
    const layer = convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', recurrentRegularizer: l1(0.01), dropout: 0.2, recurrentDropout: 0.2, name: 'clstm' });
    const m = oneLayerModel(layer, [3, 3, 3, 1]);
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'l2' });
    const x = tf.tensor5d(values(4 * 3 * 3 * 3, 3), [4, 3, 3, 3, 1]);
    const y = tf.zeros([4, 3, 3, 2]);
    const wrong = tf.zeros([4, 3, 2, 3, 1]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = tf.memory().numTensors;
    const history = await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['data_loss', 'loss', 'penalty', 'penalty/clstm/kernel', 'penalty/clstm/recurrent_kernel'].sort());
    const report = m.penalties();
    expect(report.terms.map((t) => [t.path, t.regularizer, t.source])).toEqual([
      ['clstm/kernel', 'L2', 'model'],
      ['clstm/recurrent_kernel', 'L1', 'layer'],
    ]);
    const sq = numbers(layer.kernel.read()).reduce((s, v) => s + v * v, 0);
    expect(report.terms[0]!.value).toBeCloseTo(0.01 * sq, 5);
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(before);
    expect(caughtRidgeError(() => layer.apply(wrong)).code).toBe('SHAPE_MISMATCH');
    expect(tf.memory().numTensors).toBe(before);
    await expect(m.fit(wrong, y, { epochs: 1, verbose: 0 })).rejects.toMatchObject({ code: 'SHAPE_MISMATCH' });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y, wrong]);
    m.dispose();
  });

  it('a fit step moves every entry of kernel, recurrent_kernel and bias; constraints hold after it', async () => {
    const layer = convLstm3d({ filters: 2, kernelSize: 2, padding: 'same', kernelConstraint: nonNeg(), biasConstraint: nonNeg() });
    const m = oneLayerModel(layer, [3, 2, 2, 2, 1]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const start = layer.weights.map((w) => values(w.variable.size, 11 + w.shape.length).map((v) => 0.5 * v));
    assignWeights(layer, start.map((s, i) => tf.tensor(s, layer.weights[i]!.shape)));
    const x = tf.tensor(values(2 * 3 * 2 * 2 * 2, 17), [2, 3, 2, 2, 2, 1]);
    const y = tf.ones([2, 2, 2, 2, 2]);
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    for (const w of layer.weights) {
      const after = numbers(w.read());
      if (w.name !== 'recurrent_kernel') expect(Math.min(...after)).toBeGreaterThanOrEqual(0);
    }
    // The recurrent kernel, unconstrained, only matters from the second step on: every entry moves.
    const rk = numbers(layer.recurrentKernel.read());
    rk.forEach((v, j) => expect(Math.abs(v - start[1]![j]!)).toBeGreaterThan(0));
    tf.dispose([x, y]);
    m.dispose();
  });

  it('dropout acts only in training: predict equals the layer without dropout', () => {
    const plain = convLstm1d({ filters: 2, kernelSize: 2, returnSequences: true });
    const dropped = convLstm1d({ filters: 2, kernelSize: 2, returnSequences: true, dropout: 0.5, recurrentDropout: 0.5, seed: 3 });
    const x = tf.tensor4d(values(4 * 3 * 4 * 2, 19), [4, 3, 4, 2]);
    tf.dispose([...plain.applyAll(x), ...dropped.applyAll(x)]);
    const weights = plain.getWeights();
    dropped.setWeights(weights);
    const before = tf.memory().numTensors;
    const [a, b, trained] = [dropped.apply(x), plain.apply(x), dropped.apply(x, { training: true })];
    expect(numbers(a)).toEqual(numbers(b));
    expect(numbers(trained).some((v, i) => Math.abs(v - numbers(b)[i]!) > 1e-4)).toBe(true);
    tf.dispose([a, b, trained]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...weights]);
    plain.dispose();
    dropped.dispose();
  });

  it('dropout draws one mask per gate, as Keras: with one input channel and unit weights, the gates see different masks', () => {
    // kernel 1, one channel, W = 1 for every gate, U = 0, b = 0: z_g = x * m_g. With one shared
    // mask, a dropped entry would zero all four gates: c = 0.5 * 0 (first step) = 0, so h = 0.
    // With four masks, some entries keep the candidate but drop the input gate and the like.
    const layer = convLstm1d({ filters: 1, kernelSize: 1, useBias: false, dropout: 0.5, seed: 1 });
    const x = tf.ones([64, 1, 8, 1]);
    layer.ensureBuilt([null, 1, 8, 1]);
    assignWeights(layer, [tf.ones([1, 1, 4]), tf.zeros([1, 1, 4])]);
    const out = layer.apply(x, { training: true });
    const y = numbers(out);
    out.dispose();
    // Each gate input is 0 or 2 (scaled by 1 / (1 - 0.5)); h = σ(o) tanh(σ(i) tanh(c~)).
    const h = (i: number, c: number, o: number) => sigmoid(o) * Math.tanh(sigmoid(i) * Math.tanh(c));
    const possible = [0, 2].flatMap((i) => [0, 2].flatMap((c) => [0, 2].map((o) => h(i, c, o))));
    for (const v of y) expect(possible.some((p) => Math.abs(p - v) < 1e-5)).toBe(true);
    // The candidate dropped with the input gate kept (h = 0), and both kept with different o: more than the two values one mask gives.
    const distinct = new Set(y.map((v) => v.toFixed(4)));
    expect(distinct.size).toBeGreaterThan(2);
    x.dispose();
    layer.dispose();
  });
});

describe('ConvLSTM arguments and config', () => {
  it('getConfig round-trips through the constructor and the registry, with Keras keys', () => {
    const layer = convLstm2d({
      filters: 3,
      kernelSize: [2, 3],
      strides: [2, 1],
      padding: 'same',
      activation: 'relu',
      recurrentActivation: 'hard_sigmoid',
      kernelRegularizer: l2(0.5),
      recurrentRegularizer: 'l1',
      recurrentConstraint: nonNeg(),
      unitForgetBias: false,
      dropout: 0.25,
      recurrentDropout: 0.5,
      seed: 7,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
    });
    const m = oneLayerModel(layer, [2, 4, 4, 2]);
    const config = layer.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      filters: 3,
      kernelSize: [2, 3],
      strides: [2, 1],
      padding: 'same',
      dataFormat: 'channels_last',
      dilationRate: [1, 1],
      activation: 'relu',
      recurrentActivation: 'hard_sigmoid',
      useBias: true,
      unitForgetBias: false,
      kernelRegularizer: { className: 'L2', config: { l2: 0.5 } },
      recurrentRegularizer: { className: 'L1' },
      recurrentConstraint: { className: 'NonNeg' },
      kernelInitializer: { className: 'GlorotUniform' },
      recurrentInitializer: { className: 'Orthogonal' },
      dropout: 0.25,
      recurrentDropout: 0.5,
      seed: 7,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
      stateful: false,
    });
    const strip = ({ name: _name, ...rest }: JsonObject) => rest;
    const copy = new ConvLSTM2D({ ...(config as unknown as ConvLSTMArgs), name: `${layer.name}_copy` });
    expect(strip(copy.getConfig())).toEqual(strip(config));
    const fromRegistry = registry('layer').get('ConvLSTM2D').create({ ...config, name: `${layer.name}_registry` });
    expect(fromRegistry).toBeInstanceOf(ConvLSTM2D);
    expect(strip(fromRegistry.getConfig())).toEqual(strip(config));
    for (const [name, cls] of [['ConvLSTM1D', ConvLSTM1D], ['ConvLSTM3D', ConvLSTM3D]] as const) {
      expect(registry('layer').get(name).create({ filters: 1, kernelSize: 1 })).toBeInstanceOf(cls);
    }
    m.dispose();
  });

  it("reads a Keras model's ConvLSTM2D (snake_case keys, tf.keras 2's time_major) and writes the keys as Keras does", () => {
    const dtype = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const part = (module: string, className: string, config: JsonObject) => ({ module, class_name: className, config, registered_name: null });
    // The keys of Keras 3's ConvLSTM.get_config (keras/src/layers/rnn/conv_lstm.py) and RNN's, plus tf.keras 2's time_major.
    const layer = {
      class_name: 'ConvLSTM2D',
      config: {
        name: 'k_clstm', trainable: true, dtype, return_sequences: true, return_state: false, go_backwards: false, stateful: false,
        unroll: false, zero_output_for_mask: false, time_major: false, filters: 2, kernel_size: [3, 2], strides: [1, 1], padding: 'same',
        data_format: 'channels_last', dilation_rate: [1, 1], activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
        kernel_initializer: part('keras.initializers', 'GlorotUniform', { seed: null }),
        recurrent_initializer: part('keras.initializers', 'OrthogonalInitializer', { gain: 1.0, seed: null }),
        bias_initializer: part('keras.initializers', 'Zeros', {}),
        unit_forget_bias: true,
        kernel_regularizer: part('keras.regularizers', 'L2', { l2: 0.01 }),
        recurrent_regularizer: null, bias_regularizer: null, activity_regularizer: null,
        kernel_constraint: null, recurrent_constraint: null, bias_constraint: null, dropout: 0.0, recurrent_dropout: 0.0, seed: null,
      },
    };
    const json = {
      class_name: 'Sequential',
      config: { name: 'k_seq', layers: [{ class_name: 'InputLayer', config: { batch_shape: [null, 2, 4, 4, 1], dtype: 'float32', name: 'k_in' } }, layer] },
    };
    const m = modelFromJSON(json);
    const loaded = m.layers.at(-1)!;
    expect(loaded).toBeInstanceOf(ConvLSTM2D);
    expect(loaded.getConfig()).toMatchObject({
      filters: 2,
      kernelSize: [3, 2],
      padding: 'same',
      returnSequences: true,
      kernelRegularizer: { className: 'L2', config: { l2: 0.01 } },
      recurrentInitializer: { className: 'Orthogonal', config: { gain: 1 } },
    });
    const written = (m.toJSON().config as unknown as { layers: { config: JsonObject }[] }).layers.at(-1)!.config;
    // Ridge writes activity_regularizer only when there is one, for every layer.
    const kerasKeys = Object.keys(layer.config).filter((k) => k !== 'time_major' && k !== 'activity_regularizer');
    expect(Object.keys(written).filter((k) => !kerasKeys.includes(k))).toEqual([]);
    expect(kerasKeys.filter((k) => !(k in written))).toEqual([]);
    m.dispose();
  });

  it('rejects bad arguments, naming the layer, the argument and the value', () => {
    const cases: [Make, string, Partial<ConvLSTMArgs>, string, RegExp][] = [
      [convLstm2d, 'ConvLSTM2D', { filters: 0, kernelSize: 3 }, 'INVALID_ARGUMENT', /filters.*received 0/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2.5, kernelSize: 3 }, 'INVALID_ARGUMENT', /filters.*received 2\.5/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: [3] }, 'INVALID_ARGUMENT', /kernelSize must be an integer >= 1 or a list of 2 such integers; received \[3\]/],
      [convLstm1d, 'ConvLSTM1D', { filters: 2, kernelSize: [3, 3] }, 'INVALID_ARGUMENT', /kernelSize must be an integer >= 1 or a list of 1 such integer; received \[3, 3\]/],
      [convLstm3d, 'ConvLSTM3D', { filters: 2, kernelSize: [1, 2] }, 'INVALID_ARGUMENT', /kernelSize.*list of 3 such integers; received \[1, 2\]/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, strides: 2, dilationRate: 2 }, 'INVALID_ARGUMENT', /strides must be 1 when dilationRate > 1/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, padding: 'causal' as never }, 'INVALID_ARGUMENT', /padding must be one of 'valid', 'same'; received "causal"/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, dataFormat: 'channels_first' as never }, 'INVALID_ARGUMENT', /dataFormat.*channels-last only/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, dropout: 1 }, 'INVALID_ARGUMENT', /dropout must be a number in \[0, 1\); received 1/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, stateful: true }, 'INVALID_ARGUMENT', /stateful.*received true/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, unitForgetBias: 'yes' as never }, 'INVALID_ARGUMENT', /unitForgetBias.*received "yes"/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, recurrentActivation: 'nope' }, 'UNKNOWN_NAME', /recurrentActivation.*"nope"/],
      [convLstm2d, 'ConvLSTM2D', { filters: 2, kernelSize: 2, recurrentRegularizer: 'nope' as never }, 'UNKNOWN_NAME', /recurrentRegularizer.*nope/],
    ];
    cases.forEach(([make, className, args, code, pattern], i) => {
      const name = `bad_convlstm_${i}`;
      const error = caughtRidgeError(() => make({ ...(args as ConvLSTMArgs), name }));
      expect(error.code).toBe(code);
      expect(error.message).toContain(`${className} '${name}'`);
      expect(error.message).toMatch(pattern);
    });
  });

  it('arguments that are not an object are INVALID_ARGUMENT, as for every layer', () => {
    for (const make of [convLstm1d, convLstm2d, convLstm3d]) {
      for (const bad of [null, 3]) {
        const error = caughtRidgeError(() => make(bad as never));
        expect(error.code).toBe('INVALID_ARGUMENT');
        expect(error.message).toMatch(new RegExp(`arguments must be an object; received ${bad}`));
      }
    }
  });

  it('rejects inputs of the wrong rank, unknown spatial sizes and other frames with SHAPE_MISMATCH, leaving the layer unbuilt or unchanged', () => {
    const layer = convLstm2d({ filters: 2, kernelSize: 3, name: 'shape_clstm' });
    const flat = tf.zeros([2, 3, 4, 4]);
    let error = caughtRidgeError(() => layer.apply(flat));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toBe("ConvLSTM2D 'shape_clstm': expected inputs of rank 5, [batch, time, height, width, channels]; received shape [2, 3, 4, 4].");
    expect(layer.built).toBe(false);
    error = caughtRidgeError(() => layer.ensureBuilt([null, 3, null, 4, 1]));
    expect(error.message).toMatch(/known spatial sizes.*\[null, 3, null, 4, 1\]/);
    expect(layer.weights).toEqual([]);
    error = caughtRidgeError(() => layer.ensureBuilt([null, 3, 2, 4, 1]));
    expect(error.message).toMatch(/too small/);
    const x = tf.zeros([2, 3, 4, 4, 1]);
    tf.dispose(layer.applyAll(x));
    const other = tf.zeros([2, 3, 5, 4, 1]);
    const before = tf.memory().numTensors;
    error = caughtRidgeError(() => layer.apply(other));
    expect(error.message).toBe("ConvLSTM2D 'shape_clstm': expected inputs of shape [batch, time, 4, 4, 1]; received shape [2, 3, 5, 4, 1].");
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([flat, x, other]);
    layer.dispose();
  });
});
