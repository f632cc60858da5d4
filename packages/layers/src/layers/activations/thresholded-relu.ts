import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { readNumber } from './args.js';

export interface ThresholdedReLUArgs extends LayerArgs {
  /** Inputs at or below it give 0 (>= 0); default 1. */
  theta?: number;
}

/**
 * Keras 2's and tfjs-layers' ThresholdedReLU: `x` for `x > theta`, 0 otherwise. Keras 3 dropped
 * it (`ReLU({ threshold: theta })` differs below the threshold only with a negative slope); Ridge
 * keeps it so that models saved with it load.
 */
export class ThresholdedReLU extends Layer {
  static override readonly className = 'ThresholdedReLU';
  static override readonly argKeys = argKeys<ThresholdedReLUArgs>()([], ['theta']);
  readonly theta: number;

  /** Passes its input's mask on, as Keras 2 (it acts entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: ThresholdedReLUArgs = {}) {
    super(args);
    this.theta = readNumber(this, 'theta', args.theta, 1, true);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = floatInput(inputs as tf.Tensor);
    // step(x - theta) is `x > theta` as a number, with a (zero) gradient.
    return tf.mul(x, tf.step(tf.sub(x, this.theta)));
  }

  protected override layerConfig(): JsonObject {
    return { theta: this.theta };
  }
}

/** Creates a ThresholdedReLU layer (tfjs-layers' `tf.layers.thresholdedReLU`). */
export function thresholdedReLU(args: ThresholdedReLUArgs = {}): ThresholdedReLU {
  return new ThresholdedReLU(args);
}
