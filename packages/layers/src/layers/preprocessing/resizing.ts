import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import { argKeys } from '../../engine/arg-keys.js';
import { checkDataFormat, type DataFormat } from '../conv/conv-utils.js';
import { floatInput } from '../float-input.js';
import { readBoolean, readPositiveInt } from '../misc/args.js';
import { aspectCropBox, crop, expectImages, resizedShape, resizeImages, type ResizeInterpolation } from './resize.js';

export interface ResizingArgs extends LayerArgs {
  /** The output height. */
  height: number;
  /** The output width. */
  width: number;
  /** `'bilinear'` (default) or `'nearest'`, both with half-pixel centers as Keras 3 (TensorFlow 2's `tf.image.resize`). */
  interpolation?: ResizeInterpolation;
  /** Resize the largest centered window with the target's aspect ratio instead of the whole image (no distortion). Default false. */
  cropToAspectRatio?: boolean;
  /** Only `'channels_last'` (the default): `[batch, height, width, channels]`. */
  dataFormat?: DataFormat | null;
}

/**
 * Keras 3 `Resizing`: `[batch, height, width, channels]` images to `height x width`, bilinear or
 * nearest, optionally cropping to the target's aspect ratio first. As Keras, int32 images give
 * int32 images (rounded half to even); other inputs give float32. The gradient to the images is
 * the resize's own (tfjs-core's resize gradients ignore half-pixel centers; see `resizeImages`).
 */
export class Resizing extends Layer {
  static override readonly className = 'Resizing';
  static override readonly argKeys = argKeys<ResizingArgs>()(['height', 'width'], ['interpolation', 'cropToAspectRatio', 'dataFormat']);
  readonly height: number;
  readonly width: number;
  readonly interpolation: ResizeInterpolation;
  readonly cropToAspectRatio: boolean;
  readonly dataFormat: DataFormat;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = readPositiveInt(this, 'height', args.height);
    this.width = readPositiveInt(this, 'width', args.width);
    const interpolation = args.interpolation ?? 'bilinear';
    if (interpolation !== 'bilinear' && interpolation !== 'nearest') {
      throw layerArgError(this, 'interpolation', args.interpolation, "'bilinear' or 'nearest' (Keras's bicubic, area and lanczos are not supported)");
    }
    this.interpolation = interpolation;
    this.cropToAspectRatio = readBoolean(this, 'cropToAspectRatio', args.cropToAspectRatio, false);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectImages(this, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return resizedShape(this, inputShape as Shape, this.height, this.width);
  }

  protected override outputDtype(inputs: readonly SymbolicTensor[]): tf.DataType {
    return inputs[0]!.dtype === 'int32' ? 'int32' : 'float32';
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectImages(this, x.shape);
    let images = floatInput(x) as tf.Tensor4D;
    if (this.cropToAspectRatio) images = crop(images, aspectCropBox(images.shape[1], images.shape[2], this.height, this.width));
    const resized = resizeImages(images, this.height, this.width, this.interpolation);
    return x.dtype === 'int32' ? tf.cast(tf.round(resized), 'int32') : resized === x ? tf.clone(x) : resized;
  }

  protected override layerConfig(): JsonObject {
    return { height: this.height, width: this.width, interpolation: this.interpolation, cropToAspectRatio: this.cropToAspectRatio, dataFormat: this.dataFormat };
  }
}

/** Creates a Resizing layer. */
export function resizing(args: ResizingArgs): Resizing {
  return new Resizing(args);
}
