import { isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';

/** A key whose every value leaves the computation as Ridge does it (an implementation choice). */
const ANY = Symbol('any value');

type Inert = Readonly<Record<string, JsonValue | typeof ANY>>;

const RECURRENT: Inert = { implementation: ANY, useCudnn: ANY, timeMajor: false };
/** Keras 3's LoRA and quantization: `null` when unused; any value adds weights Ridge does not have. */
const ADAPTED: Inert = { loraRank: null, loraAlpha: ANY, quantizationConfig: null };

/**
 * Keys that Keras 2, Keras 3 or tfjs-layers write in a layer's config and Ridge's layer has no
 * argument for, by registered class name, with the value at which leaving the key out changes
 * nothing (`ANY`: every value). Layer constructors refuse unknown keys, so a
 * config read from a file has these taken out first; any other unknown key (a typo in a
 * hand-written config) still reaches the constructor and is refused, naming the key.
 */
const FOREIGN: Readonly<Record<string, Inert>> = {
  Dense: ADAPTED,
  Conv1D: ADAPTED,
  Conv2D: ADAPTED,
  Embedding: { ...ADAPTED, sparse: false },
  SimpleRNN: RECURRENT,
  LSTM: RECURRENT,
  GRU: RECURRENT,
  ConvLSTM1D: RECURRENT,
  ConvLSTM2D: RECURRENT,
  ConvLSTM3D: RECURRENT,
  BatchNormalization: { synchronized: ANY, fused: ANY, renorm: false, renormClipping: ANY, renormMomentum: ANY, virtualBatchSize: null },
  LayerNormalization: { rmsScaling: false },
  // Keras 3's fused kernel choice: the same attention computed another way (Ridge always computes the scores).
  MultiHeadAttention: { flashAttention: ANY },
  // tf.keras 2's layer-wide flag, replaced by the call argument `use_causal_mask`. A functional
  // model's loader turns `causal: true` into that call argument (model-from-json.ts, liftCausal);
  // a layer config read alone keeps the warning.
  Attention: { causal: false },
  AdditiveAttention: { causal: false },
  // Keras 3's padding alternative to cropToAspectRatio, and its fill (used only with the padding).
  Resizing: { padToAspectRatio: false, fillMode: ANY, fillValue: ANY },
  // Keras 3 writes the output dtype (int64 for ids, or floatx); Ridge's is int32 for ids, float32 otherwise.
  Hashing: { dtype: ANY },
  // The lookups' dtype is their tokens'; vocabulary_size is derived from the vocabulary.
  StringLookup: { dtype: ANY, vocabularySize: ANY, encoding: 'utf-8' },
  IntegerLookup: { dtype: ANY, vocabularySize: ANY, vocabularyDtype: ANY, oovMethod: 'floormod' },
  TextVectorization: { dtype: ANY, vocabularySize: ANY, encoding: 'utf-8' },
};

/** A key left out at a value that changes what Keras computes: the key, the value, and the value Ridge computes as. */
export interface DroppedKey {
  readonly key: string;
  readonly value: JsonValue;
  readonly inert: JsonValue;
}

/**
 * A layer config (camelCase keys) without the keys Keras or tfjs-layers write that the layer has
 * no argument for (see FOREIGN), and with a Keras 3 dtype policy object read as its name. At a
 * harmless value the keys go silently. At a value that changes the computation
 * (`rmsScaling: true`, a `loraRank`) they are left in, so that the constructor refuses them,
 * unless `onDropped` takes them: model loading does, and says so with `onWarning`.
 */
export function withoutForeignKeys(className: string, config: JsonObject, onDropped?: (dropped: DroppedKey) => void): JsonObject {
  const inert = FOREIGN[className];
  const policy = config['dtype'];
  // Keras 3 writes a dtype as a DTypePolicy object; the constructor reads its name (and refuses all but float32).
  if (isJsonObject(policy) && isJsonObject(policy['config']) && typeof policy['config']['name'] === 'string') {
    config = { ...config, dtype: policy['config']['name'] };
  }
  if (!inert) return config;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const harmless = inert[key];
    if (harmless === ANY || (key in inert && JSON.stringify(value) === JSON.stringify(harmless))) continue;
    if (key in inert && onDropped) onDropped({ key, value, inert: harmless! });
    else out[key] = value;
  }
  return out;
}
