import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { numbers, useCpu } from '../../test/setup.js';
import type { Layer } from '../engine/layer.js';
import {
  conv1d,
  conv1dTranspose,
  conv2d,
  conv2dTranspose,
  depthwiseConv1d,
  depthwiseConv2d,
  elu,
  embedding,
  leakyReLU,
  prelu,
  reLU,
  separableConv1d,
  separableConv2d,
  softmax,
  thresholdedReLU,
} from '../index.js';

useCpu();

/*
 * Keras's conv ops convert their inputs to the kernel's dtype (keras/src/backend/jax/nn.py:
 * `inputs = convert_to_tensor(inputs, dtype=kernel.dtype)`), so int32 images convolve as their
 * float values; Ridge's layers compute in float32, so int32 (and bool) inputs of the conv family
 * and the activation layers are read as float32. The reference for each layer is the same layer
 * on the float32 copy of the same numbers (small integers are exact in float32): the outputs, and
 * the gradients of sum(outputs * r) (r fixed, not all ones) with respect to every weight, must be equal.
 */

/** Small integers, some negative, in a shape. */
function ints(shape: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => ((i * 7) % 11) - 5);
}

const SHAPE_1D = [2, 5, 3];
const SHAPE_2D = [2, 4, 4, 3];

const CASES: readonly [string, () => Layer, number[]][] = [
  ['Conv1D', () => conv1d({ filters: 2, kernelSize: 2 }), SHAPE_1D],
  ['Conv1D causal, dilated', () => conv1d({ filters: 2, kernelSize: 2, padding: 'causal', dilationRate: 2 }), SHAPE_1D],
  ['Conv2D', () => conv2d({ filters: 2, kernelSize: 2, strides: 2 }), SHAPE_2D],
  ['Conv2D groups 3', () => conv2d({ filters: 3, kernelSize: 2, groups: 3 }), SHAPE_2D],
  ['Conv1DTranspose', () => conv1dTranspose({ filters: 2, kernelSize: 3, strides: 2 }), SHAPE_1D],
  ['Conv2DTranspose', () => conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2 }), SHAPE_2D],
  ['DepthwiseConv1D', () => depthwiseConv1d({ kernelSize: 2, depthMultiplier: 2 }), SHAPE_1D],
  ['DepthwiseConv2D', () => depthwiseConv2d({ kernelSize: 2 }), SHAPE_2D],
  ['SeparableConv1D', () => separableConv1d({ filters: 2, kernelSize: 2 }), SHAPE_1D],
  ['SeparableConv2D', () => separableConv2d({ filters: 2, kernelSize: 2, depthMultiplier: 2 }), SHAPE_2D],
  ['Softmax', () => softmax({}), SHAPE_1D],
  ['Softmax on axis 1', () => softmax({ axis: 1 }), SHAPE_1D],
  ['ELU', () => elu({}), SHAPE_1D],
  ['ELU alpha 0.5', () => elu({ alpha: 0.5 }), SHAPE_1D],
  ['ReLU', () => reLU({}), SHAPE_1D],
  ['ReLU with maxValue, threshold and slope', () => reLU({ maxValue: 3, threshold: 1, negativeSlope: 0.5 }), SHAPE_1D],
  ['LeakyReLU', () => leakyReLU({ negativeSlope: 0.2 }), SHAPE_1D],
  ['PReLU', () => prelu({ alphaInitializer: { className: 'Constant', config: { value: 0.25 } } }), SHAPE_1D],
  ['ThresholdedReLU', () => thresholdedReLU({ theta: 1 }), SHAPE_1D],
];

/** The output and the gradient of sum(output * r) with respect to each weight. */
function run(layer: Layer, x: tf.Tensor): { dtype: string; y: number[]; grads: number[][] } {
  return tf.tidy(() => {
    let dtype = '';
    let y: number[] = [];
    const f = () => {
      const out = layer.apply(x) as tf.Tensor;
      dtype = out.dtype;
      y = numbers(out);
      const r = tf.tensor(ints(out.shape).map((v) => v + 0.5), out.shape);
      return tf.sum(tf.mul(out, r)) as tf.Scalar;
    };
    if (layer.weights.length === 0) {
      f();
      return { dtype, y, grads: [] };
    }
    const { grads } = tf.variableGrads(f, layer.weights.map((w) => w.variable));
    return { dtype, y, grads: layer.weights.map((w) => numbers(grads[w.variable.name]!)) };
  });
}

describe('int32 and bool inputs are read as float32', () => {
  it.each(CASES)('%s: an int32 input gives the outputs and weight gradients of its float32 copy', (_, make, shape) => {
    const layer = make();
    const xf = tf.tensor(ints(shape), shape, 'float32');
    const xi = tf.tensor(ints(shape), shape, 'int32');
    // A first call builds the weights; both runs then use the same ones.
    tf.dispose(layer.apply(xf) as tf.Tensor);
    const reference = run(layer, xf);
    const before = tf.memory().numTensors;
    const fromInt = run(layer, xi);
    expect(tf.memory().numTensors).toBe(before);
    expect(fromInt.dtype).toBe('float32');
    expect(fromInt.y).toEqual(reference.y);
    expect(fromInt.grads).toEqual(reference.grads);
    // The gradients compared are real ones: one per weight, not all zero.
    expect(reference.grads).toHaveLength(layer.weights.length);
    if (layer.weights.length > 0) expect(reference.grads.flat().some((v) => v !== 0)).toBe(true);
    tf.dispose([xf, xi]);
    layer.dispose();
  });

  it('a bool input is read as 0 and 1 (Softmax, Conv1D)', () => {
    const values = [true, false, true, true, false, false];
    for (const layer of [softmax({}), conv1d({ filters: 1, kernelSize: 1 })]) {
      const xb = tf.tensor(values, [1, 2, 3], 'bool');
      const xf = tf.tensor(values.map(Number), [1, 2, 3], 'float32');
      tf.dispose(layer.apply(xf) as tf.Tensor);
      const reference = run(layer, xf);
      expect(run(layer, xb)).toEqual(reference);
      tf.dispose([xb, xf]);
      layer.dispose();
    }
  });

  it('Embedding still takes int32 indices as indices', () => {
    const layer = embedding({ inputDim: 4, outputDim: 2, embeddingsInitializer: { className: 'Constant', config: { value: 0 } } });
    const x = tf.tensor2d([[3, 0]], undefined, 'int32');
    layer.apply(x);
    const table = tf.tensor2d([[0, 1], [2, 3], [4, 5], [6, 7]]);
    layer.setWeights([table]);
    const y = layer.apply(x) as tf.Tensor;
    // Rows 3 and 0 of the table.
    expect(numbers(y)).toEqual([6, 7, 0, 1]);
    tf.dispose([x, table, y]);
    layer.dispose();
  });
});
