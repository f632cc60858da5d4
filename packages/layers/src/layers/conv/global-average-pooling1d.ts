import { RidgeError } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who } from '../../engine/errors.js';
import type { CallContext } from '../../engine/layer.js';
import { GlobalPooling, type GlobalPoolingArgs } from './base-global-pooling.js';
import { expectRank } from './conv-utils.js';

export type GlobalAveragePooling1DArgs = GlobalPoolingArgs;

/**
 * The mean over the steps of `[batch, steps, channels]` inputs: `[batch, channels]`. With a mask
 * (`[batch, steps]`, from `embedding({ maskZero: true })`, a Masking layer or `apply(x, { mask })`),
 * the mean over the unmasked steps only, `sum(x * mask) / sum(mask)`, as Keras 3; the mask ends
 * here (a row with every step masked gives 0 / 0 = NaN, as in Keras).
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling1D';

  constructor(args: GlobalAveragePooling1DArgs = {}) {
    super(1, 'avg', args);
  }

  override get supportsMasking(): boolean {
    return true;
  }

  /** Keras's `compute_mask` returns None: the steps are gone. */
  override computeOutputMasked(_inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => false);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const mask = ctx.masks?.[0];
    if (!mask) return super.call(inputs, ctx);
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 1);
    if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: the mask must have the shape [batch, steps] of the inputs [${x.shape.join(', ')}]; received shape [${mask.shape.join(', ')}].`,
        { layer: this.name, argument: 'mask', received: mask.shape },
      );
    }
    const keep = tf.expandDims(mask.dtype === 'bool' ? mask : tf.cast(mask, 'bool'), 2);
    // `where` rather than `x * mask`, as Keras: a NaN or Inf at a masked step stays out.
    const kept = tf.where(tf.broadcastTo(keep, x.shape), x, tf.zerosLike(x));
    return tf.div(tf.sum(kept, 1, this.keepdims), tf.sum(tf.cast(keep, 'float32'), 1, this.keepdims));
  }
}

/** Creates a GlobalAveragePooling1D layer. */
export function globalAveragePooling1d(args: GlobalAveragePooling1DArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}
