import type { JsonObject } from '@ridge/core';
import type { tf } from '../../engine/tfjs.js';
import type { ResizeInterpolation } from './resize.js';
import {
  affineTransform,
  readFillMode,
  readFillValue,
  readInterpolation,
  RandomImageLayer,
  type Draw,
  type FillMode,
  type RandomImageArgs,
} from './augment.js';

export interface RandomAffineArgs extends RandomImageArgs {
  /** How points outside the image are filled: `'reflect'` (default, `d c b a | a b c d | d c b a`), `'wrap'`, `'constant'` (`fillValue`) or `'nearest'`. */
  fillMode?: FillMode;
  /** `'bilinear'` (default) or `'nearest'`. */
  interpolation?: ResizeInterpolation;
  /** The value of points outside the image with `fillMode: 'constant'`. Default 0. */
  fillValue?: number;
}

/** RandomTranslation, RandomRotation and RandomZoom: a random affine map per image, applied as Keras 3's `affine_transform`. */
export abstract class RandomAffineLayer extends RandomImageLayer {
  readonly fillMode: FillMode;
  readonly interpolation: ResizeInterpolation;
  readonly fillValue: number;

  constructor(args: RandomAffineArgs) {
    super(args);
    this.fillMode = readFillMode(this, args.fillMode);
    this.interpolation = readInterpolation(this, args.interpolation);
    this.fillValue = readFillValue(this, args.fillValue);
  }

  /** Each image's transform `[a0, a1, a2, b0, b1, b2, 0, 0]`: output (x, y) samples the input at (a0 x + a1 y + a2, b0 x + b1 y + b2). */
  protected abstract transforms(n: number, height: number, width: number, draw: Draw): number[][];

  protected augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D {
    const [n, h, w] = images.shape;
    return affineTransform(images, this.transforms(n, h, w, draw), this.interpolation, this.fillMode, this.fillValue);
  }

  protected affineConfig(): JsonObject {
    return { fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue, ...this.imageConfig() };
  }
}
