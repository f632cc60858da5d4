import { KINDS, RidgeError, describeValue, isJsonObject, registry, type FactoryKind, type JsonObject, type JsonValue } from '@ridge/core';
import { Layer } from '../engine/layer.js';
import { classNameOf, isSerialized, partKind, readObject, savedFunctionName } from './keras-json.js';

/**
 * One entry of a load's `customObjects`: the class of a saved object, or a function that builds it
 * from its config (a `fromConfig`-style factory). A class with a static `fromConfig(config)` is
 * built with it, as Keras builds a class; any other class with `new Class(config)`; a function by
 * calling it with the config. An object saved by name only (a loss or metric function, which Ridge
 * and Keras 2 save as the function's name) comes back as the entry itself, as Keras 3 reads a name.
 */
export type CustomObject = (new (...args: never[]) => unknown) | ((...args: never[]) => unknown);

/**
 * What a saved class name stands for when loading (Keras's `custom_objects`), for what the
 * registries do not hold: learning-rate schedules, metric classes, and also layers, regularizers,
 * constraints, initializers, losses and optimizers that were never registered. Keys are the names
 * the file holds (`class_name`, or a Keras 3 `registered_name` such as `'my_pkg>MyLayer'`).
 */
export type CustomObjects = Readonly<Record<string, CustomObject>>;

/** Where a saved object is read: a registry kind, or one of the two parts that have no registry. */
export type CustomSlot = FactoryKind | 'schedule' | 'metric';

const has = (value: unknown, ...methods: string[]): boolean =>
  typeof value === 'object' && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
const configurable = (value: unknown): boolean => has(value, 'getConfig') && typeof (value as { className?: unknown }).className === 'string';

/** What a built object must be in each slot (the contracts of @ridge/core, `Metric`, `LearningRateSchedule`). */
const CONTRACTS: Readonly<Record<CustomSlot, { readonly ok: (value: unknown) => boolean; readonly what: string }>> = {
  regularizer: { ok: (v) => configurable(v) && has(v, 'apply'), what: 'a regularizer (className, getConfig() and apply())' },
  constraint: { ok: (v) => configurable(v) && has(v, 'apply'), what: 'a constraint (className, getConfig() and apply())' },
  initializer: { ok: (v) => configurable(v) && has(v, 'apply'), what: 'an initializer (className, getConfig() and apply())' },
  loss: { ok: (v) => configurable(v) && has(v, 'apply'), what: 'a loss (className, getConfig() and apply())' },
  optimizer: { ok: (v) => configurable(v) && has(v, 'applyGradients', 'dispose'), what: 'an optimizer (className, getConfig(), applyGradients() and dispose())' },
  layer: { ok: (v) => v instanceof Layer, what: 'a Layer' },
  schedule: { ok: (v) => configurable(v) && has(v, 'valueAt'), what: 'a learning-rate schedule (className, valueAt(step) and getConfig())' },
  metric: {
    ok: (v) => has(v, 'perSample') && typeof (v as { name?: unknown }).name === 'string',
    what: 'a metric ({ name, perSample(yTrue, yPred) }, with a config to be saved again)',
  },
};

/** The option's path in messages. */
const at = (key: string): string => `customObjects[${JSON.stringify(key)}]`;

/** Errors about `customObjects` are the caller's to fix, so a load does not turn them into warnings. */
const raised = new WeakSet<object>();

/** Whether `error` was thrown for an entry of `customObjects` (see `restoreCompile`). */
export function isCustomObjectsError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && raised.has(error);
}

function customError(code: 'INVALID_ARGUMENT' | 'INVALID_CONFIG', key: string, message: string, details: Record<string, unknown>): RidgeError {
  const error = new RidgeError(code, message, { argument: at(key), ...details });
  raised.add(error);
  return error;
}

/**
 * Checks the `customObjects` option of `call`: an object whose every value is a class or a
 * function. Returns the entries (none for `undefined`).
 */
