import { l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { caughtRidgeError as caught, expectClose, setWeight } from '../../../test/fixtures.js';
import { useCpu } from '../../../test/setup.js';
import { dense, input, model } from '../../index.js';
import { prelu } from './index.js';

useCpu();

const constant = (value: number) => ({ className: 'Constant', config: { value } }) as const;

describe('PReLU', () => {
  it('x for x >= 0, alpha * x below, with one slope per entry', () => {
    const layer = prelu();
    const x = tf.tensor2d([[-2, -1, 3], [4, -0.5, -6]]);
    layer.ensureBuilt([null, 3]);
    expect(layer.alpha.shape).toEqual([3]);
    // Zeros by default: a ReLU.
    const relu = layer.apply(x) as tf.Tensor;
    expectClose(relu, [0, 0, 3, 4, 0, 0]);
    setWeight(layer.alpha, [0.1, 0.2, 0.3]);
    const y = layer.apply(x) as tf.Tensor;
    expectClose(y, [0.1 * -2, 0.2 * -1, 3, 4, 0.2 * -0.5, 0.3 * -6], 6);
    tf.dispose([x, relu, y]);
    layer.dispose();
  });

  it('sharedAxes: the slopes have size 1 on the shared axes, and broadcast there', () => {
    const images = prelu({ sharedAxes: [1, 2] });
    images.ensureBuilt([null, 4, 5, 3]);
    expect(images.alpha.shape).toEqual([1, 1, 3]);
    const single = prelu({ sharedAxes: 2 });
    single.ensureBuilt([null, 2, 7]);
    expect(single.alpha.shape).toEqual([2, 1]);
    setWeight(single.alpha, [0.5, 0.25]);
    const x = tf.tensor3d([[[-1, -2, 3], [-4, 5, -8]]]);
    const y = single.apply(x) as tf.Tensor;
    expectClose(y, [-0.5, -1, 3, -1, 5, -2], 6);
    tf.dispose([x, y]);
    images.dispose();
    single.dispose();
  });

  it('refuses a bad sharedAxes at construction, and one beyond the input, or an unknown unshared size, when built', () => {
    for (const value of [0, [1, 1], [1.5], 'all']) {
      const error = caught(() => prelu({ sharedAxes: value as never }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details['argument']).toBe('sharedAxes');
      expect(error.details['received']).toEqual(value);
      expect(error.message).toContain('sharedAxes must be an integer >= 1 or a list of distinct integers >= 1');
    }
    const beyond = prelu({ sharedAxes: [3] });
    const error = caught(() => beyond.apply(input({ shape: [2, 3] })));
    expect(error.code).toBe('SHAPE_MISMATCH');
    expect(error.message).toContain('axis 3');
    expect(beyond.built).toBe(false);
    expect(beyond.weights).toEqual([]);
    expect(caught(() => prelu().apply(input({ shape: [null, 3] }))).message).toContain('input axis 1 must be known');
    const built = prelu();
    built.ensureBuilt([null, 3]);
    const x = tf.zeros([2, 4]);
    expect(caught(() => built.apply(x)).code).toBe('SHAPE_MISMATCH');
    x.dispose();
    built.dispose();
  });

  it("its slope has the role 'alpha': a bare compile regularization leaves it alone; 'alpha' and '*/alpha' pick it", () => {
    const inp = input({ shape: [3] });
    const h = dense({ units: 2, name: 'pd' }).apply(inp);
    const m = model({ inputs: inp, outputs: prelu({ name: 'pa', alphaInitializer: constant(0.5) }).apply(h) });
    expect(m.getLayer('pa').weights.map((w) => [w.path, w.role])).toEqual([['pa/alpha', 'alpha']]);
    const paths = () => m.penalties().terms.map((t) => t.path);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: 'l2' });
    expect(paths()).toEqual(['pd/kernel']);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: l2(0.1), include: 'alpha' } });
    expect(paths()).toEqual(['pa/alpha']);
    // L2 = 0.1 * sum(alpha^2) over the two slopes of 0.5.
    expect(m.penalties().terms[0]!.value).toBeCloseTo(0.1 * 2 * 0.25, 6);
    m.compile({ optimizer: 'sgd', loss: 'mse', regularization: { regularizer: 'l1', include: '*/alpha' } });
    expect(paths()).toEqual(['pa/alpha']);
    m.dispose();
  });

  it("alphaRegularizer is logged by fit as 'penalty/<layer>/alpha', and its gradient moves the slopes", async () => {
    const inp = input({ shape: [2] });
    const p = prelu({ name: 'slopes', alphaInitializer: constant(0.25), alphaRegularizer: l2(0.1) });
    const m = model({ inputs: inp, outputs: p.apply(inp) });
    // Inputs >= 0: the data loss does not reach the slopes, only the penalty does.
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.zeros([2, 2]);
    m.compile({ optimizer: { className: 'SGD', config: { learningRate: 0.5 } }, loss: 'mse' });
    const history = await m.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0 });
    // Before the step: 0.1 * (0.25^2 + 0.25^2).
    expect(history.history['penalty/slopes/alpha']![0]).toBeCloseTo(0.1 * 2 * 0.0625, 6);
    // One SGD step on 0.1 * alpha^2: alpha - 0.5 * 0.2 * alpha = 0.9 * 0.25.
    expectClose(p.alpha.read(), [0.225, 0.225], 6);
    tf.dispose([x, y]);
    m.dispose();
  });
});
