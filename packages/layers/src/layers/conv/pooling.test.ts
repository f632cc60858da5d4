import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import { RidgeError } from '@ridge/core';
import { l1, l2 } from '@ridge/regularizers';
import { expectConfigRoundTrip } from '@ridge/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { input, model } from '../../base.js';
import '../../register.js';
import type { Layer } from '../../engine/layer.js';
import {
  AveragePooling1D,
  AveragePooling2D,
  GlobalAveragePooling1D,
  GlobalAveragePooling2D,
  GlobalMaxPooling1D,
  GlobalMaxPooling2D,
  MaxPooling1D,
  MaxPooling2D,
  averagePooling1d,
  averagePooling2d,
  averagePooling3d,
  conv2d,
  globalAveragePooling1d,
  globalAveragePooling2d,
  globalMaxPooling1d,
  globalMaxPooling2d,
  maxPooling1d,
  maxPooling2d,
  type GlobalPoolingArgs,
  type PoolingArgs,
} from './index.js';
import './register.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

/** Distinct values (a permutation of i / n, shifted to [-0.5, 0.5)), so every window has one max. */
function distinct(n: number, seed: number): number[] {
  const step = [7, 11, 13, 17, 19, 23, 29, 31].find((p) => n % p !== 0)!;
  return Array.from({ length: n }, (_, i) => ((i * step + seed) % n) / n - 0.5);
}

const prod = (dims: readonly number[]) => dims.reduce((a, d) => a * d, 1);

function sameBefore(size: number, window: number, stride: number): number {
  const out = Math.ceil(size / stride);
  return Math.floor(Math.max((out - 1) * stride + window - size, 0) / 2);
}

interface Window {
  /** Output index (flat) and the flat input indices its window covers (real inputs only). */
  out: number;
  inputs: number[];
}

/** The windows of a 2-D channels-last pooling, by the Keras/TensorFlow rules. */
function windows2d(
  xShape: readonly [number, number, number, number],
  pool: readonly [number, number],
  strides: readonly [number, number],
  padding: 'valid' | 'same',
): { shape: number[]; windows: Window[] } {
  const [B, H, W, C] = xShape;
  const [ph, pw] = pool;
  const [sh, sw] = strides;
  const oh = padding === 'valid' ? Math.floor((H - ph) / sh) + 1 : Math.ceil(H / sh);
  const ow = padding === 'valid' ? Math.floor((W - pw) / sw) + 1 : Math.ceil(W / sw);
  const pt = padding === 'same' ? sameBefore(H, ph, sh) : 0;
  const pl = padding === 'same' ? sameBefore(W, pw, sw) : 0;
  const windows: Window[] = [];
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let c = 0; c < C; c++) {
          const inputs: number[] = [];
          for (let p = 0; p < ph; p++) {
            for (let q = 0; q < pw; q++) {
              const r = i * sh + p - pt;
              const col = j * sw + q - pl;
              if (r >= 0 && r < H && col >= 0 && col < W) inputs.push(((b * H + r) * W + col) * C + c);
            }
          }
          windows.push({ out: windows.length, inputs });
        }
      }
    }
  }
  return { shape: [B, oh, ow, C], windows };
}

function refPool(x: number[], windows: Window[], mode: 'max' | 'avg'): number[] {
  return windows.map((w) => {
    const vs = w.inputs.map((i) => x[i]!);
    return mode === 'max' ? Math.max(...vs) : vs.reduce((a, v) => a + v, 0) / vs.length;
  });
}

