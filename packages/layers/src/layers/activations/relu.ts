import type { JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { argKeys } from '../../engine/arg-keys.js';
import { floatInput } from '../float-input.js';
import { readNumber } from './args.js';

export interface ReLUArgs extends LayerArgs {
  /** The largest output (>= 0); absent or null: unbounded. */
  maxValue?: number | null;
  /** The slope below the threshold (>= 0); default 0. */
  negativeSlope?: number;
  /** Inputs at or below it give `negativeSlope * (x - threshold)` (>= 0); default 0. */
  threshold?: number;
}

/**
 * Keras 3's ReLU layer: `maxValue` for `x >= maxValue`, `x` for `threshold < x < maxValue`,
 * `negativeSlope * (x - threshold)` otherwise. The defaults give `max(x, 0)`.
 */
export class ReLU extends Layer {
  static override readonly className = 'ReLU';
  static override readonly argKeys = argKeys<ReLUArgs>()([], ['maxValue', 'negativeSlope', 'threshold']);
  readonly maxValue: number | undefined;
  readonly negativeSlope: number;
  readonly threshold: number;

  /** Passes its input's mask on, as Keras (it acts entry by entry). */
  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? undefined : readNumber(this, 'maxValue', args.maxValue, 0, true);
    this.negativeSlope = readNumber(this, 'negativeSlope', args.negativeSlope, 0, true);
    this.threshold = readNumber(this, 'threshold', args.threshold, 0, true);
  }

  /** In Keras's order of operations, so that every input gives Keras's value, breakpoints included. */
  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = floatInput(inputs as tf.Tensor);
    const { maxValue, negativeSlope: slope, threshold } = this;
    if (slope !== 0 && maxValue === undefined && threshold === 0) return tf.leakyRelu(x, slope);
    // step(x - threshold) is Keras's `x > threshold` as a number, with a (zero) gradient.
    let y = threshold !== 0 ? tf.mul(x, tf.step(tf.sub(x, threshold))) : tf.relu(x);
    if (maxValue !== undefined) y = tf.clipByValue(y, 0, maxValue);
    if (slope === 0) return y;
    const below = tf.relu(threshold !== 0 ? tf.sub(threshold, x) : tf.neg(x));
    return tf.sub(y, tf.mul(below, slope));
  }

  protected override layerConfig(): JsonObject {
    return { maxValue: this.maxValue ?? null, negativeSlope: this.negativeSlope, threshold: this.threshold };
  }
}

/** Creates a ReLU layer (tfjs-layers' `tf.layers.reLU`). */
export function reLU(args: ReLUArgs = {}): ReLU {
  return new ReLU(args);
}
