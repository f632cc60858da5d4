import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { checkDataFormat, type DataFormat } from '../conv/conv-utils.js';
import { floatInput } from '../float-input.js';
import { readPositiveInt } from '../misc/args.js';
import { aspectCropBox, crop, expectImages, resizedShape, resizeImages } from './resize.js';

export interface CenterCropArgs extends LayerArgs {
  /** The output height. */
  height: number;
  /** The output width. */
  width: number;
  /** Only `'channels_last'` (the default): `[batch, height, width, channels]`. */
  dataFormat?: DataFormat | null;
}

/**
 * Keras 3 `CenterCrop`: the central `height x width` window of `[batch, height, width, channels]`
 * images (when the difference is odd, the extra row or column is cut from the bottom or right).
 * An image smaller than the target on either side is instead resized as Keras's `smart_resize`:
 * the largest centered window with the target's aspect ratio, resized bilinearly to the target.
 * Outputs are float32 (int32 and bool images are read as float32).
 */
export class CenterCrop extends Layer {
  static override readonly className = 'CenterCrop';
  static override readonly argKeys = argKeys<CenterCropArgs>()(['height', 'width'], ['dataFormat']);
  readonly height: number;
  readonly width: number;
  readonly dataFormat: DataFormat;

  constructor(args: CenterCropArgs) {
    super(args);
    this.height = readPositiveInt(this, 'height', args.height);
    this.width = readPositiveInt(this, 'width', args.width);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectImages(this, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return resizedShape(this, inputShape as Shape, this.height, this.width);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectImages(this, x.shape);
    const images = floatInput(x) as tf.Tensor4D;
    const [, h, w] = images.shape;
    if (h >= this.height && w >= this.width) {
      return crop(images, { top: Math.trunc((h - this.height) / 2), left: Math.trunc((w - this.width) / 2), height: this.height, width: this.width });
    }
    return resizeImages(crop(images, aspectCropBox(h, w, this.height, this.width)), this.height, this.width, 'bilinear');
  }

  protected override layerConfig(): JsonObject {
    return { height: this.height, width: this.width, dataFormat: this.dataFormat };
  }
}

/** Creates a CenterCrop layer. */
export function centerCrop(args: CenterCropArgs): CenterCrop {
  return new CenterCrop(args);
}
