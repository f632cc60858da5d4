import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type MinimumArgs = LayerArgs;

/** The elementwise minimum of its inputs (any number >= 1, shapes as in {@link Merge}); the gradient goes to the smallest (to the first where equal). */
export class Minimum extends Merge {
  static override readonly className = 'Minimum';

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((m, x) => tf.minimum(m, x), inputs[0]!);
  }
}

/** Creates a Minimum layer; call it on a list of tensors: `minimum().apply([a, b])`. */
export function minimum(args: MinimumArgs = {}): Minimum {
  return new Minimum(args);
}