/** d sum(pool(x) * g) / dx, by the definition of max and mean. */
function refPoolGrad(x: number[], windows: Window[], g: number[], mode: 'max' | 'avg'): number[] {
  const dx = x.map(() => 0);
  for (const w of windows) {
    if (mode === 'avg') {
      for (const i of w.inputs) dx[i]! += g[w.out]! / w.inputs.length;
    } else {
      const arg = w.inputs.reduce((best, i) => (x[i]! > x[best]! ? i : best), w.inputs[0]!);
      dx[arg]! += g[w.out]!;
    }
  }
  return dx;
}

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * Math.max(1, Math.abs(expected[i]!))) {
      throw new Error(`element ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

function pair(v: number | readonly number[] | null | undefined, fallback: readonly [number, number]): [number, number] {
  if (v === undefined || v === null) return [...fallback];
  return typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];
}

// ---------------------------------------------------------------------------------------------

type PoolCase = { title: string; args: PoolingArgs; xShape: number[] };

const cases2d: PoolCase[] = [
  { title: 'defaults (2x2, strides = poolSize) on an odd width', args: {}, xShape: [2, 4, 5, 3] },
  { title: "'same' 3x3 strides 2", args: { poolSize: 3, strides: 2, padding: 'same' }, xShape: [1, 5, 6, 2] },
  { title: "'same' 2x2 strides 1 (padding after only)", args: { poolSize: 2, strides: 1, padding: 'same' }, xShape: [1, 3, 4, 1] },
  { title: 'valid [2, 3] strides [1, 2]', args: { poolSize: [2, 3], strides: [1, 2] }, xShape: [2, 4, 7, 2] },
];

const cases1d: PoolCase[] = [
  { title: 'defaults (2, strides = poolSize) on an odd length', args: {}, xShape: [2, 7, 2] },
  { title: "'same' 3 strides 2", args: { poolSize: 3, strides: 2, padding: 'same' }, xShape: [1, 8, 3] },
  { title: "'same' 4 strides 1", args: { poolSize: [4], strides: [1], padding: 'same' }, xShape: [2, 5, 1] },
  { title: 'valid 3 strides 1', args: { poolSize: 3, strides: 1 }, xShape: [1, 6, 2] },
];

/** A 1-D case as 2-D windows over height 1. */
function windowsFor(rank: 1 | 2, c: PoolCase) {
  if (rank === 2) {
    const [B, H, W, C] = c.xShape as [number, number, number, number];
    const pool = pair(c.args.poolSize, [2, 2]);
    return windows2d([B, H, W, C], pool, pair(c.args.strides, pool), c.args.padding ?? 'valid');
  }
  const [B, L, C] = c.xShape as [number, number, number];
  const p = pair(c.args.poolSize, [2, 2])[0];
  const s = pair(c.args.strides, [p, p])[0];
  const r = windows2d([B, 1, L, C], [1, p], [1, s], c.args.padding ?? 'valid');
  return { shape: [B, r.shape[2]!, C], windows: r.windows };
}

const poolLayers: { name: string; rank: 1 | 2; mode: 'max' | 'avg'; make: (a: PoolingArgs) => Layer; cases: PoolCase[] }[] = [
  { name: 'MaxPooling2D', rank: 2, mode: 'max', make: (a) => maxPooling2d(a), cases: cases2d },
  { name: 'AveragePooling2D', rank: 2, mode: 'avg', make: (a) => averagePooling2d(a), cases: cases2d },
  { name: 'MaxPooling1D', rank: 1, mode: 'max', make: (a) => maxPooling1d(a), cases: cases1d },
  { name: 'AveragePooling1D', rank: 1, mode: 'avg', make: (a) => averagePooling1d(a), cases: cases1d },
];

for (const P of poolLayers) {
  describe(`${P.name} (naive loop reference)`, () => {
    for (const c of P.cases) {
      it(`values and gradient: ${c.title}`, () => {
        const layer = P.make(c.args);
        const xv = distinct(prod(c.xShape), 3);
        const { shape, windows } = windowsFor(P.rank, c);
        const x = tf.tensor(xv, c.xShape);
        const y = layer.apply(x);
        expect(y.shape).toEqual(shape);
        expectClose(y.dataSync(), refPool(xv, windows, P.mode));
        // tfjs's own AvgPool gradient is wrong at 'same' borders; the layer's must not be.
        const gv = distinct(prod(shape), 5).map((v) => v + 1);
        const g = tf.tensor(gv, shape);
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t), g)))(x);
        expectClose(dx.dataSync(), refPoolGrad(xv, windows, gv, P.mode));
        tf.dispose([x, y, g, dx]);
      });
    }

    it('computeOutputShape agrees with predict, also for unknown sizes', () => {
      const c = P.cases[1]!;
      const sample = c.xShape.slice(1);
      for (const symbolic of [sample, sample.map((d, i) => (i === sample.length - 1 ? d : null))]) {
        const inp = input({ shape: symbolic });
        const layer = P.make(c.args);
        const out = layer.apply(inp);
        const m = model({ inputs: inp, outputs: out });
        const x = tf.ones(c.xShape);
        const y = m.predict(x) as tf.Tensor;
        expect(y.shape).toEqual(layer.computeOutputShape(c.xShape));
        expect(y.shape).toEqual(windowsFor(P.rank, c).shape);
        expect(out.shape.length).toBe(y.shape.length);
        out.shape.forEach((d, i) => expect(d === null ? i === 0 || symbolic[i - 1] === null : d === y.shape[i]).toBe(true));
        tf.dispose([x, y]);
        m.dispose();
      }
    });

    it('activityRegularizer adds its penalty', () => {
      const c = P.cases[0]!;
      const inp = input({ shape: c.xShape.slice(1) });
      const layer = P.make({ ...c.args, name: `${P.name.toLowerCase()}_act`, activityRegularizer: l2(0.5) });
      const m = model({ inputs: inp, outputs: layer.apply(inp) });
      const xv = distinct(prod(c.xShape), 9);
      const x = tf.tensor(xv, c.xShape);
      const { terms } = m.penalties(x);
      const y = refPool(xv, windowsFor(P.rank, c).windows, P.mode);
      expect(terms.map((t) => t.path)).toEqual([`${layer.name}/activity`]);
      expect(terms[0]!.value).toBeCloseTo((0.5 * y.reduce((a, v) => a + v * v, 0)) / c.xShape[0]!, 5);
      x.dispose();
      m.dispose();
    });

    it('config: Keras fields, round trip', () => {
      const layer = P.make({ name: `${P.name.toLowerCase()}_cfg` });
      const two = P.rank === 2 ? [2, 2] : [2];
      expect(layer.getConfig()).toMatchObject({ poolSize: two, strides: two, padding: 'valid', dataFormat: 'channels_last' });
      const custom = P.make({ ...P.cases[1]!.args, name: `${P.name.toLowerCase()}_cfg2`, activityRegularizer: l1(0.25) });
      expectConfigRoundTrip(custom, 'layer');
      const copy = P.make({ ...(custom.getConfig() as PoolingArgs), name: 'copy_of_pool' });
      expect({ ...copy.getConfig(), name: custom.name }).toEqual(custom.getConfig());
    });

    it('argument errors name the layer, the argument and the value', () => {
      const bad: [PoolingArgs, string, string][] = [
        [{ poolSize: 0 }, 'poolSize', '0'],
        [{ poolSize: P.rank === 2 ? [2] : [2, 2] }, 'poolSize', P.rank === 2 ? '[2]' : '[2, 2]'],
        [{ strides: -1 }, 'strides', '-1'],
        [{ padding: 'causal' as 'same' }, 'padding', '"causal"'],
        [{ dataFormat: 'channels_first' as 'channels_last' }, 'dataFormat', '"channels_first"'],
      ];
      for (const [args, argument, received] of bad) {
        let error: unknown;
        try {
          P.make({ ...args, name: 'bad_pool' });
        } catch (e) {
          error = e;
        }
        expect(RidgeError.is(error, 'INVALID_ARGUMENT')).toBe(true);
        const message = (error as Error).message;
        expect(message).toContain(`${P.name} 'bad_pool'`);
        expect(message).toContain(argument);
        expect(message).toContain(received);
      }
    });

    it('shape errors: wrong rank, window larger than the input', () => {
      const wrong = P.rank === 2 ? [4, 2] : [4, 4, 2];
      expect(() => P.make({ name: 'pool_rank' }).apply(input({ shape: wrong }))).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining(`rank ${P.rank + 2}`) }),
      );
      const small = P.rank === 2 ? [2, 5, 1] : [2, 1];
      expect(() => P.make({ name: 'pool_small', poolSize: 3 }).apply(input({ shape: small }))).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringMatching(/'pool_small'.*\[null, .*poolSize/) }),
      );
      // 'same' padding has no minimum size.
      expect(P.make({ poolSize: 3, padding: 'same' }).apply(input({ shape: small })).shape).toEqual(P.rank === 2 ? [null, 1, 2, 1] : [null, 1, 1]);
    });
  });
}

describe('average pooling of int32 inputs', () => {
  it("averages them as float32, 'valid' and 'same', in 1-D, 2-D and 3-D (tfjs-core's avgPool takes float32 only)", () => {
    // Steps [1, 2, 4, 7], pool 2: 'valid' windows [1, 2], [4, 7]. 'same' with pool 3, stride 2:
    // 2 outputs, TensorFlow pads max((2 - 1) * 2 + 3 - 4, 0) = 1 step, 0 before and 1 after, so
    // windows [1, 2, 4] and [4, 7, pad] (2 real): 7 / 3 and 11 / 2.
    const steps = [1, 2, 4, 7];
    const cases = [
      [averagePooling1d({ poolSize: 2 }), [1, 4, 1], [1.5, 5.5]],
      [averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }), [1, 4, 1], [7 / 3, 11 / 2]],
      [averagePooling2d({ poolSize: [1, 2] }), [1, 1, 4, 1], [1.5, 5.5]],
      [averagePooling3d({ poolSize: [1, 1, 3], strides: 2, padding: 'same' }), [1, 1, 1, 4, 1], [7 / 3, 11 / 2]],
    ] as const;
    for (const [layer, shape, want] of cases) {
      const x = tf.tensor(steps, [...shape], 'int32');
      const y = layer.apply(x) as tf.Tensor;
      expect(y.dtype).toBe('float32');
      expectClose(y.dataSync(), want);
      tf.dispose([x, y]);
    }
  });
});

describe('global pooling', () => {
  const globals: { name: string; rank: 1 | 2; mode: 'max' | 'avg'; make: (a: GlobalPoolingArgs) => Layer }[] = [
    { name: 'GlobalAveragePooling1D', rank: 1, mode: 'avg', make: (a) => globalAveragePooling1d(a) },
    { name: 'GlobalAveragePooling2D', rank: 2, mode: 'avg', make: (a) => globalAveragePooling2d(a) },
    { name: 'GlobalMaxPooling1D', rank: 1, mode: 'max', make: (a) => globalMaxPooling1d(a) },
    { name: 'GlobalMaxPooling2D', rank: 2, mode: 'max', make: (a) => globalMaxPooling2d(a) },
  ];

  /** Reduce over every axis but the first and the last. */
  function refGlobal(x: number[], shape: number[], mode: 'max' | 'avg'): number[] {
    const B = shape[0]!;
    const C = shape[shape.length - 1]!;
    const S = prod(shape.slice(1, -1));
    const out: number[] = [];
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const vs = Array.from({ length: S }, (_, s) => x[(b * S + s) * C + c]!);
        out.push(mode === 'max' ? Math.max(...vs) : vs.reduce((a, v) => a + v, 0) / S);
      }
    }
    return out;
  }

  for (const G of globals) {
    it(`${G.name}: values, keepdims, output shapes, gradient`, () => {
      const xShape = G.rank === 2 ? [2, 3, 4, 3] : [3, 5, 2];
      const xv = distinct(prod(xShape), 2);
      const x = tf.tensor(xv, xShape);
      const expected = refGlobal(xv, xShape, G.mode);
      const C = xShape[xShape.length - 1]!;
      for (const keepdims of [false, true]) {
        const inp = input({ shape: xShape.slice(1) });
        const layer = G.make({ keepdims });
        const out = layer.apply(inp);
        const wantShape = keepdims ? [xShape[0]!, ...new Array<number>(G.rank).fill(1), C] : [xShape[0]!, C];
        expect(out.shape).toEqual([null, ...wantShape.slice(1)]);
        const m = model({ inputs: inp, outputs: out });
        const y = m.predict(x) as tf.Tensor;
        expect(y.shape).toEqual(wantShape);
        expect(layer.computeOutputShape(xShape)).toEqual(wantShape);
        expectClose(y.dataSync(), expected);
        tf.dispose(y);
        m.dispose();
      }
      const layer = G.make({});
      const g = tf.tensor(distinct(expected.length, 1), [xShape[0]!, C]);
      const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t), g)))(x);
      const gv = Array.from(g.dataSync());
      const S = prod(xShape.slice(1, -1));
      const want = xv.map((v, i) => {
        const c = i % C;
        const b = Math.floor(i / (S * C));
        const o = b * C + c;
        if (G.mode === 'avg') return gv[o]! / S;
        return v === expected[o] ? gv[o]! : 0;
      });
      expectClose(dx.dataSync(), want);
      tf.dispose([x, g, dx]);
    });

    it(`${G.name}: activity penalty, config round trip, errors`, () => {
      const xShape = G.rank === 2 ? [2, 2, 3, 2] : [2, 4, 2];
      const inp = input({ shape: xShape.slice(1) });
      const layer = G.make({ name: `${G.name.toLowerCase()}_x`, activityRegularizer: l1(0.5), keepdims: true });
      const m = model({ inputs: inp, outputs: layer.apply(inp) });
      const xv = distinct(prod(xShape), 4);
      const x = tf.tensor(xv, xShape);
      const [term] = m.penalties(x).terms;
      expect(term!.path).toBe(`${layer.name}/activity`);
      expect(term!.value).toBeCloseTo((0.5 * refGlobal(xv, xShape, G.mode).reduce((a, v) => a + Math.abs(v), 0)) / 2, 5);
      x.dispose();
      m.dispose();

      expect(layer.getConfig()).toMatchObject({ dataFormat: 'channels_last', keepdims: true });
      expect(G.make({}).getConfig()).toMatchObject({ keepdims: false });
      expectConfigRoundTrip(layer, 'layer');

      expect(() => G.make({ name: 'bad_global', keepdims: 'yes' as unknown as boolean })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(new RegExp(`${G.name} 'bad_global'.*keepdims.*"yes"`)) }),
      );
      expect(() => G.make({ name: 'bad_global', ...({ dataFormat: 'channels_first' } as object) })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/dataFormat.*"channels_first"/) }),
      );
      expect(() => G.make({ name: 'global_rank' }).apply(input({ shape: G.rank === 2 ? [3, 2] : [3, 3, 2] }))).toThrow(
        expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining(`${G.name} 'global_rank'`) }),
      );
    });
  }
});

describe('pooling in a trained convnet', () => {
  it("conv -> avg 'same' -> max -> global avg trains with correct gradients and leaks nothing", async () => {
    const start = tf.memory().numTensors;
    const inp = input({ shape: [5, 5, 1] });
    const conv = conv2d({ filters: 2, kernelSize: 2, padding: 'same' });
    let h = conv.apply(inp);
    h = averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(h);
    h = maxPooling2d({ poolSize: 2, padding: 'same' }).apply(h);
    const out = globalAveragePooling2d({}).apply(h);
    expect(out.shape).toEqual([null, 2]);
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor(distinct(4 * 25, 1), [4, 5, 5, 1]);
    const y = tf.ones([4, 2]);
    const before = conv.weights.map((w) => Array.from(w.read().dataSync()));
    const beforePredict = tf.memory().numTensors;
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(beforePredict);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    const afterFirst = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    conv.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).not.toEqual(before[i]));
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('the classes carry their Keras names', () => {
    expect([MaxPooling1D, MaxPooling2D, AveragePooling1D, AveragePooling2D].map((c) => c.className)).toEqual([
      'MaxPooling1D',
      'MaxPooling2D',
      'AveragePooling1D',
      'AveragePooling2D',
    ]);
    expect([GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D].map((c) => c.className)).toEqual([
      'GlobalAveragePooling1D',
      'GlobalAveragePooling2D',
      'GlobalMaxPooling1D',
      'GlobalMaxPooling2D',
    ]);
  });
});
