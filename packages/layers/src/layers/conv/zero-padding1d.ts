import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { argKeys } from '../../engine/arg-keys.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { expectRank } from './conv-utils.js';
import { stepPair, type StepPair } from './step-pair.js';

export interface ZeroPadding1DArgs extends LayerArgs {
  /** Zero steps added: `n` at both ends, or `[start, end]`; default 1. */
  padding?: number | readonly [number, number];
}

/** Adds steps of zeros at the start and the end of `[batch, steps, channels]` sequences. */
export class ZeroPadding1D extends Layer {
  static override readonly className: string = 'ZeroPadding1D';
  static override readonly argKeys = argKeys<ZeroPadding1DArgs>()([], ['padding']);
  readonly padding: StepPair;

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    this.padding = stepPair(this, 'padding', args.padding ?? 1);
  }

  override build(inputShape: Shape | Shape[]): void {
    expectRank(this, inputShape as Shape, 1);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    expectRank(this, shape, 1);
    const steps = shape[1] ?? null;
    return [shape[0] ?? null, steps === null ? null : steps + this.padding[0] + this.padding[1], shape[2] ?? null];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    expectRank(this, x.shape, 1);
    return tf.pad(x, [[0, 0], [...this.padding], [0, 0]]);
  }

  protected override layerConfig(): JsonObject {
    return { padding: [...this.padding] };
  }
}

/** Creates a ZeroPadding1D layer. */
export function zeroPadding1d(args: ZeroPadding1DArgs = {}): ZeroPadding1D {
  return new ZeroPadding1D(args);
}
