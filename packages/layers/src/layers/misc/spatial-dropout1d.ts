import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import type { DropoutArgs } from '../dropout.js';
import { SpatialDropoutBase } from './spatial-dropout-base.js';
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
export class SpatialDropout1D extends SpatialDropoutBase {
  static override readonly className: string = 'SpatialDropout1D';
  static override readonly argKeys: ArgKeys = argKeys<SpatialDropout1DArgs>()(['rate'], ['noiseShape', 'seed']);

  protected readonly inputAxes: readonly string[] = ['batch', 'steps', 'channels'];
  protected readonly seeds: SeedStream;

  constructor(args: SpatialDropout1DArgs) {
    // tfjs-layers configs carry `noiseShape: null`; any other value contradicts the layer.
    const { noiseShape, ...rest } = (args ?? {}) as DropoutArgs;
    super(rest);
    if (noiseShape !== undefined && noiseShape !== null) {
      throw layerArgError(this, 'noiseShape', noiseShape, 'absent: SpatialDropout1D always uses [batch, 1, channels]');
    }
    this.seeds = new SeedStream(readSeed(this, args.seed));
  }

  protected override maskShape(x: tf.Tensor): number[] {
    return [x.shape[0]!, 1, x.shape[2]!];
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, seed: this.seed ?? null };
  }
}

/** Creates a SpatialDropout1D layer. */
export function spatialDropout1d(args: SpatialDropout1DArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}
