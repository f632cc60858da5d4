import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { forArgument } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { feature } from '../../model/features.js';

export interface MaskingArgs extends LayerArgs {
  /** Time steps whose features all equal it are padding; default 0. */
  maskValue?: number;
}

/**
 * Keras's Masking: a time step of `[batch, time, features]` whose features all equal `maskValue`
 * is padding. The output carries the mask `any(x != maskValue, -1)` (`[batch, time]`), which
 * SimpleRNN, LSTM and GRU use to skip those steps; the padded steps' values become 0.
 */
export class Masking extends Layer {
  static override readonly className = 'Masking';
  static override readonly argKeys = argKeys<MaskingArgs>()([], ['maskValue']);
  readonly maskValue: number;

  /** It takes a masked input (and replaces the mask with its own), as Keras. */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: MaskingArgs = {}) {
    super(args);
    this.maskValue = args.maskValue === undefined ? 0 : forArgument(this, 'maskValue', () => checkNumber('maskValue', args.maskValue));
    // Masks come with `@ridge/layers/masking`: without it, refused before anything is built.
    feature('masking', 'masking()');
  }

  /**
   * 1 for a step with some feature != maskValue, else 0, shaped `[batch, time, 1]`. Written as
   * `step(max |x - maskValue|)` rather than `any(x != maskValue)`: the same values (x - v is 0
   * only for x = v), but every op has a gradient (zero), so a model can train the layers before it
   * (tfjs-core has none for `any` and `notEqual`).
   */
  #keep(x: tf.Tensor): tf.Tensor {
    return tf.step(tf.max(tf.abs(tf.sub(x, this.maskValue)), -1, true));
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    return tf.mul(x, this.#keep(x));
  }

  override computeOutputMasked(_inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => true);
  }

  /** Keras's `compute_mask`: `any(inputs != maskValue, -1)`, whatever mask the input had. */
  override computeMask(inputs: readonly tf.Tensor[], _masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    const mask = tf.cast(tf.squeeze(this.#keep(inputs[0]!), [-1]), 'bool');
    return Array.from({ length: outputCount }, () => mask);
  }

  protected override layerConfig(): JsonObject {
    return { maskValue: this.maskValue };
  }
}

/** Creates a Masking layer. */
export function masking(args: MaskingArgs = {}): Masking {
  return new Masking(args);
}
