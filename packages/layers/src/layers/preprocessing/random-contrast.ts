import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { between, readFactor, readValueRange, RandomImageLayer, type Draw, type FactorRange, type RandomImageArgs } from './augment.js';

export interface RandomContrastArgs extends RandomImageArgs {
  /** The contrast factor is drawn from `[1 - lower, 1 + upper]`: a number f in [0, 1] is `lower = upper = f`; or `[lower, upper]`, each in [0, 1]. */
  factor: FactorRange;
  /** The `[low, high]` range of the pixel values, to which outputs are clipped. Default `[0, 255]`. */
  valueRange?: readonly [number, number];
}

/**
 * Keras 3 `RandomContrast`: in training, each image gets a contrast factor `f` drawn uniformly
 * from `[1 - lower, 1 + upper]`, and each channel becomes `(x - mean) * f + mean` (`mean` over the
 * image's height and width), clipped to `valueRange`. Inference returns the images.
 */
export class RandomContrast extends RandomImageLayer {
  static override readonly className = 'RandomContrast';
  static override readonly argKeys = argKeys<RandomContrastArgs>()(['factor'], ['valueRange', 'seed', 'dataFormat']);
  /** `[lower, upper]`. */
  readonly factor: readonly [number, number];
  readonly valueRange: readonly [number, number];

  constructor(args: RandomContrastArgs) {
    super(args);
    this.factor = readFactor(this, 'factor', args.factor, 0, 1, false);
    this.valueRange = readValueRange(this, args.valueRange);
  }

  protected augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D {
    const n = images.shape[0];
    const range: [number, number] = [1 - this.factor[0], 1 + this.factor[1]];
    const f = tf.tensor4d(draw(n).map((u) => between(range, u)), [n, 1, 1, 1]);
    const mean = tf.mean(images, [1, 2], true);
    return tf.clipByValue(tf.add(tf.mul(tf.sub(images, mean), f), mean), this.valueRange[0], this.valueRange[1]) as tf.Tensor4D;
  }

  protected override layerConfig(): JsonObject {
    return { factor: [...this.factor], valueRange: [...this.valueRange], ...this.imageConfig() };
  }
}

/** Creates a RandomContrast layer. */
export function randomContrast(args: RandomContrastArgs): RandomContrast {
  return new RandomContrast(args);
}
