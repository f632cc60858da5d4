import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';

export interface ReshapeArgs extends LayerArgs {
  /** One sample's new shape (without the batch axis); one entry may be -1, inferred from the size. */
  targetShape: readonly number[];
}

/** Reshapes each sample to `targetShape`, keeping the batch axis: `[batch, 6]` to `[batch, 2, 3]`. */
export class Reshape extends Layer {
  static override readonly className: string = 'Reshape';
  static override readonly argKeys = argKeys<ReshapeArgs>()(['targetShape'], []);
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const target: unknown = args.targetShape;
    if (
      !Array.isArray(target) ||
      !target.every((d) => Number.isInteger(d) && (d === -1 || (d as number) >= 1)) ||
      target.filter((d) => d === -1).length > 1
    ) {
      throw layerArgError(this, 'targetShape', target, 'a list of integers >= 1 with at most one -1 (inferred)');
    }
    this.targetShape = [...(target as number[])];
  }

  /** One sample's output shape for an input shape; -1 becomes `null` when the size is unknown. */
  private resolve(inputShape: Shape): (number | null)[] {
    const rest = inputShape.slice(1);
    const unknownAt = this.targetShape.indexOf(-1);
    if (rest.some((d) => d === null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const size = (rest as number[]).reduce((a, d) => a * d, 1);
    const known = this.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const fits = unknownAt === -1 ? known === size : size % known === 0;
    if (!fits) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: cannot reshape inputs of shape ${formatShape(inputShape)} (${size} values per sample) to targetShape ` +
          `${formatShape(this.targetShape)} (${unknownAt === -1 ? `${known} values per sample` : `a multiple of ${known} values per sample`}).`,
        { layer: this.name, argument: 'inputs', received: inputShape, expected: [...this.targetShape] },
      );
    }
    return this.targetShape.map((d) => (d === -1 ? size / known : d));
  }

  override build(inputShape: Shape | Shape[]): void {
    this.resolve(inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0] ?? null, ...this.resolve(shape)];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    return tf.reshape(x, [x.shape[0]!, ...(this.resolve(x.shape) as number[])]);
  }

  protected override layerConfig(): JsonObject {
    return { targetShape: [...this.targetShape] };
  }
}

/** Creates a Reshape layer. */
export function reshape(args: ReshapeArgs): Reshape {
  return new Reshape(args);
}
