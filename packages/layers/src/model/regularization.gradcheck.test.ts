/**
 * Every regularizer on every weight role, through a model: the penalty gradient that training
 * applies equals the central finite difference of `model.penalties().total` with respect to that
 * weight.
 *
 * How the applied gradient is read: the model is compiled with `lossWeights: [0]` (the data loss
 * contributes nothing to the gradient) and `sgd({ learningRate: 1 })`, so one `fit` step moves the
 * weight by exactly minus its penalty gradient: `applied = w_before - w_after`. The built-in
 * regularizers take the analytic fast path (`gradient()`); a plugin without `gradient()` takes the
 * taped path (autodiff of `apply`); both are checked.
 *
 * Tolerances (float32): the penalty is a float32 sum of O(10) terms of size O(0.1), so each
 * `penalties().total` is off by ~1e-7; divided by 2h = 2e-2 that is ~1e-5. L1 and L2 are
 * piecewise linear and quadratic, so their central difference has no truncation error away from
 * 0; the orthogonal penalty's is O(h^2) ≈ 1e-4 relative. The step `w_before - w_after` loses
 * ~1e-7 absolute. Hence rtol 1e-2 and atol 1e-4: a wrong factor (a missing 2 or 1/2, a wrong
 * pair count) is off by O(1) relative. Weights are kept at |w| >= 0.1 so that L1's kink at 0 is
 * more than h away.
 *
 * Roles: kernel (Dense, Conv1D, Conv2D, SimpleRNN, LSTM, GRU), bias (the same layers),
 * recurrentKernel (SimpleRNN, LSTM, GRU), embeddings (Embedding), gamma and beta
 * (BatchNormalization, LayerNormalization). `depthwiseKernel` and `pointwiseKernel` are skipped:
 * no layer has them yet (there is no DepthwiseConv or SeparableConv). The orthogonal
 * regularizer takes rank-2 weights only (DESIGN.md section 4): it is checked on every rank-2 weight
 * (Dense and recurrent kernels, embeddings, GRU's [2, 3 * units] bias, LayerNormalization's gamma
 * and beta over two axes), and on the others attaching it is an INVALID_ARGUMENT.
 */
import { RidgeError, type Regularizer, type RegularizerSpec } from '@ridge/core';
import { l1, l1l2, l2, orthogonal } from '@ridge/regularizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import type { Layer } from '../engine/layer.js';
import type { LayerWeight } from '../engine/weight.js';
import { conv1d, conv2d, dense, embedding, gru, input, layerNormalization, lstm, model, simpleRNN, batchNormalization, type Model } from '../index.js';
import { convLstm2d } from '../index.js';
import { groupNormalization } from '../index.js';

useCpu();

const H = 1e-2;
const RTOL = 1e-2;
const ATOL = 1e-4;

function uniform(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 4294967296) * 2 - 1;
  });
}

/** Values with 0.1 <= |w| <= 1. */
function awayFromZero(n: number, seed: number): number[] {
  return uniform(n, seed).map((v) => (v >= 0 ? 0.1 + 0.9 * v : -0.1 + 0.9 * v));
}

/**
 * Values for the orthogonal regularizer: every row (or column) is +-d plus 30% noise for one
 * fixed direction d with mixed signs, so each pair's cosine is far from 0 (|cos| > ~0.5), where
 * |P_ij| has its kink, and both signs of P_ij occur.
 */
function coneValues(shape: readonly number[], mode: 'rows' | 'columns', seed: number): number[] {
  const [r, c] = shape as [number, number];
  const count = mode === 'rows' ? r : c;
  const length = mode === 'rows' ? c : r;
  const d = awayFromZero(length, seed).map((v) => Math.sign(v) * (0.5 + 0.5 * Math.abs(v)));
  const noise = uniform(count * length, seed + 1);
  const out = new Array<number>(r * c);
  for (let k = 0; k < count; k++) {
    const sign = k % 2 === 0 ? 1 : -1;
    for (let j = 0; j < length; j++) {
      const v = sign * d[j]! + 0.3 * noise[k * length + j]!;
      out[mode === 'rows' ? k * c + j : j * c + k] = v;
    }
  }
  return out;
}

/** A regularizer as a third party might write one: no analytic gradient, so training tapes `apply`. */
class TapedL2 implements Regularizer {
  readonly className = 'reliability>TapedL2';
  constructor(private readonly factor: number) {}
  apply(x: tf.Tensor): tf.Scalar {
    return tf.tidy(() => tf.mul(tf.sum(tf.square(x)), this.factor) as tf.Scalar);
  }
  getConfig() {
    return { factor: this.factor };
  }
}

interface Reg {
  readonly label: string;
  readonly make: () => Regularizer;
  /** Orthogonal: matrices only, and its vectors' mode. */
  readonly mode?: 'rows' | 'columns';
}

