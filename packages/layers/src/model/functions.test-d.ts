import type * as tf from '@tensorflow/tfjs-core';
import { describe, expectTypeOf, it } from 'vitest';
import type { CompileArgs, MetricSpec, Model } from '../index.js';

describe('functions as losses and metrics', () => {
  it('compile takes (yTrue, yPred) => Tensor as a loss, per output, and as a metric', () => {
    const myLoss = (yTrue: tf.Tensor, _yPred: tf.Tensor): tf.Tensor => yTrue;
    expectTypeOf<Model['compile']>().toBeCallableWith({ optimizer: 'sgd', loss: myLoss, metrics: [myLoss, 'accuracy'], weightedMetrics: [myLoss] });
    expectTypeOf<Model['compile']>().toBeCallableWith({ optimizer: 'sgd', loss: [myLoss, 'mse'] });
    expectTypeOf(myLoss).toMatchTypeOf<MetricSpec>();
    // A function that returns a number is not a loss.
    // @ts-expect-error the loss must return a tensor
    const bad: CompileArgs = { optimizer: 'sgd', loss: (_t: tf.Tensor, _p: tf.Tensor) => 1 };
    void bad;
  });
});
