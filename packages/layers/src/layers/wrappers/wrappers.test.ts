import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caughtRidgeError, expectClose, values } from '../../../test/fixtures.js';
import { numbers, useCpu } from '../../../test/setup.js';
import {
  Bidirectional,
  TimeDistributed,
  bidirectional,
  convLstm1d,
  convLstm2d,
  dense,
  embedding,
  gru,
  input,
  lstm,
  model,
  modelFromJSON,
  sequential,
  simpleRNN,
  timeDistributed,
  type BidirectionalMergeMode,
  type Layer,
  type Model,
} from '../../index.js';
import { l2 } from '@ridge/regularizers';

useCpu();

/** Gives every weight of the layers deterministic values. */
function fix(layers: readonly Layer[], seed: number): void {
  layers.flatMap((l) => l.weights).forEach((w, i) => {
    const t = tf.tensor(values(w.variable.size, seed + i).map((v) => v * 0.6), w.shape);
    w.assign(t);
    t.dispose();
  });
}

/** Copies `from`'s weights into `to` (same shapes). */
function copyWeights(from: Layer, to: Layer): void {
  const ws = from.getWeights();
  to.setWeights(ws);
  tf.dispose(ws);
}

const x3 = () => tf.tensor3d(values(2 * 4 * 3, 7), [2, 4, 3]);

