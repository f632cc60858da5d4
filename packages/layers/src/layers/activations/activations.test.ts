import { registry, type LayerName } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caughtRidgeError as caught, expectClose } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { embedding, input, lstm, model, sequential } from '../../index.js';
import type { Layer } from '../../engine/layer.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU, elu, leakyReLU, prelu, reLU, softmax, thresholdedReLU } from './index.js';
import { activationLayerEntries } from './register.js';

useCpu();

/** The layer on a 1-D list of inputs (as a batch of one row), read back. */
function run(layer: Layer, xs: readonly number[]): number[] {
  const x = tf.tensor2d([[...xs]]);
  const y = layer.apply(x) as tf.Tensor;
  const out = Array.from(y.dataSync());
  tf.dispose([x, y]);
  return out;
}

describe('ReLU: Keras 3 formula', () => {
  it('defaults: max(x, 0)', () => {
    expect(run(reLU(), [-3, -1, 0, 2])).toEqual([0, 0, 0, 2]);
  });

  it('maxValue 6, negativeSlope 0.1, threshold 1, on both sides of every breakpoint', () => {
    // f(x) = 6 for x >= 6; x for 1 < x < 6; 0.1 * (x - 1) otherwise.
    const xs = [-2, 0, 0.5, 1, 1.5, 5.5, 6, 7];
    const expected = [0.1 * (-2 - 1), 0.1 * (0 - 1), 0.1 * (0.5 - 1), 0, 1.5, 5.5, 6, 6];
    expectClose(run(reLU({ maxValue: 6, negativeSlope: 0.1, threshold: 1 }), xs), expected, 6);
  });

  it("Keras's own examples: max 10 slope 0.5; max 8 threshold 5 (x = threshold gives 0); threshold 5 alone", () => {
    expectClose(run(reLU({ maxValue: 10, negativeSlope: 0.5, threshold: 0 }), [-10, -5, 0, 5, 10]), [-5, -2.5, 0, 5, 10]);
    expectClose(run(reLU({ maxValue: 8, threshold: 5 }), [6, 7, 0, 5, 10]), [6, 7, 0, 0, 8]);
    expectClose(run(reLU({ threshold: 5 }), [-10, -5, 0, 5, 10]), [0, 0, 0, 0, 10]);
  });

  it('negativeSlope alone is a leaky ReLU; maxValue alone clips', () => {
    expectClose(run(reLU({ negativeSlope: 0.2 }), [-5, -1, 0, 3]), [-1, -0.2, 0, 3]);
    expectClose(run(reLU({ maxValue: 1 }), [-3, -1, 0, 0.5, 2]), [0, 0, 0, 0.5, 1]);
  });

  it('refuses negative, non-finite and non-number arguments, naming the argument and the value', () => {
    for (const [args, argument, shown] of [
      [{ maxValue: -10 }, 'maxValue', '-10'],
      [{ negativeSlope: -0.1 }, 'negativeSlope', '-0.1'],
      [{ threshold: -1 }, 'threshold', '-1'],
      [{ threshold: Number.NaN }, 'threshold', 'NaN'],
      [{ maxValue: '6' }, 'maxValue', '"6"'],
    ] as const) {
      const error = caught(() => reLU(args as never));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details['argument']).toBe(argument);
      expect(error.message).toContain(argument);
      expect(error.message).toContain(shown);
      expect(error.message).toContain('>= 0');
    }
  });
});

