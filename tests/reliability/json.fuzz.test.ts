/**
 * fast-check fuzzing of configs and JSON: arbitrary values given to the `deserialize*` functions,
 * to every registered layer's factory, to `modelFromJSON` and to `loadModel` either load or throw
 * a RidgeError: never a TypeError (or any other error), never a hang, never a leaked tensor.
 * What loads round-trips: `deserialize(serialize(x))` has the same config.
 *
 * "Never a hang": a synchronous call cannot be interrupted, so every run is timed and must take
 * under RUN_LIMIT_MS; every property stops after PROPERTY_BUDGET_MS (fast-check's
 * `interruptAfterTimeLimit`) so the whole file stays within a few seconds on two cores.
 * Numbers that would size a weight are kept small (a JSON asking for a [3, 2^31] kernel is a
 * legitimate, if unwise, model, and would only measure the machine's memory).
 */
import { initBackend } from '@ridge/backend';
import '@ridge/regularizers';
import '@ridge/losses';
import '@ridge/optimizers';
import {
  RidgeError,
  deserializeConstraint,
  deserializeInitializer,
  deserializeLoss,
  deserializeOptimizer,
  deserializeRegularizer,
  registry,
  serializeConstraint,
  serializeInitializer,
  serializeLoss,
  serializeOptimizer,
  serializeRegularizer,
  type FactoryKind,
  type JsonValue,
} from '@ridge/core';
import {
  batchNormalization,
  conv1d,
  dense,
  dropout,
  embedding,
  flatten,
  globalAveragePooling1d,
  input,
  loadModel,
  lstm,
  maxPooling1d,
  model,
  modelFromJSON,
  sequential,
  type Model,
} from '@ridge/layers';
import { l1, l2 } from '@ridge/regularizers';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await initBackend({ prefer: 'cpu', log: false });
});

const RUN_LIMIT_MS = 2_000;
const PROPERTY_BUDGET_MS = 4_000;
const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, interruptAfterTimeLimit: PROPERTY_BUDGET_MS, seed: 20240917 });

/** What a run produced, for a failure message. */
function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
}

/**
 * Runs `fn`: it must return or throw a RidgeError, within the time limit, and leave
 * `tf.memory()` as it found it once what it returned is disposed.
 */
function loadsOrRidgeError<T>(fn: () => T, dispose: (value: T) => void = () => {}, onLoad: (value: T) => void = () => {}): void {
  const before = tf.memory().numTensors;
  const start = performance.now();
  let value: T | undefined;
  let loaded = false;
  try {
    value = fn();
    loaded = true;
  } catch (error) {
    if (!RidgeError.is(error)) throw new Error(`not a RidgeError: ${describeThrown(error)}`);
  }
  const took = performance.now() - start;
  if (took > RUN_LIMIT_MS) throw new Error(`took ${took.toFixed(0)} ms`);
  if (loaded) {
    try {
      onLoad(value as T);
    } finally {
      dispose(value as T);
    }
  }
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`${loaded ? 'loaded' : 'failed'} and left ${after - before} tensors behind`);
}

async function loadsOrRidgeErrorAsync<T>(fn: () => Promise<T>, dispose: (value: T) => void): Promise<void> {
  const before = tf.memory().numTensors;
  const start = performance.now();
  try {
    dispose(await fn());
  } catch (error) {
    if (!RidgeError.is(error)) throw new Error(`not a RidgeError: ${describeThrown(error)}`);
  }
  const took = performance.now() - start;
  if (took > RUN_LIMIT_MS) throw new Error(`took ${took.toFixed(0)} ms`);
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`left ${after - before} tensors behind`);
}

// ------------------------------------------------------------------------------------------------
// Arbitraries

/** Keys that mean something to a reader, mixed with arbitrary ones. */
const interestingKey = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('className', 'class_name', 'config', 'registered_name', 'module', '__proto__', 'constructor', 'toString', 'valueOf', 'name', 'units', 'l2', 'l1', 'factor', 'mode', 'axis'),
);

