import type { Initializer, JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import type { ActivationFn } from '../../engine/activations.js';
import { layerArgError } from '../../engine/errors.js';
import { RECURRENT_OPTIONAL, RecurrentLayer, recurrentActivationOf, stepActivation, type GatedRecurrentArgs, type StepWeights } from './recurrent-base.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface LSTMArgs extends GatedRecurrentArgs {
  /** Initialize the forget gate's bias to 1 (the other gates use `biasInitializer`). Default true. */
  unitForgetBias?: boolean;
}

/**
 * The bias initializer of `unitForgetBias`: `biasInitializer` for the i, c and o blocks, ones for
 * the forget block, as Keras builds it.
 */
export class UnitForgetBias implements Initializer {
  readonly className: string;
  constructor(
    private readonly inner: Initializer,
    private readonly units: number,
  ) {
    this.className = inner.className;
  }
  apply(_shape: readonly number[], dtype: tf.DataType = 'float32'): tf.Tensor {
    return tf.tidy(() =>
      tf.concat([this.inner.apply([this.units], dtype), tf.ones([this.units], dtype), this.inner.apply([2 * this.units], dtype)]),
    );
  }
  getConfig(): JsonObject {
    return this.inner.getConfig();
  }
}

/**
 * Keras's LSTM (Hochreiter 1997), gate order i, f, c, o in the kernels and bias:
 * `c_t = f * c_{t-1} + i * activation(c~)`, `h_t = o * activation(c_t)`.
 * `applyAll` with `returnState` gives `[output, h, c]`.
 */
export class LSTM extends RecurrentLayer {
  static override readonly className = 'LSTM';
  static override readonly argKeys = argKeys<LSTMArgs>()(['units'], [...RECURRENT_OPTIONAL, 'recurrentActivation', 'unitForgetBias']);
  protected readonly gates = 4;
  protected readonly stateCount = 2;
  readonly recurrentActivation: string;
  readonly unitForgetBias: boolean;
  private readonly recurrentActivationFn: ActivationFn;

  constructor(args: LSTMArgs) {
    super(args);
    this.recurrentActivation = recurrentActivationOf(this, args.recurrentActivation);
    this.recurrentActivationFn = stepActivation(this.recurrentActivation);
    if (args.unitForgetBias !== undefined && typeof args.unitForgetBias !== 'boolean') {
      throw layerArgError(this, 'unitForgetBias', args.unitForgetBias, 'true or false');
    }
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override biasInitializer(): Initializer {
    const base = super.biasInitializer();
    return this.unitForgetBias ? new UnitForgetBias(base, this.units) : base;
  }

  protected step(xw: tf.Tensor2D, states: readonly tf.Tensor2D[], weights: StepWeights): tf.Tensor2D[] {
    const [h, c] = states as [tf.Tensor2D, tf.Tensor2D];
    const hIn = weights.recurrentMask ? tf.mul(h, weights.recurrentMask) : h;
    const z = weights.product(0, hIn, xw);
    // Row blocks of the transposed pre-activations: contiguous, so a cheap split on every backend.
    const [zi, zf, zc, zo] = tf.split(z, 4, 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const i = this.recurrentActivationFn(zi);
    const f = this.recurrentActivationFn(zf);
    const o = this.recurrentActivationFn(zo);
    const cNext = tf.add(tf.mul(f, c), tf.mul(i, this.activationFn(zc))) as tf.Tensor2D;
    const hNext = tf.mul(o, this.activationFn(cNext)) as tf.Tensor2D;
    return [hNext, cNext];
  }

  protected override layerConfig(): JsonObject {
    return this.recurrentConfig({ recurrentActivation: this.recurrentActivation, unitForgetBias: this.unitForgetBias });
  }
}

/** Creates an LSTM layer. */
export function lstm(args: LSTMArgs): LSTM {
  return new LSTM(args);
}
