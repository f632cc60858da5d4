import { RidgeError, type Loss } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { formatShape } from '../engine/shape.js';
import type { Graph } from './graph.js';
import { maskSource, outputMask } from './masking.js';
import type { Metric } from './metrics.js';
import type { Compiled } from './step.js';

/**
 * The data losses and metrics of a model whose outputs carry masks, weighed as Keras 3 weighs them
 * (`losses/loss.py` `apply_mask`, `metrics/reduction_metrics.py` `MeanMetricWrapper`). Used by a
 * training or evaluation step in place of the plain per-sample weighing.
 */
export interface MaskedScores {
  /**
   * The data loss of output `output` (unweighted by `lossWeights`). With a mask, the masked steps
   * count for nothing and the mean runs over the unmasked ones. In training, the mask is kept for
   * `metrics` until `release`.
   */
  loss(output: number, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined, train: boolean): tf.Scalar;
  /**
   * Two entries per metric, the plain metrics then the weighted ones, as the step lays them out:
   * the batch's mean of the weighted values and its mean weight (their sums over the epoch divide
   * into the metric). A plain metric's weight is its output's mask (1 without one); a weighted
   * metric's is the sample weight times the mask.
   */
  metrics(ys: readonly tf.Tensor[], outputs: readonly tf.Tensor[], sampleWeight: tf.Tensor | undefined): tf.Tensor[];
  /** Disposes the masks kept by a training step's `loss`. */
  release(): void;
}

/** One row per mask entry: `[batch, time, ...rest]` as `[batch * time, ...rest]` for a mask `[batch, time]`. */
function rows(x: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  return tf.reshape(x, [mask.size, ...x.shape.slice(mask.rank)]);
}

/**
 * The weight of each mask entry, flat: the mask (as 0 and 1) times the sample weight of the
 * entry's sample. Checks that the labels and the outputs have the mask's leading axes.
 */
function entryWeights(name: string, mask: tf.Tensor, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined): tf.Tensor1D {
  const lead = mask.shape.join(', ');
  // The outputs have the mask's leading axes by construction; the labels are the user's.
  for (const [argument, x] of [['y', yTrue], ['the output', yPred]] as const) {
    if (x.shape.slice(0, mask.rank).join(', ') !== lead) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `output '${name}' carries a mask of shape [${lead}] (one entry per time step), so ${argument} must start with ` +
          `the same axes, [${lead}, ...]; received ${argument} of shape ${formatShape(x.shape)}. Give one label per time step ` +
          `(class indices [${lead}] or one-hot [${lead}, classes]).`,
        { argument: argument === 'y' ? 'y' : 'mask', output: name, received: x.shape, expected: mask.shape },
      );
    }
  }
  const m = tf.reshape(tf.cast(mask, 'float32'), [mask.size]) as tf.Tensor1D;
  if (!sampleWeight) return m;
  // One weight per sample, the same for each of its time steps.
  const perSample = tf.reshape(tf.cast(sampleWeight, 'float32'), [mask.shape[0]!, ...mask.shape.slice(1).map(() => 1)]);
  return tf.mul(m, tf.reshape(tf.broadcastTo(perSample, mask.shape), [mask.size])) as tf.Tensor1D;
}

/** Keras's masked loss: the loss of each entry, times its weight; `'mean'` divides by the number of unmasked entries. */
function maskedLoss(name: string, loss: Loss, mask: tf.Tensor, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined): tf.Scalar {
  let w = entryWeights(name, mask, yTrue, yPred, sampleWeight);
  // Keras scales the mask by total / valid (0 when every entry is masked), so that the loss's
  // mean over all entries becomes sum(loss * weight) / valid.
  if (loss.reduction === 'mean') w = tf.mul(w, tf.divNoNan(tf.scalar(mask.size), tf.sum(tf.cast(mask, 'float32'))));
  return loss.apply(rows(yTrue, mask), rows(yPred, mask), w) as tf.Scalar;
}

/**
 * A metric's two entries: the mean of its weighted values and the mean weight (for a stateful
 * metric, whose values are `[rows, columns]`, the mean of each column).
 */
function pair(given: tf.Tensor, weights: tf.Tensor | undefined): tf.Tensor[] {
  const values = tf.transpose(given);
  if (!weights) return [tf.mean(values, -1), tf.scalar(1)];
  return [tf.mean(tf.mul(values, tf.reshape(weights, [-1])), -1), tf.mean(weights)];
}

class Scores implements MaskedScores {
  private masks: (tf.Tensor | undefined)[] = [];
  private kept: tf.Tensor[] = [];

  constructor(private readonly compiled: Compiled) {}

  loss(output: number, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined, train: boolean): tf.Scalar {
    const loss = this.compiled.losses[output]!;
    const mask = outputMask(yPred);
    if (mask && train) this.kept.push(tf.keep(mask));
    this.masks[output] = mask;
    return (mask ? maskedLoss(this.compiled.outputNames[output]!, loss, mask, yTrue, yPred, sampleWeight) : loss.apply(yTrue, yPred, sampleWeight)) as tf.Scalar;
  }

  metrics(ys: readonly tf.Tensor[], outputs: readonly tf.Tensor[], sampleWeight: tf.Tensor | undefined): tf.Tensor[] {
    const values: tf.Tensor[] = [];
    const score = (lists: readonly (readonly Metric[])[], weighted: boolean) =>
      lists.forEach((list, i) => {
        const mask = this.masks[i];
        const sw = weighted ? sampleWeight : undefined;
        for (const m of list) {
          if (!mask) {
            values.push(...pair(m.perSample(ys[i]!, outputs[i]!), sw && tf.cast(sw, 'float32')));
            continue;
          }
          const w = entryWeights(this.compiled.outputNames[i]!, mask, ys[i]!, outputs[i]!, sw);
          values.push(...pair(m.perSample(rows(ys[i]!, mask), rows(outputs[i]!, mask)), w));
        }
      });
    score(this.compiled.metrics, false);
    score(this.compiled.weightedMetrics, true);
    return values;
  }

  release(): void {
    tf.dispose(this.kept);
    this.kept = [];
    this.masks = [];
  }
}

/** The masked scoring of `graph`'s outputs, or undefined when none of them carries a mask. */
export function maskedScores(graph: Graph, compiled: Compiled): MaskedScores | undefined {
  return graph.outputs.some((t) => maskSource(t) !== undefined) ? new Scores(compiled) : undefined;
}