describe('Bidirectional', () => {
  /**
   * The reference: a plain layer with the forward weights on x, and one with the backward weights
   * on x reversed in time (going backwards is running on the reversed sequence).
   */
  function reference(b: Bidirectional, make: (args: { units: number; returnSequences?: boolean; returnState?: boolean }) => Layer, x: tf.Tensor) {
    const args = { units: 3, returnSequences: b.returnSequences, returnState: b.returnState };
    const f = make(args);
    const r = make(args);
    tf.dispose([...f.applyAll(x), ...r.applyAll(x)]);
    copyWeights(b.forwardLayer, f);
    copyWeights(b.backwardLayer, r);
    const fo = f.applyAll(x);
    const ro = r.applyAll(tf.reverse(x, 1));
    f.dispose();
    r.dispose();
    const back = b.returnSequences ? tf.reverse(ro[0]!, 1) : ro[0]!;
    return { y: fo[0]!, yRev: back, states: [...fo.slice(1), ...ro.slice(1)] };
  }

  const modes: [BidirectionalMergeMode | null, (a: number, b: number) => number][] = [
    ['sum', (a, b) => a + b],
    ['mul', (a, b) => a * b],
    ['ave', (a, b) => (a + b) / 2],
  ];

  for (const returnSequences of [true, false]) {
    it(`concat${returnSequences ? ' with returnSequences' : ''}: the forward output, then the backward one in time order`, () => {
      const x = x3();
      const b = bidirectional({ layer: lstm({ units: 3, returnSequences }) });
      tf.dispose(b.apply(x));
      fix([b], 3);
      const out = b.apply(x);
      expect(out.shape).toEqual(returnSequences ? [2, 4, 6] : [2, 6]);
      const ref = reference(b, lstm, x);
      const [y, yRev] = [numbers(ref.y), numbers(ref.yRev)];
      const width = 3;
      const expected = Array.from({ length: y.length / width }, (_, row) => [...y.slice(row * width, row * width + width), ...yRev.slice(row * width, row * width + width)]).flat();
      expectClose(out, expected);
      tf.dispose([x, out, ref.y, ref.yRev]);
      b.dispose();
    });
  }

  for (const [mode, merge] of modes) {
    it(`mergeMode '${mode}' combines the two directions entry by entry`, () => {
      const x = x3();
      const b = bidirectional({ layer: gru({ units: 3, returnSequences: true }), mergeMode: mode });
      tf.dispose(b.apply(x));
      fix([b], 5);
      const out = b.apply(x);
      const ref = reference(b, gru, x);
      const yRev = numbers(ref.yRev);
      expectClose(out, numbers(ref.y).map((v, i) => merge(v, yRev[i]!)));
      tf.dispose([x, out, ref.y, ref.yRev]);
      b.dispose();
    });
  }

  it('mergeMode null returns both outputs; with returnState, the forward states and then the backward ones', () => {
    const x = x3();
    const b = bidirectional({ layer: lstm({ units: 3, returnState: true }), mergeMode: null });
    const inp = input({ shape: [4, 3] });
    const symbolic = b.applyAll(inp);
    expect(symbolic.map((s) => s.shape)).toEqual([[null, 3], [null, 3], [null, 3], [null, 3], [null, 3], [null, 3]]);
    fix([b], 9);
    const outs = b.applyAll(x);
    const ref = reference(b, lstm, x);
    [ref.y, ref.yRev, ...ref.states].forEach((t, i) => expectClose(outs[i]!, numbers(t)));
    tf.dispose([x, ...outs, ref.y, ref.yRev, ...ref.states]);
    b.dispose();
  });

  it('copies the layer forward and backward with their own weights, named as tfjs-layers names them', () => {
    const template = lstm({ units: 2, name: 'enc', kernelRegularizer: l2(0.02), recurrentRegularizer: 'l1' });
    const b = bidirectional({ layer: template, name: 'bi' });
    tf.dispose(b.apply(x3()));
    expect(template.built).toBe(false);
    expect(b.forwardLayer.goBackwards).toBe(false);
    expect(b.backwardLayer.goBackwards).toBe(true);
    expect(b.weights.map((w) => w.path)).toEqual([
      'bi/forward_enc/kernel',
      'bi/forward_enc/recurrent_kernel',
      'bi/forward_enc/bias',
      'bi/backward_enc/kernel',
      'bi/backward_enc/recurrent_kernel',
      'bi/backward_enc/bias',
    ]);
    // Both copies carry the template's regularizers (Keras copies the config).
    expect(b.weights.map((w) => w.regularizer?.className)).toEqual(['L2', 'L1', undefined, 'L2', 'L1', undefined]);
    expect(new Set(b.weights.map((w) => w.variable.id)).size).toBe(6);
    expect(b.countParams()).toBe(2 * (3 * 8 + 2 * 8 + 8));
    b.trainable = false;
    expect(b.trainableWeights).toEqual([]);
    b.trainable = true;
    expect(b.trainableWeights).toHaveLength(6);
    b.dispose();
  });

  it('a layer that goes backwards is the forward copy; its backward copy goes forwards (goBackwards flipped)', () => {
    const b = bidirectional({ layer: simpleRNN({ units: 2, goBackwards: true }) });
    expect([b.forwardLayer.goBackwards, b.backwardLayer.goBackwards]).toEqual([true, false]);
    b.dispose();
  });

  it('a backwardLayer of its own: a copy named backward_<name>, checked against the forward layer', () => {
    const b = bidirectional({ layer: lstm({ units: 2 }), backwardLayer: gru({ units: 2, goBackwards: true, name: 'back' }), mergeMode: 'sum' });
    tf.dispose(b.apply(x3()));
    expect(b.backwardLayer.className).toBe('GRU');
    expect(b.weights.slice(3).map((w) => w.path)).toEqual([`${b.name}/backward_back/kernel`, `${b.name}/backward_back/recurrent_kernel`, `${b.name}/backward_back/bias`]);
    b.dispose();
    const before = tf.memory().numTensors;
    const same = caughtRidgeError(() => bidirectional({ layer: lstm({ units: 2 }), backwardLayer: lstm({ units: 2 }) }));
    expect(same.code).toBe('INVALID_ARGUMENT');
    expect(same.message).toMatch(/^Bidirectional '[^']+': backwardLayer\.goBackwards must be true: the two layers must run in opposite directions; received false\./);
    const seq = caughtRidgeError(() => bidirectional({ layer: lstm({ units: 2 }), backwardLayer: lstm({ units: 2, goBackwards: true, returnSequences: true }) }));
    expect(seq.message).toContain('backwardLayer.returnSequences must be false');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a bad mergeMode, a layer that is not recurrent, and an activity regularizer it would not apply', () => {
    const before = tf.memory().numTensors;
    const mode = caughtRidgeError(() => bidirectional({ layer: lstm({ units: 2 }), mergeMode: 'avg' as never }));
    expect(mode.code).toBe('INVALID_ARGUMENT');
    expect(mode.message).toMatch(/^Bidirectional '[^']+': mergeMode must be 'concat', 'sum', 'mul', 'ave', or null .*; received "avg"\./);
    expect(mode.details).toMatchObject({ argument: 'mergeMode', received: 'avg' });
    const notRnn = caughtRidgeError(() => bidirectional({ layer: dense({ units: 2, name: 'd_in_bi' }) as never }));
    expect(notRnn.message).toContain("layer must be a recurrent layer: SimpleRNN, LSTM, GRU, ConvLSTM1D, ConvLSTM2D or ConvLSTM3D; received \"Dense 'd_in_bi'\"");
    const junk = caughtRidgeError(() => bidirectional({ layer: 42 as never }));
    expect(junk.details).toMatchObject({ argument: 'layer', received: 42 });
    const activity = caughtRidgeError(() => bidirectional({ layer: lstm({ units: 2, activityRegularizer: 'l2' }) }));
    expect(activity.details).toMatchObject({ argument: 'layer.activityRegularizer' });
    expect(activity.message).toContain('give the Bidirectional its own activityRegularizer instead');
    const missing = caughtRidgeError(() => new Bidirectional({} as never));
    expect(missing.message).toContain('layer is required');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses inputs that are not [batch, time, features] with SHAPE_MISMATCH', () => {
    const error = caughtRidgeError(() => bidirectional({ layer: lstm({ units: 2 }), name: 'bi_rank' }).apply(input({ shape: [3] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toBe("Bidirectional 'bi_rank': expected inputs of rank 3, [batch, time, features], with a known features dimension; received [null, 3].");
  });

  it('in a model: penalties of both copies in the logs and in penalties(), saved and loaded by path, no tensor leak', async () => {
    const inp = input({ shape: [4, 3] });
    const b = bidirectional({ layer: lstm({ units: 2, returnSequences: true, kernelRegularizer: l2(0.1), name: 'lstm_m' }), name: 'bi_m' });
    const td = timeDistributed({ layer: dense({ units: 1, kernelRegularizer: l2(0.05) }), name: 'td_m' });
    const m = model({ inputs: inp, outputs: td.apply(b.apply(inp)) });
    fix([m], 11);
    const sq = (path: string) => numbers(m.weights.find((w) => w.path === path)!.variable).reduce((s, v) => s + v * v, 0);
    const expected = {
      'bi_m/forward_lstm_m/kernel': 0.1 * sq('bi_m/forward_lstm_m/kernel'),
      'bi_m/backward_lstm_m/kernel': 0.1 * sq('bi_m/backward_lstm_m/kernel'),
      'td_m/kernel': 0.05 * sq('td_m/kernel'),
    };
    const report = m.penalties();
    expect(report.terms.map((t) => t.path)).toEqual(Object.keys(expected));
    report.terms.forEach((t) => expect(t.value).toBeCloseTo(expected[t.path as keyof typeof expected], 5));
    m.compile({ optimizer: { className: 'SGD', config: { learningRate: 0 } }, loss: 'mse' });
    const x = x3();
    const y = tf.zeros([2, 4, 1]);
    await m.fit(x, y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    const history = await m.fit(x, y, { epochs: 1, verbose: 0 });
    for (const [path, value] of Object.entries(expected)) expect(history.history[`penalty/${path}`]![0]).toBeCloseTo(value, 5);
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(before);

    const copy = modelFromJSON(JSON.stringify(m));
    expect(copy.weights.map((w) => w.path)).toEqual(m.weights.map((w) => w.path));
    copy.setWeights(m.getWeights());
    expectClose(copy.predict(x) as tf.Tensor, numbers(m.predict(x) as tf.Tensor));
    expect(copy.penalties().total).toBeCloseTo(report.total, 5);
    tf.dispose([x, y]);
    m.dispose();
    copy.dispose();
  });
});

/**
 * Keras 3 wraps ConvLSTM layers too (its ConvLSTM is an RNN): the same copies, run forward and
 * backward over the time axis, merged on the channel (last) axis. The reference is two ConvLSTMs
 * run by hand with the wrapper's weights: one forward, one with goBackwards (its returned sequence
 * reversed back into time order), merged per mergeMode here.
 */
describe('Bidirectional over ConvLSTM', () => {
  type Make = typeof convLstm2d | typeof convLstm1d;
  /** x [2, 3 steps, ...spatial, 1]: 4x4 images for ConvLSTM2D, 5 steps of a 1-D signal for ConvLSTM1D. */
  const inputs = { 2: () => tf.tensor(values(2 * 3 * 4 * 4, 21), [2, 3, 4, 4, 1]), 1: () => tf.tensor(values(2 * 3 * 5, 22), [2, 3, 5, 1]) };

  function byHand(b: Bidirectional, make: Make, x: tf.Tensor): { y: number[]; yRev: number[]; states: tf.Tensor[] } {
    const args = { filters: 2, kernelSize: 2, padding: 'same' as const, returnSequences: b.returnSequences, returnState: b.returnState };
    const f = make(args);
    const r = make({ ...args, goBackwards: true });
    tf.dispose([...f.applyAll(x), ...r.applyAll(x)]);
    copyWeights(b.forwardLayer, f);
    copyWeights(b.backwardLayer, r);
    const [fo, ...fStates] = f.applyAll(x);
    const [ro, ...rStates] = r.applyAll(x);
    const back = b.returnSequences ? tf.reverse(ro!, 1) : ro!;
    // Without returnSequences the output is the state h itself: the states are kept as copies.
    const out = { y: numbers(fo!), yRev: numbers(back), states: [...fStates, ...rStates].map((t) => t.clone()) };
    tf.dispose([fo!, ro!, back, ...fStates, ...rStates]);
    f.dispose();
    r.dispose();
    return out;
  }

  const cases: [string, Make, 1 | 2, BidirectionalMergeMode, boolean][] = [
    ['ConvLSTM2D, concat, returnSequences', convLstm2d, 2, 'concat', true],
    ['ConvLSTM2D, concat, last output', convLstm2d, 2, 'concat', false],
    ['ConvLSTM2D, sum, returnSequences', convLstm2d, 2, 'sum', true],
    ['ConvLSTM1D, ave, returnSequences', convLstm1d, 1, 'ave', true],
    ['ConvLSTM1D, mul, last output', convLstm1d, 1, 'mul', false],
  ];

  it.each(cases)('%s: the two directions by hand, merged on the channel axis', (_name, make, rank, mode, returnSequences) => {
    const before = tf.memory().numTensors;
    const x = inputs[rank]();
    const b = bidirectional({ layer: make({ filters: 2, kernelSize: 2, padding: 'same', returnSequences }), mergeMode: mode });
    tf.dispose(b.apply(x));
    fix([b], 31);
    const out = b.apply(x);
    // 'same' padding keeps the spatial sizes; the last axis is the filters (doubled by concat).
    const spatial = x.shape.slice(2, -1);
    expect(out.shape).toEqual([2, ...(returnSequences ? [3] : []), ...spatial, mode === 'concat' ? 4 : 2]);
    const { y, yRev } = byHand(b, make, x);
    const merged =
      mode === 'concat'
        ? Array.from({ length: y.length / 2 }, (_, i) => [y[2 * i]!, y[2 * i + 1]!, yRev[2 * i]!, yRev[2 * i + 1]!]).flat()
        : y.map((v, i) => (mode === 'sum' ? v + yRev[i]! : mode === 'mul' ? v * yRev[i]! : (v + yRev[i]!) / 2));
    expectClose(out, merged);
    // The backward direction matters: it is not the forward output again.
    expect(yRev.some((v, i) => Math.abs(v - y[i]!) > 1e-3)).toBe(true);
    tf.dispose([x, out]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('returnState with mergeMode null: both outputs, then the forward h and c, then the backward ones; shapes from the symbolic call', () => {
    const x = inputs[2]();
    const b = bidirectional({ layer: convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', returnState: true }), mergeMode: null });
    expect(b.applyAll(input({ shape: [3, 4, 4, 1] })).map((s) => s.shape)).toEqual(Array.from({ length: 6 }, () => [null, 4, 4, 2]));
    fix([b], 41);
    const outs = b.applyAll(x);
    const ref = byHand(b, convLstm2d, x);
    expectClose(outs[0]!, ref.y);
    expectClose(outs[1]!, ref.yRev);
    ref.states.forEach((t, i) => expectClose(outs[i + 2]!, numbers(t)));
    tf.dispose([x, ...outs, ...ref.states]);
    b.dispose();
  });

  it('weights named as for an LSTM; a model with it round-trips through its config with the same predictions', () => {
    const inp = input({ shape: [3, 4, 4, 1] });
    const b = bidirectional({ layer: convLstm2d({ filters: 2, kernelSize: 2, name: 'clstm', kernelRegularizer: l2(0.01) }), name: 'bi_conv' });
    const m = model({ inputs: inp, outputs: b.apply(inp) });
    expect(b.weights.map((w) => w.path)).toEqual([
      'bi_conv/forward_clstm/kernel',
      'bi_conv/forward_clstm/recurrent_kernel',
      'bi_conv/forward_clstm/bias',
      'bi_conv/backward_clstm/kernel',
      'bi_conv/backward_clstm/recurrent_kernel',
      'bi_conv/backward_clstm/bias',
    ]);
    expect(b.weights.map((w) => w.regularizer?.className)).toEqual(['L2', undefined, undefined, 'L2', undefined, undefined]);
    fix([b], 51);
    const copy = modelFromJSON(JSON.stringify(m));
    copy.setWeights(m.getWeights());
    const x = inputs[2]();
    const [a, c] = [m.predict(x) as tf.Tensor, copy.predict(x) as tf.Tensor];
    expect(a.shape).toEqual([2, 3, 3, 4]);
    expectClose(c, numbers(a));
    tf.dispose([x, a, c]);
    m.dispose();
    copy.dispose();
  });

  it('inputs of the wrong rank are refused by the ConvLSTM with SHAPE_MISMATCH', () => {
    const error = caughtRidgeError(() => bidirectional({ layer: convLstm2d({ filters: 2, kernelSize: 2 }) }).apply(input({ shape: [3, 4, 1] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('ConvLSTM2D');
  });
});

describe('Bidirectional with masks', () => {
  function textModel(time: number, maskZero: boolean, returnSequences: boolean, mergeMode: BidirectionalMergeMode | null = 'concat'): Model {
    const inp = input({ shape: [time] });
    const e = embedding({ inputDim: 10, outputDim: 3, maskZero, name: 'emb' });
    const b = bidirectional({ layer: gru({ units: 2, returnSequences }), mergeMode, name: 'bi_mask' });
    const m = model({ inputs: inp, outputs: b.applyAll(e.apply(inp)) });
    fix([m], 21);
    return m;
  }

  const predictAll = (m: Model, x: tf.Tensor): tf.Tensor[] => {
    const out = m.predict(x);
    return Array.isArray(out) ? out : [out];
  };

  it('[5, 6, 7, 0, 0] masked gives, in both directions, the outputs of [5, 6, 7]', () => {
    const padded = textModel(5, true, false);
    const plain = textModel(3, false, false);
    const a = predictAll(padded, tf.tensor2d([[5, 6, 7, 0, 0]]));
    const b = predictAll(plain, tf.tensor2d([[5, 6, 7]]));
    expectClose(a[0]!, numbers(b[0]!));
    const unmasked = predictAll(textModel(5, false, false), tf.tensor2d([[5, 6, 7, 0, 0]]));
    expect(Math.max(...numbers(unmasked[0]!).map((v, i) => Math.abs(v - numbers(b[0]!)[i]!)))).toBeGreaterThan(1e-3);
  });

  it('with returnSequences: the unmasked steps as for [5, 6, 7], zeros at masked steps (Keras 3), and the mask goes on to the loss', async () => {
    for (const mode of ['concat', null] as const) {
      const padded = textModel(5, true, true, mode);
      const plain = textModel(3, false, true, mode);
      const a = predictAll(padded, tf.tensor2d([[5, 6, 7, 0, 0]]));
      const b = predictAll(plain, tf.tensor2d([[5, 6, 7]]));
      expect(a).toHaveLength(mode === null ? 2 : 1);
      a.forEach((t, k) => {
        const width = t.shape[2]!;
        expectClose(numbers(t).slice(0, 3 * width), numbers(b[k]!));
        expect(numbers(t).slice(3 * width)).toEqual(new Array(2 * width).fill(0));
      });
      // The mask goes on: the loss leaves the padded steps out (their zeros would be 1 from the labels).
      padded.compile({ optimizer: 'sgd', loss: 'mse' });
      plain.compile({ optimizer: 'sgd', loss: 'mse' });
      const ones = (m: Model, time: number) => m.outputs.map((o) => tf.ones([1, time, o.shape[2]!]));
      const [yp, yt] = [ones(padded, 5), ones(plain, 3)];
      const [px, tx] = [tf.tensor2d([[5, 6, 7, 0, 0]]), tf.tensor2d([[5, 6, 7]])];
      const lp = await padded.evaluate(px, yp.length === 1 ? yp[0]! : yp);
      const lt = await plain.evaluate(tx, yt.length === 1 ? yt[0]! : yt);
      expect(lt['data_loss']).toBeGreaterThan(0.1);
      expect(lp['data_loss']).toBeCloseTo(lt['data_loss']!, 5);
      tf.dispose([...yp, ...yt, px, tx, ...a]);
      [padded, plain].forEach((m) => m.dispose());
    }
  });
});

describe('TimeDistributed', () => {
  it('applies the layer to every time step with one set of weights', () => {
    const x = tf.tensor3d(values(2 * 3 * 4, 5), [2, 3, 4]);
    const td = timeDistributed({ layer: dense({ units: 2, activation: 'tanh' }), name: 'td_a' });
    tf.dispose(td.apply(x));
    fix([td], 2);
    const out = td.apply(x);
    expect(out.shape).toEqual([2, 3, 2]);
    const [k, bias] = td.weights.map((w) => numbers(w.variable));
    const xs = numbers(x);
    const expected: number[] = [];
    for (let row = 0; row < 6; row++) {
      for (let j = 0; j < 2; j++) {
        let s = bias![j]!;
        for (let i = 0; i < 4; i++) s += xs[row * 4 + i]! * k![i * 2 + j]!;
        expected.push(Math.tanh(s));
      }
    }
    expectClose(out, expected);
    expect(td.weights.map((w) => w.path)).toEqual(['td_a/kernel', 'td_a/bias']);
    expect(td.countParams()).toBe(4 * 2 + 2);
    tf.dispose([x, out]);
    td.dispose();
  });

  it('output shapes: [batch, time, ...the layer output]; a recurrent layer on [batch, time, steps, features]', () => {
    const inp = input({ shape: [5, 3, 2] });
    const out = timeDistributed({ layer: lstm({ units: 4 }) }).apply(inp);
    expect(out.shape).toEqual([null, 5, 4]);
    const seq = sequential({ layers: [timeDistributed({ layer: dense({ units: 3 }), inputShape: [7, 2] }), timeDistributed({ layer: dense({ units: 1 }) })] });
    const x = tf.ones([2, 7, 2]);
    const y = seq.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 7, 1]);
    tf.dispose([x, y]);
    seq.dispose();
  });

  it('SHAPE_MISMATCH for inputs of rank < 3 and for inputs other than those it was built for', () => {
    const error = caughtRidgeError(() => timeDistributed({ layer: dense({ units: 2 }), name: 'td_rank' }).apply(input({ shape: [3] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toBe("TimeDistributed 'td_rank': expected inputs of rank >= 3, [batch, time, ...]; received [null, 3].");
    const td = timeDistributed({ layer: dense({ units: 2 }), name: 'td_built' });
    const x = tf.ones([1, 2, 3]);
    tf.dispose(td.apply(x));
    const before = tf.memory().numTensors;
    const wrong = tf.ones([1, 2, 4]);
    const other = caughtRidgeError(() => td.apply(wrong));
    expect(other.code).toBe('SHAPE_MISMATCH');
    expect(other.message).toBe("TimeDistributed 'td_built': expected inputs of shape [null, null, 3], as it was built for; received [1, 2, 4].");
    const rank4 = tf.ones([1, 2, 3, 1]);
    expect(caughtRidgeError(() => td.apply(rank4)).code).toBe('SHAPE_MISMATCH');
    tf.dispose([wrong, rank4]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    td.dispose();
  });

  it('refuses models, merge layers and an activity regularizer of the layer; takes a config', () => {
    const before = tf.memory().numTensors;
    const inner = sequential({ layers: [dense({ units: 2, inputShape: [3] })] });
    expect(caughtRidgeError(() => timeDistributed({ layer: inner })).details).toMatchObject({ argument: 'layer' });
    inner.dispose();
    const activity = caughtRidgeError(() => timeDistributed({ layer: dense({ units: 2, activityRegularizer: 'l1' }) }));
    expect(activity.message).toContain('layer.activityRegularizer must be none');
    const unknown = caughtRidgeError(() => timeDistributed({ layer: { className: 'Dense2', config: { units: 2 } } }));
    expect(unknown.code).toBe('UNKNOWN_NAME');
    expect(unknown.message).toMatch(/^TimeDistributed '[^']+': layer: /);
    const fromConfig = new TimeDistributed({ layer: { className: 'Dense', config: { units: 2, name: 'td_inner' } } });
    expect(fromConfig.layer.name).toBe('td_inner');
    expect(fromConfig.getConfig()['layer']).toMatchObject({ className: 'Dense', config: { name: 'td_inner', units: 2 } });
    fromConfig.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes a mask over the time steps on: a recurrent layer after it skips the padding', () => {
    const build = (time: number, maskZero: boolean) => {
      const inp = input({ shape: [time] });
      const h = timeDistributed({ layer: dense({ units: 3, activation: 'tanh' }) }).apply(embedding({ inputDim: 10, outputDim: 4, maskZero }).apply(inp));
      const m = model({ inputs: inp, outputs: lstm({ units: 2 }).apply(h) });
      fix([m], 31);
      return m;
    };
    const a = build(5, true).predict(tf.tensor2d([[4, 2, 9, 0, 0]])) as tf.Tensor;
    const b = build(3, false).predict(tf.tensor2d([[4, 2, 9]])) as tf.Tensor;
    expectClose(a, numbers(b));
  });
});
