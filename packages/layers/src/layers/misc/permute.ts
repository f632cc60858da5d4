import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { formatShape, type Shape } from '../../engine/shape.js';

export interface PermuteArgs extends LayerArgs {
  /**
   * The new order of the input axes, 1-based as in Keras (the batch axis 0 stays first): `[2, 1]`
   * swaps the two axes of `[batch, time, features]`. A permutation of 1 to its length.
   */
  dims: readonly number[];
}

function isPermutation(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  const sorted = [...(value as unknown[])].sort((a, b) => (a as number) - (b as number));
  return sorted.every((d, i) => d === i + 1);
}

/** Keras's Permute: transposes the axes after the batch axis into the order `dims`. */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  static override readonly argKeys = argKeys<PermuteArgs>()(['dims'], []);
  readonly dims: readonly number[];

  constructor(args: PermuteArgs) {
    super(args);
    if (!isPermutation(args.dims)) {
      throw layerArgError(this, 'dims', args.dims, 'a permutation of the input axes 1, 2, ..., n (1-based, each once; the batch axis 0 is not listed)');
    }
    this.dims = [...args.dims];
  }

  #checkRank(shape: readonly (number | null)[]): void {
    if (shape.length === this.dims.length + 1) return;
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `${who(this)}: dims [${this.dims.join(', ')}] permutes inputs of rank ${this.dims.length + 1}; received shape ${formatShape(shape)}.`,
      { layer: this.name, argument: 'inputs', received: [...shape] },
    );
  }

  override build(inputShape: Shape | Shape[]): void {
    this.#checkRank(inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    this.#checkRank(shape);
    return [shape[0] ?? null, ...this.dims.map((d) => shape[d] ?? null)];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#checkRank(x.shape);
    return tf.transpose(x, [0, ...this.dims]);
  }

  protected override layerConfig(): JsonObject {
    return { dims: [...this.dims] };
  }
}

/** Creates a Permute layer. */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}
