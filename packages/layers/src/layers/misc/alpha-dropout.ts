import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkNoiseShape, readNoiseShape, readRate } from './args.js';
import { readSeed, SeedStream } from './seeds.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface AlphaDropoutArgs extends LayerArgs {
  /** Drop probability in [0, 1). */
  rate: number;
  /** Shape of the keep mask, the batch dimension first (1 = shared along that axis, null = the input's size). */
  noiseShape?: readonly (number | null)[] | null;
  /** Makes the sequence of masks reproducible. */
  seed?: number | null;
}

/** SELU's negative saturation value, `-scale * alpha`: where dropped units are set. */
const ALPHA_PRIME = -1.0507009873554804934193349852946 * 1.6732632423543772848170429916717;

/**
 * Keras AlphaDropout, for SELU networks. In training, each unit is kept with probability
 * `1 - rate`, else set to `alpha' = -1.7580993...`; then `a * x + b` with
 * `a = ((1 - rate) * (1 + rate * alpha'^2))^-0.5` and `b = -a * alpha' * rate`, which keeps the
 * mean and variance of standard-normal inputs. The identity outside training.
 */
export class AlphaDropout extends Layer {
  static override readonly className = 'AlphaDropout';
  static override readonly argKeys = argKeys<AlphaDropoutArgs>()(['rate'], ['noiseShape', 'seed']);

  /** Passes its input's mask on, as Keras 3 (dropout applied entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | undefined;
  readonly seed: number | undefined;
  private readonly seeds: SeedStream;

  constructor(args: AlphaDropoutArgs) {
    super(args);
    this.rate = readRate(this, args.rate);
    this.noiseShape = readNoiseShape(this, args.noiseShape);
    this.seed = readSeed(this, args.seed);
    this.seeds = new SeedStream(this.seed);
  }

  override build(inputShape: Shape | Shape[]): void {
    checkNoiseShape(this, this.noiseShape, inputShape as Shape);
    this.built = true;
  }

  private maskShape(x: tf.Tensor): number[] {
    return this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]!) : x.shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    checkNoiseShape(this, this.noiseShape, x.shape);
    if (!ctx.training || this.rate === 0) return x;
    const rate = this.rate;
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(this.maskShape(x), 0, 1, 'float32', this.seeds.next()), rate), 'float32');
    const a = ((1 - rate) * (1 + rate * ALPHA_PRIME ** 2)) ** -0.5;
    const b = -a * ALPHA_PRIME * rate;
    // x * keep + alpha' * (1 - keep), then the affine correction.
    const dropped = tf.add(tf.mul(x, keep), tf.mul(tf.sub(1, keep), ALPHA_PRIME));
    return tf.add(tf.mul(dropped, a), b);
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, noiseShape: this.noiseShape ? [...this.noiseShape] : null, seed: this.seed ?? null };
  }
}

/** Creates an AlphaDropout layer. */
export function alphaDropout(args: AlphaDropoutArgs): AlphaDropout {
  return new AlphaDropout(args);
}
