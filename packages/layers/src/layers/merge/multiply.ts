import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type MultiplyArgs = LayerArgs;

/** The elementwise product of its inputs (any number >= 1, shapes as in {@link Merge}). */
export class Multiply extends Merge {
  static override readonly className = 'Multiply';

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return inputs.slice(1).reduce((product, x) => tf.mul(product, x), inputs[0]!);
  }
}

/** Creates a Multiply layer; call it on a list of tensors: `multiply().apply([a, b])`. */
export function multiply(args: MultiplyArgs = {}): Multiply {
  return new Multiply(args);
}
