import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { readNumber } from './args.js';

export interface LeakyReLUArgs extends LayerArgs {
  /** The slope for `x < 0` (>= 0); default 0.3. Keras 3's name. */
  negativeSlope?: number;
  /**
   * The same slope under the name tfjs-layers and Keras 2 use (`tf.layers.leakyReLU({ alpha })`),
   * so that their configs load; give one of the two.
   */
  alpha?: number;
}

/** Keras's LeakyReLU: `x` for `x >= 0`, `negativeSlope * x` below. */
export class LeakyReLU extends Layer {
  static override readonly className = 'LeakyReLU';
  static override readonly argKeys = argKeys<LeakyReLUArgs>()([], ['negativeSlope', 'alpha']);
  readonly negativeSlope: number;

  /** Passes its input's mask on, as Keras (it acts entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    const slope = readNumber(this, 'negativeSlope', args.negativeSlope, 0.3, true);
    const alpha = readNumber(this, 'alpha', args.alpha, 0.3, true);
    if (args.negativeSlope !== undefined && args.alpha !== undefined && slope !== alpha) {
      throw layerArgError(this, 'alpha', args.alpha, `absent, or equal to negativeSlope (${slope}): alpha is tfjs-layers' name for negativeSlope; give one of them`);
    }
    this.negativeSlope = args.negativeSlope === undefined ? alpha : slope;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    return tf.leakyRelu(floatInput(inputs as tf.Tensor), this.negativeSlope);
  }

  /** Keras 3's key; the 'tfjs-layers' save format writes it as `alpha`. */
  protected override layerConfig(): JsonObject {
    return { negativeSlope: this.negativeSlope };
  }
}

/** Creates a LeakyReLU layer (tfjs-layers' `tf.layers.leakyReLU`). */
export function leakyReLU(args: LeakyReLUArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}
