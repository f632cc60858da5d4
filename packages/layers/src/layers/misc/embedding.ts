import { RidgeError, type ConstraintSpec, type InitializerSpec, type JsonObject, type RegularizerSpec } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs, type WeightParts } from '../../engine/layer.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import type { LayerWeight } from '../../engine/weight.js';
import { RandomUniform } from '../../initializers/random.js';
import { feature } from '../../model/features.js';
import { readBoolean, readPositiveInt } from './args.js';
import { argKeys, parts } from '../../engine/arg-keys.js';

export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: indices run from 0 to inputDim - 1. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Default: RandomUniform in [-0.05, 0.05] (Keras's `'uniform'`). */
  embeddingsInitializer?: InitializerSpec;
  embeddingsRegularizer?: RegularizerSpec | null;
  embeddingsConstraint?: ConstraintSpec | null;
  /**
   * Whether index 0 is padding, as Keras's `mask_zero`: the output carries the mask `inputs != 0`,
   * which SimpleRNN, LSTM and GRU use to skip the padded time steps (Dense, Dropout and Activation
   * pass it on; other layers refuse it). With it, index 0 cannot be a word: `inputDim` counts it.
   */
  maskZero?: boolean;
  /** Keras 2's fixed sequence length: gives the layer an input shape `[inputLength]` when it has none. */
  inputLength?: number | null;
}

/**
 * Keras Embedding: looks up row `i` of the `[inputDim, outputDim]` table for every index `i`;
 * inputs of shape `[batch, ...]` give outputs `[batch, ..., outputDim]`. Float inputs (what a
 * model feeds) are cast to int32 first.
 */
export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  static override readonly argKeys = argKeys<EmbeddingArgs>()(['inputDim', 'outputDim'], ['maskZero', 'inputLength', ...parts('embeddings')]);
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | undefined;
  private readonly parts: Record<'embeddings', WeightParts>;
  embeddings!: LayerWeight;

  constructor(args: EmbeddingArgs) {
    const length = args?.inputLength;
    const implied = typeof length === 'number' && Number.isInteger(length) && length > 0 && args.inputShape === undefined && args.batchInputShape === undefined;
    super(implied ? { ...args, inputShape: [length] } : args);
    this.inputDim = readPositiveInt(this, 'inputDim', args.inputDim);
    this.outputDim = readPositiveInt(this, 'outputDim', args.outputDim);
    this.maskZero = readBoolean(this, 'maskZero', args.maskZero, false);
    // Masks come with `@ridge/layers/masking`: without it, refused before anything is built.
    if (this.maskZero) feature('masking', 'embedding({ maskZero: true })');
    this.inputLength = length === undefined || length === null ? undefined : readPositiveInt(this, 'inputLength', length);
    this.parts = this.resolveWeightParts({
      embeddings: {
        initializer: args.embeddingsInitializer,
        regularizer: args.embeddingsRegularizer,
        constraint: args.embeddingsConstraint,
        defaultInitializer: () => new RandomUniform(),
      },
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = inputShape as Shape;
    if (shape.length < 1) {
      throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: inputs must have a batch dimension; received shape ${formatShape(shape)}.`, {
        layer: this.name,
        argument: 'input shape',
        received: shape,
      });
    }
    this.embeddings = this.addWeight({
      name: 'embeddings',
      role: 'embeddings',
      shape: [this.inputDim, this.outputDim],
      ...this.parts.embeddings,
    });
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape), this.outputDim];
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const indices = x.dtype === 'int32' ? x : tf.cast(x, 'int32');
    try {
      return gatherRows(this.embeddings.read(), indices);
    } catch (error) {
      throw this.#indexError(error);
    }
  }

  /**
   * The cpu and wasm gather kernels check every index (they hold the indices in memory anyway);
   * their error becomes an INVALID_DATA that names the layer, so checking costs no device read.
   * webgl checks only with tfjs's DEBUG flag (a read from the GPU); otherwise an index out of
   * range gives no error there.
   */
  #indexError(error: unknown): unknown {
    const found = /index value (\S+) is not in \[0, /.exec(error instanceof Error ? error.message : '');
    if (!found) return error;
    const value = Number(found[1]);
    return new RidgeError(
      'INVALID_DATA',
      `${who(this)}: input index ${value} is outside [0, ${this.inputDim - 1}] (inputDim ${this.inputDim}); ` +
        'indices must be integers from 0 to inputDim - 1: raise inputDim or fix the data.',
      { layer: this.name, argument: 'inputs', received: value, inputDim: this.inputDim },
    );
  }

  override computeOutputMasked(_inputsMasked: readonly boolean[], outputCount: number): boolean[] {
    return Array.from({ length: outputCount }, () => this.maskZero);
  }

  /** Keras's `compute_mask`: `inputs != 0` with `maskZero`, else none. */
  override computeMask(inputs: readonly tf.Tensor[], _masks: readonly (tf.Tensor | undefined)[], outputCount: number): (tf.Tensor | undefined)[] {
    const mask = this.maskZero ? tf.notEqual(inputs[0]!, 0) : undefined;
    return Array.from({ length: outputCount }, () => mask);
  }

  protected override layerConfig(): JsonObject {
    return {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      maskZero: this.maskZero,
      inputLength: this.inputLength ?? null,
      ...this.weightPartsConfig(this.parts, { embeddings: this.embeddings }),
    };
  }
}

/**
 * `tf.gather(table, indices)` with the gradient written as a scatterND, which sums the rows of
 * repeated indices as gather's own gradient does. Gather's own gradient is an
 * UnsortedSegmentSum: tfjs-backend-wasm 4.22 has no such kernel (an Embedding could not train
 * there), and tfjs-backend-cpu's loops over every segment for every row (3.3 s for 1600 ids into
 * 1000 rows of 16, against 4 ms for the scatter).
 */
function gatherRows(table: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const [rows, width] = table.shape as [number, number];
  return tf.customGrad((t, save) => {
    // Saved, so the tape keeps the indices (a cast of the inputs may be freed before backprop).
    (save as tf.GradSaveFunc)([indices]);
    return {
      value: tf.gather(t as tf.Tensor, indices),
      gradFunc: (dy: tf.Tensor, [ids]: tf.Tensor[]) => tf.scatterND(tf.reshape(ids!, [ids!.size, 1]), tf.reshape(dy, [ids!.size, width]), [rows, width]),
    };
  })(table);
}

/** Creates an Embedding layer. */
export function embedding(args: EmbeddingArgs): Embedding {
  return new Embedding(args);
}
