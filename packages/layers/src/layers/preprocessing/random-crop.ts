import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { readPositiveInt } from '../misc/args.js';
import { RandomImageLayer, type Draw, type RandomImageArgs } from './augment.js';
import { aspectCropBox, crop, resizedShape, resizeImages } from './resize.js';

export interface RandomCropArgs extends RandomImageArgs {
  /** The output height. */
  height: number;
  /** The output width. */
  width: number;
}

/**
 * Keras 3 `RandomCrop`: in training, a `height x width` window at a random place, one place for
 * the whole batch (as Keras); an image too small for the window, and every image at inference,
 * is resized as Keras documents (`smart_resize`: the largest centered window with the target's
 * aspect ratio, resized bilinearly). Outputs are float32.
 */
export class RandomCrop extends RandomImageLayer {
  static override readonly className = 'RandomCrop';
  static override readonly argKeys = argKeys<RandomCropArgs>()(['height', 'width'], ['seed', 'dataFormat']);
  readonly height: number;
  readonly width: number;

  constructor(args: RandomCropArgs) {
    super(args);
    this.height = readPositiveInt(this, 'height', args.height);
    this.width = readPositiveInt(this, 'width', args.width);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return resizedShape(this, inputShape as Shape, this.height, this.width);
  }

  protected override transform(images: tf.Tensor4D, training: boolean, draw: Draw): tf.Tensor4D {
    const [, h, w] = images.shape;
    // Keras 3 crops at random only when both sides are strictly larger; along an equal side the window has one place, so it crops here too.
    if (training && h >= this.height && w >= this.width) return this.augment(images, draw);
    return resizeImages(crop(images, aspectCropBox(h, w, this.height, this.width)), this.height, this.width, 'bilinear');
  }

  protected augment(images: tf.Tensor4D, draw: Draw): tf.Tensor4D {
    const [, h, w] = images.shape;
    const [u, v] = draw(2);
    // Keras: int(uniform(0, h - height + 1)), and the same for the width.
    return crop(images, { top: Math.floor(u! * (h - this.height + 1)), left: Math.floor(v! * (w - this.width + 1)), height: this.height, width: this.width });
  }

  protected override layerConfig(): JsonObject {
    return { height: this.height, width: this.width, ...this.imageConfig() };
  }
}

/** Creates a RandomCrop layer. */
export function randomCrop(args: RandomCropArgs): RandomCrop {
  return new RandomCrop(args);
}
