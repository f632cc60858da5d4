import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { RecurrentLayer, type RecurrentArgs, type StepWeights } from './recurrent-base.js';

export type SimpleRNNArgs = RecurrentArgs;

/** Keras's SimpleRNN: `h_t = activation(x_t W + b + h_{t-1} U)`, input [batch, time, features]. */
export class SimpleRNN extends RecurrentLayer {
  static override readonly className = 'SimpleRNN';
  protected readonly gates = 1;
  protected readonly stateCount = 1;

  protected step(xw: tf.Tensor2D, states: readonly tf.Tensor2D[], weights: StepWeights): tf.Tensor2D[] {
    const h = weights.recurrentMask ? tf.mul(states[0]!, weights.recurrentMask) : states[0]!;
    return [this.activationFn(weights.product(0, h, xw)) as tf.Tensor2D];
  }

  protected override layerConfig(): JsonObject {
    return this.recurrentConfig();
  }
}

/** Creates a SimpleRNN layer. */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return new SimpleRNN(args);
}
