import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { formatShape, type Shape } from '../../engine/shape.js';

export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat each input vector (an integer >= 1). */
  n: number;
}

/** Keras's RepeatVector: inputs `[batch, features]` give `[batch, n, features]`, each row repeated `n` times. */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  static override readonly argKeys = argKeys<RepeatVectorArgs>()(['n'], []);
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (!(typeof args.n === 'number' && Number.isInteger(args.n) && args.n >= 1)) throw layerArgError(this, 'n', args.n, 'an integer >= 1');
    this.n = args.n;
  }

  #checkRank(shape: readonly (number | null)[]): void {
    if (shape.length === 2) return;
    throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: inputs must have shape [batch, features] (rank 2); received shape ${formatShape(shape)}. Flatten them first.`, {
      layer: this.name,
      argument: 'inputs',
      received: [...shape],
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    this.#checkRank(inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    this.#checkRank(shape);
    return [shape[0] ?? null, this.n, shape[1] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#checkRank(x.shape);
    return tf.tile(tf.expandDims(x, 1), [1, this.n, 1]);
  }

  protected override layerConfig(): JsonObject {
    return { n: this.n };
  }
}

/** Creates a RepeatVector layer. */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}
