import { argumentError, mustBeError } from '@ridge/core';
import { argKeys, checkArgKeys } from '../engine/arg-keys.js';
import type * as tf from '@tensorflow/tfjs-core';
import { checkShape, type Shape } from '../engine/shape.js';
import { Layer, type CallContext } from '../engine/layer.js';
import { SymbolicTensor, type Node } from '../engine/symbolic.js';

export interface InputArgs {
  /** Shape of one sample, without the batch dimension (`null` for unknown sizes). */
  shape?: Shape;
  /** The full shape including the batch dimension. */
  batchShape?: Shape;
  batchSize?: number;
  name?: string;
  dtype?: 'float32' | 'int32';
}

/** The entry point of a functional graph: holds a shape, computes nothing. */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  /** `input()` takes these keys and no base ones but `name` and `batchSize` (which `InputArgs` has). */
  static readonly inputArgKeys = argKeys<InputArgs, object>()([], ['shape', 'batchShape', 'batchSize', 'name', 'dtype']);
  declare readonly inputDtype: 'float32' | 'int32';
  declare readonly output: SymbolicTensor;

  constructor(args: InputArgs) {
    const batchShape = resolveBatchShape(args);
    // Checked with the keys (see checkArgKeys): float32 or int32 (Embedding indices); tfjs's bool, complex64 and string are not model inputs here.
    const dtype = args.dtype ?? 'float32';
    super({ name: args.name, batchInputShape: batchShape });
    this.inputDtype = dtype;
    this.built = true;
    const node: Node = { layer: this, inputs: [], outputs: [], kwargs: {} };
    this.output = new SymbolicTensor(batchShape, this.inputDtype, this, node, 0);
    node.outputs = [this.output];
    this.inboundNodes.push(node);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    return inputs as tf.Tensor;
  }
}

/**
 * As in Keras, `shape` is one sample's shape, without the batch dimension: `[null, 161]` is a
 * sequence of any length of 161 features, so the batch shape is `[null, null, 161]`.
 */
function resolveBatchShape(args: InputArgs): Shape {
  checkArgKeys('input', args, InputLayer.inputArgKeys, []);
  if (args.batchShape !== undefined) {
    const other = args.shape !== undefined ? 'shape' : args.batchSize !== undefined ? 'batchSize' : undefined;
    if (other) throw mustBeError(`input: ${other}`, args[other], 'absent with batchShape (give one, not both)', { argument: other, received: args[other] });
    return checkShape('batchShape', args.batchShape, 'input');
  }
  if (args.shape === undefined) {
    throw argumentError(
      'input: give shape (one sample, e.g. [784]) or batchShape (e.g. [null, 784]).', {
      argument: 'shape',
      received: undefined,
    });
  }
  const shape = checkShape('shape', args.shape, 'input');
  return [args.batchSize ?? null, ...shape];
}

/** A symbolic input for a functional model: `input({ shape: [784] })`, or `[null, 161]` for sequences. */
export function input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
}
