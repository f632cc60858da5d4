import { RidgeError, describeValue, type JsonObject, type JsonValue } from '@ridge/core';
import { tf } from '../../engine/tfjs.js';
import { layerArgError, who } from '../../engine/errors.js';
import { Layer, type CallContext, type LayerArgs } from '../../engine/layer.js';
import type { SymbolicTensor } from '../../engine/symbolic.js';
import { formatShape, type Shape } from '../../engine/shape.js';
import { argKeys } from '../../engine/arg-keys.js';
import { readBoolean } from '../misc/args.js';
import type { LookupOutputMode } from './index-lookup.js';
import { StringLookup } from './string-lookup.js';

export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation';
export type TextSplit = 'whitespace' | 'character';
export type TextOutputMode = Exclude<LookupOutputMode, 'one_hot'>;

export interface TextVectorizationArgs extends LayerArgs {
  /** The most indices, `''` (the mask, in `'int'` mode) and `'[UNK]'` included. Default no limit. */
  maxTokens?: number | null;
  /** Default `'lower_and_strip_punctuation'`; `null` keeps the text as it is. */
  standardize?: Standardize | null;
  /** Default `'whitespace'`; `'character'` makes each character a token; `null` keeps each string whole. */
  split?: TextSplit | null;
  /** Tokens joined by spaces: `n` makes every width up to n, a list the widths listed. Default none. */
  ngrams?: number | readonly number[] | null;
  /** `'int'` (default): token indices, padded with 0; or `'multi_hot'`, `'count'`, `'tf_idf'` vectors. */
  outputMode?: TextOutputMode;
  /** `'int'` only: pad or cut each row to this length. Default: the longest row of the batch. */
  outputSequenceLength?: number | null;
  /** Vectors of `maxTokens` entries. Default false. */
  padToMaxTokens?: boolean;
  /** The vocabulary (may start with `''` and `'[UNK]'`), or call `adapt`. */
  vocabulary?: readonly string[] | null;
  /** `'tf_idf'` with `vocabulary`: one weight per entry. */
  idfWeights?: readonly number[] | null;
  /** Only false. */
  sparse?: boolean;
  /** Only false (Ridge has no ragged tensors). */
  ragged?: boolean;
}

