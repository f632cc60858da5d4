import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { between, readFactor, readValueRange, RandomImageLayer, type Draw, type FactorRange, type RandomImageArgs } from './augment.js';

export interface RandomBrightnessArgs extends RandomImageArgs {
  /** The fraction of `valueRange` added: a number f in [-1, 1] draws from `[-|f|, |f|]`; or `[lower, upper]`, each in [-1, 1]. */
  factor: FactorRange;
  /** The `[low, high]` range of the pixel values, to which outputs are clipped. Default `[0, 255]`. */
  valueRange?: readonly [number, number];
}

/**
 * Keras 3 `RandomBrightness`: in training, each image gets `delta = u * (high - low)` added to
 * every pixel, `u` drawn uniformly from `[lower, upper]`, clipped to `valueRange = [low, high]`
 * (-1 makes an image black, 1 white). Inference returns the images.
 */
export class RandomBrightness extends RandomImageLayer {
  static override readonly className = 'RandomBrightness';
  static override readonly argKeys = argKeys<RandomBrightnessArgs>()(['factor'], ['valueRange', 'seed', 'dataFormat']);
  /** `[lower, upper]`. */
  readonly factor: readonly [number, number];
  readonly valueRange: readonly [number, number];

  constructor(args: RandomBrightnessArgs) {
    super(args);
    this.factor = readFactor(this, 'factor', args.factor, -1, 1);
    this.valueRange = readValueRange(this, args.valueRange);
  }

  protected augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D {
    const n = images.shape[0];
    const [low, high] = this.valueRange;
    const delta = tf.tensor4d(draw(n).map((u) => between(this.factor, u) * (high - low)), [n, 1, 1, 1]);
    return tf.clipByValue(tf.add(images, delta), low, high) as tf.Tensor4D;
  }

  protected override layerConfig(): JsonObject {
    return { factor: [...this.factor], valueRange: [...this.valueRange], ...this.imageConfig() };
  }
}

/** Creates a RandomBrightness layer. */
export function randomBrightness(args: RandomBrightnessArgs): RandomBrightness {
  return new RandomBrightness(args);
}
