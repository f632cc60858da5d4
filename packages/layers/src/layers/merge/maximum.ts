import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type MaximumArgs = LayerArgs;

/** The elementwise maximum of its inputs (any number >= 1, shapes as in {@link Merge}); the gradient goes to the largest (to the first where equal). */
export class Maximum extends Merge {
  static override readonly className = 'Maximum';

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((m, x) => tf.maximum(m, x), inputs[0]!);
  }
}

/** Creates a Maximum layer; call it on a list of tensors: `maximum().apply([a, b])`. */
export function maximum(args: MaximumArgs = {}): Maximum {
  return new Maximum(args);
}