describe('LeakyReLU', () => {
  it('default negativeSlope 0.3', () => {
    expectClose(run(leakyReLU(), [-2, -0.5, 0, 3]), [-0.6, -0.15, 0, 3], 6);
  });

  it("takes tfjs-layers' and Keras 2's alpha as the slope, and writes Keras 3's negativeSlope", () => {
    const layer = leakyReLU({ alpha: 0.1 });
    expect(layer.negativeSlope).toBe(0.1);
    expectClose(run(layer, [-2, 4]), [-0.2, 4], 6);
    expect(layer.getConfig()['negativeSlope']).toBe(0.1);
    expect(layer.getConfig()).not.toHaveProperty('alpha');
    expect(leakyReLU({ negativeSlope: 0.2, alpha: 0.2 }).negativeSlope).toBe(0.2);
  });

  it('refuses two different slopes, and a negative one', () => {
    const both = caught(() => leakyReLU({ negativeSlope: 0.2, alpha: 0.1 }));
    expect(both.code).toBe('INVALID_ARGUMENT');
    expect(both.message).toContain('alpha must be absent, or equal to negativeSlope (0.2)');
    expect(both.message).toContain('received 0.1');
    const negative = caught(() => leakyReLU({ negativeSlope: -1 }));
    expect(negative.details['argument']).toBe('negativeSlope');
    expect(caught(() => leakyReLU({ alpha: -0.5 })).details['argument']).toBe('alpha');
  });
});

describe('ELU', () => {
  it('alpha 1 (default): x for x > 0, exp(x) - 1 otherwise', () => {
    expectClose(run(elu(), [-1, 0, 2]), [Math.exp(-1) - 1, 0, 2], 6);
  });

  it('alpha 0.5 scales the negative part only; its gradient stays finite for large inputs', () => {
    expectClose(run(elu({ alpha: 0.5 }), [-2, 0, 3]), [0.5 * (Math.exp(-2) - 1), 0, 3], 6);
    const layer = elu({ alpha: 0.5 });
    const x = tf.tensor1d([-1, 100]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(layer.apply(v) as tf.Tensor))(x);
    // d/dx: alpha * exp(x) below 0, 1 above.
    expectClose(g, [0.5 * Math.exp(-1), 1], 6);
    tf.dispose([x, g]);
  });

  it('refuses a non-finite alpha', () => {
    expect(caught(() => elu({ alpha: Infinity })).details['argument']).toBe('alpha');
  });
});

describe('ThresholdedReLU', () => {
  it('theta 1 (default): x for x > theta, else 0 (x = theta gives 0)', () => {
    expectClose(run(thresholdedReLU(), [-2, 0.5, 1, 1.5]), [0, 0, 0, 1.5], 6);
    expectClose(run(thresholdedReLU({ theta: 0.25 }), [0.2, 0.25, 0.3]), [0, 0, 0.3], 6);
  });

  it('refuses a negative theta', () => {
    const error = caught(() => thresholdedReLU({ theta: -1 }));
    expect(error.details['argument']).toBe('theta');
    expect(error.message).toContain('-1');
  });
});

/** Softmax of a list by the formula. */
const soft = (xs: readonly number[]): number[] => {
  const e = xs.map(Math.exp);
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};

