import type { JsonObject, JsonValue } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import type { Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { readBoolean, readPositiveInt } from '../misc/args.js';
import { checkEncodeRank, encodedShape, encodeTokens } from './encode.js';
import { fingerprint64, sipHash64 } from './fingerprint.js';

export type HashingOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count';

export interface HashingArgs extends LayerArgs {
  /** How many bins, the mask's bin 0 included when `maskValue` is given. */
  numBins: number;
  /** A value (string or number) that goes to bin 0; the others hash to bins 1 to `numBins - 1`. Default none. */
  maskValue?: string | number | null;
  /**
   * A key for SipHash-2-4 instead of FarmHash: an integer (used for both halves) or two, each in
   * [0, 2^53). Default none (FarmHash Fingerprint64).
   */
  salt?: number | readonly [number, number] | null;
  /** `'int'` (default): the bin, int32. `'one_hot'`, `'multi_hot'`, `'count'`: as CategoryEncoding, float32. */
  outputMode?: HashingOutputMode;
  /** Only false (Ridge has no sparse tensors). */
  sparse?: boolean;
}

const MODES: readonly HashingOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count'];
const isKey = (k: unknown): k is number => Number.isSafeInteger(k) && (k as number) >= 0;

/**
 * Keras 3 `Hashing`: each value (string tensors, int32, float32 truncated to an integer, bool) to
 * `hash(value) % bins`, as TensorFlow's `to_hash_bucket_fast` (FarmHash Fingerprint64 of the
 * UTF-8 bytes, numbers written in decimal first) or, with a `salt`, `to_hash_bucket_strong`
 * (SipHash-2-4), so Ridge gives Keras's bins. With `maskValue`, that value goes to bin 0 and the
 * rest to `1 + hash % (numBins - 1)`. No weights; outputs need no gradient.
 */
export class Hashing extends Layer {
  static override readonly className = 'Hashing';
  static override readonly argKeys = argKeys<HashingArgs>()(['numBins'], ['maskValue', 'salt', 'outputMode', 'sparse']);
  readonly numBins: number;
  readonly maskValue: string | number | undefined;
  readonly salt: readonly [number, number] | undefined;
  readonly outputMode: HashingOutputMode;
  /** `salt` as SipHash's two keys, converted once. */
  readonly #keys: readonly [bigint, bigint] | undefined;

  constructor(args: HashingArgs) {
    super(args);
    this.numBins = readPositiveInt(this, 'numBins', args.numBins);
    const mask = args.maskValue ?? undefined;
    if (mask !== undefined && typeof mask !== 'string' && !Number.isFinite(mask)) throw layerArgError(this, 'maskValue', mask, 'a string, a finite number or null');
    const salt = args.salt ?? undefined;
    if (salt !== undefined && !isKey(salt) && !(Array.isArray(salt) && salt.length === 2 && salt.every(isKey))) {
      throw layerArgError(this, 'salt', salt, 'an integer in [0, 2^53), a list of two such integers, or null');
    }
    const mode = args.outputMode ?? 'int';
    if (!MODES.includes(mode)) throw layerArgError(this, 'outputMode', mode, "'int', 'one_hot', 'multi_hot' or 'count'");
    if (readBoolean(this, 'sparse', args.sparse, false)) throw layerArgError(this, 'sparse', args.sparse, 'false (Ridge computes dense tensors)');
    this.maskValue = mask;
    this.salt = salt === undefined ? undefined : typeof salt === 'number' ? [salt, salt] : [salt[0], salt[1]];
    this.outputMode = mode;
    this.#keys = this.salt && [BigInt(this.salt[0]), BigInt(this.salt[1])];
  }

  override build(inputShape: Shape | Shape[]): void {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    return encodedShape(inputShape as Shape, this.outputMode, this.numBins);
  }

  protected override outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return this.outputMode === 'int' ? 'int32' : 'float32';
  }

  /** The bin of one value (TensorFlow's: the hash of its text, modulo the bins). */
  #bin(value: string | number | boolean, bins: bigint, utf8: TextEncoder): number {
    const bytes = utf8.encode(typeof value === 'number' ? String(Math.trunc(value)) : String(value));
    const hash = this.#keys ? sipHash64(bytes, this.#keys[0], this.#keys[1]) : fingerprint64(bytes);
    return Number(hash % bins);
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    checkEncodeRank(this, this.outputMode, x.shape);
    const masked = this.maskValue !== undefined && this.numBins > 1;
    const bins = BigInt(masked ? this.numBins - 1 : this.numBins);
    const raw = x.dataSync() as ArrayLike<string | number>;
    const utf8 = new TextEncoder();
    const ids = new Int32Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const v = x.dtype === 'bool' ? raw[i] === 1 : raw[i]!;
      ids[i] = masked && v === this.maskValue ? 0 : this.#bin(v, bins, utf8) + (masked ? 1 : 0);
    }
    return encodeTokens(tf.tensor(ids, x.shape, 'int32'), this.outputMode, this.numBins);
  }

  protected override layerConfig(): JsonObject {
    return { numBins: this.numBins, maskValue: this.maskValue ?? null, salt: this.salt ? ([...this.salt] as JsonValue) : null, outputMode: this.outputMode, sparse: false };
  }
}

/** Creates a Hashing layer: values (strings or numbers) to bins by FarmHash, or SipHash with a salt. */
export function hashing(args: HashingArgs): Hashing {
  return new Hashing(args);
}
