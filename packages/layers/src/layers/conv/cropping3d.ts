import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { croppedShape } from './cropping-shape.js';
import { spatialTriples, type SpatialTriples, type SpatialTriplesArg } from './spatial-triples.js';

export interface Cropping3DArgs extends LayerArgs {
  /** Cut off: `n` on every side, `[depth, height, width]` on both sides of each axis, or three `[before, after]` pairs; default 1 (as Keras). */
  cropping?: SpatialTriplesArg;
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

const AXES = ['depth', 'height', 'width'] as const;

/** Cuts the edges off the depth, height and width of `[batch, depth, height, width, channels]` volumes. */
export class Cropping3D extends Layer {
  static override readonly className: string = 'Cropping3D';
  static override readonly argKeys = argKeys<Cropping3DArgs>()([], ['cropping', 'dataFormat']);
  readonly cropping: SpatialTriples;
  readonly dataFormat: DataFormat;

  constructor(args: Cropping3DArgs = {}) {
    super(args);
    this.cropping = spatialTriples(this, 'cropping', args.cropping ?? 1);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  /** Throws SHAPE_MISMATCH when a known spatial size is not larger than what is cut off it (as Keras). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return croppedShape(this, inputShape as Shape, this.cropping, AXES);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const [, d, h, w] = this.computeOutputShape(x.shape) as number[];
    return tf.slice(x, [0, this.cropping[0][0], this.cropping[1][0], this.cropping[2][0], 0], [-1, d!, h!, w!, -1]);
  }

  protected override layerConfig(): JsonObject {
    return { cropping: this.cropping.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}

/** Creates a Cropping3D layer. */
export function cropping3d(args: Cropping3DArgs = {}): Cropping3D {
  return new Cropping3D(args);
}
