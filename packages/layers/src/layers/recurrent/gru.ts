import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import type { ActivationFn } from '../../engine/activations.js';
import { layerArgError } from '../../engine/errors.js';
import { RECURRENT_OPTIONAL, RecurrentLayer, recurrentActivationOf, stepActivation, type GatedRecurrentArgs, type StepWeights } from './recurrent-base.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface GRUArgs extends GatedRecurrentArgs {
  /**
   * Apply the reset gate after the recurrent product (Keras 3's default, cuDNN-compatible), with
   * separate input and recurrent biases (bias shape [2, 3 * units]); `false` applies it before,
   * with one bias of shape [3 * units].
   */
  resetAfter?: boolean;
}

/**
 * Keras's GRU (Cho et al. 2014), gate order z, r, h in the kernels and bias:
 * `h_t = z * h_{t-1} + (1 - z) * activation(x W_h + b_h + r * (h_{t-1} U_h + b'_h))` with
 * `resetAfter`, or `... + (r * h_{t-1}) U_h` without it.
 */
export class GRU extends RecurrentLayer {
  static override readonly className = 'GRU';
  static override readonly argKeys = argKeys<GRUArgs>()(['units'], [...RECURRENT_OPTIONAL, 'recurrentActivation', 'resetAfter']);
  protected readonly gates = 3;
  protected readonly stateCount = 1;
  readonly recurrentActivation: string;
  readonly resetAfter: boolean;
  private readonly recurrentActivationFn: ActivationFn;

  constructor(args: GRUArgs) {
    super(args);
    this.recurrentActivation = recurrentActivationOf(this, args.recurrentActivation);
    this.recurrentActivationFn = stepActivation(this.recurrentActivation);
    if (args.resetAfter !== undefined && typeof args.resetAfter !== 'boolean') {
      throw layerArgError(this, 'resetAfter', args.resetAfter, 'true or false');
    }
    this.resetAfter = args.resetAfter ?? true;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(bias: tf.Tensor): tf.Tensor {
    return this.resetAfter ? tf.reshape(tf.slice(bias, [0, 0], [1, -1]), [3 * this.units]) : bias;
  }

  /** Without `resetAfter`, the candidate's block multiplies `r * h`, so it is kept apart. */
  protected override recurrentKernelParts(kernel: tf.Tensor2D): tf.Tensor2D[] {
    if (this.resetAfter) return [kernel];
    const u = this.units;
    return [tf.slice(kernel, [0, 0], [2 * u, u]), tf.slice(kernel, [2 * u, 0], [u, u])];
  }

  protected override recurrentBias(bias: tf.Tensor): tf.Tensor | undefined {
    return this.resetAfter ? tf.reshape(tf.slice(bias, [1, 0], [1, -1]), [3 * this.units, 1]) : undefined;
  }

  protected step(xw: tf.Tensor2D, states: readonly tf.Tensor2D[], weights: StepWeights): tf.Tensor2D[] {
    const h = states[0]!;
    const hIn = weights.recurrentMask ? tf.mul(h, weights.recurrentMask) : h;
    let candidate: tf.Tensor;
    let z: tf.Tensor;
    if (this.resetAfter) {
      const [xz, xr, xh] = tf.split(xw, 3, 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      let inner: tf.Tensor = weights.product(0, hIn);
      if (weights.recurrentBias) inner = tf.add(inner, weights.recurrentBias);
      const [rz, rr, rh] = tf.split(inner, 3, 0);
      z = this.recurrentActivationFn(tf.add(xz, rz!));
      const r = this.recurrentActivationFn(tf.add(xr, rr!));
      candidate = this.activationFn(tf.add(xh, tf.mul(r, rh!)));
    } else {
      // The input projections are added inside the products (one node each instead of two).
      const [xzr, xh] = tf.split(xw, [2 * this.units, this.units], 0);
      const [zIn, rIn] = tf.split(weights.product(0, hIn, xzr), 2, 0);
      z = this.recurrentActivationFn(zIn!);
      const r = this.recurrentActivationFn(rIn!);
      candidate = this.activationFn(weights.product(1, tf.mul(r, hIn), xh));
    }
    // The update mixes the previous state itself (not its dropped-out copy), as Keras does.
    return [tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate)) as tf.Tensor2D];
  }

  protected override layerConfig(): JsonObject {
    return this.recurrentConfig({ recurrentActivation: this.recurrentActivation, resetAfter: this.resetAfter });
  }
}

/** Creates a GRU layer. */
export function gru(args: GRUArgs): GRU {
  return new GRU(args);
}
