import { argKeys } from '../../engine/arg-keys.js';
import { INDEX_LOOKUP_KEYS, IndexLookup, type IndexLookupArgs, type TokenSpec } from './index-lookup.js';

export type IntegerLookupArgs = IndexLookupArgs<number>;

const INTEGERS: TokenSpec<number> = {
  oovToken: -1,
  kind: 'an integer',
  dtype: 'int32',
  isToken: (v): v is number => Number.isSafeInteger(v),
  bucket: (token, buckets) => ((token % buckets) + buckets) % buckets,
};

/**
 * Keras 3 `IntegerLookup`: integers (int32, or float32 holding integers) to int32 indices, or
 * vectors; `invert: true` maps indices back to the integers. The OOV token defaults to -1; with
 * several OOV indices a token's is its remainder modulo their number (Keras's default
 * `oov_method`, floormod). See IndexLookup.
 */
export class IntegerLookup extends IndexLookup<number> {
  static override readonly className = 'IntegerLookup';
  static override readonly argKeys = argKeys<IntegerLookupArgs>()([], [...INDEX_LOOKUP_KEYS]);

  constructor(args: IntegerLookupArgs = {}) {
    super(args, INTEGERS);
  }
}

/** Creates an IntegerLookup layer: give a `vocabulary`, or call `adapt(data)`. */
export function integerLookup(args: IntegerLookupArgs = {}): IntegerLookup {
  return new IntegerLookup(args);
}
