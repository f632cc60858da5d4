import '@ridge/regularizers';
import { l1, l2, maxNorm, nonNeg } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useCpu } from '../../test/setup.js';
import { conv2d, dense, layerNormalization } from '../index.js';

useCpu();

/*
 * A weight's regularizer and constraint in getConfig(): the weight's current ones when it exists
 * (they can be changed after construction), the constructor's when it does not. Keras writes the
 * constructor's `bias_regularizer` even with `use_bias=False`, so a config saved from a layer
 * without a bias and loaded again keeps what the user passed; every layer family does the same.
 */
describe('config of weights that exist and weights that do not', () => {
  it('Dense, Conv2D and LayerNormalization report the constructor regularizer and constraint of a weight they left out, before and after building', () => {
    const before = tf.memory().numTensors;
    const layers = [
      { layer: dense({ units: 2, useBias: false, biasRegularizer: l1(0.25), biasConstraint: nonNeg() }), shape: [null, 3], absent: 'bias' },
      { layer: conv2d({ filters: 2, kernelSize: 1, useBias: false, biasRegularizer: l1(0.25), biasConstraint: nonNeg() }), shape: [null, 4, 4, 1], absent: 'bias' },
      { layer: layerNormalization({ center: false, betaRegularizer: l1(0.25), betaConstraint: nonNeg() }), shape: [null, 3], absent: 'beta' },
    ];
    for (const { layer, shape, absent } of layers) {
      const expected = { [`${absent}Regularizer`]: { className: 'L1', config: { l1: 0.25 } }, [`${absent}Constraint`]: { className: 'NonNeg', config: {} } };
      expect(layer.getConfig(), `${layer.name} before building`).toMatchObject(expected);
      layer.ensureBuilt(shape);
      expect(layer.weights.map((w) => w.name)).not.toContain(absent);
      expect(layer.getConfig(), `${layer.name} built`).toMatchObject(expected);
      layer.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("a weight that exists reports its current regularizer and constraint, not the constructor's", () => {
    const layer = dense({ units: 2, kernelRegularizer: l1(0.25) });
    layer.ensureBuilt([null, 3]);
    layer.kernel.regularizer = l2(0.5);
    layer.kernel.constraint = maxNorm({ maxValue: 2 });
    expect(layer.getConfig()).toMatchObject({
      kernelRegularizer: { className: 'L2', config: { l2: 0.5 } },
      kernelConstraint: { className: 'MaxNorm', config: { maxValue: 2 } },
      biasRegularizer: null,
    });
    layer.dispose();
  });
});
