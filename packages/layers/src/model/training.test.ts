import { l1, l1l2, l2 } from '@ridge/regularizers';
import { sgd } from '@ridge/optimizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caught, numbers, useCpu } from '../../test/setup.js';
import { activation, dense, input, model, sequential, type Model } from '../index.js';

useCpu();

function questionModel(units = 250): Model {
  const inp = input({ name: 'the_input', shape: [null, 161] });
  let x = dense({ units, activation: 'tanh', name: 'dense_1', kernelRegularizer: 'l2', biasRegularizer: 'l2', activityRegularizer: 'l2' }).apply(inp);
  x = dense({ units: 28, name: 'dense_2', kernelRegularizer: 'l2', biasRegularizer: 'l2', activityRegularizer: 'l2' }).apply(x);
  const yPred = activation({ activation: 'softmax', name: 'softmax' }).apply(x);
  return model({ inputs: inp, outputs: yPred });
}

describe('the question model', () => {
  it('trains on random (batch, time, 161) data: the loss falls and every term is logged', async () => {
    const before = tf.memory().numTensors;
    const m = questionModel(32);
    m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const xs = tf.randomNormal([24, 6, 161], 0, 1, 'float32', 1);
    const labels = tf.randomUniform([24, 6], 0, 28, "int32", 2);
    const ys = tf.oneHot(labels, 28);
    labels.dispose();
    const history = await m.fit(xs, ys, { epochs: 6, batchSize: 8, validationSplit: 0.25, seed: 3 });
    const loss = history.history['loss']!;
    expect(loss).toHaveLength(6);
    expect(loss[5]!).toBeLessThan(loss[0]!);
    for (const key of ['data_loss', 'penalty', 'accuracy', 'penalty/dense_1/kernel', 'penalty/dense_1/bias', 'penalty/dense_1/activity', 'penalty/dense_2/kernel', 'penalty/dense_2/bias', 'penalty/dense_2/activity']) {
      expect(history.history[key], key).toHaveLength(6);
      expect(history.history[`val_${key}`], `val_${key}`).toHaveLength(6);
    }
    // loss = data_loss + penalty, and penalty is the sum of its terms, epoch by epoch
    for (let e = 0; e < 6; e++) {
      const h = (k: string) => history.history[k]![e]!;
      expect(h('loss')).toBeCloseTo(h('data_loss') + h('penalty'), 4);
      const terms = Object.keys(history.history).filter((k) => k.startsWith('penalty/'));
      expect(h('penalty')).toBeCloseTo(terms.reduce((s, k) => s + h(k), 0), 4);
      expect(h('val_loss')).toBeCloseTo(h('val_data_loss') + h('val_penalty'), 4);
      expect(h('val_penalty')).toBeGreaterThan(0);
    }
    tf.dispose([xs, ys]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("compile({ regularization: 'l2' }) penalizes every kernel and no bias", () => {
    const inp = input({ shape: [4] });
    const h = dense({ units: 3, name: 'reg_a' }).apply(inp);
    const out = dense({ units: 2, name: 'reg_b' }).apply(h);
    const m = model({ inputs: inp, outputs: out });
    m.compile({ optimizer: 'adam', loss: 'mse', regularization: 'l2' });
    const report = m.penalties();
    expect(report.terms.map((t) => t.path)).toEqual(['reg_a/kernel', 'reg_b/kernel']);
    expect(report.terms.every((t) => t.source === 'model' && t.regularizer === 'L2')).toBe(true);
    // L2(0.01) = 0.01 * sum(w^2), from the weights themselves
    const a = numbers((m.getLayer('reg_a') as ReturnType<typeof dense>).kernel.read());
    expect(report.terms[0]!.value).toBeCloseTo(0.01 * a.reduce((s, v) => s + v * v, 0), 6);
    expect(report.total).toBeCloseTo(report.terms[0]!.value + report.terms[1]!.value, 6);
    m.dispose();
  });
});

describe('values computed by hand', () => {
  it('a ones kernel with L1(0.01), an L2(0.01) activity, fed twice a ones input', async () => {
    const inp = input({ shape: [3] });
    const layer = dense({ units: 2, useBias: false, kernelInitializer: 'ones', kernelRegularizer: l1(0.01), activityRegularizer: l2(0.01) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    m.compile({ optimizer: sgd(0), loss: 'mse' });
    const x = tf.ones([2, 3]);
    // kernel: 0.01 * sum|1| over 3x2 = 0.06
    // outputs: every entry is 1+1+1 = 3; activity: 0.01 * sum(3^2) over 2x2 = 0.36, / batch 2 = 0.18
    const report = m.penalties(x);
    const byPath = Object.fromEntries(report.terms.map((t) => [t.path, t]));
    expect(byPath[`${layer.name}/kernel`]!.value).toBeCloseTo(0.06, 6);
    expect(byPath[`${layer.name}/activity`]!.value).toBeCloseTo(0.18, 6);
    expect(byPath[`${layer.name}/activity`]!.kind).toBe('activity');
    // the same numbers in evaluate's logs, next to a data loss of mean((3 - 0)^2) = 9
    const logs = await m.evaluate(x, tf.zeros([2, 2]));
    expect(logs[`penalty/${layer.name}/kernel`]).toBeCloseTo(0.06, 6);
    expect(logs[`penalty/${layer.name}/activity`]).toBeCloseTo(0.18, 6);
    expect(logs['data_loss']).toBeCloseTo(9, 5);
    expect(logs['loss']).toBeCloseTo(9 + 0.06 + 0.18, 5);
    m.dispose();
    x.dispose();
  });

  it('one SGD step with an L1L2 penalty matches the hand-computed update', async () => {
    const inp = input({ shape: [2] });
    const layer = dense({ units: 1, useBias: false, kernelRegularizer: l1l2({ l1: 0.1, l2: 0.2 }) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const lr = 0.05;
    m.compile({ optimizer: sgd(lr), loss: 'mse' });
    const [a, b] = [0.5, -0.25];
    layer.kernel.assign(tf.tensor2d([[a], [b]]));
    // x = [1, 2], y = 1: pred = a + 2b = 0; data loss = (pred - y)^2; d/dw = 2 (pred - y) x
    const pred = a + 2 * b;
    const dData = [2 * (pred - 1) * 1, 2 * (pred - 1) * 2];
    // d/dw of 0.1 * |w| + 0.2 * w^2 = 0.1 sign(w) + 0.4 w
    const dPen = [0.1 * Math.sign(a) + 0.4 * a, 0.1 * Math.sign(b) + 0.4 * b];
    const expected = [a - lr * (dData[0]! + dPen[0]!), b - lr * (dData[1]! + dPen[1]!)];
    await m.fit(tf.tensor2d([[1, 2]]), tf.tensor2d([[1]]), { epochs: 1, batchSize: 1, shuffle: false });
    const w = numbers(layer.kernel.read());
    expect(w[0]).toBeCloseTo(expected[0]!, 6);
    expect(w[1]).toBeCloseTo(expected[1]!, 6);
    m.dispose();
  });

  it('one SGD step with an activity L2 penalty (applied through its analytic gradient) matches the hand-computed update', async () => {
    const inp = input({ shape: [2] });
    const layer = dense({ units: 1, useBias: false, activityRegularizer: l2(0.3) });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const lr = 0.1;
    m.compile({ optimizer: sgd(lr), loss: 'mse' });
    const [a, b] = [0.5, -0.5];
    layer.kernel.assign(tf.tensor2d([[a], [b]]));
    // x = [[1, 2], [3, -1]] (batch 2), y = [[1], [0]]; out_i = a x_i1 + b x_i2
    const x = [[1, 2], [3, -1]];
    const y = [1, 0];
    const out = x.map((r) => a * r[0]! + b * r[1]!);
    // data loss = mean_i (out_i - y_i)^2; activity = 0.3 * sum_i out_i^2 / 2 (batch size)
    // d/dout_i = 2 (out_i - y_i) / 2 + 2 * 0.3 * out_i / 2
    const dOut = out.map((o, i) => (o - y[i]!) + 0.3 * o);
    const dA = dOut.reduce((s, d, i) => s + d * x[i]![0]!, 0);
    const dB = dOut.reduce((s, d, i) => s + d * x[i]![1]!, 0);
    const h = await m.fit(x, [[1], [0]], { epochs: 1, batchSize: 2, shuffle: false });
    const w = numbers(layer.kernel.read());
    expect(w[0]).toBeCloseTo(a - lr * dA, 6);
    expect(w[1]).toBeCloseTo(b - lr * dB, 6);
    // the logged activity term is the value before the step
    expect(h.history[`penalty/${layer.name}/activity`]![0]).toBeCloseTo((0.3 * out.reduce((s, o) => s + o * o, 0)) / 2, 6);
    m.dispose();
  });

  it('the activity penalty does not depend on the batch size for identical rows', async () => {
    const inp = input({ shape: [4] });
    const layer = dense({ units: 3, activityRegularizer: l2(0.05), kernelInitializer: { className: 'RandomNormal', config: { seed: 7 } } });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    const row = [0.3, -1.2, 0.7, 2];
    const one = m.penalties(tf.tensor2d([row])).terms.find((t) => t.kind === 'activity')!.value;
    const four = m.penalties(tf.tensor2d([row, row, row, row])).terms.find((t) => t.kind === 'activity')!.value;
    expect(four).toBeCloseTo(one, 6);
    // and it is 0.05 * sum(out^2) for the one row
    const out = numbers(m.predict(tf.tensor2d([row])) as tf.Tensor);
    expect(one).toBeCloseTo(0.05 * out.reduce((s, v) => s + v * v, 0), 6);
    m.dispose();
  });
});

describe('lazy regularizers and frozen layers', () => {
  it('setting layer.kernel.regularizer after training changes the next step', async () => {
    const inp = input({ shape: [3] });
    const layer = dense({ units: 2 });
    const m = model({ inputs: inp, outputs: layer.apply(inp) });
    m.compile({ optimizer: sgd(0.01), loss: 'mse' });
    const x = tf.randomNormal([8, 3], 0, 1, 'float32', 11);
    const y = tf.randomNormal([8, 2], 0, 1, 'float32', 12);
    const first = await m.fit(x, y, { epochs: 1, batchSize: 8 });
    expect(first.history['penalty']![0]).toBe(0);
    layer.kernel.regularizer = l2(0.5);
    const k = numbers(layer.kernel.read());
    const expected = 0.5 * k.reduce((s, v) => s + v * v, 0);
    const logs = await m.evaluate(x, y);
    expect(logs[`penalty/${layer.name}/kernel`]).toBeCloseTo(expected, 5);
    const second = await m.fit(x, y, { epochs: 1, batchSize: 8 });
    expect(second.history[`penalty/${layer.name}/kernel`]![0]).toBeCloseTo(expected, 5);
    layer.kernel.regularizer = undefined;
    expect(m.penalties().terms).toEqual([]);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('a frozen layer carries no penalty and is not updated', async () => {
    const inp = input({ shape: [3] });
    const frozen = dense({ units: 2, kernelRegularizer: l2(1), biasRegularizer: l2(1), trainable: false });
    const live = dense({ units: 1, kernelRegularizer: l2(1) });
    const m = model({ inputs: inp, outputs: live.apply(frozen.apply(inp)) });
    m.compile({ optimizer: sgd(0.1), loss: 'mse', regularization: { regularizer: 'l1', include: 'all', onConflict: 'add' } });
    const paths = m.penalties().terms.map((t) => t.path);
    expect(paths).not.toContain(`${frozen.name}/kernel`);
    expect(paths).toContain(`${live.name}/kernel`);
    const before = numbers(frozen.kernel.read());
    const h = await m.fit(tf.ones([4, 3]), tf.ones([4, 1]), { epochs: 1, batchSize: 4 });
    expect(numbers(frozen.kernel.read())).toEqual(before);
    expect(Object.keys(h.history).filter((k) => k.includes(frozen.name))).toEqual([]);
    // unfreezing brings the penalty back
    frozen.trainable = true;
    expect(m.penalties().terms.map((t) => t.path)).toContain(`${frozen.name}/kernel`);
    m.dispose();
  });
});

describe('sequential', () => {
  it('builds from the first layer input shape and trains', async () => {
    const s = sequential({
      layers: [dense({ units: 4, activation: 'relu', inputShape: [3], kernelRegularizer: 'l2' }), dense({ units: 1 })],
    });
    s.compile({ optimizer: 'sgd', loss: 'mse' });
    const h = await s.fit([[1, 2, 3], [3, 2, 1]], [[1], [0]], { epochs: 2, batchSize: 2 });
    expect(h.history['loss']).toHaveLength(2);
    expect(s.layers).toHaveLength(2);
    s.dispose();
  });

  it('without an input shape, builds from the first data it sees', async () => {
    const s = sequential();
    s.add(dense({ units: 2 }));
    s.compile({ optimizer: 'sgd', loss: 'mse' });
    const out = s.predict(tf.ones([3, 5])) as tf.Tensor;
    expect(out.shape).toEqual([3, 2]);
    out.dispose();
    const h = await s.fit(tf.ones([3, 5]), tf.zeros([3, 2]), { epochs: 1 });
    expect(h.history['loss']).toHaveLength(1);
    s.dispose();
  });

  it("takes input({ shape }) as its first layer, as Keras 3's Sequential([Input(shape), ...]), and refuses it later", () => {
    const s = sequential({ layers: [input({ shape: [3] }), dense({ units: 2, kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
    // Built at once from the input's shape: x [1, 2, 3] with a kernel of ones gives 6 per unit.
    const out = s.predict(tf.tensor2d([[1, 2, 3]])) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([6, 6]);
    out.dispose();
    expect(s.inputs[0]!.shape).toEqual([null, 3]);
    let error: unknown;
    try {
      s.add(input({ shape: [2] }));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/an input can only be the first layer/) });
    expect(s.layers.filter((l) => l.className === 'Dense')).toHaveLength(1);
    s.dispose();
  });
});

describe('misuse', () => {
  it('fit before compile is NOT_COMPILED', async () => {
    const m = questionModel(4);
    const error = await caught(() => m.fit(tf.zeros([1, 1, 161]), tf.zeros([1, 1, 28])));
    expect(error).toMatchObject({ code: 'NOT_COMPILED', message: expect.stringContaining('compile()') });
    m.dispose();
  });
});

describe('a built Dense checks every input against its kernel', () => {
  it('applied again (shared) to a symbolic input of another width, or called on a rank-1 tensor: SHAPE_MISMATCH at once', () => {
    const shared = dense({ units: 2, name: 'shared_check' });
    shared.apply(input({ shape: [3] }));
    const other = input({ shape: [4] });
    expect(() => shared.apply(other)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('received shape [null, 4]') }));
    // Same width, other rank: fine (Dense maps the last axis), as in Keras.
    expect(shared.apply(input({ shape: [5, 3] })).shape).toEqual([null, 5, 2]);
    const before = tf.memory().numTensors;
    const x = tf.ones([3]);
    expect(() => shared.apply(x)).toThrow(expect.objectContaining({ code: 'SHAPE_MISMATCH', message: expect.stringContaining('rank >= 2') }));
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    shared.dispose();
  });
});
