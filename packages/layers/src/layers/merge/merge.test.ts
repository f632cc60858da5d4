import { RidgeError } from '@ridge/core';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dense, input, model, sequential, type Layer, type SymbolicTensor } from '../../index.js';
import { caughtRidgeError, expectClose, type Mat } from '../../../test/fixtures.js';
import { numbers, useCpu } from '../../../test/setup.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot, maximum, minimum, multiply, subtract } from './index.js';

useCpu();

const A: Mat = [[1, -2, 3], [4, 5, -6]];
const B: Mat = [[0.5, 2, -1], [-3, 1, 2]];
const C: Mat = [[2, 0, 1], [1, 7, -7]];

/** Elementwise over equal-shape matrices, written out. */
function zipWith(f: (...v: number[]) => number, ...ms: Mat[]): Mat {
  return ms[0]!.map((row, i) => row.map((_, j) => f(...ms.map((m) => m[i]![j]!))));
}

/** Applies `layer` to real tensors and returns the values, freeing every tensor. */
function eager(layer: Layer, ...ms: Mat[]): number[] {
  const xs = ms.map((m) => tf.tensor2d(m));
  const out = layer.apply(xs);
  const v = numbers(out);
  tf.dispose([...xs, out]);
  return v;
}

describe('elementwise merges: values', () => {
  const cases: [string, () => Layer, Mat[], (...v: number[]) => number][] = [
    ['add (2 inputs)', () => add(), [A, B], (a, b) => a + b],
    ['add (3 inputs)', () => add(), [A, B, C], (a, b, c) => a + b + c],
    ['subtract', () => subtract(), [A, B], (a, b) => a - b],
    ['multiply', () => multiply(), [A, B, C], (a, b, c) => a * b * c],
    ['average', () => average(), [A, B, C], (a, b, c) => (a + b + c) / 3],
    ['maximum', () => maximum(), [A, B, C], (a, b, c) => Math.max(a, b, c)],
    ['minimum', () => minimum(), [A, B, C], (a, b, c) => Math.min(a, b, c)],
    ['add (1 input, as Keras 3 allows)', () => add(), [A], (a) => a],
    ['average (1 input)', () => average(), [A], (a) => a],
  ];
  for (const [name, make, inputs, f] of cases) {
    it(`${name}: eager and in a model, against the formula`, () => {
      const start = tf.memory().numTensors;
      const expected = zipWith(f, ...inputs).flat();
      expectClose(eager(make(), ...inputs), expected);
      const ins = inputs.map(() => input({ shape: [3] }));
      const out = make().apply(ins);
      expect(out.shape).toEqual([null, 3]);
      const m = model({ inputs: ins, outputs: out });
      const xs = inputs.map((x) => tf.tensor2d(x));
      const y = m.predict(xs) as tf.Tensor;
      expect(y.shape).toEqual([2, 3]);
      expectClose(y, expected);
      tf.dispose([...xs, y]);
      m.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it('integer inputs are merged as float32, as the symbolic output says', () => {
    const a = tf.tensor2d([[1, 2]], [1, 2], 'int32');
    const b = tf.tensor2d([[2, 3]], [1, 2], 'int32');
    const out = average().apply([a, b]);
    expect(out.dtype).toBe('float32');
    expectClose(out, [(1 + 2) / 2, (2 + 3) / 2]);
    tf.dispose([a, b, out]);
  });
});

describe('elementwise merges: shapes (Keras 3 rules)', () => {
  it('equal shapes keep the shape; a known batch size wins over null', () => {
    expect(add().apply([input({ shape: [4, 3] }), input({ shape: [4, 3] })]).shape).toEqual([null, 4, 3]);
    expect(add().apply([input({ batchShape: [5, 3] }), input({ shape: [3] })]).shape).toEqual([5, 3]);
  });

  it('size 1 broadcasts against any size, and null (unknown) gives null', () => {
    expect(multiply().apply([input({ shape: [1, 3] }), input({ shape: [4, 3] })]).shape).toEqual([null, 4, 3]);
    expect(multiply().apply([input({ shape: [4, 1] }), input({ shape: [1, 3] })]).shape).toEqual([null, 4, 3]);
    expect(add().apply([input({ shape: [null, 3] }), input({ shape: [4, 3] })]).shape).toEqual([null, null, 3]);
  });

  it('lower-rank inputs align from the last axis (axes of size 1 inserted after the batch axis)', () => {
    expect(add().apply([input({ shape: [3] }), input({ shape: [4, 3] })]).shape).toEqual([null, 4, 3]);
    // x[b, k] + y[b, j, k]: x is expanded to [b, 1, k].
    const x: Mat = [[1, 2, 3], [-1, -2, -3]];
    const y = [[[10, 20, 30], [40, 50, 60]], [[1, 1, 1], [2, 2, 2]]];
    const xt = tf.tensor2d(x);
    const yt = tf.tensor3d(y);
    const out = add().apply([xt, yt]);
    expect(out.shape).toEqual([2, 2, 3]);
    expectClose(out, y.flatMap((rows, b) => rows.flatMap((row) => row.map((v, k) => v + x[b]![k]!))));
    // and in the other order, for a merge that is not symmetric
    const diff = subtract().apply([yt, xt]);
    expectClose(diff, y.flatMap((rows, b) => rows.flatMap((row) => row.map((v, k) => v - x[b]![k]!))));
    tf.dispose([xt, yt, out, diff]);
  });

  it('broadcasts size 1 in real tensors too: [b, 1, 3] * [b, 2, 3]', () => {
    const x = tf.tensor3d([[[1, 2, 3]]]);
    const y = tf.tensor3d([[[1, 1, 1], [2, 3, 4]]]);
    const out = multiply().apply([x, y]);
    expectClose(out, [1, 2, 3, 2, 6, 12]);
    tf.dispose([x, y, out]);
  });
});

describe('Concatenate', () => {
  it('joins on the last axis by default, and on any axis given', () => {
    const a = input({ shape: [2, 3] });
    const b = input({ shape: [2, 5] });
    expect(concatenate().apply([a, b]).shape).toEqual([null, 2, 8]);
    expect(concatenate({ axis: 1 }).apply([a, input({ shape: [4, 3] })]).shape).toEqual([null, 6, 3]);
    expect(concatenate({ axis: -2 }).apply([a, input({ shape: [null, 3] })]).shape).toEqual([null, null, 3]);
    expect(concatenate().apply([input({ shape: [null, 3] }), input({ shape: [4, 3] })]).shape).toEqual([null, 4, 6]);
    expect(new Concatenate().axis).toBe(-1);
  });

  it('values: rows side by side, or stacked along axis 1', () => {
    expectClose(eager(concatenate(), A, B), A.flatMap((row, i) => [...row, ...B[i]!]));
    const x = tf.tensor3d([[[1, 2]], [[3, 4]]]);
    const y = tf.tensor3d([[[5, 6], [7, 8]], [[9, 10], [11, 12]]]);
    const out = concatenate({ axis: 1 }).apply([x, y]);
    expect(out.shape).toEqual([2, 3, 2]);
    expectClose(out, [1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
    tf.dispose([x, y, out]);
  });
});

/** sum_k x[k] y[k] */
const inner = (x: readonly number[], y: readonly number[]): number => x.reduce((s, v, k) => s + v * y[k]!, 0);
const norm = (x: readonly number[]): number => Math.sqrt(inner(x, x));

describe('Dot', () => {
  it('two vectors per sample: [b, n] . [b, n] -> [b, 1]', () => {
    const out = input({ shape: [3] });
    expect(dot({ axes: 1 }).apply([out, input({ shape: [3] })]).shape).toEqual([null, 1]);
    expectClose(eager(dot({ axes: -1 }), A, B), A.map((row, i) => inner(row, B[i]!)));
    expectClose(eager(dot({ axes: [1, 1] }), A, B), A.map((row, i) => inner(row, B[i]!)));
  });

  it('normalize: true gives the cosine similarity', () => {
    expectClose(eager(dot({ axes: 1, normalize: true }), A, B), A.map((row, i) => inner(row, B[i]!) / (norm(row) * norm(B[i]!))));
  });

  it('normalize: a zero vector gives 0 and a finite gradient (norms below epsilon count as epsilon)', () => {
    const x = tf.tensor2d([[0, 0, 0]]);
    const y = tf.tensor2d([[1, 2, 3]]);
    const layer = dot({ axes: 1, normalize: true });
    const out = layer.apply([x, y]);
    expectClose(out, [0]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(layer.apply([a, b])))([x, y]);
    // d/dx of (x / 1e-7) . (y / |y|) at x = 0 is y / (|y| 1e-7)
    const scaled = tf.div(grads[0]!, 1e7);
    expectClose(scaled, [1, 2, 3].map((v) => v / norm([1, 2, 3])), 4);
    for (const g of grads) expect(numbers(g).every(Number.isFinite)).toBe(true);
    tf.dispose([x, y, out, scaled, ...grads]);
  });

  it('batched matrix products: [b, 2, 3] . [b, 3, 4] on axes [2, 1], and [b, 3, 2] . [b, 3, 4] on axes 1', () => {
    const xs = [[[1, 2, 3], [4, 5, 6]], [[-1, 0, 2], [3, -2, 1]]];
    const ys = [
      [[1, 0, 2, -1], [0, 1, 1, 2], [3, -1, 0, 1]],
      [[2, 2, 0, 1], [1, -1, 3, 0], [0, 1, 1, -2]],
    ];
    // out[b][i][j] = sum_k x[b][i][k] y[b][k][j]
    const expected = xs.map((x, b) => x.map((row) => ys[b]![0]!.map((_, j) => row.reduce((s, v, k) => s + v * ys[b]![k]![j]!, 0))));
    const x = tf.tensor3d(xs);
    const y = tf.tensor3d(ys);
    expect(dot({ axes: [2, 1] }).apply([input({ shape: [2, 3] }), input({ shape: [3, 4] })]).shape).toEqual([null, 2, 4]);
    const out = dot({ axes: [2, 1] }).apply([x, y]);
    expect(out.shape).toEqual([2, 2, 4]);
    expectClose(out, expected.flat(2));
    // the same product with x given transposed, [b, 3, 2], and axes 1 for both
    const xT = tf.transpose(x, [0, 2, 1]);
    const out2 = dot({ axes: 1 }).apply([xT, y]);
    expect(out2.shape).toEqual([2, 2, 4]);
    expectClose(out2, expected.flat(2));
    tf.dispose([x, y, xT, out, out2]);
  });

  it('a matrix and a vector: [b, 2, 3] . [b, 3] -> [b, 2]', () => {
    const xs = [[[1, 2, 3], [4, 5, 6]]];
    const ys = [[1, -1, 2]];
    expect(dot({ axes: [2, 1] }).apply([input({ shape: [2, 3] }), input({ shape: [3] })]).shape).toEqual([null, 2]);
    const x = tf.tensor3d(xs);
    const y = tf.tensor2d(ys);
    const out = dot({ axes: [-1, -1] }).apply([x, y]);
    expect(out.shape).toEqual([1, 2]);
    expectClose(out, xs[0]!.map((row) => inner(row, ys[0]!)));
    tf.dispose([x, y, out]);
  });

  it('keeps its arguments', () => {
    const d = new Dot({ axes: [1, 2], normalize: true });
    expect([d.axes, d.normalize]).toEqual([[1, 2], true]);
    expect(dot({ axes: -1 }).normalize).toBe(false);
  });
});

describe('gradients reach every input', () => {
  const W: Mat = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
  /** The gradient of sum(W * layer([...inputs])) with respect to each input. */
  function gradsOf(layer: Layer, ...ms: Mat[]): number[][] {
    const xs = ms.map((m) => tf.tensor2d(m));
    const w = tf.tensor2d(W);
    const gs = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(layer.apply(args), w)))(xs);
    const out = gs.map(numbers);
    tf.dispose([...xs, w, ...gs]);
    return out;
  }
  const flat = (m: Mat): number[] => m.flat();

  it('add, subtract, multiply, average', () => {
    expect(gradsOf(add(), A, B, C)).toEqual([flat(W), flat(W), flat(W)]);
    expect(gradsOf(subtract(), A, B)).toEqual([flat(W), flat(W).map((v) => -v)]);
    const g = gradsOf(multiply(), A, B);
    expectClose(g[0]!, flat(zipWith((w, b) => w * b, W, B)));
    expectClose(g[1]!, flat(zipWith((w, a) => w * a, W, A)));
    for (const gi of gradsOf(average(), A, B, C)) expectClose(gi, flat(W).map((v) => v / 3));
  });

  it('maximum and minimum: to the input that was chosen, the first one where they tie', () => {
    const tie: Mat = [[1, 0, 0], [0, 0, 0]];
    const other: Mat = [[1, 5, -5], [2, 0, -1]];
    const [gMax1, gMax2] = gradsOf(maximum(), tie, other);
    expectClose(gMax1!, flat(zipWith((w, a, b) => (a >= b ? w : 0), W, tie, other)));
    expectClose(gMax2!, flat(zipWith((w, a, b) => (a >= b ? 0 : w), W, tie, other)));
    const [gMin1, gMin2] = gradsOf(minimum(), tie, other);
    expectClose(gMin1!, flat(zipWith((w, a, b) => (a <= b ? w : 0), W, tie, other)));
    expectClose(gMin2!, flat(zipWith((w, a, b) => (a <= b ? 0 : w), W, tie, other)));
  });

  it('concatenate and dot', () => {
    const x: Mat = [[1, 2], [3, 4]];
    const y: Mat = [[5], [6]];
    const [gx, gy] = gradsOf(concatenate(), x, y);
    expect(gx).toEqual(W.flatMap((row) => row.slice(0, 2)));
    expect(gy).toEqual(W.flatMap((row) => row.slice(2)));
    // out[b] = sum_k a[b][k] b[b][k] weighted by w[b] = W[b][0]: d/da = w[b] * b[b]
    const xs = [tf.tensor2d(A), tf.tensor2d(B)];
    const w = tf.tensor2d([[W[0]![0]!], [W[1]![0]!]]);
    const gs = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(dot({ axes: 1 }).apply([a, b]), w)))(xs);
    expectClose(gs[0]!, B.flatMap((row, i) => row.map((v) => v * W[i]![0]!)));
    expectClose(gs[1]!, A.flatMap((row, i) => row.map((v) => v * W[i]![0]!)));
    tf.dispose([...xs, w, ...gs]);
  });

  it('a residual block add([x, dense(x)]) trains both paths: one SGD step as computed by hand', async () => {
    const start = tf.memory().numTensors;
    // h = x + (x K + c); p = h v; loss = mean_i (p_i - y_i)^2
    const X: Mat = [[1, 2], [-1, 0.5], [0.25, -2]];
    const Y = [1, -1, 0.5];
    const K: Mat = [[0.5, -0.25], [0.1, 0.3]];
    const c = [0.2, -0.1];
    const v = [0.7, -0.4];
    const lr = 0.1;
    const inp = input({ shape: [2] });
    const d = dense({ units: 2, name: 'res_dense' });
    const h = add({ name: 'res_add' }).apply([inp, d.apply(inp)]);
    const head = dense({ units: 1, useBias: false, name: 'res_head' });
    const m = model({ inputs: inp, outputs: head.apply(h) });
    const set = (layer: Layer, ws: tf.Tensor[]): void => {
      layer.setWeights(ws);
      tf.dispose(ws);
    };
    set(d, [tf.tensor2d(K), tf.tensor1d(c)]);
    set(head, [tf.tensor2d(v.map((e) => [e]))]);
    m.compile({ optimizer: sgd(lr), loss: 'meanSquaredError' });

    const n = X.length;
    const H = X.map((x) => x.map((xi, j) => xi + x[0]! * K[0]![j]! + x[1]! * K[1]![j]! + c[j]!));
    const P = H.map((hRow) => inner(hRow, v));
    const G = P.map((p, i) => (2 * (p - Y[i]!)) / n); // dloss/dp_i
    const gradV = v.map((_, j) => G.reduce((s, g, i) => s + g * H[i]![j]!, 0));
    const gradK = K.map((row, a) => row.map((_, j) => G.reduce((s, g, i) => s + g * X[i]![a]! * v[j]!, 0)));
    const gradC = c.map((_, j) => G.reduce((s, g) => s + g * v[j]!, 0));

    const xs = tf.tensor2d(X);
    const ys = tf.tensor2d(Y.map((e) => [e]));
    // the skip path carries the gradient to the input: d(sum p)/dx = v + K v
    const gx = tf.grad((x: tf.Tensor) => tf.sum(m.apply(x)))(xs);
    const Kv = K.map((row) => inner(row, v));
    expectClose(gx, X.flatMap(() => v.map((e, a) => e + Kv[a]!)));
    gx.dispose();
    const history = await m.fit(xs, ys, { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
    expect(history.history['loss']![0]).toBeCloseTo(P.reduce((s, p, i) => s + (p - Y[i]!) ** 2, 0) / n, 5);
    expectClose(d.kernel.read(), K.flatMap((row, a) => row.map((k, j) => k - lr * gradK[a]![j]!)));
    expectClose(d.bias!.read(), c.map((e, j) => e - lr * gradC[j]!));
    expectClose(head.kernel.read(), v.map((e, j) => e - lr * gradV[j]!));
    tf.dispose([xs, ys]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});

describe('errors name the layer, the argument and what was received; nothing changes', () => {
  type Case = [string, () => unknown, RidgeError['code'], string, RegExp];
  const sym = (...shapes: (number | null)[][]): SymbolicTensor[] => shapes.map((s) => input({ shape: s }));
  const cases: Case[] = [
    ['add: different sizes', () => add({ name: 'bad_add' }).apply(sym([3], [4])), 'SHAPE_MISMATCH', 'inputs', /Add 'bad_add'.*incompatible shapes.*\[null, 3\] and \[null, 4\]/],
    ['maximum: different batch sizes', () => maximum({ name: 'bad_max' }).apply([input({ batchShape: [2, 3] }), input({ batchShape: [3, 3] })]), 'SHAPE_MISMATCH', 'inputs', /Maximum 'bad_max'.*different batch sizes.*\[2, 3\] and \[3, 3\]/],
    ['multiply: rank 3 against rank 2 that does not align', () => multiply({ name: 'bad_mul' }).apply(sym([4, 3], [4])), 'SHAPE_MISMATCH', 'inputs', /\[null, 4, 3\] and \[null, 4\]/],
    ['subtract: three inputs', () => subtract({ name: 'bad_sub' }).apply(sym([3], [3], [3])), 'INVALID_ARGUMENT', 'inputs', /Subtract 'bad_sub': inputs must be a list of exactly 2 tensors; received "3 tensors"/],
    ['add: no list', () => add({ name: 'bad_one' }).apply(input({ shape: [3] })), 'INVALID_ARGUMENT', 'inputs', /Add 'bad_one': inputs must be a list.*one tensor of shape \[null, 3\], not in a list/],
    ['average: empty list', () => average({ name: 'bad_empty' }).apply([]), 'INVALID_ARGUMENT', 'inputs', /Average 'bad_empty'/],
    ['concatenate: different ranks', () => concatenate({ name: 'bad_cat' }).apply(sym([3], [2, 3])), 'SHAPE_MISMATCH', 'inputs', /Concatenate 'bad_cat'.*same rank.*\[null, 3\] and \[null, 2, 3\]/],
    ['concatenate: another axis differs', () => concatenate({ name: 'bad_cat2' }).apply(sym([2, 3], [4, 3])), 'SHAPE_MISMATCH', 'inputs', /axis 1 differs.*\[null, 2, 3\] and \[null, 4, 3\]/],
    ['concatenate: axis out of range', () => concatenate({ name: 'bad_cat3', axis: 3 }).apply(sym([2], [2])), 'SHAPE_MISMATCH', 'axis', /axis 3 is out of range for inputs of rank 2/],
    ['concatenate: axis not an integer', () => concatenate({ name: 'bad_cat4', axis: 1.5 }), 'INVALID_ARGUMENT', 'axis', /axis must be an integer; received 1.5/],
    ['dot: sizes differ on the axes', () => dot({ name: 'bad_dot', axes: 1 }).apply(sym([3], [4])), 'SHAPE_MISMATCH', 'axes', /Dot 'bad_dot'.*axes \[1, 1\] differ \(3 != 4\).*\[null, 3\] and \[null, 4\]/],
    ['dot: three inputs', () => dot({ name: 'bad_dot2', axes: 1 }).apply(sym([3], [3], [3])), 'INVALID_ARGUMENT', 'inputs', /exactly 2 tensors/],
    ['dot: axis beyond the rank', () => dot({ name: 'bad_dot3', axes: [2, 1] }).apply(sym([3], [3])), 'SHAPE_MISMATCH', 'axes', /axis 2 of input 0 is out of range/],
    ['dot: a negative axis that is the batch axis', () => dot({ name: 'bad_dot4', axes: -2 }).apply(sym([3], [3])), 'SHAPE_MISMATCH', 'axes', /axis -2 of input 0/],
    ['dot: rank 1 inputs', () => dot({ name: 'bad_dot5', axes: -1 }).apply(sym([], [])), 'SHAPE_MISMATCH', 'inputs', /rank >= 2/],
    ['dot: axes 0', () => dot({ name: 'bad_dot6', axes: 0 }), 'INVALID_ARGUMENT', 'axes', /axes must be a non-zero integer or a list of two.*received 0/],
    ['dot: one axis in a list', () => dot({ name: 'bad_dot7', axes: [1] as never }), 'INVALID_ARGUMENT', 'axes', /received \[1\]/],
    ['dot: no axes', () => dot({ name: 'bad_dot8' } as never), 'INVALID_ARGUMENT', 'axes', /received undefined/],
    ['dot: normalize not a boolean', () => dot({ name: 'bad_dot9', axes: 1, normalize: 'yes' as never }), 'INVALID_ARGUMENT', 'normalize', /normalize must be true or false; received "yes"/],
  ];
  for (const [name, make, code, argument, message] of cases) {
    it(name, () => {
      const start = tf.memory().numTensors;
      const error = caughtRidgeError(make);
      expect(error.code).toBe(code);
      expect(error.details).toMatchObject({ argument });
      expect(error.message).toMatch(message);
      expect(tf.memory().numTensors).toBe(start);
    });
  }

  it('real tensors are checked on every call, not only the first, and a rejected call frees what it made', () => {
    const layer = add({ name: 'eager_add' });
    const a = tf.zeros([2, 3]);
    const b = tf.ones([2, 3]);
    const c = tf.ones([2, 4]);
    const d = tf.ones([3, 3]);
    tf.dispose(layer.apply([a, b]));
    const start = tf.memory().numTensors;
    expect(caughtRidgeError(() => layer.apply([a, c])).message).toMatch(/Add 'eager_add'.*\[2, 3\] and \[2, 4\]/);
    expect(caughtRidgeError(() => layer.apply([a, d])).message).toMatch(/different batch sizes.*\[2, 3\] and \[3, 3\]/);
    expect(caughtRidgeError(() => concatenate().apply([a, tf.ones([2, 3, 1])])).code).toBe('SHAPE_MISMATCH');
    expect(tf.memory().numTensors).toBe(start + 1); // the tf.ones above, made by the test
    const e = caughtRidgeError(() => dot({ axes: 1, normalize: true }).apply([a, c]));
    expect(e.message).toMatch(/\(3 != 4\)/);
    expect(tf.memory().numTensors).toBe(start + 1);
    tf.dispose([a, b, c, d]);
  });

  it('a symbolic call is checked on every call too, and a rejected one adds no node', () => {
    const layer = add({ name: 'sym_add' });
    layer.apply(sym([3], [3]));
    expect(() => layer.apply(sym([3], [4]))).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH' }));
    expect(layer.inboundNodes).toHaveLength(1);
  });

  it('a merge layer in a sequential model is refused: it needs a list', () => {
    const error = caughtRidgeError(() => sequential({ layers: [dense({ units: 2, inputShape: [3] }), add({ name: 'seq_add' })] }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/Add 'seq_add': inputs must be a list/);
  });
});

describe('classes', () => {
  it('each class has its Keras name, and its factory makes one', () => {
    const made: [Layer, { className: string }][] = [
      [add(), Add],
      [subtract(), Subtract],
      [multiply(), Multiply],
      [average(), Average],
      [maximum(), Maximum],
      [minimum(), Minimum],
      [concatenate(), Concatenate],
      [dot({ axes: 1 }), Dot],
    ];
    for (const [layer, cls] of made) {
      expect(layer).toBeInstanceOf(cls as never);
      expect(layer.className).toBe(cls.className);
      expect(layer.weights).toEqual([]);
    }
    expect(made.map(([l]) => l.className)).toEqual(['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot']);
  });
});