const REGULARIZERS: readonly Reg[] = [
  { label: 'L1(0.3)', make: () => l1(0.3) },
  { label: 'L2(0.2)', make: () => l2(0.2) },
  { label: 'L1L2(0.1, 0.2)', make: () => l1l2({ l1: 0.1, l2: 0.2 }) },
  { label: 'Orthogonal(0.5, rows)', make: () => orthogonal({ factor: 0.5, mode: 'rows' }), mode: 'rows' },
  { label: 'Orthogonal(0.5, columns)', make: () => orthogonal({ factor: 0.5, mode: 'columns' }), mode: 'columns' },
  { label: 'plugin without gradient() (taped)', make: () => new TapedL2(0.2) },
];

type Role = 'kernel' | 'bias' | 'recurrentKernel' | 'embeddings' | 'gamma' | 'beta';
type RegArgs = Partial<Record<'kernelRegularizer' | 'biasRegularizer' | 'recurrentRegularizer' | 'embeddingsRegularizer' | 'gammaRegularizer' | 'betaRegularizer', RegularizerSpec>>;

const ARGUMENT: Record<Role, keyof RegArgs> = {
  kernel: 'kernelRegularizer',
  bias: 'biasRegularizer',
  recurrentKernel: 'recurrentRegularizer',
  embeddings: 'embeddingsRegularizer',
  gamma: 'gammaRegularizer',
  beta: 'betaRegularizer',
};

interface Host {
  readonly label: string;
  readonly roles: readonly Role[];
  /** One sample's shape and a way to fill a batch of inputs. */
  readonly sampleShape: readonly number[];
  readonly make: (args: RegArgs) => Layer;
  readonly inputs?: (n: number) => number[];
}

const HOSTS: readonly Host[] = [
  { label: 'Dense', roles: ['kernel', 'bias'], sampleShape: [3], make: (a) => dense({ units: 2, ...a }) },
  { label: 'Conv1D', roles: ['kernel', 'bias'], sampleShape: [4, 2], make: (a) => conv1d({ filters: 2, kernelSize: 2, ...a }) },
  { label: 'Conv2D', roles: ['kernel', 'bias'], sampleShape: [3, 3, 1], make: (a) => conv2d({ filters: 2, kernelSize: 2, ...a }) },
  { label: 'SimpleRNN', roles: ['kernel', 'recurrentKernel', 'bias'], sampleShape: [3, 2], make: (a) => simpleRNN({ units: 2, ...a }) },
  { label: 'LSTM', roles: ['kernel', 'recurrentKernel', 'bias'], sampleShape: [3, 2], make: (a) => lstm({ units: 2, ...a }) },
  { label: 'GRU', roles: ['kernel', 'recurrentKernel', 'bias'], sampleShape: [3, 2], make: (a) => gru({ units: 2, ...a }) },
  { label: 'ConvLSTM2D', roles: ['kernel', 'recurrentKernel', 'bias'], sampleShape: [2, 3, 3, 1], make: (a) => convLstm2d({ filters: 2, kernelSize: 2, padding: 'same', ...a }) },
  {
    label: 'Embedding',
    roles: ['embeddings'],
    sampleShape: [3],
    make: (a) => embedding({ inputDim: 4, outputDim: 3, ...a }),
    inputs: (n) => Array.from({ length: n }, (_, i) => i % 4),
  },
  { label: 'BatchNormalization', roles: ['gamma', 'beta'], sampleShape: [3], make: (a) => batchNormalization({ ...a }) },
  { label: 'LayerNormalization', roles: ['gamma', 'beta'], sampleShape: [3], make: (a) => layerNormalization({ ...a }) },
  { label: 'LayerNormalization over two axes', roles: ['gamma', 'beta'], sampleShape: [2, 3], make: (a) => layerNormalization({ axis: [1, 2], ...a }) },
  { label: 'GroupNormalization', roles: ['gamma', 'beta'], sampleShape: [2, 4], make: (a) => groupNormalization({ groups: 2, ...a }) },
];

const BATCH = 4;

/**
 * A one-layer model with `reg` on the weight of `role`. On failure it frees what it built (a
 * layer that fails half-way through build keeps the weights it made first; the bad-input sweep in
 * tests/reliability checks that separately).
 */
function build(host: Host, role: Role, reg: Regularizer, source: 'layer' | 'model'): { m: Model; weight: LayerWeight } {
  const inp = input({ shape: [...host.sampleShape] });
  const layer = host.make(source === 'layer' ? { [ARGUMENT[role]]: reg } : {});
  let m: Model | undefined;
  try {
    m = model({ inputs: inp, outputs: layer.apply(inp) });
    m.compile({
      optimizer: sgd({ learningRate: 1 }),
      loss: 'mse',
      lossWeights: [0],
      ...(source === 'model' ? { regularization: { regularizer: reg, include: role } } : {}),
    });
  } catch (error) {
    layer.dispose();
    m?.dispose();
    throw error;
  }
  const weight = layer.weights.find((w) => w.role === role);
  if (!weight) throw new Error(`${host.label} has no ${role} weight`);
  return { m, weight };
}

