import { initBackend } from '@ridge/backend';
import { registry, type JsonObject } from '@ridge/core';
import '@ridge/losses';
import '@ridge/optimizers';
import '@ridge/regularizers';
import { l1, l2, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, input, model, sequential, type Model } from '../../base.js';
import { GRU, LSTM, SimpleRNN, gru, lstm, simpleRNN, type RecurrentArgs, type RecurrentLayer } from './index.js';
// The package's registering entry: initializer names for config round trips.
import '../../register.js';
import './register.js';
import { assignWeights, caughtRidgeError } from '../../../test/fixtures.js';
// layer.getConfig() comes with saving
import '../../features/io.js';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

interface Kind {
  readonly className: 'SimpleRNN' | 'LSTM' | 'GRU';
  readonly make: (args: RecurrentArgs) => RecurrentLayer;
  readonly cls: new (args: RecurrentArgs) => RecurrentLayer;
  readonly gates: number;
  readonly states: number;
  readonly biasShape: (units: number) => number[];
}

const KINDS: readonly Kind[] = [
  { className: 'SimpleRNN', make: simpleRNN, cls: SimpleRNN, gates: 1, states: 1, biasShape: (u) => [u] },
  { className: 'LSTM', make: lstm, cls: LSTM, gates: 4, states: 2, biasShape: (u) => [4 * u] },
  { className: 'GRU', make: gru, cls: GRU, gates: 3, states: 1, biasShape: (u) => [2, 3 * u] },
];