const STANDARDIZE: readonly Standardize[] = ['lower_and_strip_punctuation', 'lower', 'strip_punctuation'];
const SPLIT: readonly TextSplit[] = ['whitespace', 'character'];
const MODES: readonly TextOutputMode[] = ['int', 'multi_hot', 'count', 'tf_idf'];
/** Keras's DEFAULT_STRIP_REGEX, `[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']` (`,-\.` is the range , - .). */
const PUNCTUATION = /[!"#$%&()*+,\-./:;<=>?@[\\\]^_`{|}~']/g;
/** TensorFlow's `strings.split` without a separator: runs of ASCII whitespace. */
const WHITESPACE = /[ \t\n\v\f\r]+/;

/**
 * Keras 3 `TextVectorization`: strings to token indices or vectors. Each string is standardized
 * (lower case and Keras's punctuation removed), split (on whitespace), turned into n-grams, and
 * looked up in a vocabulary as StringLookup with the mask token `''` (index 0 in `'int'` mode)
 * and `'[UNK]'`. `adapt(texts)` builds the vocabulary with StringLookup's rules (count, then
 * token, descending), each string a document for `'tf_idf'`. Inputs are string tensors of shape
 * `[batch]` or `[batch, 1]`; the vocabulary is in the config.
 */
export class TextVectorization extends Layer {
  static override readonly className = 'TextVectorization';
  static override readonly argKeys = argKeys<TextVectorizationArgs>()(
    [],
    ['maxTokens', 'standardize', 'split', 'ngrams', 'outputMode', 'outputSequenceLength', 'padToMaxTokens', 'vocabulary', 'idfWeights', 'sparse', 'ragged'],
  );
  readonly standardize: Standardize | undefined;
  readonly split: TextSplit | undefined;
  readonly ngrams: readonly number[] | undefined;
  readonly outputMode: TextOutputMode;
  readonly outputSequenceLength: number | undefined;
  readonly #lookup: StringLookup;
  readonly #ngramsArg: JsonValue;

  constructor(args: TextVectorizationArgs = {}) {
    super(args);
    const standardize = args.standardize ?? undefined;
    if (standardize !== undefined && !STANDARDIZE.includes(standardize)) throw layerArgError(this, 'standardize', standardize, `${STANDARDIZE.map((s) => `'${s}'`).join(', ')} or null`);
    const split = args.split ?? undefined;
    if (split !== undefined && !SPLIT.includes(split)) throw layerArgError(this, 'split', split, "'whitespace', 'character' or null");
    const n = args.ngrams ?? undefined;
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
    if (n !== undefined && !positive(n) && !(Array.isArray(n) && n.length > 0 && n.every(positive))) throw layerArgError(this, 'ngrams', n, 'an integer >= 1, a list of them, or null');
    if (n !== undefined && args.split === null) throw layerArgError(this, 'ngrams', n, 'null when split is null (n-grams join split tokens)');
    const mode = args.outputMode ?? 'int';
    if (!MODES.includes(mode)) throw layerArgError(this, 'outputMode', mode, "'int', 'multi_hot', 'count' or 'tf_idf'");
    const length = args.outputSequenceLength ?? undefined;
    if (length !== undefined && !(positive(length) && mode === 'int')) throw layerArgError(this, 'outputSequenceLength', length, "an integer >= 1 with outputMode 'int', or null");
    if (readBoolean(this, 'ragged', args.ragged, false)) throw layerArgError(this, 'ragged', args.ragged, 'false (Ridge has no ragged tensors; rows are padded with 0)');
    this.standardize = args.standardize === undefined ? 'lower_and_strip_punctuation' : standardize;
    this.split = args.split === undefined ? 'whitespace' : split;
    this.ngrams = n === undefined ? undefined : typeof n === 'number' ? Array.from({ length: n }, (_, i) => i + 1) : [...n];
    this.#ngramsArg = n === undefined ? null : typeof n === 'number' ? n : [...n];
    this.outputMode = mode;
    this.outputSequenceLength = length;
    const { maxTokens, padToMaxTokens, vocabulary, idfWeights, sparse } = args;
    // The vocabulary's own checks name TextVectorization's arguments through this layer's name.
    this.#lookup = new StringLookup({ name: `${this.name}_lookup`, maxTokens, padToMaxTokens, vocabulary, idfWeights, sparse, maskToken: '', outputMode: mode });
  }

  /** One string to its tokens: standardized, split, n-grams. */
  #tokens(text: string): string[] {
    let s = text;
    if (this.standardize === 'lower_and_strip_punctuation' || this.standardize === 'lower') s = s.toLowerCase();
    if (this.standardize === 'lower_and_strip_punctuation' || this.standardize === 'strip_punctuation') s = s.replace(PUNCTUATION, '');
    const tokens = this.split === 'whitespace' ? s.split(WHITESPACE).filter((t) => t !== '') : this.split === 'character' ? [...s] : [s];
    if (!this.ngrams) return tokens;
    return this.ngrams.flatMap((w) => Array.from({ length: Math.max(tokens.length - w + 1, 0) }, (_, i) => tokens.slice(i, i + w).join(' ')));
  }

  #texts(data: unknown, argument: string): string[] {
    const values = data instanceof tf.Tensor && !data.isDisposed && data.dtype === 'string' ? (data.dataSync() as unknown as string[]) : Array.isArray(data) ? (data.flat(Infinity) as unknown[]) : undefined;
    if (values && values.every((v) => typeof v === 'string')) return values as string[];
    throw new RidgeError('INVALID_DATA', `${who(this)}: ${argument} must be strings (a string tensor or a list); received ${describeValue(data)}.`, { layer: this.name, argument });
  }

  /** Builds the vocabulary from texts (a string tensor or a list of strings; each string a document), as Keras. */
  adapt(data: tf.Tensor | readonly unknown[]): void {
    const docs = this.#texts(data, 'adapt(data)').map((t) => this.#tokens(t));
    if (!docs.some((d) => d.length > 0)) {
      throw new RidgeError('INVALID_DATA', `${who(this)}: adapt(data) holds no tokens after standardizing and splitting; give it some text.`, { layer: this.name, argument: 'adapt(data)' });
    }
    this.#lookup.adapt(docs);
  }

  getVocabulary(includeSpecialTokens = true): string[] {
    return this.#lookup.getVocabulary(includeSpecialTokens);
  }

  vocabularySize(): number {
    return this.#lookup.vocabularySize();
  }

  setVocabulary(vocabulary: readonly string[], idfWeights?: readonly number[]): void {
    this.#lookup.setVocabulary(vocabulary, idfWeights);
  }

  #checkShape(shape: Shape): void {
    if (shape.length === 1 || (shape.length === 2 && shape[1] === 1)) return;
    throw new RidgeError('SHAPE_MISMATCH', `${who(this)}: inputs must be strings of shape [batch] or [batch, 1]; received shape ${formatShape(shape)}.`, {
      layer: this.name,
      argument: 'inputs',
      received: [...shape],
    });
  }

  override build(inputShape: Shape | Shape[]): void {
    this.#checkShape(inputShape as Shape);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const batch = (inputShape as Shape)[0] ?? null;
    if (this.outputMode === 'int') return [batch, this.outputSequenceLength ?? null];
    const max = this.#lookup.maxTokens;
    return [batch, this.#lookup.padToMaxTokens && max !== undefined ? max : this.vocabularySize()];
  }

  protected override outputDtype(_inputs: readonly SymbolicTensor[]): tf.DataType {
    return this.outputMode === 'int' ? 'int32' : 'float32';
  }

  call(inputs: tf.Tensor | tf.Tensor[], _ctx: CallContext): tf.Tensor {
    const x = inputs as tf.Tensor;
    this.#checkShape(x.shape);
    const rows = this.#texts(x, 'inputs').map((t) => this.#tokens(t));
    const width = this.outputSequenceLength ?? Math.max(0, ...rows.map((r) => r.length));
    // '' is the mask token: index 0 in 'int' mode, left out of the vectors.
    const padded = rows.flatMap((r) => [...r.slice(0, width), ...new Array<string>(Math.max(width - r.length, 0)).fill('')]);
    return this.#lookup.apply(tf.tensor(padded, [rows.length, width], 'string'));
  }

  protected override layerConfig(): JsonObject {
    const lookup = this.#lookup.getConfig();
    return {
      maxTokens: lookup['maxTokens']!,
      standardize: this.standardize ?? null,
      split: this.split ?? null,
      ngrams: this.#ngramsArg,
      outputMode: this.outputMode,
      outputSequenceLength: this.outputSequenceLength ?? null,
      padToMaxTokens: lookup['padToMaxTokens']!,
      sparse: false,
      ragged: false,
      vocabulary: lookup['vocabulary']!,
      idfWeights: lookup['idfWeights']!,
    };
  }
}

/** Creates a TextVectorization layer: give a `vocabulary`, or call `adapt(texts)`. */
export function textVectorization(args: TextVectorizationArgs = {}): TextVectorization {
  return new TextVectorization(args);
}
