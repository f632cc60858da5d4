import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { readNumber } from './args.js';

export interface ELUArgs extends LayerArgs {
  /** The scale of the negative part; default 1. */
  alpha?: number;
}

/** Keras's ELU layer: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise. */
export class ELU extends Layer {
  static override readonly className = 'ELU';
  static override readonly argKeys = argKeys<ELUArgs>()([], ['alpha']);
  readonly alpha: number;

  /** Passes its input's mask on, as Keras (it acts entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = readNumber(this, 'alpha', args.alpha, 1);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = floatInput(inputs as tf.Tensor);
    if (this.alpha === 1) return tf.elu(x);
    // elu(min(x, 0)) is exp(x) - 1 below 0 and 0 above, finite everywhere, with its gradient.
    return tf.add(tf.relu(x), tf.mul(tf.elu(tf.minimum(x, 0)), this.alpha));
  }

  protected override layerConfig(): JsonObject {
    return { alpha: this.alpha };
  }
}

/** Creates an ELU layer (tfjs-layers' `tf.layers.elu`). */
export function elu(args: ELUArgs = {}): ELU {
  return new ELU(args);
}
