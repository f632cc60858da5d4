import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { expectRank } from './conv-utils.js';
import { stepPair, type StepPair } from './step-pair.js';

export interface Cropping1DArgs extends LayerArgs {
  /** Steps cut off: `n` at both ends, or `[start, end]`; default 1 (as Keras). */
  cropping?: number | readonly [number, number];
}

/** Cuts steps off the start and the end of `[batch, steps, channels]` sequences. */
export class Cropping1D extends Layer {
  static override readonly className: string = 'Cropping1D';
  static override readonly argKeys = argKeys<Cropping1DArgs>()([], ['cropping']);
  readonly cropping: StepPair;

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = stepPair(this, 'cropping', args.cropping ?? 1);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
    this.built = true;
  }

  /** Throws SHAPE_MISMATCH when a known number of steps is not larger than what is cut off (as Keras). */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const steps = shape[1] ?? null;
    const [start, end] = this.cropping;
    if (steps !== null && steps <= start + end) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: cropping ${JSON.stringify(this.cropping)} leaves nothing of inputs of shape ${formatShape(shape)}: ` +
          `the steps cut off (${start} + ${end}) must be fewer than the input's ${steps}; crop less or pass longer sequences.`,
        { layer: this.name, argument: 'inputs', received: shape },
      );
    }
    return [shape[0] ?? null, steps === null ? null : steps - start - end, shape[2] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const [, steps] = this.computeOutputShape(x.shape) as number[];
    return tf.slice(x, [0, this.cropping[0], 0], [-1, steps!, -1]);
  }

  protected override layerConfig(): JsonObject {
    return { cropping: [...this.cropping] };
  }
}

/** Creates a Cropping1D layer. */
export function cropping1d(args: Cropping1DArgs = {}): Cropping1D {
  return new Cropping1D(args);
}
