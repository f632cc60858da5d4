import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { forArgument } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { readSeed, SeedStream } from './seeds.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the additive noise, >= 0. */
  stddev: number;
  /** Makes the sequence of noise draws reproducible. */
  seed?: number | null;
}

/** In training, adds zero-mean Gaussian noise of standard deviation `stddev`; the identity otherwise. */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  static override readonly argKeys = argKeys<GaussianNoiseArgs>()(['stddev'], ['seed']);

  /** Passes its input's mask on, as Keras 3 (noise added entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly stddev: number;
  readonly seed: number | undefined;
  private readonly seeds: SeedStream;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    this.stddev = forArgument(this, 'stddev', () => checkNumber('stddev', args.stddev, { min: 0 }));
    this.seed = readSeed(this, args.seed);
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    if (!ctx.training || this.stddev === 0) return x;
    return tf.add(x, tf.randomNormal(x.shape, 0, this.stddev, 'float32', this.seeds.next()));
  }

  protected override layerConfig(): JsonObject {
    return { stddev: this.stddev, seed: this.seed ?? null };
  }
}

/** Creates a GaussianNoise layer. */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args);
}
