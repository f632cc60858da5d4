import type { LayerArgs } from '../../engine/layer.js';
import { tf } from '../../engine/tfjs.js';
import { Merge } from './base-merge.js';

export type SubtractArgs = LayerArgs;

/** The difference `inputs[0] - inputs[1]` of exactly two inputs (shapes as in {@link Merge}). */
export class Subtract extends Merge {
  static override readonly className = 'Subtract';

  protected override get inputCount(): number {
    return 2;
  }

  protected mergeFunction(inputs: readonly tf.Tensor[]): tf.Tensor {
    return tf.sub(inputs[0]!, inputs[1]!);
  }
}

/** Creates a Subtract layer; call it on a list of tensors: `subtract().apply([a, b])`. */
export function subtract(args: SubtractArgs = {}): Subtract {
  return new Subtract(args);
}
