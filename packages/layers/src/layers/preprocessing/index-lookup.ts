import { RidgeError, describeValue, type JsonObject, type JsonValue } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import type { Shape } from '../../engine/shape.js';
import { readBoolean } from '../misc/args.js';
import { checkEncodeRank, encodedShape, encodeTokens } from './encode.js';
import { fingerprint64 } from './fingerprint.js';

export type LookupOutputMode = 'int' | 'one_hot' | 'multi_hot' | 'count' | 'tf_idf';
type Token = string | number;

/** The arguments StringLookup and IntegerLookup share (Keras's IndexLookup); `T` is the token type. */
export interface IndexLookupArgs<T extends Token> extends LayerArgs {
  /** The most indices, special ones included (> 1); `adapt` keeps the most frequent tokens. Default no limit. */
  maxTokens?: number | null;
  /** How many indices out-of-vocabulary tokens share (hashed among them when > 1); 0 refuses them. Default 1. */
  numOovIndices?: number;
  /** The token that maps to index 0 in `'int'` mode (and is left out of the other modes). Default none. */
  maskToken?: T | null;
  /** What `invert` returns for out-of-vocabulary indices. */
  oovToken?: T;
  /** The vocabulary, without duplicates; may start with the special tokens (mask, then the OOV ones). Or call `adapt`. */
  vocabulary?: readonly T[] | null;
  /** `'tf_idf'` only, with `vocabulary`: one weight per token (the OOV ones default to the mean). */
  idfWeights?: readonly number[] | null;
  /** Map indices back to tokens. Default false. */
  invert?: boolean;
  /** `'int'` (default, int32 indices), or `'one_hot'`, `'multi_hot'`, `'count'`, `'tf_idf'` vectors (float32). */
  outputMode?: LookupOutputMode;
  /** The vectors have `maxTokens` entries, not the vocabulary size. Default false. */
  padToMaxTokens?: boolean;
  /** Only false (Ridge has no sparse tensors). */
  sparse?: boolean;
}

/** What StringLookup and IntegerLookup tell their base about their tokens. */
export interface TokenSpec<T extends Token> {
  /** The default OOV token. */
  readonly oovToken: T;
  /** What a token is, for messages ('a string'). */
  readonly kind: string;
  /** The dtype of token tensors. */
  readonly dtype: 'string' | 'int32';
  readonly isToken: (value: unknown) => value is T;
  /** The OOV index of a token when there are several: hashed (strings) or its remainder (integers), as Keras. */
  readonly bucket: (token: T, buckets: number) => number;
}

const MODES: readonly LookupOutputMode[] = ['int', 'one_hot', 'multi_hot', 'count', 'tf_idf'];
export const INDEX_LOOKUP_KEYS = ['maxTokens', 'numOovIndices', 'maskToken', 'oovToken', 'vocabulary', 'idfWeights', 'invert', 'outputMode', 'padToMaxTokens', 'sparse'] as const;

/**
 * Keras 3's IndexLookup, the base of StringLookup and IntegerLookup: tokens to indices, with
 * Keras's layout: the mask token at 0 (`'int'` mode), then the OOV indices, then the vocabulary
 * in its order. `adapt` orders tokens by count, ties by the token, both descending. The
 * vocabulary (special tokens included) and the idf weights are in the config, so they are saved
 * with the model (Keras 3 saves an adapted vocabulary as an asset file; Ridge's saved format has
 * none, and a config of a few thousand tokens is small).
 */
export abstract class IndexLookup<T extends Token> extends Layer {
  readonly maxTokens: number | undefined;
  readonly numOovIndices: number;
  readonly maskToken: T | undefined;
  readonly oovToken: T;
  readonly invert: boolean;
  readonly outputMode: LookupOutputMode;
  readonly padToMaxTokens: boolean;
  readonly #given: boolean;
  #tokens: T[] | undefined;
  #index = new Map<T, number>();
  #idf: number[] | undefined;

  readonly #spec: TokenSpec<T>;

