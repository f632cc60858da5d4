import { argKeys } from '../../engine/arg-keys.js';
import { INDEX_LOOKUP_KEYS, IndexLookup, stringBucket, type IndexLookupArgs, type TokenSpec } from './index-lookup.js';

export type StringLookupArgs = IndexLookupArgs<string>;

const STRINGS: TokenSpec<string> = { oovToken: '[UNK]', kind: 'a string', dtype: 'string', isToken: (v): v is string => typeof v === 'string', bucket: stringBucket };

/**
 * Keras 3 `StringLookup`: strings (string tensors) to int32 indices, or vectors; `invert: true`
 * maps indices back to strings. The OOV token defaults to `'[UNK]'`; with several OOV indices
 * a token's is FarmHash Fingerprint64 modulo their number, as Keras. See IndexLookup.
 */
export class StringLookup extends IndexLookup<string> {
  static override readonly className = 'StringLookup';
  static override readonly argKeys = argKeys<StringLookupArgs>()([], [...INDEX_LOOKUP_KEYS]);

  constructor(args: StringLookupArgs = {}) {
    super(args, STRINGS);
  }
}

/** Creates a StringLookup layer: give a `vocabulary`, or call `adapt(data)`. */
export function stringLookup(args: StringLookupArgs = {}): StringLookup {
  return new StringLookup(args);
}