describe('Softmax', () => {
  it('axis -1 (default): exp(x) / sum(exp(x)) per row', () => {
    expectClose(run(softmax(), [1, 2, 3]), soft([1, 2, 3]), 6);
  });

  it('another axis, and a list of axes (normalized jointly)', () => {
    const x = tf.tensor3d([[[1, 2], [3, 5]]]); // [1, 2, 2]
    const y1 = softmax({ axis: 1 }).apply(x) as tf.Tensor;
    const [a, b] = [soft([1, 3]), soft([2, 5])];
    expectClose(y1, [a[0]!, b[0]!, a[1]!, b[1]!], 6);
    const y12 = softmax({ axis: [1, 2] }).apply(x) as tf.Tensor;
    expectClose(y12, soft([1, 2, 3, 5]), 6);
    tf.dispose([x, y1, y12]);
  });

  it('a mask of the inputs shape gives the masked entries probability 0 (Keras 3)', () => {
    const x = tf.tensor2d([[1, 2, 3], [1, 1, 1]]);
    const mask = tf.tensor2d([[1, 1, 0], [0, 0, 0]], undefined, 'bool');
    const y = softmax().apply(x, { mask }) as tf.Tensor;
    expectClose(y, [...soft([1, 2]), 0, 0, 0, 0], 6);
    const wrong = tf.ones([2, 2], 'bool');
    const error = caught(() => softmax().apply(x, { mask: wrong }));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('received mask shape [2, 2] for inputs of shape [2, 3]');
    tf.dispose([x, mask, y, wrong]);
  });

  it('refuses a bad axis at construction, and an axis out of range when built', () => {
    expect(caught(() => softmax({ axis: 1.5 })).details['argument']).toBe('axis');
    expect(caught(() => softmax({ axis: [1, 1] })).details['argument']).toBe('axis');
    const layer = softmax({ axis: 2 });
    const error = caught(() => layer.apply(input({ shape: [3] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('axis 2');
    // The unknown batch size reads as null, as in every other shape message.
    expect(error.message).toContain('inputs of shape [null, 3] (rank 2)');
    expect(layer.built).toBe(false);
  });
});

const ALL: readonly [string, () => Layer][] = [
  ['ReLU', () => reLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 })],
  ['LeakyReLU', () => leakyReLU({ negativeSlope: 0.2 })],
  ['ELU', () => elu({ alpha: 0.7 })],
  ['ThresholdedReLU', () => thresholdedReLU({ theta: 0.3 })],
  ['Softmax', () => softmax({ axis: -1 })],
  ['PReLU', () => prelu({ sharedAxes: [1], alphaInitializer: { className: 'Constant', config: { value: 0.2 } }, alphaRegularizer: 'l2' })],
];

describe('every activation layer', () => {
  it('is registered under its Keras class name', () => {
    const classes = { ReLU, LeakyReLU, ELU, ThresholdedReLU, Softmax, PReLU };
    expect(activationLayerEntries.map((e) => e.name).sort()).toEqual(Object.keys(classes).sort());
    for (const [name, cls] of Object.entries(classes)) {
      const layer = registry('layer').get(name as LayerName).create({});
      expect(layer).toBeInstanceOf(cls);
      expect(cls.className).toBe(name);
    }
  });

  it.each(ALL)('%s: symbolic shape, config round trip through the registry, same outputs', (name, make) => {
    const layer = make();
    const sym = layer.apply(input({ shape: [2, 3] }));
    expect(sym.shape).toEqual([null, 2, 3]);
    const config = layer.getConfig();
    const copy = registry('layer').get(name as LayerName).create(JSON.parse(JSON.stringify(config))) as Layer;
    expect(copy.getConfig()).toEqual({ ...config, name: copy.name });
    const x = tf.tensor3d([[[-1, 0.4, 2], [7, -0.2, 0.6]]]);
    copy.ensureBuilt([null, 2, 3]);
    copy.setWeights(layer.getWeights());
    const [a, b] = [layer.apply(x) as tf.Tensor, copy.apply(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b, ...layer.getWeights()]);
  });

  it.each(ALL)('%s passes a mask on: an LSTM after it gives the same output for a padded and an unpadded sequence', (_name, make) => {
    const m = sequential({ layers: [embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [null] }), make(), lstm({ units: 2 })] });
    const before = tf.memory().numTensors;
    const padded = tf.tensor2d([[3, 1, 4, 0]]);
    const plain = tf.tensor2d([[3, 1, 4]]);
    const [p, q] = [m.predict(padded) as tf.Tensor, m.predict(plain) as tf.Tensor];
    expectClose(p, Array.from(q.dataSync()), 6);
    tf.dispose([padded, plain, p, q]);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('fit, evaluate and predict leave tf.memory() as it was', async () => {
    const inp = input({ shape: [4] });
    let x = inp;
    for (const [, make] of ALL) x = make().apply(x);
    const m = model({ inputs: inp, outputs: x });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const xs = tf.randomNormal([6, 4], 0, 1, 'float32', 3);
    const ys = tf.randomUniform([6, 4], 0, 1, 'float32', 4);
    // The first fit creates the optimizer's state; later ones allocate nothing that stays.
    await m.fit(xs, ys, { epochs: 1, batchSize: 3, verbose: 0 });
    const before = tf.memory().numTensors;
    await m.fit(xs, ys, { epochs: 2, batchSize: 3, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    await m.evaluate(xs, ys, { verbose: 0 });
    tf.dispose(m.predict(xs));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([xs, ys]);
    m.dispose();
  });
});
