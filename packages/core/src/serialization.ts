import type { Configurable, Constraint, Initializer, Loss, Optimizer, Regularizer } from './contracts.js';
import { argumentError, describeValue, RidgeError } from './errors.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import type {
  ConstraintSpec,
  FactoryKind,
  InitializerSpec,
  LossSpec,
  OptimizerSpec,
  RegularizerSpec,
  Spec,
  ValueOf,
} from './names.js';
import { resolveEntry, unknownName } from './lookup.js';
import { peekRecord } from './shared-record.js';

/** The serialized form of any plugin object: a class name and a JSON-only config. */
export interface Serialized {
  className: string;
  config: JsonObject;
}

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Keras and tfjs-layers write snake_case keys; Ridge configs are camelCase. */
export function camelCaseKeys(config: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(config)) out[camelCase(k)] = v;
  return out;
}

/**
 * Reads `{ className, config }` in any of the dialects Ridge accepts: its own, tfjs-layers'
 * (`className`), Keras 2 (`class_name`) and Keras 3 (`module`, `class_name`,
 * `registered_name`). A Keras 3 custom object carries its `'package>Name'` in `registered_name`.
 */
export function normalizeSerialized(json: unknown, argument: string): { className: string; config: JsonObject } {
  if (typeof json === 'string' && json !== '') return { className: json, config: {} };
  if (!isJsonObject(json)) {
    throw new RidgeError(
      'INVALID_CONFIG',
      `${argument} must be a name or { className, config }; received ${describeValue(json)}.`,
      { argument, received: json },
    );
  }
  const registered = json['registered_name'];
  const className =
    typeof registered === 'string' && registered.includes('>')
      ? registered
      : (json['className'] ?? json['class_name']);
  if (typeof className !== 'string' || className === '') {
    throw new RidgeError(
      'INVALID_CONFIG',
      `${argument} has no className; received ${describeValue(json)}. ` +
        `Write it as { className: 'L2', config: { l2: 0.01 } }.`,
      { argument, received: json },
    );
  }
  const config = json['config'] ?? {};
  if (!isJsonObject(config)) {
    throw new RidgeError(
      'INVALID_CONFIG',
      `${argument}.config must be an object; received ${describeValue(config)}.`,
      { argument: `${argument}.config`, received: config },
    );
  }
  return { className, config: camelCaseKeys(config) };
}

/** JSON cannot hold functions, so anything with a `getConfig()` method is an instance. */
function isInstance(value: unknown): value is Configurable {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Configurable).className === 'string' &&
    typeof (value as Configurable).getConfig === 'function'
  );
}

/** The Keras trio for one kind: `get`, `serialize`, `deserialize`. */
export interface SerdeTrio<K extends FactoryKind> {
  get(spec: Spec<K>): ValueOf<K>;
  serialize(value: ValueOf<K>): Serialized;
  deserialize(json: unknown): ValueOf<K>;
}

/**
 * The method each kind's contract needs besides `className` and `getConfig()` (contracts.ts):
 * `applyGradients` for an optimizer, none for a layer, `apply` for a regularizer, constraint,
 * initializer or loss.
 */
function contractMethod(kind: FactoryKind): string | undefined {
  return kind === 'optimizer' ? 'applyGradients' : kind === 'layer' ? undefined : 'apply';
}

/**
 * Throws `INVALID_ENTRY` unless an entry's `create()` gave an object of its kind. A plugin whose
 * factory returns the wrong thing would otherwise fail later, far from its cause (in a training
 * step, say), with a TypeError that names neither the plugin nor the entry.
 */
function checkCreated(kind: FactoryKind, entry: { readonly name: string; readonly package: string }, value: unknown): void {
  const method = contractMethod(kind);
  if (isInstance(value) && (method === undefined || typeof (value as unknown as Record<string, unknown>)[method] === 'function')) return;
  throw new RidgeError(
    'INVALID_ENTRY',
    `The ${kind} entry '${entry.name}' (registered by ${entry.package}) built ${describeValue(value)}, which is not a ${kind}: ` +
      `a ${kind} has className, getConfig()${method ? ` and ${method}()` : ''}. Fix the entry's create().`,
    { kind, name: entry.name, package: entry.package, received: value },
  );
}

/** Builds a value of a kind from a registered name or `{ className, config }` in any dialect. */
export function deserializeAs<K extends FactoryKind>(kind: K, json: unknown): ValueOf<K> {
  const { className, config } = normalizeSerialized(json, kind);
  const entry = resolveEntry(kind, className);
  let value: unknown;
  try {
    value = entry.create(config);
  } catch (error) {
    if (RidgeError.is(error)) throw error;
    throw new RidgeError(
      'INVALID_CONFIG',
      `Could not build ${kind} '${className}' from config ${describeValue(config)}: ` +
        `${error instanceof Error ? error.message : String(error)}.`,
      { kind, className, config, cause: error },
    );
  }
  checkCreated(kind, entry, value);
  return value as ValueOf<K>;
}

