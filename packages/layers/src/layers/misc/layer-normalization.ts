import { checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { forArgument, layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { addGammaBeta, gammaBetaConfig, readGammaBeta, type GammaBeta, type GammaBetaArgs } from './gamma-beta.js';
import { broadcastShape, checkAxesSizes, resolveAxes } from './axes.js';
import { argKeys, parts } from '../../engine/arg-keys.js';

export interface LayerNormalizationArgs extends LayerArgs, GammaBetaArgs {
  /** The axis or axes normalized over (each sample separately); default -1. */
  axis?: number | readonly number[];
  /** Added to the variance before the square root; default 1e-3. */
  epsilon?: number;
}

function readAxes(owner: Layer, value: unknown): number | number[] {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'number' && Number.isInteger(a))) return [...(value as number[])];
  throw layerArgError(owner, 'axis', value, 'an integer or a non-empty list of integers');
}

/**
 * Keras 3 LayerNormalization: each sample is normalized with its own mean and (biased) variance
 * over `axis`, in training and inference alike, then scaled by `gamma` and shifted by `beta`
 * (both shaped like the normalized axes).
 */
export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  static override readonly argKeys = argKeys<LayerNormalizationArgs>()([], ['axis', 'epsilon', 'center', 'scale', ...parts('beta', 'gamma')]);

  /** Passes its input's mask on, as Keras 3 (each sample is normalized on its own, so a mask over the steps still holds). */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #gammaBeta: GammaBeta;
  gamma: LayerWeight | undefined;
  beta: LayerWeight | undefined;
  /** Set at build: the input rank, the sorted non-negative axes and their sizes. */
  private geometry: { rank: number; axes: number[]; sizes: number[] } | undefined;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis === undefined ? -1 : readAxes(this, args.axis);
    this.epsilon = forArgument(this, 'epsilon', () => checkNumber('epsilon', args.epsilon ?? 1e-3, { min: 0, minExclusive: true }));
    this.#gammaBeta = readGammaBeta(this, args);
    ({ center: this.center, scale: this.scale } = this.#gammaBeta);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const axes = resolveAxes(this, typeof this.axis === 'number' ? [this.axis] : this.axis, shape);
    const sizes = axes.map((a) => shape[a]!);
    this.geometry = { rank: shape.length, axes, sizes };
    ({ gamma: this.gamma, beta: this.beta } = addGammaBeta(this.#gammaBeta, sizes, (w) => this.addWeight(w)));
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const { rank, axes, sizes } = this.geometry!;
    checkAxesSizes(this, x, rank, axes, sizes);
    const { mean, variance } = tf.moments(x, axes, true);
    // Parameters shaped like the normalized axes broadcast by themselves only on the last axis.
    const target = axes.length === 1 && axes[0] === rank - 1 ? undefined : broadcastShape(rank, axes, sizes);
    const param = (w: LayerWeight) => (target ? tf.reshape(w.read(), target) : w.read());
    let inv = tf.rsqrt(tf.add(variance, this.epsilon));
    if (this.gamma) inv = tf.mul(inv, param(this.gamma));
    let shift = tf.neg(tf.mul(mean, inv));
    if (this.beta) shift = tf.add(shift, param(this.beta));
    return tf.add(tf.mul(x, inv), shift);
  }

  protected override layerConfig(): JsonObject {
    return {
      axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      epsilon: this.epsilon,
      ...gammaBetaConfig(this.#gammaBeta, this),
    };
  }
}

/** Creates a LayerNormalization layer. */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}
