import {
  RidgeError,
  checkNumber,
  type Initializer,
  type InitializerSpec,
  type JsonObject,
} from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { forArgument, layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { Ones, Zeros } from '../../initializers/constant.js';
import { addGammaBeta, gammaBetaConfig, readGammaBeta, type GammaBeta, type GammaBetaArgs } from './gamma-beta.js';
import { broadcastShape, checkAxesSizes, resolveAxes } from './axes.js';
import { argKeys, parts } from '../../engine/arg-keys.js';

export interface BatchNormalizationArgs extends LayerArgs, GammaBetaArgs {
  /** The features axis (normalized per feature); default -1. A one-element list (Keras 2 configs) is accepted. */
  axis?: number | readonly number[];
  /** Weight of the old value in the moving statistics' update; default 0.99. */
  momentum?: number;
  /** Added to the variance before the square root; default 1e-3. */
  epsilon?: number;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
}

/** Reads an axis argument that must name exactly one axis. */
function readSingleAxis(owner: Layer, value: unknown): number {
  const axis = Array.isArray(value) && value.length === 1 ? (value[0] as unknown) : value;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw layerArgError(owner, 'axis', value, 'an integer (or a list of one integer)');
  return axis;
}

/**
 * Keras 3 BatchNormalization. In training (and only when the layer is trainable, as in Keras 3)
 * it normalizes with the batch's mean and (biased) variance over every axis but `axis`, and moves
 * `moving = moving * momentum + batch * (1 - momentum)`; otherwise it uses the moving statistics.
 * Then `gamma * (x - mean) / sqrt(variance + epsilon) + beta`. A mask (`[batch, steps]` for
 * `[batch, steps, features]` inputs) leaves the masked steps out of the batch statistics, as
 * Keras 3, and goes on.
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  static override readonly argKeys = argKeys<BatchNormalizationArgs>()([], [
    'axis', 'momentum', 'epsilon', 'center', 'scale', ...parts('beta', 'gamma'), 'movingMeanInitializer', 'movingVarianceInitializer',
  ]);

  /** Takes a mask into its batch statistics and passes it on, as Keras 3. */
  override get supportsMasking(): boolean {
    return true;
  }

  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly #gammaBeta: GammaBeta;
  private readonly movingMeanInit: Initializer;
  private readonly movingVarianceInit: Initializer;
  gamma: LayerWeight | undefined;
  beta: LayerWeight | undefined;
  movingMean!: LayerWeight;
  movingVariance!: LayerWeight;
  /** Set at build: the input rank, the non-negative axis and its size. */
  private geometry: { rank: number; axis: number; size: number } | undefined;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis === undefined ? -1 : readSingleAxis(this, args.axis);
    this.momentum = forArgument(this, 'momentum', () => checkNumber('momentum', args.momentum ?? 0.99, { min: 0, max: 1 }));
    this.epsilon = forArgument(this, 'epsilon', () => checkNumber('epsilon', args.epsilon ?? 1e-3, { min: 0, minExclusive: true }));
    let movingMean: Initializer | undefined;
    let movingVariance: Initializer | undefined;
    this.#gammaBeta = readGammaBeta(this, args, () => {
      movingMean = args.movingMeanInitializer === undefined ? new Zeros() : this.resolveInitializer('movingMeanInitializer', args.movingMeanInitializer);
      movingVariance =
        args.movingVarianceInitializer === undefined ? new Ones() : this.resolveInitializer('movingVarianceInitializer', args.movingVarianceInitializer);
    });
    this.movingMeanInit = movingMean!;
    this.movingVarianceInit = movingVariance!;
    ({ center: this.center, scale: this.scale } = this.#gammaBeta);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    const axis = resolveAxes(this, [this.axis], shape)[0]!;
    const size = shape[axis]!;
    this.geometry = { rank: shape.length, axis, size };
    ({ gamma: this.gamma, beta: this.beta } = addGammaBeta(this.#gammaBeta, [size], (w) => this.addWeight(w)));
    this.movingMean = this.addWeight({ name: 'moving_mean', role: 'movingMean', shape: [size], initializer: this.movingMeanInit, trainable: false });
    this.movingVariance = this.addWeight({
      name: 'moving_variance',
      role: 'movingVariance',
      shape: [size],
      initializer: this.movingVarianceInit,
      trainable: false,
    });
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[], ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const { rank, axis, size } = this.geometry!;
    checkAxesSizes(this, x, rank, [axis], [size]);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (ctx.training && this.trainable) {
      const reduce = [...Array(rank).keys()].filter((a) => a !== axis);
      const mask = ctx.masks?.[0];
      ({ mean, variance } = mask ? this.#maskedMoments(x, mask, reduce) : tf.moments(x, reduce));
      const keep = this.momentum;
      this.movingMean.assign(tf.add(tf.mul(this.movingMean.read(), keep), tf.mul(mean, 1 - keep)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance.read(), keep), tf.mul(variance, 1 - keep)));
    } else {
      mean = this.movingMean.read();
      variance = this.movingVariance.read();
    }
    // Fold everything per feature into one scale and one shift: x * inv + (beta - mean * inv).
    let inv = tf.rsqrt(tf.add(variance, this.epsilon));
    if (this.gamma) inv = tf.mul(inv, this.gamma.read());
    let shift = tf.neg(tf.mul(mean, inv));
    if (this.beta) shift = tf.add(shift, this.beta.read());
    if (axis !== rank - 1) {
      const target = broadcastShape(rank, [axis], [size]);
      inv = tf.reshape(inv, target);
      shift = tf.reshape(shift, target);
    }
    return tf.add(tf.mul(x, inv), shift);
  }

  /**
   * Keras 3's `_moments` with a mask: the mask, one axis less than the inputs, gets a last axis of
   * 1 and weighs each entry; `mean = sum(m x) / (sum(m) + 1e-7)`, `variance = sum(m (m x - mean)^2)
   * / (sum(m) + 1e-7)`, both over `reduce` (1e-7 is Keras's `backend.epsilon()`).
   */
  #maskedMoments(x: tf.Tensor, mask: tf.Tensor, reduce: number[]): { mean: tf.Tensor; variance: tf.Tensor } {
    if (mask.rank !== x.rank - 1 || mask.shape.some((d, i) => d !== x.shape[i])) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `${who(this)}: the mask must have the shape of the inputs without their last axis, [${x.shape.slice(0, -1).join(', ')}]; received shape [${mask.shape.join(', ')}].`,
        { layer: this.name, argument: 'mask', received: mask.shape },
      );
    }
    const m = tf.expandDims(tf.cast(mask, 'float32'), -1);
    const weighted = tf.mul(m, x);
    const count = tf.add(tf.sum(m, reduce, true), 1e-7);
    const mean = tf.div(tf.sum(weighted, reduce, true), count);
    const variance = tf.div(tf.sum(tf.mul(m, tf.square(tf.sub(weighted, mean))), reduce, true), count);
    const flat = [x.shape[this.geometry!.axis]!];
    return { mean: tf.reshape(mean, flat), variance: tf.reshape(variance, flat) };
  }

  protected override layerConfig(): JsonObject {
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...gammaBetaConfig(this.#gammaBeta, this, { movingMeanInitializer: this.movingMeanInit, movingVarianceInitializer: this.movingVarianceInit }),
    };
  }
}

/** Creates a BatchNormalization layer. */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}