/**
 * Throws `INVALID_ARGUMENT` for an object passed as a `kind` that has `className` and
 * `getConfig()` but not the methods the kind is used through (an optimizer also needs
 * `dispose()`): it would otherwise be accepted and fail later, mid-training, with a TypeError.
 */
function checkInstance(kind: FactoryKind, value: Configurable): void {
  const needs = [contractMethod(kind), kind === 'optimizer' ? 'dispose' : undefined];
  const missing = needs.filter((m): m is string => m !== undefined && typeof (value as unknown as Record<string, unknown>)[m] !== 'function');
  if (missing.length === 0) return;
  throw argumentError(
    `A ${kind} must have ${missing.map((m) => `${m}()`).join(' and ')}; received ${describeValue(value)} (className ${describeValue(value.className)}), ` +
      `which it lacks. Pass a ${kind} made by its factory, a registered name, or { className, config }.`,
    { kind, received: value, missing },
  );
}

function getAs<K extends FactoryKind>(kind: K, spec: unknown): ValueOf<K> {
  if (isInstance(spec)) {
    checkInstance(kind, spec);
    return spec as ValueOf<K>;
  }
  if (typeof spec === 'string' || isJsonObject(spec)) {
    // Names resolve through `deserializeAs`, which the first registration (by any loaded copy of
    // @ridge/core) puts on the shared record. Before any, no name can resolve: this is the
    // UNKNOWN_NAME that resolving would give then, and a bundle that registers nothing and passes
    // instances carries none of the resolution code.
    const resolve = peekRecord()?.resolve;
    if (resolve !== undefined) return resolve(kind, spec) as ValueOf<K>;
    throw unknownName(kind, typeof spec === 'string' ? spec : (spec['className'] ?? spec['class_name']), []);
  }
  throw argumentError(
    `A ${kind} must be a registered name, an instance or { className, config }; ` +
      `received ${describeValue(spec)}.`,
    { kind, received: spec },
  );
}

function serializeAs(kind: FactoryKind, value: unknown): Serialized {
  if (!isInstance(value)) {
    throw argumentError(
      `serialize expects a ${kind} instance with className and getConfig(); received ${describeValue(value)}.`,
      { kind, received: value },
    );
  }
  return { className: value.className, config: value.getConfig() };
}

export function serdeTrio<K extends FactoryKind>(kind: K): SerdeTrio<K> {
  return {
    get: (spec) => getAs(kind, spec),
    serialize: (value) => serializeAs(kind, value),
    deserialize: (json) => deserializeAs(kind, json),
  };
}

// Declared as functions (not `const x = trio.get`) so that their parameter types are read
// after every plugin's `declare module` augmentation, so they document themselves, and so that
// nothing is built at load time: a bundle keeps only the ones it calls.

/** A regularizer from a registered name, an instance, or `{ className, config }`. */
export function getRegularizer(spec: RegularizerSpec): Regularizer {
  return getAs('regularizer', spec);
}
export function serializeRegularizer(regularizer: Regularizer): Serialized {
  return serializeAs('regularizer', regularizer);
}
/** Reads Ridge, tfjs-layers and Keras 2/3 JSON. */
export function deserializeRegularizer(json: unknown): Regularizer {
  return deserializeAs('regularizer', json);
}

export function getConstraint(spec: ConstraintSpec): Constraint {
  return getAs('constraint', spec);
}
export function serializeConstraint(constraint: Constraint): Serialized {
  return serializeAs('constraint', constraint);
}
export function deserializeConstraint(json: unknown): Constraint {
  return deserializeAs('constraint', json);
}

export function getLoss(spec: LossSpec): Loss {
  return getAs('loss', spec);
}
export function serializeLoss(loss: Loss): Serialized {
  return serializeAs('loss', loss);
}
export function deserializeLoss(json: unknown): Loss {
  return deserializeAs('loss', json);
}

export function getOptimizer(spec: OptimizerSpec): Optimizer {
  return getAs('optimizer', spec);
}
export function serializeOptimizer(optimizer: Optimizer): Serialized {
  return serializeAs('optimizer', optimizer);
}
export function deserializeOptimizer(json: unknown): Optimizer {
  return deserializeAs('optimizer', json);
}

export function getInitializer(spec: InitializerSpec): Initializer {
  return getAs('initializer', spec);
}
export function serializeInitializer(initializer: Initializer): Serialized {
  return serializeAs('initializer', initializer);
}
export function deserializeInitializer(json: unknown): Initializer {
  return deserializeAs('initializer', json);
}