  constructor(args: IndexLookupArgs<T>, spec: TokenSpec<T>) {
    super(args);
    this.#spec = spec;
    const oovDefault = spec.oovToken;
    const { maxTokens, numOovIndices = 1 } = args;
    if (maxTokens != null && !(Number.isInteger(maxTokens) && maxTokens > 1)) throw layerArgError(this, 'maxTokens', maxTokens, 'an integer > 1 or null');
    if (!(Number.isInteger(numOovIndices) && numOovIndices >= 0)) throw layerArgError(this, 'numOovIndices', numOovIndices, 'an integer >= 0');
    const mask = args.maskToken ?? undefined;
    if (mask !== undefined && !this.#spec.isToken(mask)) throw layerArgError(this, 'maskToken', mask, `${this.#spec.kind} or null`);
    const oov = args.oovToken ?? oovDefault;
    if (!this.#spec.isToken(oov)) throw layerArgError(this, 'oovToken', oov, this.#spec.kind);
    const mode = args.outputMode ?? 'int';
    if (!MODES.includes(mode)) throw layerArgError(this, 'outputMode', mode, "'int', 'one_hot', 'multi_hot', 'count' or 'tf_idf'");
    this.invert = readBoolean(this, 'invert', args.invert, false);
    if (this.invert && mode !== 'int') throw layerArgError(this, 'invert', true, `false with outputMode '${mode}' (invert returns tokens, outputMode 'int' only)`);
    this.padToMaxTokens = readBoolean(this, 'padToMaxTokens', args.padToMaxTokens, false);
    if (this.padToMaxTokens && maxTokens == null) throw layerArgError(this, 'padToMaxTokens', true, 'false without maxTokens (give maxTokens to pad to)');
    if (readBoolean(this, 'sparse', args.sparse, false)) throw layerArgError(this, 'sparse', args.sparse, 'false (Ridge computes dense tensors)');
    if (args.idfWeights != null && mode !== 'tf_idf') throw layerArgError(this, 'idfWeights', args.idfWeights, `null with outputMode '${mode}' (idf weights are for 'tf_idf')`);
    this.maxTokens = maxTokens ?? undefined;
    this.numOovIndices = numOovIndices;
    this.maskToken = mask;
    this.oovToken = oov;
    this.outputMode = mode;
    this.#given = args.vocabulary != null;
    if (args.vocabulary != null) this.setVocabulary(args.vocabulary, args.idfWeights ?? undefined);
  }

  /** Index 1 in `'int'` mode with a mask token, else 0. */
  #oovStart(): number {
    return this.maskToken !== undefined && this.outputMode === 'int' ? 1 : 0;
  }

  #tokenStart(): number {
    return this.#oovStart() + this.numOovIndices;
  }