function setValues(w: LayerWeight, values: ArrayLike<number>): void {
  tf.tidy(() => w.assign(tf.tensor(Float32Array.from(values), w.shape)));
}

async function appliedVersusDifference(host: Host, role: Role, r: Reg, source: 'layer' | 'model') {
  const { m, weight } = build(host, role, r.make(), source);
  const n = weight.variable.size;
  const w0 = Float32Array.from(r.mode ? coneValues(weight.shape, r.mode, 7 + n) : awayFromZero(n, 7 + n));
  setValues(weight, w0);
  const terms = m.penalties().terms;
  expect(terms.map((t) => [t.path, t.source]), 'exactly one penalty term, on the weight').toEqual([[weight.path, source]]);

  const fd = new Float64Array(n);
  const values = Float32Array.from(w0);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const plus = Math.fround(v + H);
    const minus = Math.fround(v - H);
    values[i] = plus;
    setValues(weight, values);
    const up = m.penalties().total;
    values[i] = minus;
    setValues(weight, values);
    const down = m.penalties().total;
    values[i] = v;
    fd[i] = (up - down) / (plus - minus);
  }
  setValues(weight, w0);
  const p0 = m.penalties().total;

  const samples = host.sampleShape.reduce((a, b) => a * b, 1) * BATCH;
  const xs = tf.tensor(host.inputs ? host.inputs(samples) : uniform(samples, 3), [BATCH, ...host.sampleShape]);
  const outShape = (m.outputs[0]!.shape as (number | null)[]).map((d) => d ?? BATCH);
  const ys = tf.zeros(outShape);
  const h = await m.fit(xs, ys, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const w1 = weight.variable.dataSync();
  const applied = Array.from(w0, (v, i) => v - w1[i]!);
  tf.dispose([xs, ys]);
  m.dispose();
  return { applied, fd: Array.from(fd), logged: h.history[`penalty/${weight.path}`]?.[0], p0 };
}

describe('the penalty gradient training applies equals d penalties().total / dw (rtol 1e-2, atol 1e-4)', () => {
  const cases: [string, Host, Role, Reg, 'layer' | 'model'][] = [];
  for (const host of HOSTS) {
    for (const role of host.roles) {
      for (const r of REGULARIZERS) {
        for (const source of ['layer', 'model'] as const) cases.push([`${host.label} ${role} / ${r.label} / from the ${source}`, host, role, r, source]);
      }
    }
  }

  it.each(cases)('%s', async (_label, host, role, r, source) => {
    const before = tf.memory().numTensors;
    const probe = host.make({});
    probe.ensureBuilt([null, ...host.sampleShape]);
    const rank = probe.weights.find((w) => w.role === role)!.shape.length;
    probe.dispose();
    if (r.mode && rank !== 2) {
      // Documented: the orthogonal regularizer takes matrices only, and says so when attached.
      let error: unknown;
      try {
        build(host, role, r.make(), source);
      } catch (e) {
        error = e;
      }
      expect(RidgeError.is(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
      expect((error as Error).message).toContain('rank');
      expect(tf.memory().numTensors).toBe(before);
      return;
    }
    const { applied, fd, logged, p0 } = await appliedVersusDifference(host, role, r, source);
    const bad = applied.map((a, i) => ({ i, applied: a, fd: fd[i]! })).filter(({ applied: a, fd: d }) => !(Math.abs(a - d) <= ATOL + RTOL * Math.abs(d)));
    expect(bad.slice(0, 5), `${bad.length} of ${applied.length} entries differ`).toEqual([]);
    // The step's log shows the penalty of the weights it started from.
    expect(logged).toBeCloseTo(p0, 5);
    expect(fd.some((d) => Math.abs(d) > 1e-3), 'the penalty has a gradient to check').toBe(true);
    expect(tf.memory().numTensors, 'nothing leaked').toBe(before);
  });
});

describe('the check can fail', () => {
  it("a plugin whose gradient() is half the true one is caught (training trusts gradient(), the fast path)", async () => {
    class HalfGradientL2 extends TapedL2 {
      gradient(x: tf.Tensor): tf.Tensor {
        return tf.tidy(() => tf.mul(x, 0.2));
      }
    }
    const host = HOSTS[0]!;
    const { applied, fd } = await appliedVersusDifference(host, 'kernel', { label: 'half', make: () => new HalfGradientL2(0.2) }, 'layer');
    applied.forEach((a, i) => expect(a).toBeCloseTo(fd[i]! / 2, 5));
  });
});
