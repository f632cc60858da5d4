import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type AddArgs = LayerArgs;

/** The elementwise sum of its inputs (any number >= 1, shapes as in {@link Merge}): a residual connection is `add().apply([x, f(x)])`. */
export class Add extends Merge {
  static override readonly className = 'Add';

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((sum, x) => tf.add(sum, x), inputs[0]!);
  }
}

/** Creates an Add layer; call it on a list of tensors: `add().apply([a, b])`. */
export function add(args: AddArgs = {}): Add {
  return new Add(args);
}