  /** The vocabulary, the special tokens first unless `includeSpecialTokens` is false; index i is what the layer outputs for it. */
  getVocabulary(includeSpecialTokens = true): T[] {
    const tokens = this.#tokens ?? [];
    if (!includeSpecialTokens) return [...tokens];
    const special: T[] = [...(this.#oovStart() ? [this.maskToken!] : []), ...new Array<T>(this.numOovIndices).fill(this.oovToken)];
    return [...special, ...tokens];
  }

  /** The number of indices: the special ones and the vocabulary. */
  vocabularySize(): number {
    return this.#tokenStart() + (this.#tokens?.length ?? 0);
  }

  #refuse(argument: string, received: unknown, message: string): RidgeError {
    return new RidgeError('INVALID_ARGUMENT', `${who(this)}: ${message}`, { layer: this.name, argument, received });
  }

  /**
   * Sets the vocabulary (and, for `'tf_idf'`, the idf weights), as Keras's `set_vocabulary`:
   * checked whole before anything changes.
   */
  setVocabulary(vocabulary: readonly T[], idfWeights?: readonly number[]): void {
    if (!Array.isArray(vocabulary) || vocabulary.length === 0 || !vocabulary.every((t) => this.#spec.isToken(t))) {
      throw layerArgError(this, 'vocabulary', vocabulary, `a non-empty list of ${this.#spec.kind}s`);
    }
    const special = this.getVocabulary().slice(0, this.#tokenStart());
    const found = special.every((t, i) => vocabulary[i] === t) && vocabulary.length >= special.length;
    const tokens = found ? vocabulary.slice(special.length) : [...vocabulary];
    const seen = new Set<T>();
    const repeated = [...new Set(tokens.filter((t) => seen.size === seen.add(t).size))];
    if (repeated.length > 0) {
      throw this.#refuse('vocabulary', repeated, `vocabulary repeats ${describeValue(repeated)}; give each token once.`);
    }
    const order = `the special tokens ${describeValue(special)} only at the start, in that order, or not at all`;
    if (this.maskToken !== undefined && seen.has(this.maskToken)) {
      throw this.#refuse('vocabulary', this.maskToken, `vocabulary holds the mask token ${describeValue(this.maskToken)} at index ${vocabulary.lastIndexOf(this.maskToken)}; it must hold ${order}.`);
    }
    if (this.invert && seen.has(this.oovToken)) {
      throw this.#refuse('vocabulary', this.oovToken, `vocabulary holds the OOV token ${describeValue(this.oovToken)} at index ${vocabulary.lastIndexOf(this.oovToken)}; an inverting layer's must hold ${order}.`);
    }
    const size = special.length + tokens.length;
    if (this.maxTokens !== undefined && size > this.maxTokens) {
      throw this.#refuse('vocabulary', size, `the vocabulary has ${size} indices (special tokens included), more than maxTokens ${this.maxTokens}; raise maxTokens or shorten it.`);
    }
    let idf: number[] | undefined;
    if (this.outputMode === 'tf_idf') {
      const ok = Array.isArray(idfWeights) && idfWeights.length === vocabulary.length && idfWeights.every((w) => Number.isFinite(w));
      if (!ok) throw layerArgError(this, 'idfWeights', idfWeights, `a list of ${vocabulary.length} finite numbers, one per vocabulary entry ('tf_idf' needs them with a vocabulary)`);
      const mean = idfWeights.reduce((s, w) => s + w, 0) / idfWeights.length;
      idf = [...(found ? [] : new Array<number>(special.length).fill(mean)), ...idfWeights];
    } else if (idfWeights != null) {
      throw layerArgError(this, 'idfWeights', idfWeights, `absent with outputMode '${this.outputMode}'`);
    }
    this.#set(tokens, idf);
  }

  #set(tokens: T[], idf: number[] | undefined): void {
    this.#tokens = tokens;
    const start = this.#tokenStart();
    this.#index = new Map(tokens.map((t, i) => [t, start + i]));
    this.#idf = idf?.map((w) => Math.fround(w));
  }

  /**
   * Builds the vocabulary from `data` (a tensor or nested lists of tokens; a list of tokens is one
   * document per token, rows of a matrix are documents): tokens by count, ties by the token, both
   * descending, at most `maxTokens` indices; for `'tf_idf'` each token's weight is
   * `log(1 + documents / (1 + documents holding it))`, the OOV indices the mean. As Keras.
   */
  adapt(data: tf.Tensor | readonly unknown[]): void {
    if (this.#given) {
      throw new RidgeError('INVALID_ARGUMENT', `${who(this)}: adapt() builds a vocabulary, which this layer was given; create it without vocabulary to adapt it.`, {
        layer: this.name,
        argument: 'adapt(data)',
      });
    }
    const documents = this.#readDocuments(data);
    const counts = new Map<T, number>();
    const docCounts = new Map<T, number>();
    for (const doc of documents) {
      for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const t of new Set(doc)) docCounts.set(t, (docCounts.get(t) ?? 0) + 1);
    }
    if (this.maskToken !== undefined) counts.delete(this.maskToken);
    counts.delete(this.oovToken);
    const sorted = [...counts].sort(([a, ca], [b, cb]) => cb - ca || (a < b ? 1 : a > b ? -1 : 0)).map(([t]) => t);
    const start = this.#tokenStart();
    const tokens = this.maxTokens === undefined ? sorted : sorted.slice(0, Math.max(this.maxTokens - start, 0));
    let idf: number[] | undefined;
    if (this.outputMode === 'tf_idf') {
      const weights = tokens.map((t) => Math.fround(Math.log(1 + documents.length / (1 + docCounts.get(t)!))));
      const mean = weights.length ? weights.reduce((s, w) => s + w, 0) / weights.length : 0;
      idf = [...new Array<number>(start).fill(mean), ...weights];
    }
    this.#set(tokens, idf);
  }

  /** `adapt`'s data as documents of tokens, refused (INVALID_DATA) unless it holds tokens of this layer's kind. */
  #readDocuments(data: unknown): T[][] {
    let rows: unknown[] | undefined;
    if (data instanceof tf.Tensor) {
      if (!data.isDisposed) rows = data.rank === 0 ? [data.arraySync()] : (data.arraySync() as unknown[]);
    } else if (Array.isArray(data)) rows = data;
    const docs = rows?.map((row) => (Array.isArray(row) ? (row.flat(Infinity) as unknown[]) : [row]));
    if (docs && docs.length > 0 && docs.every((d) => d.every((t) => this.#spec.isToken(t))) && docs.some((d) => d.length > 0)) return docs as T[][];
    throw new RidgeError('INVALID_DATA', `${who(this)}: adapt(data) must be a tensor or nested lists of ${this.#spec.kind}s, at least one; received ${describeValue(data)}.`, {
      layer: this.name,
      argument: 'adapt(data)',
    });
  }

  #depth(): number {
    return this.padToMaxTokens ? this.maxTokens! : this.vocabularySize();
  }

  override build(inputShape: Shape | Shape[]): void {
    checkEncodeRank(this, this.outputMode === 'tf_idf' ? 'count' : this.outputMode, inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    checkEncodeRank(this, this.outputMode, inputShape as Shape);
    return encodedShape(inputShape as Shape, this.outputMode === 'tf_idf' ? 'count' : this.outputMode, this.#depth());
  }

  protected override outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return this.invert ? this.#spec.dtype : this.outputMode === 'int' ? 'int32' : 'float32';
  }

  #inputError(received: unknown, expected: string): RidgeError {
    return new RidgeError('INVALID_DATA', `${who(this)}: inputs must be ${expected}; received ${describeValue(received)}.`, { layer: this.name, argument: 'inputs', received });
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    const tokens = this.#tokens;
    if (!tokens) {
      throw new RidgeError('NOT_COMPILED', `${who(this)} has no vocabulary yet: call layer.adapt(data) with your data before using it, or create it with a vocabulary.`, { layer: this.name });
    }
    if (this.invert) return this.#invert(x, tokens);
    checkEncodeRank(this, this.outputMode, x.shape);
    if (this.#spec.dtype === 'string' ? x.dtype !== 'string' : x.dtype === 'string' || x.dtype === 'complex64') {
      throw this.#inputError(`a ${x.dtype} tensor`, `a tensor of ${this.#spec.kind}s`);
    }
    const values = x.dataSync() as unknown as ArrayLike<T>;
    const ids = new Int32Array(values.length);
    const oovStart = this.#oovStart();
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!this.#spec.isToken(v)) throw this.#inputError(v, `${this.#spec.kind}s`);
      let id = this.#index.get(v);
      if (this.maskToken !== undefined && v === this.maskToken) id = this.outputMode === 'int' ? 0 : -1; // -1: no one-hot entry
      if (id === undefined) {
        if (this.numOovIndices === 0) throw this.#inputError(v, `in the vocabulary (numOovIndices is 0; set it to 1 for out-of-vocabulary tokens)`);
        id = oovStart + (this.numOovIndices === 1 ? 0 : this.#spec.bucket(v, this.numOovIndices));
      }
      ids[i] = id;
    }
    const idsTensor = tf.tensor(ids, x.shape, 'int32');
    if (this.outputMode === 'int') return idsTensor;
    if (this.outputMode !== 'tf_idf') return encodeTokens(idsTensor, this.outputMode, this.#depth());
    const idf = [...this.#idf!, ...new Array<number>(this.#depth() - this.#idf!.length).fill(0)];
    return tf.mul(encodeTokens(idsTensor, 'count', this.#depth()), tf.tensor1d(idf));
  }

  #invert(x: tf.Tensor, tokens: readonly T[]): tf.Tensor {
    if (x.dtype === 'string' || x.dtype === 'complex64') throw this.#inputError(`a ${x.dtype} tensor`, 'a tensor of integer indices');
    const ids = x.dataSync() as ArrayLike<number>;
    const start = this.#tokenStart();
    const out = Array.from(ids, (id) => (id === 0 && this.#oovStart() ? this.maskToken! : tokens[id - start] ?? this.oovToken));
    return this.#spec.dtype === 'string' ? tf.tensor(out as string[], x.shape, 'string') : tf.tensor(out as number[], x.shape, 'int32');
  }

  protected override layerConfig(): JsonObject {
    const vocabulary = this.#tokens ? (this.getVocabulary() as JsonValue) : null;
    const idf = this.#idf ? this.#idf.slice(0, this.vocabularySize()) : null;
    return {
      invert: this.invert,
      maxTokens: this.maxTokens ?? null,
      numOovIndices: this.numOovIndices,
      oovToken: this.oovToken,
      maskToken: this.maskToken ?? null,
      outputMode: this.outputMode,
      sparse: false,
      padToMaxTokens: this.padToMaxTokens,
      idfWeights: idf,
      vocabulary,
    };
  }
}

/** The OOV bucket of a string among `buckets`: TensorFlow's `to_hash_bucket_fast` (FarmHash Fingerprint64). */
export function stringBucket(token: string, buckets: number): number {
  return Number(fingerprint64(new TextEncoder().encode(token)) % BigInt(buckets));
}