export function checkCustomObjects(call: string, value: unknown): CustomObjects {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: customObjects must be an object mapping saved class names to classes, such as { MySchedule }; received ${describeValue(value)}.`,
      { argument: 'customObjects', received: value },
    );
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'function') continue;
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: ${at(key)} must be the class of the saved '${key}' (or a function that builds one from its config); received ${describeValue(entry)}. ` +
        `Pass the class itself, as in { ${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}': MyClass`} }.`,
      { argument: at(key), received: entry },
    );
  }
  return value as CustomObjects;
}

/**
 * Resolves saved names through `customObjects` where Ridge has nothing of that name, in Keras's
 * order: names a registry holds (built-ins and registered plugins, as Keras's registered objects)
 * come first; then `customObjects`; then the built-in schedules and metric classes, which have no
 * registry (Keras's built-in modules come after `custom_objects` the same way).
 */
export class CustomObjectsResolver {
  readonly #objects: CustomObjects;

  constructor(objects: CustomObjects) {
    this.#objects = objects;
  }

  get empty(): boolean {
    return Object.keys(this.#objects).length === 0;
  }

  /** The entry for `name` in `slot`, unless a registry of that kind (any kind, when the slot is unknown) holds the name. */
  entryFor(slot: CustomSlot | undefined, name: string): CustomObject | undefined {
    if (!Object.hasOwn(this.#objects, name)) return undefined;
    const registered =
      slot === 'schedule' || slot === 'metric'
        ? false
        : slot === undefined
          ? KINDS.some((k) => k !== 'backend' && registry(k).has(name))
          : registry(slot).has(name);
    return registered ? undefined : this.#objects[name];
  }

  /** Builds `name` from `config` with its entry, and checks that what came back fits `slot`. */
  build(slot: CustomSlot | undefined, name: string, entry: CustomObject, config: Readonly<Record<string, unknown>>): unknown {
    let made: unknown;
    try {
      const fromConfig = (entry as { fromConfig?: unknown }).fromConfig;
      if (typeof fromConfig === 'function') made = (fromConfig as (c: unknown) => unknown).call(entry, config);
      // Arrow functions and methods have no prototype: they are factories. Classes (and
      // `function` constructors, which may also return an object) are built with `new`.
      else if (entry.prototype !== undefined) made = Reflect.construct(entry, [config]);
      else made = (entry as (c: unknown) => unknown)(config);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw customError(RidgeError.is(error) ? 'INVALID_ARGUMENT' : 'INVALID_CONFIG', name, `${at(name)} could not build the saved '${name}' from its config ${describeValue(config)}: ${reason}`, {
        cause: error,
      });
    }
    const contract = slot === undefined ? undefined : CONTRACTS[slot];
    if (contract && !contract.ok(made)) {
      throw customError('INVALID_ARGUMENT', name, `${at(name)} built ${describeValue(made)} for the saved '${name}', which must be ${contract.what}. Map '${name}' to its class.`, {
        received: made,
      });
    }
    return made;
  }

  /** A saved object in `slot` (`{ class_name, config }` in any dialect), built when `customObjects` has it; undefined otherwise. */
  serialized(slot: CustomSlot, value: JsonValue | undefined, config?: (raw: JsonObject) => Readonly<Record<string, unknown>>): unknown {
    if (!isSerialized(value)) return undefined;
    const name = classNameOf(value);
    const entry = this.entryFor(slot, name);
    if (entry === undefined) return undefined;
    const raw = isJsonObject(value['config']) ? value['config'] : {};
    return this.build(slot, name, entry, config ? config(raw) : this.parts(readObject(raw)));
  }

  /** A name saved alone: the entry itself for a loss or metric function; built with no options in a registry kind. */
  named(slot: CustomSlot, name: JsonValue | undefined): unknown {
    if (typeof name !== 'string') return undefined;
    const entry = this.entryFor(slot, name);
    if (entry === undefined) return undefined;
    return slot === 'loss' || slot === 'metric' ? entry : this.build(slot, name, entry, {});
  }

  /**
   * A config in Ridge's form (`readObject`) with every part `customObjects` stands for built: a
   * regularizer, initializer or constraint (by its key, as saving writes them), a wrapped layer,
   * a schedule as `learningRate`, and any other nested `{ className, config }` that no registry
   * holds. Parts inside parts are built first, as Keras builds a class inside its custom object scope.
   */
  parts(config: JsonObject): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) out[key] = this.#part(key, value);
    return out;
  }

  #part(key: string | undefined, value: JsonValue): unknown {
    if (key !== undefined && FUNCTION_KEYS.has(key)) {
      // A function saved by its name (a Lambda's): the entry is the function itself.
      const name = savedFunctionName(value);
      if (name !== undefined && Object.hasOwn(this.#objects, name)) return this.#objects[name];
    }
    if (key === 'arguments') return value;
    if (Array.isArray(value)) return value.map((v) => this.#part(undefined, v));
    const slot = slotOf(key);
    if (typeof value === 'string' && slot !== undefined && slot !== 'layer') return this.named(slot, value) ?? value;
    if (isSerialized(value)) {
      const name = classNameOf(value);
      const config = this.parts(isJsonObject(value['config']) ? value['config'] : {});
      const entry = this.entryFor(slot, name);
      return entry === undefined ? { ...value, config } : this.build(slot, name, entry, config);
    }
    return isJsonObject(value) ? this.parts(value) : value;
  }
}

/** Config keys that hold a function saved by its name (Lambda's `function`, `outputShape`, `mask`). */
const FUNCTION_KEYS = new Set(['function', 'outputShape', 'mask']);

/** The slot a config key holds: `kernelRegularizer` a regularizer, a wrapper's `layer` a layer, an optimizer's `learningRate` a schedule. */
function slotOf(key: string | undefined): CustomSlot | undefined {
  const kind = partKind(key);
  if (kind !== 'other') return kind;
  if (key === 'layer' || key === 'forwardLayer' || key === 'backwardLayer') return 'layer';
  if (key === 'learningRate') return 'schedule';
  return undefined;
}
