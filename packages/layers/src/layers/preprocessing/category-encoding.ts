import { RidgeError, type JsonObject } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { readPositiveInt } from '../misc/args.js';
import { checkEncodeRank, encodedShape, encodeTokens } from './encode.js';

export type CategoryOutputMode = 'one_hot' | 'multi_hot' | 'count';

export interface CategoryEncodingArgs extends LayerArgs {
  /** How many tokens there are: every input must be an integer in `[0, numTokens)`. */
  numTokens: number;
  /**
   * `'multi_hot'` (default): one row of `numTokens` per sample (the last axis), 1 for each token
   * present. `'count'`: how often each token appears. `'one_hot'`: one row per input value (a
   * last axis of size 1 is replaced by the row, as Keras).
   */
  outputMode?: CategoryOutputMode;
  /** Only false (Keras's dense output; Ridge has no sparse tensors). */
  sparse?: boolean;
}

const MODES: readonly CategoryOutputMode[] = ['one_hot', 'multi_hot', 'count'];
const ALIASES: Readonly<Record<string, CategoryOutputMode>> = { binary: 'multi_hot', oneHot: 'one_hot', multiHot: 'multi_hot' };

/**
 * Keras 3 `CategoryEncoding`: integer token ids to float32 one-hot, multi-hot or count vectors of
 * `numTokens` entries. Inputs may be int32 or float32 holding integers; a value outside
 * `[0, numTokens)` or not an integer is refused (INVALID_DATA, naming it), as Keras refuses it,
 * which costs one read of three numbers per call. No gradient flows to the inputs.
 */
export class CategoryEncoding extends Layer {
  static override readonly className = 'CategoryEncoding';
  static override readonly argKeys = argKeys<CategoryEncodingArgs>()(['numTokens'], ['outputMode', 'sparse']);
  readonly numTokens: number;
  readonly outputMode: CategoryOutputMode;

  constructor(args: CategoryEncodingArgs) {
    super(args);
    this.numTokens = readPositiveInt(this, 'numTokens', args.numTokens);
    // Keras's deprecated name for multi_hot, and tfjs-layers' spellings (its saved models load).
    const given = args.outputMode as string | undefined;
    const mode = (given !== undefined && ALIASES[given]) || (args.outputMode ?? 'multi_hot');
    if (!MODES.includes(mode)) throw layerArgError(this, 'outputMode', args.outputMode, "'one_hot', 'multi_hot' or 'count'");
    this.outputMode = mode;
    if (args.sparse !== undefined && args.sparse !== false) throw layerArgError(this, 'sparse', args.sparse, 'false (Ridge computes dense tensors)');
  }

  override build(inputShape: Shape | Shape[]): void {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    this.built = true;
  }

  /** Keras's `compute_output_shape`. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    return encodedShape(inputShape as Shape, this.outputMode, this.numTokens);
  }

  /** INVALID_DATA naming the first value that is not a token id; reads the data only when one is there. */
  #checkTokens(x: tf.Tensor): void {
    if (x.size === 0) return;
    const [lowest, highest, fractional] = tf.tidy(() => {
      const v = tf.cast(x, 'float32');
      const stats = [tf.min(v), tf.max(v), x.dtype === 'float32' ? tf.sum(tf.cast(tf.notEqual(v, tf.floor(v)), 'float32')) : tf.scalar(0)];
      return tf.stack(stats).dataSync();
    }) as unknown as [number, number, number];
    if (lowest >= 0 && highest < this.numTokens && fractional === 0) return;
    const values = x.dataSync();
    const bad = Array.from(values).find((v) => !(v >= 0 && v < this.numTokens && Number.isInteger(v)));
    throw new RidgeError(
      'INVALID_DATA',
      `${who(this)}: input value ${bad} is not a token id in [0, ${this.numTokens - 1}] (numTokens ${this.numTokens}); ` +
        'token ids must be integers from 0 to numTokens - 1: raise numTokens or fix the data.',
      { layer: this.name, argument: 'inputs', received: bad, numTokens: this.numTokens },
    );
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    checkEncodeRank(this, this.outputMode, x.shape);
    this.#checkTokens(x);
    return encodeTokens(x, this.outputMode, this.numTokens);
  }

  protected override layerConfig(): JsonObject {
    return { numTokens: this.numTokens, outputMode: this.outputMode, sparse: false };
  }
}

/** Creates a CategoryEncoding layer: token ids to one-hot, multi-hot or count vectors. */
export function categoryEncoding(args: CategoryEncodingArgs): CategoryEncoding {
  return new CategoryEncoding(args);
}