/** Anything at all: objects with null prototypes, Maps, typed arrays, bigints, dates, boxed values. */
const anything = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  key: interestingKey,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withTypedArray: true,
  withSparseArray: true,
});

/** A value that could sit in a config: small numbers (also NaN, infinities, -0), strings, lists, objects. */
const configValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.integer({ min: -3, max: 8 }),
    fc.double({ min: -10, max: 10 }),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0.5, 1e-7),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.string({ maxLength: 6 }),
    fc.constantFrom('relu', 'tanh', 'same', 'valid', 'rows', 'columns', 'mean', 'sum', 'none', 'l2', 'zeros', 'ones'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(interestingKey, tie('value'), { maxKeys: 3 }),
  ),
})).value;

function knownKeys(kind: FactoryKind): string[] {
  const keys = new Set<string>();
  for (const entry of registry(kind).entries()) {
    try {
      const made = entry.create({}) as { getConfig(): Record<string, unknown>; dispose?: () => void };
      for (const k of Object.keys(made.getConfig())) {
        keys.add(k);
        keys.add(k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      }
      if (kind === 'optimizer') made.dispose?.();
    } catch {
      // Entries that need arguments (layers) have no defaults to read keys from.
    }
  }
  return [...keys];
}

/** `{ className | class_name, config }` with a registered name of `kind` and plausible keys. */
function serialized(kind: FactoryKind): fc.Arbitrary<unknown> {
  const names = registry(kind).list();
  const keys = knownKeys(kind);
  const key = keys.length ? fc.oneof(fc.constantFrom(...keys), interestingKey) : interestingKey;
  return fc.record(
    {
      nameKey: fc.constantFrom('className', 'class_name'),
      name: fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 6 })),
      config: fc.oneof(fc.dictionary(key, configValue, { maxKeys: 4 }), configValue),
      module: fc.option(fc.constantFrom('keras.regularizers', 'keras.optimizers', 'keras.losses')),
    },
    { requiredKeys: ['nameKey', 'name'] },
  ).map(({ nameKey, name, config, module }) => ({ [nameKey]: name, ...(config === undefined ? {} : { config }), ...(module ? { module } : {}) }));
}

// ------------------------------------------------------------------------------------------------

const KINDS = {
  regularizer: { deserialize: deserializeRegularizer, serialize: serializeRegularizer },
  constraint: { deserialize: deserializeConstraint, serialize: serializeConstraint },
  loss: { deserialize: deserializeLoss, serialize: serializeLoss },
  optimizer: { deserialize: deserializeOptimizer, serialize: serializeOptimizer },
  initializer: { deserialize: deserializeInitializer, serialize: serializeInitializer },
} as const;

type Plugin = { getConfig(): unknown; dispose?: () => void };

describe('deserialize* on arbitrary values: loads or throws RidgeError', () => {
  for (const [kind, { deserialize, serialize }] of Object.entries(KINDS) as [FactoryKind, (typeof KINDS)['regularizer']][]) {
    const free = (x: unknown) => (kind === 'optimizer' ? (x as Plugin).dispose?.() : undefined);

    it(`${kind}: anything at all`, () => {
      fc.assert(
        fc.property(anything, (value) => loadsOrRidgeError(() => deserialize(value), free)),
        params(300),
      );
    }, 30_000);

    it(`${kind}: { className, config } with registered names and plausible keys; what loads round-trips`, () => {
      fc.assert(
        fc.property(serialized(kind), (value) =>
          loadsOrRidgeError(
            () => deserialize(value),
            free,
            (loaded) => {
              const json = JSON.parse(JSON.stringify(serialize(loaded as never))) as unknown;
              const again = deserialize(json) as unknown as Plugin;
              try {
                // Compared as JSON text: -0 is written as 0, the one value JSON cannot keep.
                expect(JSON.stringify(again.getConfig())).toBe(JSON.stringify((loaded as Plugin).getConfig()));
              } finally {
                free(again);
              }
            },
          ),
        ),
        params(400),
      );
    }, 30_000);
  }
});

