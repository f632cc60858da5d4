import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { expectRank } from './conv-utils.js';

export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated: an integer >= 1; default 2. */
  size?: number;
}

/** Repeats every step of `[batch, steps, channels]` sequences `size` times: `[a, b]` becomes `[a, a, b, b]`. */
export class UpSampling1D extends Layer {
  static override readonly className: string = 'UpSampling1D';
  static override readonly argKeys = argKeys<UpSampling1DArgs>()([], ['size']);
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    const size = args.size ?? 2;
    if (!Number.isInteger(size) || size < 1) throw layerArgError(this, 'size', args.size, 'an integer >= 1');
    this.size = size;
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 1);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const steps = shape[1] ?? null;
    return [shape[0] ?? null, steps === null ? null : steps * this.size, shape[2] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor3D;
    expectRank(this, x.shape, 1);
    const [n, steps, channels] = x.shape;
    // [n, steps, 1, c] broadcast to [n, steps, size, c]: the copies of a step are adjacent, and
    // the gradient of a broadcast is a sum, which every backend has.
    return tf.reshape(tf.broadcastTo(tf.expandDims(x, 2), [n, steps, this.size, channels]), [n, steps * this.size, channels]);
  }

  protected override layerConfig(): JsonObject {
    return { size: this.size };
  }
}

/** Creates an UpSampling1D layer. */
export function upSampling1d(args: UpSampling1DArgs = {}): UpSampling1D {
  return new UpSampling1D(args);
}
