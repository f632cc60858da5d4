import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { readRate } from './args.js';
import { readSeed, SeedStream } from './seeds.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability in [0, 1); the noise has standard deviation sqrt(rate / (1 - rate)). */
  rate: number;
  /** Makes the sequence of noise draws reproducible. */
  seed?: number | null;
}

/**
 * In training, multiplies the inputs by Gaussian noise of mean 1 and standard deviation
 * `sqrt(rate / (1 - rate))` (the variance of inverted dropout at that rate); the identity otherwise.
 */
export class GaussianDropout extends Layer {
  static override readonly className = 'GaussianDropout';
  static override readonly argKeys = argKeys<GaussianDropoutArgs>()(['rate'], ['seed']);

  /** Passes its input's mask on, as Keras 3 (noise applied entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly rate: number;
  readonly seed: number | undefined;
  private readonly seeds: SeedStream;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = readRate(this, args.rate);
    this.seed = readSeed(this, args.seed);
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    if (!ctx.training || this.rate === 0) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return tf.mul(x, tf.randomNormal(x.shape, 1, stddev, 'float32', this.seeds.next()));
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, seed: this.seed ?? null };
  }
}

/** Creates a GaussianDropout layer. */
export function gaussianDropout(args: GaussianDropoutArgs): GaussianDropout {
  return new GaussianDropout(args);
}
