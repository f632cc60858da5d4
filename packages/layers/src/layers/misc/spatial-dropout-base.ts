import { RidgeError } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who } from '../../engine/errors.js';
import type { CallContext } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { Dropout } from '../dropout.js';
import type { SeedStream } from './seeds.js';

/**
 * What SpatialDropout1D and SpatialDropout2D share: inputs of one rank, named axis by axis in
 * `inputAxes`, and a mask of one keep decision per sample and channel (each layer's `maskShape`),
 * drawn anew on every call from the layer's seed stream, as Keras 3's seed generator does.
 */
export abstract class SpatialDropoutBase extends Dropout {
  /** The inputs' axes, for the rank check and its message: `['batch', 'steps', 'channels']`. */
  protected abstract readonly inputAxes: readonly string[];
  protected abstract readonly seeds: SeedStream;

  override build(inputShape: Shape | Shape[]): void {
    this.checkRank(inputShape as Shape);
    this.built = true;
  }

  private checkRank(shape: Shape): void {
    if (shape.length !== this.inputAxes.length) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: expected inputs of rank ${this.inputAxes.length} [${this.inputAxes.join(', ')}]; received shape ${formatShape(shape)}.`,
        { layer: this.name, argument: 'inputs', received: shape },
      );
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.checkRank(x.shape);
    if (!ctx.training || this.rate === 0) return x;
    const keep = 1 - this.rate;
    const mask = tf.floor(tf.add(tf.randomUniform(this.maskShape(x), 0, 1, 'float32', this.seeds.next()), keep));
    return tf.mul(tf.div(x, keep), mask);
  }
}
