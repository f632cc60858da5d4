import { RidgeError, checkNumber, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { forArgument, layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { addGammaBeta, gammaBetaConfig, readGammaBeta, type GammaBeta, type GammaBetaArgs } from './gamma-beta.js';
import { checkAxesSizes, resolveAxes } from './axes.js';
import { argKeys, parts } from '../../engine/arg-keys.js';

export interface GroupNormalizationArgs extends LayerArgs, GammaBetaArgs {
  /** How many groups the channels are split into, a divisor of the channel count; -1 for one group per channel. Default 32. */
  groups?: number;
  /** The channel axis; default -1. */
  axis?: number;
  /** Added to the variance before the square root; default 1e-3. */
  epsilon?: number;
}

/**
 * Keras 3 GroupNormalization: the channels (`axis`) are split into `groups` groups of consecutive
 * channels; each sample is normalized per group with the mean and (biased) variance over the
 * group's channels and every other non-batch axis, then scaled by `gamma` and shifted by `beta`
 * (one per channel). `groups: 1` is close to LayerNormalization over all axes, `groups: -1`
 * (one group per channel) is instance normalization. Masks pass through, as in Keras 3.
 */
export class GroupNormalization extends Layer {
  static override readonly className = 'GroupNormalization';
  static override readonly argKeys = argKeys<GroupNormalizationArgs>()([], ['groups', 'axis', 'epsilon', 'center', 'scale', ...parts('beta', 'gamma')]);
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #groupsArg: number;
  #groups: number | undefined;
  readonly #gammaBeta: GammaBeta;
  gamma: LayerWeight | undefined;
  beta: LayerWeight | undefined;
  /** Set at build: the input rank and the non-negative channel axis with its size. */
  #geometry: { rank: number; axis: number; channels: number } | undefined;

  override get supportsMasking(): boolean {
    return true;
  }

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    const groups = args.groups ?? 32;
    if (!(groups === -1 || (Number.isInteger(groups) && groups >= 1))) throw layerArgError(this, 'groups', args.groups, 'an integer >= 1, or -1 for one group per channel');
    this.#groupsArg = groups;
    if (args.axis !== undefined && !Number.isInteger(args.axis)) throw layerArgError(this, 'axis', args.axis, 'an integer (the channel axis)');
    this.axis = args.axis ?? -1;
    this.epsilon = forArgument(this, 'epsilon', () => checkNumber('epsilon', args.epsilon ?? 1e-3, { min: 0, minExclusive: true }));
    this.#gammaBeta = readGammaBeta(this, args);
    ({ center: this.center, scale: this.scale } = this.#gammaBeta);
  }

  /** The number of groups: as given, or, once built with `groups: -1`, the channel count (as Keras sets it). */
  get groups(): number {
    return this.#groups ?? this.#groupsArg;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const [axis] = resolveAxes(this, [this.axis], shape);
    const channels = shape[axis!]!;
    const groups = this.#groupsArg === -1 ? channels : this.#groupsArg;
    if (channels % groups !== 0) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: the channel count (${channels}, axis ${this.axis}) must be a multiple of groups (${groups}); received input shape ${formatShape(shape)}. ` +
          `Pass a divisor of ${channels} as groups, or -1 for one group per channel.`,
        { layer: this.name, argument: 'groups', received: groups, channels },
      );
    }
    ({ gamma: this.gamma, beta: this.beta } = addGammaBeta(this.#gammaBeta, [channels], (w) => this.addWeight(w)));
    this.#groups = groups;
    this.#geometry = { rank: shape.length, axis: axis!, channels };
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const { rank, axis, channels } = this.#geometry!;
    checkAxesSizes(this, x, rank, [axis], [channels]);
    const groups = this.#groups!;
    // [..., channels, ...] -> [..., groups, channels / groups, ...]: statistics over every
    // non-batch axis but the group axis.
    const grouped = [...x.shape.slice(0, axis), groups, channels / groups, ...x.shape.slice(axis + 1)];
    const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
    const paramShape = grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
    const g = tf.reshape(x, grouped);
    const { mean, variance } = tf.moments(g, reduce, true);
    let inv = tf.rsqrt(tf.add(variance, this.epsilon));
    if (this.gamma) inv = tf.mul(inv, tf.reshape(this.gamma.read(), paramShape));
    let shift = tf.neg(tf.mul(mean, inv));
    if (this.beta) shift = tf.add(shift, tf.reshape(this.beta.read(), paramShape));
    return tf.reshape(tf.add(tf.mul(g, inv), shift), x.shape);
  }

  protected override layerConfig(): JsonObject {
    return {
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      ...gammaBetaConfig(this.#gammaBeta, this),
    };
  }
}

/** Creates a GroupNormalization layer. */
export function groupNormalization(args: GroupNormalizationArgs = {}): GroupNormalization {
  return new GroupNormalization(args);
}
