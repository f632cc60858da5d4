import type { JsonObject } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import { canonicalActivation, getActivation, type ActivationFn } from '../engine/activations.js';
import { forArgument } from '../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../engine/layer.js';
import { argKeys } from '../engine/arg-keys.js';

export interface ActivationArgs extends LayerArgs {
  activation: string;
}

/** Applies an activation function: `activation({ activation: 'softmax' })`. */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  static override readonly argKeys = argKeys<ActivationArgs>()(['activation'], []);

  /** Passes its input's mask on, as Keras (it acts entry by entry: the mask still holds). */
  override get supportsMasking(): boolean {
    return true;
  }

  declare readonly activation: string;
  readonly #fn: ActivationFn;

  constructor(args: ActivationArgs) {
    super(args);
    this.activation = forArgument(this, 'activation', () => canonicalActivation(args.activation));
    this.#fn = getActivation(this.activation);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    return this.#fn(inputs as tf.Tensor);
  }

  protected override layerConfig(): JsonObject {
    return { activation: this.activation };
  }
}

export function activation(args: ActivationArgs): Activation {
  return new Activation(args);
}
