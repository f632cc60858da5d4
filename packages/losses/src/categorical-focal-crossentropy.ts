import { checkNumber, invalidArgument, type JsonObject } from '@ridge/core';
import { tf } from './tfjs.js';
import { readAxis, readBoolean, readGamma, readLabelSmoothing, type LossConfig } from './config.js';
import { LossFunction } from './loss-function.js';
import { clipProbabilities } from './numerics.js';
import { perSampleMean } from './reduce.js';
import { checkRank, featureAxis } from './shapes.js';

export interface CategoricalFocalCrossentropyConfig extends LossConfig {
  /**
   * A weight on each class's term, >= 0: one number for every class, or one per class (for
   * example inverse class frequencies). Default 0.25.
   */
  alpha?: number | readonly number[];
  /** The focusing parameter, >= 0; 0 gives `alpha` times categorical crossentropy. Default 2. */
  gamma?: number;
  /** Whether yPred holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: targets become `y * (1 - labelSmoothing) + labelSmoothing / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/**
 * `sum(-alpha * (1 - p)^gamma * y * log(p))` along `axis`, with `p` the predicted probabilities
 * rescaled to sum to 1 and clipped to [1e-7, 1 - 1e-7] (from logits: their softmax, then the same).
 */
export class CategoricalFocalCrossentropy extends LossFunction {
  readonly className = 'CategoricalFocalCrossentropy' as const;
  readonly alpha: number | readonly number[];
  readonly gamma: number;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(config: CategoricalFocalCrossentropyConfig = {}) {
    super('CategoricalFocalCrossentropy', config, ['alpha', 'gamma', 'fromLogits', 'labelSmoothing', 'axis']);
    this.alpha = readAlpha(`${this.className}.alpha`, config.alpha);
    this.gamma = readGamma(this.className, config.gamma);
    this.fromLogits = readBoolean(`${this.className}.fromLogits`, config.fromLogits, false);
    this.labelSmoothing = readLabelSmoothing(this.className, config.labelSmoothing);
    this.axis = readAxis(this.className, config.axis);
  }

  protected override checkShapes(yTrue: readonly number[], yPred: readonly number[]): void {
    checkRank(this.className, yPred, 2, '[batch, ..., classes]');
    super.checkShapes(yTrue, yPred);
    const axis = featureAxis(this.className, this.axis, yPred);
    if (typeof this.alpha !== 'number' && this.alpha.length !== yPred[axis]) {
      throw invalidArgument(
        `${this.className}.alpha`,
        this.alpha,
        `one weight per class: ${yPred[axis]} for yPred of shape [${yPred.join(', ')}] (axis ${this.axis})`,
      );
    }
  }

  protected perSample(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor1D {
    const axis = featureAxis(this.className, this.axis, yPred.shape);
    const smoothing = this.labelSmoothing;
    const target = smoothing > 0 ? tf.add(tf.mul(yTrue, 1 - smoothing), smoothing / yPred.shape[axis]!) : yTrue;
    // Keras does not use a log-softmax here: it clips the softmax like any probabilities.
    const probabilities = this.fromLogits ? tf.exp(tf.sub(yPred, tf.logSumExp(yPred, axis, true))) : yPred;
    const p = clipProbabilities(tf.div(probabilities, tf.sum(probabilities, axis, true)));
    const crossentropy = tf.neg(tf.mul(target, tf.log(p)));
    const factor = tf.mul(tf.pow(tf.sub(1, p), this.gamma), this.alphaAlong(axis, yPred.rank));
    return perSampleMean(tf.sum(tf.mul(factor, crossentropy), axis));
  }

  /** alpha as a number, or per class as a tensor shaped to broadcast along the class axis. */
  private alphaAlong(axis: number, rank: number): number | tf.Tensor {
    const alpha = this.alpha;
    if (typeof alpha === 'number') return alpha;
    const shape = Array.from({ length: rank }, (_, i) => (i === axis ? alpha.length : 1));
    return tf.tensor(alpha as number[], shape);
  }

  protected options(): JsonObject {
    return {
      alpha: typeof this.alpha === 'number' ? this.alpha : [...this.alpha],
      gamma: this.gamma,
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
      axis: this.axis,
    };
  }
}

function readAlpha(argument: string, value: unknown): number | readonly number[] {
  if (!Array.isArray(value)) return checkNumber(argument, value ?? 0.25, { min: 0 });
  if (value.length === 0) throw invalidArgument(argument, value, 'a number >= 0, or a non-empty list of them (one per class)');
  return Object.freeze(value.map((a: unknown, i) => checkNumber(`${argument}[${i}]`, a, { min: 0 })));
}

export function categoricalFocalCrossentropy(config?: CategoricalFocalCrossentropyConfig): CategoricalFocalCrossentropy {
  return new CategoricalFocalCrossentropy(config);
}