function numbers(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

function sumOf(t: tf.Tensor, f: (v: number) => number): number {
  return numbers(t).reduce((s, v) => s + f(v), 0);
}

/** A fixed input of shape [batch, time, features], values in [-1, 1]. */
function sequence(batch: number, time: number, features: number): tf.Tensor3D {
  const data = Array.from({ length: batch * time * features }, (_, i) => Math.sin(1.7 * i + 0.3));
  return tf.tensor3d(data, [batch, time, features]);
}

function oneLayerModel(layer: RecurrentLayer, shape: (number | null)[] = [3, 2]): Model {
  const inp = input({ shape });
  return model({ inputs: inp, outputs: layer.applyAll(inp) });
}

describe.each(KINDS)('$className', (kind) => {
  it('creates Keras weights: kernel [in, k*units], recurrent_kernel [units, k*units], bias', () => {
    const layer = kind.make({ units: 3 });
    const m = oneLayerModel(layer);
    expect(layer.weights.map((w) => [w.path, w.role, w.shape])).toEqual([
      [`${layer.name}/kernel`, 'kernel', [2, 3 * kind.gates]],
      [`${layer.name}/recurrent_kernel`, 'recurrentKernel', [3, 3 * kind.gates]],
      [`${layer.name}/bias`, 'bias', kind.biasShape(3)],
    ]);
    m.dispose();
  });

  for (const returnSequences of [false, true]) {
    for (const returnState of [false, true]) {
      it(`computeOutputShape matches the real outputs (returnSequences ${returnSequences}, returnState ${returnState})`, () => {
        const layer = kind.make({ units: 3, returnSequences, returnState });
        const inp = input({ shape: [null, 2] });
        const outs = layer.applyAll(inp);
        const m = model({ inputs: inp, outputs: outs });
        const x = sequence(2, 4, 2);
        const ys = [m.predict(x)].flat();
        const declared = returnState ? (layer.computeOutputShape([null, null, 2]) as (number | null)[][]) : [layer.computeOutputShape([null, null, 2])];
        expect(outs.map((o) => o.shape)).toEqual(declared);
        expect(ys).toHaveLength(returnState ? 1 + kind.states : 1);
        ys.forEach((y, i) => {
          const shape = declared[i] as (number | null)[];
          expect(y.shape).toEqual(shape.map((d, j) => d ?? (j === 0 ? 2 : 4)));
        });
        if (returnState) {
          // The first state is the output of the last step.
          const last = returnSequences ? tf.squeeze(tf.slice(ys[0]!, [0, 3, 0], [2, 1, 3]), [1]) : ys[0]!;
          expect(numbers(ys[1]!)).toEqual(numbers(last));
          if (last !== ys[0]) last.dispose();
        }
        tf.dispose([x, ...ys]);
        m.dispose();
      });
    }
  }

  it('every regularizer argument adds its penalty, with Keras paths', () => {
    const layer = kind.make({
      units: 2,
      kernelRegularizer: l2(0.5),
      recurrentRegularizer: l1(0.3),
      biasRegularizer: l2(0.25),
      activityRegularizer: l2(0.1),
      biasInitializer: 'ones',
    });
    const m = oneLayerModel(layer);
    const x = sequence(2, 3, 2);
    const report = m.penalties(x);
    const value = (path: string) => report.terms.find((t) => t.path === path)?.value;
    expect(report.terms.map((t) => t.path).sort()).toEqual(
      [`${layer.name}/activity`, `${layer.name}/bias`, `${layer.name}/kernel`, `${layer.name}/recurrent_kernel`].sort(),
    );
    expect(value(`${layer.name}/kernel`)).toBeCloseTo(0.5 * sumOf(layer.kernel.read(), (v) => v * v), 5);
    expect(value(`${layer.name}/recurrent_kernel`)).toBeCloseTo(0.3 * sumOf(layer.recurrentKernel.read(), Math.abs), 5);
    expect(value(`${layer.name}/bias`)).toBeCloseTo(0.25 * sumOf(layer.bias!.read(), (v) => v * v), 5);
    const y = m.predict(x) as tf.Tensor;
    expect(value(`${layer.name}/activity`)).toBeCloseTo((0.1 * sumOf(y, (v) => v * v)) / 2, 5);
    expect(report.terms.find((t) => t.path === `${layer.name}/recurrent_kernel`)).toMatchObject({ kind: 'weight', regularizer: 'L1', source: 'layer' });
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a fit step changes kernel, recurrent_kernel and bias (gradients flow through time)', async () => {
    const layer = kind.make({ units: 2, recurrentRegularizer: l2(0.01) });
    const m = oneLayerModel(layer);
    // Fixed starting weights: with random ones an entry's float32 step could round to nothing
    // (this test once failed that way for GRU), and a failure could not be reproduced.
    assignWeights(layer, layer.weights.map((w, k) => tf.tensor(Array.from({ length: w.shape.reduce((a, b) => a * b, 1) }, (_, i) => 0.4 * Math.sin(1.3 * i + k + 0.2)), w.shape)));
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = sequence(4, 3, 2);
    const y = tf.ones([4, 2]);
    const before = layer.getWeights();
    const history = await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(Object.keys(history.history)).toContain(`penalty/${layer.name}/recurrent_kernel`);
    layer.getWeights().forEach((after, i) => {
      const a = numbers(after);
      const b = numbers(before[i]!);
      // Every entry moves: the recurrent kernel only matters from the second step on.
      a.forEach((v, j) => expect(Math.abs(v - b[j]!)).toBeGreaterThan(0));
      after.dispose();
    });
    tf.dispose([x, y, ...before]);
    m.dispose();
  });

  it('the gradient through time matches finite differences of the forward pass', () => {
    const layer = kind.make({ units: 2 });
    const x = sequence(1, 4, 2);
    tf.dispose(layer.applyAll(x));
    const f = (inputs: tf.Tensor) => tf.sum(layer.apply(inputs)) as tf.Scalar;
    const grad = tf.tidy(() => tf.grad(f)(x));
    const g = numbers(grad);
    const eps = 1e-2;
    const base = numbers(x);
    // The first step's features reach the (last-step) output only through the recurrence.
    for (const i of [0, 1, 6]) {
      const at = (d: number) =>
        tf.tidy(() => {
          const shifted = base.slice();
          shifted[i] = shifted[i]! + d;
          return f(tf.tensor3d(shifted, x.shape)).dataSync()[0]!;
        });
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(g[i]!)).toBeGreaterThan(1e-4);
      expect(g[i]!).toBeCloseTo(numeric, 2);
    }
    tf.dispose([x, grad]);
    layer.dispose();
  });

  it('constraints are applied after a training step', async () => {
    const layer = kind.make({ units: 2, kernelConstraint: nonNeg(), recurrentConstraint: nonNeg(), biasConstraint: nonNeg() });
    const m = oneLayerModel(layer);
    assignWeights(layer, layer.weights.map((w) => tf.fill(w.shape, -0.5)));
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = sequence(4, 3, 2);
    const y = tf.ones([4, 2]);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    for (const w of layer.weights) expect(Math.min(...numbers(w.read()))).toBeGreaterThanOrEqual(0);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('getConfig round-trips, through the constructor and the registry', () => {
    const layer = kind.make({
      units: 3,
      activation: 'relu',
      useBias: false,
      kernelRegularizer: l2(0.5),
      recurrentRegularizer: 'l1',
      activityRegularizer: l2(0.1),
      recurrentConstraint: nonNeg(),
      dropout: 0.25,
      recurrentDropout: 0.5,
      seed: 7,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
    });
    const m = oneLayerModel(layer);
    layer.kernel.regularizer = l1(0.2);
    const config = layer.getConfig();
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    expect(config).toMatchObject({
      units: 3,
      activation: 'relu',
      useBias: false,
      kernelRegularizer: { className: 'L1', config: { l1: 0.2 } },
      recurrentRegularizer: { className: 'L1' },
      biasRegularizer: null,
      recurrentConstraint: { className: 'NonNeg' },
      kernelInitializer: { className: 'GlorotUniform' },
      recurrentInitializer: { className: 'Orthogonal' },
      dropout: 0.25,
      recurrentDropout: 0.5,
      seed: 7,
      returnSequences: true,
      returnState: true,
      goBackwards: true,
    });
    const strip = ({ name: _name, ...rest }: JsonObject) => rest;
    const copy = new kind.cls({ ...(config as unknown as RecurrentArgs), name: `${layer.name}_copy` });
    expect(copy).toBeInstanceOf(kind.cls);
    expect(strip(copy.getConfig())).toEqual(strip(config));
    const fromRegistry = registry('layer').get(kind.className).create({ ...config, name: `${layer.name}_registry` });
    expect(strip(fromRegistry.getConfig())).toEqual(strip(config));
    m.dispose();
  });

  it('rejects bad arguments, naming the layer, the argument and the value', () => {
    const cases: [Partial<RecurrentArgs>, string, RegExp][] = [
      [{ units: 0 }, 'INVALID_ARGUMENT', /units.*received 0/],
      [{ units: 2.5 }, 'INVALID_ARGUMENT', /units.*received 2\.5/],
      [{ units: 2, dropout: 1 }, 'INVALID_ARGUMENT', /dropout must be a number in \[0, 1\); received 1/],
      [{ units: 2, recurrentDropout: -0.1 }, 'INVALID_ARGUMENT', /recurrentDropout.*received -0\.1/],
      [{ units: 2, activation: 'nope' }, 'UNKNOWN_NAME', /activation.*"nope"/],
      [{ units: 2, goBackwards: 'yes' as never }, 'INVALID_ARGUMENT', /goBackwards.*received "yes"/],
      [{ units: 2, returnState: 1 as never }, 'INVALID_ARGUMENT', /returnState.*received 1/],
      [{ units: 2, stateful: true }, 'INVALID_ARGUMENT', /stateful.*received true/],
      [{ units: 2, seed: 0.5 }, 'INVALID_ARGUMENT', /seed.*received 0\.5/],
      [{ units: 2, recurrentRegularizer: 'nope' as never }, 'UNKNOWN_NAME', /recurrentRegularizer.*nope/],
      [{ units: 2, recurrentInitializer: 'nope' as never }, 'UNKNOWN_NAME', /recurrentInitializer.*nope/],
      [{ units: 2, recurrentConstraint: 'nope' as never }, 'UNKNOWN_NAME', /recurrentConstraint.*nope/],
    ];
    for (const [args, code, pattern] of cases) {
      const name = `bad_${kind.className.toLowerCase()}_${Object.keys(args).join('_')}_${String(Object.values(args).at(-1)).replace(/\W/g, '')}`;
      const error = caughtRidgeError(() => kind.make({ ...(args as RecurrentArgs), name }));
      expect(error.code).toBe(code);
      expect(error.message).toContain(`${kind.className} '${name}'`);
      expect(error.message).toMatch(pattern);
    }
  });

  it('rejects inputs that are not [batch, time, features] with SHAPE_MISMATCH', () => {
    const layer = kind.make({ units: 2, name: `shape_${kind.className.toLowerCase()}` });
    const flat = tf.zeros([2, 3]);
    const wrong = tf.zeros([2, 3, 5]);
    const x = tf.zeros([2, 3, 2]);
    let error = caughtRidgeError(() => layer.apply(flat));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toMatch(new RegExp(`${kind.className} '${layer.name}'.*rank 3.*\\[2, 3\\]`));
    tf.dispose(layer.applyAll(x));
    error = caughtRidgeError(() => layer.apply(wrong));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toMatch(/\[batch, time, 2\]; received shape \[2, 3, 5\]/);
    tf.dispose([flat, wrong, x]);
    layer.dispose();
  });

  it('dropout acts only in training: predict is deterministic and equals the layer without dropout', () => {
    const plain = kind.make({ units: 3, returnSequences: true });
    const dropped = kind.make({ units: 3, returnSequences: true, dropout: 0.5, recurrentDropout: 0.5 });
    const x = sequence(4, 3, 2);
    tf.dispose([...plain.applyAll(x), ...dropped.applyAll(x)]);
    const weights = plain.getWeights();
    dropped.setWeights(weights);
    const m = oneLayerModel(dropped, [3, 2]);
    const before = tf.memory().numTensors;
    const p1 = m.predict(x) as tf.Tensor;
    const p2 = m.predict(x) as tf.Tensor;
    const reference = plain.apply(x);
    expect(numbers(p1)).toEqual(numbers(p2));
    numbers(reference).forEach((v, i) => expect(numbers(p1)[i]).toBeCloseTo(v, 6));
    const trained = dropped.apply(x, { training: true });
    expect(numbers(trained).some((v, i) => Math.abs(v - numbers(reference)[i]!) > 1e-4)).toBe(true);
    tf.dispose([p1, p2, reference, trained]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...weights]);
    plain.dispose();
    m.dispose();
  });

  it('leaks no tensor in predict, in training mode, or in fit', async () => {
    const layer = kind.make({ units: 2, dropout: 0.2, recurrentDropout: 0.2, kernelRegularizer: 'l2', activityRegularizer: 'l2', returnSequences: true });
    const inp = input({ shape: [null, 2] });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = sequence(4, 3, 2);
    const y = tf.zeros([4, 3, 2]);
    const before = tf.memory().numTensors;
    tf.dispose(m.predict(x));
    tf.dispose(layer.apply(x, { training: true }));
    expect(tf.memory().numTensors).toBe(before);
    await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    const afterFit = tf.memory().numTensors;
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    expect(tf.memory().numTensors).toBe(afterFit);
    tf.dispose(m.predict(x));
    expect(tf.memory().numTensors).toBe(afterFit);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('stacked recurrent layers', () => {
  it('a sequential LSTM -> GRU -> SimpleRNN -> Dense model trains on sequences of unknown length, without leaking', async () => {
    const first = lstm({ units: 4, returnSequences: true, inputShape: [null, 2], recurrentRegularizer: 'l2' });
    const second = gru({ units: 3, returnSequences: true, resetAfter: false, dropout: 0.1 });
    const third = simpleRNN({ units: 3, goBackwards: true });
    const m = sequential({ layers: [first, second, third, dense({ units: 1 })] });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = sequence(4, 5, 2);
    const y = tf.ones([4, 1]);
    const first0 = numbers(first.recurrentKernel.read());
    await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    const before = tf.memory().numTensors;
    const h = await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    expect(h.history[`penalty/${first.name}/recurrent_kernel`]).toHaveLength(2);
    // The first layer's recurrent kernel learns through three recurrent layers above it.
    expect(numbers(first.recurrentKernel.read())).not.toEqual(first0);
    const longer = sequence(3, 7, 2);
    const p = m.predict(longer) as tf.Tensor;
    expect(p.shape).toEqual([3, 1]);
    tf.dispose([longer, p]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    m.dispose();
  });
});

describe('dropout masks', () => {
  // SimpleRNN with linear activation, identity kernels and no bias: h_t = x_t * m + m' * h_{t-1},
  // so the masks can be read from the outputs.
  function identityRNN(args: Partial<RecurrentArgs>) {
    const layer = simpleRNN({ units: 8, activation: 'linear', useBias: false, returnSequences: true, ...args });
    const x = tf.ones([4, 3, 8]);
    tf.dispose(layer.applyAll(x));
    return { layer, x };
  }

  it('the input mask is sampled once per sequence (the same features dropped at every step)', () => {
    const { layer, x } = identityRNN({ dropout: 0.5 });
    assignWeights(layer, [tf.eye(8), tf.zeros([8, 8])]);
    const y = layer.apply(x, { training: true });
    const v = y.arraySync() as number[][][];
    for (const seq of v) {
      for (const step of seq) expect(step).toEqual(seq[0]);
      for (const value of seq[0]!) expect([0, 2]).toContain(value);
    }
    const flat = v.flat(2);
    expect(flat).toContain(0);
    expect(flat).toContain(2);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('the recurrent mask is sampled once per sequence', () => {
    const { layer, x } = identityRNN({ recurrentDropout: 0.5 });
    assignWeights(layer, [tf.eye(8), tf.eye(8)]);
    const y = layer.apply(x, { training: true });
    const v = y.arraySync() as number[][][];
    const masks: number[] = [];
    for (const seq of v) {
      seq[0]!.forEach((h1, j) => {
        expect(h1).toBe(1);
        const m = seq[1]![j]! - 1; // h2 = 1 + m * h1
        expect([0, 2]).toContain(m);
        expect(seq[2]![j]).toBeCloseTo(1 + m * seq[1]![j]!, 6); // h3 = 1 + m * h2, the same m
        masks.push(m);
      });
    }
    expect(masks).toContain(0);
    expect(masks).toContain(2);
    tf.dispose([x, y]);
    layer.dispose();
  });
});
