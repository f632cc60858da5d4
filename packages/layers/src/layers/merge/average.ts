import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type AverageArgs = LayerArgs;

/** The elementwise mean of its inputs (any number >= 1, shapes as in {@link Merge}): their sum divided by their number. */
export class Average extends Merge {
  static override readonly className = 'Average';

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return tf.div(inputs.slice(1).reduce((sum, x) => tf.add(sum, x), inputs[0]!), inputs.length);
  }
}

/** Creates an Average layer; call it on a list of tensors: `average().apply([a, b])`. */
export function average(args: AverageArgs = {}): Average {
  return new Average(args);
}
