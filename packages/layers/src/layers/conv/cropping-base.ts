import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { checkDataFormat, expectRank, type DataFormat } from './conv-utils.js';

type Pairs = readonly (readonly [number, number])[];

/**
 * Cropping2D and Cropping3D: cut `[before, after]` off each spatial axis of channels-last inputs
 * `[batch, ...spatial, channels]`. Each layer reads its `cropping` for its rank and names its axes.
 */
export abstract class CroppingBase<C extends Pairs> extends Layer {
  readonly cropping: C;
  readonly dataFormat: DataFormat;
  readonly #axes: readonly string[];

  protected constructor(args: LayerArgs & { dataFormat?: DataFormat | null }, readCropping: (owner: Layer) => C, axes: readonly string[]) {
    super(args);
    this.cropping = readCropping(this);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
    this.#axes = axes;
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  /** Throws SHAPE_MISMATCH (after the rank check) when a known spatial size is not larger than what is cut off it (as Keras). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    const rank = this.cropping.length;
    expectRank(this, shape, rank);
    const spatial = this.cropping.map(([before, after], axis) => {
      const d = shape[axis + 1] ?? null;
      if (d !== null && d <= before + after) {
        throw new RidgeError(
          'SHAPE_MISMATCH',
          `${who(this)}: cropping ${JSON.stringify(this.cropping)} leaves nothing of inputs of shape ${formatShape(shape)}: ` +
            `each cropped size must be below the input's (${before} + ${after} >= ${d} on the ${this.#axes[axis]} axis); crop less or pass larger inputs.`,
          { layer: this.name, argument: 'inputs', received: shape },
        );
      }
      return d === null ? null : d - before - after;
    });
    return [shape[0] ?? null, ...spatial, shape[rank + 1] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const spatial = this.computeOutputShape(x.shape).slice(1, -1) as number[];
    return tf.slice(x, [0, ...this.cropping.map(([before]) => before), 0], [-1, ...spatial, -1]);
  }

  protected override layerConfig(): JsonObject {
    return { cropping: this.cropping.map((p) => [...p]), dataFormat: this.dataFormat };
  }
}
