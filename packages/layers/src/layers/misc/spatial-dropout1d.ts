import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import type { CallContext } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { Dropout, type DropoutArgs } from '../dropout.js';
import { readSeed, SeedStream } from './seeds.js';
import { argKeys, type ArgKeys } from '../../engine/arg-keys.js';

export type SpatialDropout1DArgs = Omit<DropoutArgs, 'noiseShape'> & {
  /** tfjs-layers configs carry `noiseShape: null`; the mask is always `[batch, 1, channels]`. */
  noiseShape?: null;
};

/**
 * Dropout of whole channels of `[batch, steps, channels]` inputs: one keep decision per sample
 * and channel, shared by every step (mask shape `[batch, 1, channels]`), kept values scaled by
 * 1/(1 - rate). For sequences whose neighbouring steps are correlated, where per-element dropout
 * barely regularizes.
 */
export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';
  static override readonly argKeys: ArgKeys = argKeys<SpatialDropout1DArgs>()(['rate'], ['noiseShape', 'seed']);

  private readonly seeds: SeedStream;

  constructor(args: SpatialDropout1DArgs) {
    // tfjs-layers configs carry `noiseShape: null`; any other value contradicts the layer.
    const { noiseShape, ...rest } = (args ?? {}) as DropoutArgs;
    super(rest);
    if (noiseShape !== undefined && noiseShape !== null) {
      throw layerArgError(this, 'noiseShape', noiseShape, 'absent: SpatialDropout1D always uses [batch, 1, channels]');
    }
    this.seeds = new SeedStream(readSeed(this, args.seed));
  }

  override build(inputShape: Shape | Shape[]): void {
    this.checkRank(inputShape as Shape);
    this.built = true;
  }

  private checkRank(shape: Shape): void {
    if (shape.length !== 3) {
      throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: expected inputs of rank 3 [batch, steps, channels]; received shape ${formatShape(shape)}.`, {
        layer: this.name,
        argument: 'inputs',
        received: shape,
      });
    }
  }

  protected override maskShape(x: tf.Tensor): number[] {
    return [x.shape[0]!, 1, x.shape[2]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.checkRank(x.shape);
    if (!ctx.training || this.rate === 0) return x;
    // A new, reproducible mask per call, as Keras 3 does (and as Dropout's nextSeed does).
    const keep = 1 - this.rate;
    const mask = tf.floor(tf.add(tf.randomUniform(this.maskShape(x), 0, 1, 'float32', this.seeds.next()), keep));
    return tf.mul(tf.div(x, keep), mask);
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, seed: this.seed ?? null };
  }
}

/** Creates a SpatialDropout1D layer. */
export function spatialDropout1d(args: SpatialDropout1DArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}