describe('every registered layer factory on arbitrary configs: a layer or a RidgeError', () => {
  const names = registry('layer').list().filter((n) => !['Functional', 'Model', 'Sequential'].includes(n));
  const layerKeys = [
    'units', 'activation', 'useBias', 'use_bias', 'kernelRegularizer', 'kernel_regularizer', 'biasRegularizer', 'activityRegularizer',
    'kernelInitializer', 'kernelConstraint', 'filters', 'kernelSize', 'kernel_size', 'strides', 'padding', 'dilationRate', 'groups',
    'poolSize', 'pool_size', 'rate', 'noiseShape', 'seed', 'targetShape', 'target_shape', 'inputDim', 'outputDim', 'axis', 'momentum',
    'epsilon', 'center', 'scale', 'returnSequences', 'returnState', 'goBackwards', 'recurrentActivation', 'resetAfter', 'dropout',
    'recurrentDropout', 'stddev', 'l1', 'l2', 'name', 'trainable', 'inputShape', 'batchInputShape', 'batch_input_shape', 'dtype',
    'shape', 'batchShape', 'dataFormat', 'keepdims', 'maskZero', 'inputLength', 'unitForgetBias', 'stateful', 'unroll',
  ];
  const config = fc.dictionary(fc.oneof(fc.constantFrom(...layerKeys), interestingKey), configValue, { maxKeys: 5 });

  it('constructs, then builds on a small input, or throws a RidgeError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), config, fc.constantFrom([null, 4], [null, 3, 2], [null, 4, 4, 2]), (name, cfg, shape) =>
        loadsOrRidgeError(
          () => {
            const layer = registry('layer').resolve(name).create(cfg as never) as unknown as { apply(x: unknown): unknown; dispose(): void };
            try {
              layer.apply(input({ batchShape: shape }));
            } catch (error) {
              layer.dispose();
              throw error;
            }
            return layer;
          },
          (layer) => layer.dispose(),
        ),
      ),
      params(500),
    );
  }, 30_000);
});

// ------------------------------------------------------------------------------------------------
// Model JSON

