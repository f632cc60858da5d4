import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { forArgument } from '../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import { checkNoiseShape, readNoiseShape } from './misc/args.js';
import { readSeed } from './misc/seeds.js';
import { argKeys, type ArgKeys } from '../engine/arg-keys.js';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs to drop, in [0, 1). */
  rate: number;
  /** Dimensions of the dropout mask (1 = shared along that axis, null = the input's size); default: the input's shape. */
  noiseShape?: readonly (number | null)[] | null;
  /** An integer >= 0: each call draws a new mask, reproducibly. */
  seed?: number | null;
}

/** In training, zeroes a `rate` fraction of inputs and scales the rest by 1/(1 - rate). */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  static override readonly argKeys: ArgKeys = argKeys<DropoutArgs>()(['rate'], ['noiseShape', 'seed']);

  /** Passes its input's mask on, as Keras (it drops entries, not time steps: the mask still holds). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | undefined;
  readonly seed: number | undefined;
  private calls = 0;

  constructor(args: DropoutArgs) {
    super(args);
    this.rate = forArgument(this, 'rate', () => checkNumber('rate', args.rate, { min: 0, max: 1 }));
    if (this.rate === 1) forArgument(this, 'rate', () => checkNumber('rate', args.rate, { min: 0, max: 0.999999 }));
    this.noiseShape = readNoiseShape(this, args.noiseShape);
    this.seed = readSeed(this, args.seed);
  }

  override build(inputShape: Shape | Shape[]): void {
    checkNoiseShape(this, this.noiseShape, inputShape as Shape);
    this.built = true;
  }

  /** A seeded layer draws a new, reproducible mask on every call (as Keras 3's seed generator). */
  protected nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : this.seed + this.calls++;
  }

  /** The mask shape for an input; spatial dropout overrides it. */
  protected maskShape(x: tf.Tensor): number[] {
    return this.noiseShape ? this.noiseShape.map((d, i) => d ?? x.shape[i]!) : x.shape;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    checkNoiseShape(this, this.noiseShape, x.shape);
    if (!ctx.training || this.rate === 0) return x;
    const keep = 1 - this.rate;
    const mask = tf.floor(tf.add(tf.randomUniform(this.maskShape(x), 0, 1, 'float32', this.nextSeed()), keep));
    return tf.mul(tf.div(x, keep), mask);
  }

  protected override layerConfig(): JsonObject {
    return { rate: this.rate, noiseShape: this.noiseShape ? [...this.noiseShape] : null, seed: this.seed ?? null };
  }
}

export function dropout(args: DropoutArgs): Dropout {
  return new Dropout(args);
}
