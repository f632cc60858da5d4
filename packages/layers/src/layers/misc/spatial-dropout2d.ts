import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import type { DropoutArgs } from '../dropout.js';
import { SpatialDropoutBase } from './spatial-dropout-base.js';
import { readSeed, SeedStream } from './seeds.js';
import { argKeys, type ArgKeys } from '../../engine/arg-keys.js';

export type SpatialDropout2DArgs = Omit<DropoutArgs, 'noiseShape'> & {
  /** Only `'channels_last'` (the default; Keras 3 also has `'channels_first'`, which Ridge does not compute). */
  dataFormat?: 'channels_last' | null;
};

/**
 * Dropout of whole feature maps of `[batch, height, width, channels]` images: one keep decision
 * per sample and channel, shared by every pixel (mask shape `[batch, 1, 1, channels]`), kept
 * values scaled by 1/(1 - rate); the identity at inference. For convolutional features, whose
 * neighbouring pixels are correlated, where per-element dropout barely regularizes.
 */
export class SpatialDropout2D extends SpatialDropoutBase {
  static override readonly className: string = 'SpatialDropout2D';
  static override readonly argKeys: ArgKeys = argKeys<SpatialDropout2DArgs>()(['rate'], ['seed', 'dataFormat']);

  readonly dataFormat: 'channels_last';
  protected readonly inputAxes: readonly string[] = ['batch', 'height', 'width', 'channels'];
  protected readonly seeds: SeedStream;

  constructor(args: SpatialDropout2DArgs) {
    const { dataFormat, ...rest } = (args ?? {}) as SpatialDropout2DArgs;
    super(rest);
    if (dataFormat !== undefined && dataFormat !== null && dataFormat !== 'channels_last') {
      const why = dataFormat === 'channels_first' ? ' (Ridge computes channels-last only: transpose the inputs to [batch, height, width, channels])' : '';
      throw layerArgError(this, 'dataFormat', dataFormat, `'channels_last'${why}`);
    }
    this.dataFormat = 'channels_last';
    this.seeds = new SeedStream(readSeed(this, args.seed));
  }

  protected override maskShape(x: tf.Tensor): number[] {
    return [x.shape[0]!, 1, 1, x.shape[3]!];
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, seed: this.seed ?? null, dataFormat: this.dataFormat };
  }
}

/** Creates a SpatialDropout2D layer. */
export function spatialDropout2d(args: SpatialDropout2DArgs): SpatialDropout2D {
  return new SpatialDropout2D(args);
}