function seedModels(): Model[] {
  const a = input({ shape: [3], name: 'fz_in' });
  let x = dense({ units: 4, activation: 'tanh', name: 'fz_d1', kernelRegularizer: l2(0.01), biasRegularizer: 'l1', activityRegularizer: l1(1e-3) }).apply(a);
  x = dropout({ rate: 0.2, name: 'fz_drop' }).apply(x);
  x = batchNormalization({ name: 'fz_bn', gammaRegularizer: 'l2' }).apply(x);
  const mlp = model({ inputs: a, outputs: dense({ units: 2, activation: 'softmax', name: 'fz_out' }).apply(x) });
  mlp.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'], regularization: [{ regularizer: 'l2', include: 'kernels', exclude: 'fz_out/*' }] });
  const conv = sequential({
    layers: [conv1d({ filters: 2, kernelSize: 2, inputShape: [5, 2], name: 'fz_conv' }), maxPooling1d({ poolSize: 2, name: 'fz_pool' }), flatten({ name: 'fz_flat' }), dense({ units: 1, name: 'fz_head' })],
  });
  conv.compile({ optimizer: 'sgd', loss: 'mse' });
  const seq = sequential({
    layers: [embedding({ inputDim: 5, outputDim: 3, inputLength: 4, name: 'fz_emb' }), lstm({ units: 2, returnSequences: true, name: 'fz_lstm' }), globalAveragePooling1d({ name: 'fz_gap' })],
  });
  return [mlp, conv, seq];
}

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

/** A copy of `json` with the value at `path` replaced (or the key deleted, for `undefined`). */
function mutate(json: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(json) ? [...(json as unknown[])] : { ...(json as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path as [string | number, ...Path];
  if (rest.length === 0 && replacement === undefined && !Array.isArray(copy)) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement);
  return copy;
}

describe('modelFromJSON and loadModel on arbitrary input: a model or a RidgeError', () => {
  let seeds: JsonValue[];
  let artifacts: tf.io.ModelArtifacts[];

  beforeAll(async () => {
    const models = seedModels();
    seeds = models.map((m) => JSON.parse(JSON.stringify(m.toJSON())) as JsonValue);
    artifacts = [];
    for (const m of models) {
      await m.save(tf.io.withSaveHandler(async (a) => {
        artifacts.push(a);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      m.dispose();
    }
  });

  it('the seeds load (the fuzzing starts from valid files)', async () => {
    for (const json of seeds) modelFromJSON(json).dispose();
    for (const a of artifacts) (await loadModel(tf.io.fromMemory(a))).dispose();
  });

  it('anything at all', () => {
    fc.assert(fc.property(anything, (value) => loadsOrRidgeError(() => modelFromJSON(value, { onWarning: () => {} }), (m) => m.dispose())), params(300));
  }, 30_000);

  it('arbitrary JSON text, and truncated model files', () => {
    const text = fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.tuple(fc.nat(2), fc.nat()).map(([i, cut]) => {
        const s = JSON.stringify(seeds[i]);
        return s.slice(0, cut % s.length);
      }),
    );
    fc.assert(fc.property(text, (t) => loadsOrRidgeError(() => modelFromJSON(t, { onWarning: () => {} }), (m) => m.dispose())), params(300));
  }, 30_000);

  it('valid model JSON with one to three values replaced or removed', () => {
    const mutated = fc
      .tuple(fc.nat(2), fc.array(fc.tuple(fc.nat(), fc.option(configValue, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 3 }))
      .map(([i, edits]) => {
        let json: unknown = seeds[i];
        for (const [at, replacement] of edits) {
          const all = paths(json);
          if (all.length === 0) break;
          json = mutate(json, all[at % all.length]!, replacement);
        }
        return json;
      });
    fc.assert(
      fc.property(mutated, (json) =>
        loadsOrRidgeError(
          () => modelFromJSON(json, { onWarning: () => {} }),
          (m) => m.dispose(),
        ),
      ),
      params(600),
    );
  }, 30_000);

  it('saved artifacts with their weight specs or weight data damaged (loadModel)', async () => {
    const damaged = fc.tuple(
      fc.nat(2),
      fc.oneof(
        fc.record({ what: fc.constant('spec' as const), at: fc.nat(), value: configValue, key: fc.constantFrom('name', 'shape', 'dtype', 'quantization', 'group') }),
        fc.record({ what: fc.constant('cut' as const), keep: fc.double({ min: 0, max: 1, noNaN: true }) }),
        fc.record({ what: fc.constant('grow' as const), extra: fc.integer({ min: 1, max: 16 }) }),
        fc.record({ what: fc.constant('drop' as const), at: fc.nat() }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async ([i, damage]) => {
        const a = artifacts[i]!;
        const specs = (a.weightSpecs ?? []).map((s) => ({ ...s }));
        let data = a.weightData as ArrayBuffer;
        if (damage.what === 'spec' && specs.length) (specs[damage.at % specs.length] as unknown as Record<string, unknown>)[damage.key] = damage.value;
        if (damage.what === 'cut') data = data.slice(0, Math.floor(data.byteLength * damage.keep));
        if (damage.what === 'grow') {
          const bigger = new Uint8Array(data.byteLength + damage.extra);
          bigger.set(new Uint8Array(data));
          data = bigger.buffer;
        }
        if (damage.what === 'drop' && specs.length) specs.splice(damage.at % specs.length, 1);
        await loadsOrRidgeErrorAsync(
          () => loadModel(tf.io.fromMemory({ ...a, weightSpecs: specs, weightData: data }), { onWarning: () => {} }),
          (m) => m.dispose(),
        );
      }),
      params(300),
    );
  }, 30_000);
});
