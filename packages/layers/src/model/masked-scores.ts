import { RidgeError, type Loss } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { formatShape } from '../engine/shape.js';
import type { Graph } from './graph.js';
import { maskSource, outputMask } from './masking.js';
import type { Metric } from './metrics.js';
import type { Compiled } from './step.js';

/**
 * The data losses and metrics of a model whose outputs carry masks or have losses per step, weighed
 * as Keras 3 weighs them (`losses/loss.py` `reduce_weighted_values` and `apply_mask`,
 * `metrics/reduction_metrics.py` `reduce_to_samplewise_values` and `MeanMetricWrapper`), with
 * sample weights per sample (`[batch]`) or per step (`[batch, time]`). Used by a training or
 * evaluation step in place of the plain per-sample weighing.
 */
export interface MaskedScores {
  /**
   * The data loss of output `output` (unweighted by `lossWeights`): the mean over every step of
   * `loss * sampleWeight`. With a mask, the masked steps count for nothing and the mean runs over
   * the unmasked ones. In training, the mask is kept for
   * `metrics` until `release`.
   */
  loss(output: number, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined, train: boolean): tf.Scalar;
  /**
   * Two entries per metric, the plain metrics then the weighted ones, as the step lays them out:
   * the batch's mean of the weighted values and its mean weight (their sums over the epoch divide
   * into the metric). A plain metric's weight is its output's mask (1 without one); a weighted
   * metric's is the sample weight (of the step's sample, or of the step) times the mask.
   */
  metrics(ys: readonly tf.Tensor[], outputs: readonly tf.Tensor[], sampleWeight: tf.Tensor | undefined): tf.Tensor[];
  /** Disposes the masks kept by a training step's `loss`. */
  release(): void;
}

/** One row per entry of the leading axes `lead`: `[batch, time, ...rest]` as `[batch * time, ...rest]` for `lead` `[batch, time]`. */
function rows(x: tf.Tensor, lead: readonly number[]): tf.Tensor {
  return tf.reshape(x, [lead.reduce((a, d) => a * d, 1), ...x.shape.slice(lead.length)]);
}

/** Whether a sample weight holds a weight per step (`[batch, time, ...]`), not one per sample. */
const perStep = (sampleWeight: tf.Tensor | undefined): sampleWeight is tf.Tensor => sampleWeight !== undefined && sampleWeight.rank > 1;

/**
 * The axes scored one row per entry (the mask's, else the per-step sample weight's) and the weight
 * of each entry, flat: the mask (as 0 and 1) times the sample weight, whose shape is a prefix of
 * those axes (`[batch]`, the same for each step of a sample, or `[batch, time]`, one per step).
 * Checks that the labels and the outputs start with those axes.
 */
function entryWeights(name: string, mask: tf.Tensor | undefined, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined): { lead: number[]; weights: tf.Tensor1D } {
  const lead = (mask ?? sampleWeight)!.shape;
  const text = lead.join(', ');
  const what = mask ? `carries a mask of shape [${text}] (one entry per time step)` : `is weighed per step by sampleWeight of shape [${text}]`;
  // The outputs have the mask's leading axes by construction; the labels are the user's.
  for (const [argument, x] of [['y', yTrue], ['the output', yPred]] as const) {
    if (x.shape.slice(0, lead.length).join(', ') !== text) {
      throw new RidgeError(
        'SHAPE_MISMATCH',
        `output '${name}' ${what}, so ${argument} must start with ` +
          `the same axes, [${text}, ...]; received ${argument} of shape ${formatShape(x.shape)}. ` +
          (mask || argument === 'y' ? `Give one label per time step (class indices [${text}] or one-hot [${text}, classes]).` : 'Give sampleWeight the leading axes of the output, without its last.'),
        { argument: argument === 'y' ? 'y' : mask ? 'mask' : 'sampleWeight', output: name, received: x.shape, expected: lead },
      );
    }
  }
  const size = lead.reduce((a, d) => a * d, 1);
  const m = mask && (tf.reshape(tf.cast(mask, 'float32'), [size]) as tf.Tensor1D);
  if (!sampleWeight) return { lead, weights: m! };
  const sw = sampleWeight.shape;
  if (sw.length > lead.length || sw.join(', ') !== lead.slice(0, sw.length).join(', ')) {
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `output '${name}' ${what}, so sampleWeight must have a prefix of that shape, [${lead[0]}] (one weight per sample) or up to [${text}] (one per step); received sampleWeight of shape ${formatShape(sw)}.`,
      { argument: 'sampleWeight', output: name, received: sw, expected: lead },
    );
  }
  // A weight per sample (or per step of a longer lead) is the same for each entry under it.
  const w = tf.reshape(tf.broadcastTo(tf.reshape(tf.cast(sampleWeight, 'float32'), [...sw, ...lead.slice(sw.length).map(() => 1)]), lead), [size]) as tf.Tensor1D;
  return { lead, weights: m ? (tf.mul(m, w) as tf.Tensor1D) : w };
}

/**
 * Keras's weighted loss (`reduce_weighted_values`): the loss of each entry, times its weight. The
 * default reduction, `'mean'` (Keras's `'sum_over_batch_size'`), divides the sum by the number of
 * entries, or, with a mask, by the number of unmasked entries.
 */
function stepLoss(name: string, loss: Loss, mask: tf.Tensor | undefined, yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight: tf.Tensor | undefined): tf.Scalar {
  const { lead, weights } = entryWeights(name, mask, yTrue, yPred, sampleWeight);
  let w = weights;
  // Keras scales the mask by total / valid (0 when every entry is masked), so that the loss's
  // mean over all entries becomes sum(loss * weight) / valid.
  if (mask && loss.reduction === 'mean') w = tf.mul(w, tf.divNoNan(tf.scalar(mask.size), tf.sum(tf.cast(mask, 'float32'))));
  return loss.apply(rows(yTrue, lead), rows(yPred, lead), w) as tf.Scalar;
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
    return (mask || perStep(sampleWeight) ? stepLoss(this.compiled.outputNames[output]!, loss, mask, yTrue, yPred, sampleWeight) : loss.apply(yTrue, yPred, sampleWeight)) as tf.Scalar;
  }

  metrics(ys: readonly tf.Tensor[], outputs: readonly tf.Tensor[], sampleWeight: tf.Tensor | undefined): tf.Tensor[] {
    const values: tf.Tensor[] = [];
    const score = (lists: readonly (readonly Metric[])[], weighted: boolean) =>
      lists.forEach((list, i) => {
        const mask = this.masks[i];
        const sw = weighted ? sampleWeight : undefined;
        for (const m of list) {
          if (!mask && !perStep(sw)) {
            values.push(...pair(m.perSample(ys[i]!, outputs[i]!), sw && tf.cast(sw, 'float32')));
            continue;
          }
          const { lead, weights } = entryWeights(this.compiled.outputNames[i]!, mask, ys[i]!, outputs[i]!, sw);
          values.push(...pair(m.perSample(rows(ys[i]!, lead), rows(outputs[i]!, lead)), weights));
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

/**
 * The masked (and per-step weighted) scoring of `graph`'s outputs, or undefined when none of them
 * carries a mask or has losses per step (an output of rank 3 or more, `[batch, time, classes]`,
 * which a sample weight per step, `[batch, time]`, can weigh).
 */
export function maskedScores(graph: Graph, compiled: Compiled): MaskedScores | undefined {
  return graph.outputs.some((t) => maskSource(t) !== undefined || t.shape.length > 2) ? new Scores(compiled) : undefined;
}
