import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import { argKeys } from '../../engine/arg-keys.js';
import { RandomImageLayer, type Draw, type RandomImageArgs } from './augment.js';

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

export interface RandomFlipArgs extends RandomImageArgs {
  /** `'horizontal'` (left-right), `'vertical'` (top-bottom) or `'horizontal_and_vertical'` (the default: both at once). */
  mode?: FlipMode;
}

/**
 * Keras 3 `RandomFlip`: in training, each image is flipped with probability 1/2 (Keras's
 * `uniform <= 0.5`); with `'horizontal_and_vertical'` one draw decides both flips, as in Keras, so
 * an image is either turned by 180 degrees or left as it is. Inference returns the images.
 */
export class RandomFlip extends RandomImageLayer {
  static override readonly className = 'RandomFlip';
  static override readonly argKeys = argKeys<RandomFlipArgs>()([], ['mode', 'seed', 'dataFormat']);
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    super(args);
    const mode = args.mode ?? 'horizontal_and_vertical';
    if (mode !== 'horizontal' && mode !== 'vertical' && mode !== 'horizontal_and_vertical') {
      throw layerArgError(this, 'mode', args.mode, "'horizontal', 'vertical' or 'horizontal_and_vertical'");
    }
    this.mode = mode;
  }

  protected augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D {
    const n = images.shape[0];
    const axes = this.mode === 'horizontal' ? [2] : this.mode === 'vertical' ? [1] : [1, 2];
    // Image b is row b of the images, or row n + b (its flip) of both stacked.
    const pick = draw(n).map((u, b) => (u <= 0.5 ? n + b : b));
    return tf.gather(tf.concat([images, tf.reverse(images, axes)], 0), tf.tensor1d(pick, 'int32'));
  }

  protected override layerConfig(): JsonObject {
    return { mode: this.mode, ...this.imageConfig() };
  }
}

/** Creates a RandomFlip layer. */
export function randomFlip(args: RandomFlipArgs = {}): RandomFlip {
  return new RandomFlip(args);
}
