import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface FlattenArgs extends LayerArgs {
  /** Only `'channels_last'` (the default). */
  dataFormat?: DataFormat | null;
}

/** Flattens every axis but the batch axis: `[batch, 4, 4, 8]` becomes `[batch, 128]`. */
export class Flatten extends Layer {
  static override readonly className: string = 'Flatten';
  static override readonly argKeys = argKeys<FlattenArgs>()([], ['dataFormat']);
  readonly dataFormat: DataFormat;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = checkDataFormat(this, args.dataFormat);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    if (shape.length < 1) {
      throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: expected inputs with a batch dimension; received shape ${formatShape(shape)}.`, {
        layer: this.name,
        argument: 'inputs',
        received: shape,
      });
    }
    const rest = shape.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * d!, 1);
    return [shape[0] ?? null, size];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const [batch, size] = this.computeOutputShape(x.shape) as [number, number];
    return tf.reshape(x, [batch, size]);
  }

  protected override layerConfig(): JsonObject {
    return { dataFormat: this.dataFormat };
  }
}

/** Creates a Flatten layer. */
export function flatten(args: FlattenArgs = {}): Flatten {
  return new Flatten(args);
}
