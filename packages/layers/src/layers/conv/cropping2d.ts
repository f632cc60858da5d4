import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { croppedShape } from './cropping-shape.js';
import { spatialPairs, type SpatialPairs, type SpatialPairsArg } from './spatial-pairs.js';

export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns cut off: `n` on every side, `[height, width]` on both sides of each axis, or `[[top, bottom], [left, right]]`; default 0. */
  cropping?: SpatialPairsArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

const AXES = ['height', 'width'] as const;

/** Cuts rows and columns off the edges of `[batch, height, width, channels]` images. */
export class Cropping2D extends Layer {
  static override readonly className: string = 'Cropping2D';
  static override readonly argKeys = argKeys<Cropping2DArgs>()([], ['cropping', 'dataFormat']);
  readonly cropping: SpatialPairs;
  readonly dataFormat: DataFormat;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = spatialPairs(this, 'cropping', args.cropping ?? 0);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  /** Throws SHAPE_MISMATCH when a known height or width is not larger than what is cut off it (as Keras). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return croppedShape(this, inputShape as Shape, this.cropping, AXES);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const [, height, width] = this.computeOutputShape(x.shape) as number[];
    return tf.slice(x, [0, this.cropping[0][0], this.cropping[1][0], 0], [-1, height!, width!, -1]);
  }

  protected override layerConfig(): JsonObject {
    return { cropping: this.cropping.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

/** Creates a Cropping2D layer. */
export function cropping2d(args: Cropping2DArgs = {}): Cropping2D {
  return new Cropping2D(args);
}
