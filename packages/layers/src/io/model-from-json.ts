import { RidgeError, describeValue, isJsonObject, mustBeError, registry, type JsonObject, type JsonValue } from '@ridge/core';
import { checkOptions } from '../engine/errors.js';
import { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { InputLayer } from '../layers/input-layer.js';
import { Model } from '../model/model.js';
import { Sequential } from '../model/sequential.js';
import { activationDialect, readLabels, toRidgeActivations, uncertainHardSigmoidMessage, type FileLabels } from './activation-dialect.js';
import { classNameOf, invalidJson, listAt, readObject, snakeKey } from './keras-json.js';
import { ridgeLayerConfig } from './tfjs-layer-config.js';
import { withoutForeignKeys } from '../engine/foreign-keys.js';
import { NESTED_MODEL_OFFSET, isModel, warnerOf } from './model-json.js';
import { compileArgsFromJSON } from './training-config.js';
import { CustomObjectsResolver, checkCustomObjects, isCustomObjectsError, type CustomObjects } from './custom-objects.js';

export interface FromJSONOptions {
  /** Restore the compile state from the training config, when there is one. Default true. */
  compile?: boolean;
  /**
   * Told what could not be restored as saved: a training config with an unregistered optimizer,
   * loss or regularizer (the model is then returned uncompiled), optimizer state that does not fit,
   * a `'hard_sigmoid'` in a file that does not say which library (so which definition) it
   * comes from, or layers with a float16, bfloat16, float64 or mixed dtype policy (loaded in
   * float32; one warning per file). Default: `console.warn`.
   */
  onWarning?: (message: string) => void;
  /**
   * Classes for saved names Ridge does not know, as Keras's `custom_objects`: a learning-rate
   * schedule or metric class of your own, and layers, regularizers, constraints, initializers,
   * losses and optimizers that are not registered (`{ MySchedule, MyMetric, MyLayer }`). Each is
   * a class (built with its static `fromConfig(config)` when it has one, else `new`) or a function
   * that builds the object from its config; a loss or metric function saved by its name is used
   * as it is. Registered names come first, as Keras's registered objects do; nothing is registered.
   */
  customObjects?: CustomObjects;
}

/** A topology and its training config, unwrapped from whichever container held them. */
export interface ParsedModelJSON {
  readonly topology: JsonObject;
  readonly training: JsonObject | undefined;
  /** What the containers say about who wrote the file (`keras_version`, `generatedBy`, `ridge_format`). */
  readonly labels: FileLabels;
}

const FUNCTIONAL = new Set(['Model', 'Functional']);

/**
 * Accepts a topology (what `toJSON` returns), its JSON text, a whole `model.json` (with
 * `modelTopology`), or the Keras converter's `{ model_config, training_config }`. The training
 * config is read from Ridge's and Keras 2's `training_config`, Keras 3's `compile_config`, or
 * tfjs-layers' `trainingConfig`, in that order.
 */
export function parseModelJSON(json: unknown, artifactsTraining?: unknown, artifactLabels: FileLabels = {}): ParsedModelJSON {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (error) {
      throw new RidgeError('INVALID_JSON', `The model JSON is not valid JSON: ${(error as Error).message}.`, { received: (value as string).slice(0, 120) });
    }
  }
  if (!isJsonObject(value)) throw invalidJson('The model JSON', value, "an object with class_name and config (what model.toJSON() returns)");
  let training: unknown = artifactsTraining;
  let labels = artifactLabels;
  if (value['modelTopology'] !== undefined) {
    labels = readLabels(value, labels);
    training = value['trainingConfig'] ?? training;
    value = value['modelTopology'];
    if (!isJsonObject(value)) throw invalidJson('modelTopology', value, 'an object (a layers model; a graph model loads with tf.loadGraphModel)');
  }
  if (isJsonObject(value['model_config'])) {
    labels = readLabels(value, labels);
    training = value['training_config'] ?? training;
    value = value['model_config'];
  }
  const topology = value as JsonObject;
  labels = readLabels(topology, labels);
  training = topology['training_config'] ?? topology['compile_config'] ?? training;
  if (training !== undefined && training !== null && !isJsonObject(training)) throw invalidJson('training_config', training, 'an object');
  return { topology, training: (training ?? undefined) as JsonObject | undefined, labels };
}

/** Every layer created while reading, so that a failure frees them all. */
export class Building {
  private readonly created: Layer[] = [];
  /** Builds what the load's `customObjects` stand for. */
  readonly custom: CustomObjectsResolver;
  /** What was read but not honoured (see `dropForeignKeys`), for `onWarning` once the load succeeds. */
  readonly warnings: string[] = [];
  /** The layers whose dtype policy was read as float32 (see `asFloat32`): `'dense' (mixed_float16)`. */
  readonly float32Layers: string[] = [];

  constructor(customObjects: CustomObjects = {}) {
    this.custom = new CustomObjectsResolver(customObjects);
  }

  add<T extends Layer>(layer: T): T {
    this.created.push(layer);
    return layer;
  }

  dispose(): void {
    for (const layer of this.created.reverse()) layer.dispose();
    this.created.length = 0;
  }
}

/**
 * Re-throws a RidgeError from building one part with the part named first: where it is in the
 * JSON, and which layer (unless the message already starts with it).
 */
function at<T>(where: string, who: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (!RidgeError.is(error) || error.message.startsWith(where)) throw error;
    const label = error.message.startsWith(who) ? where : `${where} (${who})`;
    throw new RidgeError(error.code, `${label}: ${error.message}`, { ...error.details, where });
  }
}

function entryClassName(entry: JsonValue | undefined, where: string): string {
  if (!isJsonObject(entry)) throw invalidJson(where, entry, 'an object { class_name, config }');
  const name = classNameOf(entry);
  if (typeof name !== 'string' || name === '') throw invalidJson(`${where}.class_name`, name, 'a class name');
  return name;
}

/**
 * Builds the model a parsed file describes, in Ridge's activation names: where the file comes from
 * tfjs-layers or Keras 2, its `'hard_sigmoid'` is Ridge's `'hard_sigmoid_legacy'` (see
 * activation-dialect.ts). Layers created are recorded in `building`. `warnings` are for the
 * caller to pass on once the load succeeds: what was assumed where the file does not say where it
 * comes from and uses `hard_sigmoid`.
 */
export function buildModel(parsed: ParsedModelJSON, building: Building): { model: Model; warnings: string[] } {
  const dialect = activationDialect(parsed.topology, parsed.labels);
  const { topology, layers } = toRidgeActivations(parsed.topology, dialect);
  const model = modelFromEntry(topology, 'modelTopology', building);
  const warnings = [...building.warnings];
  const reduced = building.float32Layers;
  if (reduced.length > 0) {
    warnings.push(
      `Model '${model.name}': ${reduced.length === 1 ? 'layer' : 'layers'} ${reduced.join(', ')} ${reduced.length === 1 ? 'has a dtype policy' : 'have dtype policies'} ` +
        `Ridge does not compute in; Ridge computes weights and activations in float32, so ${reduced.length === 1 ? 'it was' : 'they were'} loaded as float32 ` +
        `and outputs may differ slightly from the saved model's.`,
    );
  }
  if (!dialect.certain && layers.length > 0) warnings.push(uncertainHardSigmoidMessage(model.name, layers, dialect));
  return { model, warnings };
}

function modelFromEntry(entry: JsonObject, where: string, building: Building): Model {
  const className = entryClassName(entry, where);
  const config = entry['config'];
  if (className === 'Sequential') return sequentialFrom(config, where, building);
  if (FUNCTIONAL.has(className)) {
    if (!isJsonObject(config)) throw invalidJson(`${where}.config`, config, 'an object { name, layers, input_layers, output_layers }');
    return functionalFrom(config, where, building);
  }
  throw invalidJson(`${where}.class_name`, className, "'Model', 'Functional' or 'Sequential'");
}

/**
 * Keras 3 writes an input layer's shape as `batch_shape`, Keras 2 and tfjs-layers as
 * `batch_input_shape`; Ridge's input layer takes `batchShape`. Integer inputs are int32 here.
 */
function inputLayerArgs(config: JsonObject): JsonObject {
  for (const flag of ['sparse', 'ragged'] as const) {
    if (config[flag] === true) {
      throw new RidgeError('INVALID_CONFIG', `${flag} inputs are not supported; Ridge inputs are dense tensors.`, { argument: flag });
    }
  }
  const shape = config['inputShape'];
  const batchShape =
    config['batchShape'] ?? config['batchInputShape'] ?? (Array.isArray(shape) ? [config['batchSize'] ?? null, ...shape] : undefined);
  const dtype = config['dtype'];
  const args: JsonObject = { dtype: typeof dtype === 'string' && /^u?int/.test(dtype) ? 'int32' : 'float32' };
  if (typeof config['name'] === 'string') args['name'] = config['name'];
  if (batchShape !== undefined) args['batchShape'] = batchShape;
  return args;
}

/** One layer from `{ class_name, config }`, through the registry (a model nested as a layer too). */
function layerFrom(entry: JsonValue | undefined, where: string, building: Building, defaults: JsonObject = {}): Layer {
  const className = entryClassName(entry, where);
  const e = entry as JsonObject;
  if (className === 'Sequential' || FUNCTIONAL.has(className)) return modelFromEntry(e, where, building);
  const raw = e['config'];
  if (!isJsonObject(raw)) throw invalidJson(`${where}.config`, raw, 'an object');
  let config: JsonObject = { ...defaults, ...ridgeLayerConfig(className, readObject(raw)) };
  if (config['name'] === undefined && typeof e['name'] === 'string') config['name'] = e['name'];
  if (className === 'InputLayer') config = inputLayerArgs(config);
  const who = `${className}${typeof config['name'] === 'string' ? ` '${config['name']}'` : ''}`;
  if (className !== 'InputLayer') config = asFloat32(config, (dtype) => building.float32Layers.push(`'${config['name'] ?? className}' (${dtype})`));
  const custom = building.custom;
  return at(where, who, () => {
    const own = custom.entryFor('layer', className);
    if (own) return building.add(custom.build('layer', className, own, custom.parts(config)) as Layer);
    const entry = registry('layer').resolve(className);
    const read = withoutForeignKeys(entry.name, config, ({ key, value, inert }) =>
      building.warnings.push(
        `${where} (${who}): ${snakeKey(key)}: ${JSON.stringify(value)} is not supported by Ridge and was ignored; the layer computes as with ` +
          `${snakeKey(key)}: ${JSON.stringify(inert)}, so its outputs may differ from the saved model's.`,
      ),
    );
    // With customObjects, the config may hold the objects they built: configs are read, not written, here.
    const made = entry.create(custom.empty ? read : (custom.parts(read) as JsonObject));
    if (!(made instanceof Layer)) {
      throw new RidgeError('INVALID_CONFIG', `the registered layer '${className}' did not create a Layer; received ${describeValue(made)}.`, {
        className,
      });
    }
    return building.add(made);
  });
}

/**
 * Keras's floating dtype policies other than float32 (`mixed_float16` computes in float16 with
 * float32 weights). A layer under one of them computes the same function as in float32, only less
 * exactly, so a model that used one loads in float32 with a warning; any other dtype (`int8`,
 * a quantized policy) is left for the constructor to refuse.
 */
const FLOAT_POLICIES = new Set(['float16', 'bfloat16', 'float64', 'mixed_float16', 'mixed_bfloat16']);

/**
 * A layer config with every `dtype` that is one of FLOAT_POLICIES (its own, and a wrapped layer's)
 * replaced by `'float32'`, calling `onReduced` once with the first policy replaced.
 */
function asFloat32(config: JsonObject, onReduced: (dtype: string) => void): JsonObject {
  let first: string | undefined;
  const walk = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, v] of Object.entries(value)) {
      const reduced = key === 'dtype' && typeof v === 'string' && FLOAT_POLICIES.has(v);
      if (reduced) first ??= v;
      out[key] = reduced ? 'float32' : walk(v);
    }
    return out;
  };
  const out = walk(config) as JsonObject;
  if (first !== undefined) onReduced(first);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sequential

/** Keras 2.2 wrote a sequential config as the list of layers itself. */
function sequentialFrom(config: JsonValue | undefined, where: string, building: Building): Sequential {
  const list = Array.isArray(config) ? config : isJsonObject(config) ? listAt(config, 'layers', `${where}.config`) : undefined;
  if (list === undefined) throw invalidJson(`${where}.config`, config, 'an object { name, layers }');
  const name = isJsonObject(config) && typeof config['name'] === 'string' ? config['name'] : undefined;
  const layers = list.map((entry, i) => {
    const first = i === 0 ? firstLayerShape(entry, config) : undefined;
    return layerFrom(entry, `${where}.config.layers[${i}]`, building, first ? { batchInputShape: first } : {});
  });
  return at(where, 'Sequential', () => building.add(new Sequential({ layers, ...(name !== undefined ? { name } : {}) })));
}

/** Keras 3 keeps a sequential model's input shape in `build_input_shape` or the layer's `build_config`. */
function firstLayerShape(entry: JsonValue | undefined, config: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(entry) || classNameOf(entry) === 'InputLayer') return undefined;
  const fromModel = isJsonObject(config) ? config['build_input_shape'] : undefined;
  const build = entry['build_config'];
  const fromLayer = isJsonObject(build) ? build['input_shape'] : undefined;
  const shape = fromModel ?? fromLayer;
  return Array.isArray(shape) ? shape : undefined;
}

// ---------------------------------------------------------------------------------------------
// Functional

interface Ref {
  readonly layer: string;
  readonly node: number;
  readonly tensor: number;
}

interface Pending {
  readonly layer: Layer;
  readonly name: string;
  readonly where: string;
  calls: readonly Ref[][];
  /** The call arguments that are not tensors of each call (Keras's `kwargs`), by node index. */
  readonly kwargs: readonly JsonObject[];
  /** The outputs of each call made so far, by node index. */
  readonly outputs: SymbolicTensor[][];
  /** Whether its calls are written in Keras 3's form. */
  readonly keras3: boolean;
}

function isIndex(value: JsonValue | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** `[layer, node, tensor, kwargs?]`: a tensor reference in Keras 2, tfjs-layers and Ridge JSON. */
function refFrom(value: JsonValue, where: string): Ref {
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !isIndex(value[1]) || !isIndex(value[2])) {
    throw invalidJson(where, value, '[layer name, node index, tensor index]');
  }
  return { layer: value[0], node: value[1], tensor: value[2] };
}

/** Keras 3 writes each input as `{ class_name: '__keras_tensor__', config: { keras_history } }`. */
function kerasTensors(value: JsonValue, where: string, found: Ref[]): Ref[] {
  if (Array.isArray(value)) value.forEach((v, i) => kerasTensors(v, `${where}[${i}]`, found));
  else if (isJsonObject(value)) {
    if (value['class_name'] === '__keras_tensor__') {
      const config = value['config'];
      found.push(refFrom(isJsonObject(config) ? (config['keras_history'] ?? null) : null, `${where}.config.keras_history`));
    } else for (const [k, v] of Object.entries(value)) kerasTensors(v, `${where}.${k}`, found);
  }
  return found;
}

function callsFrom(value: JsonValue | undefined, where: string): Ref[][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidJson(where, value, 'a list of layer calls');
  return value.map((node, k) => {
    const here = `${where}[${k}]`;
    if (isJsonObject(node) && node['args'] !== undefined) {
      if (kerasTensors(node['kwargs'] ?? null, `${here}.kwargs`, []).length > 0) {
        throw new RidgeError('INVALID_CONFIG', `${here}: tensors passed as keyword arguments (masks, initial states) are not supported.`, { where: here });
      }
      return kerasTensors(node['args']!, `${here}.args`, []);
    }
    if (!Array.isArray(node)) throw invalidJson(here, node, 'a list of [layer name, node index, tensor index, kwargs]');
    return node.map((r, j) => refFrom(r, `${here}[${j}]`));
  });
}

/**
 * The call arguments that are not tensors of each call, as Keras writes them: a Keras 3 call's
 * `kwargs`, or the fourth entry of a Keras 2 / tfjs-layers call's first input reference.
 */
function callKwargsFrom(value: JsonValue | undefined): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.map((node) => {
    const kwargs = isJsonObject(node) ? node['kwargs'] : Array.isArray(node) && Array.isArray(node[0]) ? node[0][3] : undefined;
    return isJsonObject(kwargs) ? kwargs : {};
  });
}

/**
 * tf.keras 2 wrote causal attention as the layer's `causal: true`; Keras 3 and Ridge as each call's
 * `use_causal_mask`. Returns the entry without the flag and whether it was set, so that every call
 * of that layer in the functional model is made causal (tf.keras 2 masks when either is set).
 */
function liftCausal(entry: JsonValue | undefined): [JsonValue | undefined, boolean] {
  if (!isJsonObject(entry) || (entry['class_name'] !== 'Attention' && entry['class_name'] !== 'AdditiveAttention')) return [entry, false];
  const config = entry['config'];
  if (!isJsonObject(config) || config['causal'] !== true) return [entry, false];
  const { causal: _, ...rest } = config;
  return [{ ...entry, config: rest }, true];
}

/** A layer that reads call arguments that are not tensors (the attention layers' `use_causal_mask`). */
interface TakesKerasCall {
  applyKerasCall(inputs: readonly SymbolicTensor[], kwargs: JsonObject): SymbolicTensor[];
}

/** Records a call from JSON: with its call arguments for a layer that reads them; other layers' are left out, as before. */
function applyCall(layer: Layer, inputs: SymbolicTensor[], kwargs: JsonObject | undefined): SymbolicTensor[] {
  const reader = layer as Layer & Partial<TakesKerasCall>;
  return typeof reader.applyKerasCall === 'function' ? reader.applyKerasCall(inputs, kwargs ?? {}) : layer.applyAll(inputs);
}

/** `input_layers`/`output_layers`: a list of references; Keras 3 writes one reference bare, or a record. */
function refsFrom(value: JsonValue | undefined, where: string): Ref[] {
  if (Array.isArray(value) && typeof value[0] === 'string') return [refFrom(value, where)];
  const list = isJsonObject(value) ? Object.values(value) : value;
  if (!Array.isArray(list) || list.length === 0) throw invalidJson(where, value, 'a non-empty list of [layer name, node index, tensor index]');
  return list.map((r, i) => refFrom(r, `${where}[${i}]`));
}

/**
 * Creates every layer, then makes each recorded call as soon as its inputs exist: a call may use
 * a layer listed after it, and a shared layer's calls are made in their recorded order so that
 * node indices mean the same as in the file.
 */
function functionalFrom(config: JsonObject, where: string, building: Building): Model {
  const byName = new Map<string, Pending>();
  const pending: Pending[] = [];
  listAt(config, 'layers', `${where}.config`).forEach((entry, i) => {
    const here = `${where}.config.layers[${i}]`;
    const [lifted, causal] = liftCausal(entry);
    const layer = layerFrom(lifted, here, building);
    const e = lifted as JsonObject;
    const name = typeof e['name'] === 'string' ? e['name'] : layer.name;
    if (byName.has(name)) throw invalidJson(`${here}.name`, name, 'a name no other layer of the model has');
    const inbound = e['inbound_nodes'];
    const keras3 = Array.isArray(inbound) && inbound.some((n) => isJsonObject(n) && n['args'] !== undefined);
    const p: Pending = { layer, name, where: here, calls: callsFrom(inbound, `${here}.inbound_nodes`), kwargs: callKwargsFrom(inbound).map((kw) => (causal ? { ...kw, use_causal_mask: true } : kw)), outputs: [], keras3 };
    if (layer instanceof InputLayer) p.outputs.push([layer.output]);
    byName.set(name, p);
    pending.push(p);
  });
  // tfjs-layers and Keras 2 count a nested model's own node first; Keras 3 (calls written as
  // { args, kwargs }) and Ridge's models have none. References are read in Ridge's numbering.
  const offset = pending.some((p) => p.keras3) ? 0 : NESTED_MODEL_OFFSET;
  const numbered = (r: Ref): Ref => {
    const target = byName.get(r.layer);
    return target && isModel(target.layer) ? { ...r, node: r.node - offset } : r;
  };
  for (const p of pending) p.calls = p.calls.map((call) => call.map(numbered));
  const resolve = (r: Ref): SymbolicTensor | undefined => byName.get(r.layer)?.outputs[r.node]?.[r.tensor];
  const done = (p: Pending): number => (p.layer instanceof InputLayer ? 0 : p.outputs.length);
  let progress = true;
  while (progress) {
    progress = false;
    for (const p of pending) {
      while (done(p) < p.calls.length) {
        const inputs = p.calls[done(p)]!.map(resolve);
        if (inputs.some((t) => t === undefined)) break;
        p.outputs.push(at(p.where, `${p.layer.className} '${p.name}'`, () => applyCall(p.layer, inputs as SymbolicTensor[], p.kwargs[done(p)])));
        progress = true;
      }
    }
  }
  for (const p of pending) {
    if (done(p) < p.calls.length) throw unresolved(p, p.calls[done(p)]!.find((r) => !resolve(r))!, byName);
  }
  const ends = (key: 'input_layers' | 'output_layers'): SymbolicTensor[] =>
    refsFrom(config[key], `${where}.config.${key}`)
      .map(numbered)
      .map((r, i) => resolve(r) ?? throwUnresolved(`${where}.config.${key}[${i}]`, r, byName));
  const inputs = ends('input_layers');
  const outputs = ends('output_layers');
  const name = typeof config['name'] === 'string' ? config['name'] : undefined;
  return at(where, 'Model', () => building.add(new Model({ inputs, outputs, ...(name !== undefined ? { name } : {}) })));
}

function describeMissing(r: Ref, byName: ReadonlyMap<string, Pending>): string {
  const source = byName.get(r.layer);
  if (!source) return `layer '${r.layer}', which is not in the model (layers: ${[...byName.keys()].join(', ')})`;
  if (r.node >= Math.max(source.calls.length, source.outputs.length)) {
    return `call ${r.node} of '${r.layer}', which has ${Math.max(source.calls.length, source.outputs.length)} call(s)`;
  }
  if (source.outputs[r.node] && r.tensor >= source.outputs[r.node]!.length) {
    return `output ${r.tensor} of '${r.layer}', which has ${source.outputs[r.node]!.length} output(s)`;
  }
  return `call ${r.node} of '${r.layer}', whose own inputs are never computed (a cycle or a missing input)`;
}

function unresolved(p: Pending, r: Ref, byName: ReadonlyMap<string, Pending>): RidgeError {
  return new RidgeError('INVALID_JSON', `${p.where}.inbound_nodes: layer '${p.name}' needs ${describeMissing(r, byName)}.`, { where: p.where, missing: r });
}

function throwUnresolved(where: string, r: Ref, byName: ReadonlyMap<string, Pending>): never {
  throw new RidgeError('INVALID_JSON', `${where} refers to ${describeMissing(r, byName)}.`, { where, missing: r });
}

// ---------------------------------------------------------------------------------------------
// Compile state

/**
 * Compiles a loaded model from its training config. A malformed config is an INVALID_JSON error;
 * a config whose names do not all resolve (an optimizer, loss or regularizer whose package is not
 * imported) leaves the model uncompiled, and `onWarning` says why: the model is still useful for
 * predict, and compile can be called by hand.
 */
export function restoreCompile(model: Model, training: JsonObject | undefined, options: FromJSONOptions, warn: (message: string) => void): void {
  if (training === undefined || options.compile === false) return;
  try {
    // A metric saved with options (`{ class_name: 'Precision', config }`) is built here, and may refuse them.
    model.compile(compileArgsFromJSON(training, model.outputNames, new CustomObjectsResolver(options.customObjects ?? {})));
  } catch (error) {
    if (!RidgeError.is(error) || error.code === 'INVALID_JSON' || isCustomObjectsError(error)) throw error;
    warn(
      `Model '${model.name}' was loaded without its compile state: ${error.message} ` +
        `Call model.compile(...) yourself, or make the names above available and load again.`,
    );
  }
}

/**
 * Checks the options of a load (`loadModel`, `modelFromArtifacts` also take `io`): known keys
 * only, so that a misspelt `compile` or `onWarning` is not silently ignored, `compile` a boolean, and each
 * `customObjects` entry a class or a function.
 */
export function checkLoadOptions(call: string, options: unknown, withIo: boolean): void {
  checkOptions(call, options, withIo ? ['compile', 'onWarning', 'customObjects', 'io'] : ['compile', 'onWarning', 'customObjects']);
  const { compile, customObjects } = options as FromJSONOptions;
  if (compile !== undefined && typeof compile !== 'boolean') throw mustBeError(`${call}: compile`, compile, 'true or false', { argument: 'compile', received: compile });
  checkCustomObjects(call, customObjects);
}

/**
 * A model from its JSON topology (what `model.toJSON()` returns, or its text; also Keras 2/3 and
 * tfjs-layers JSON). Weights are freshly initialized; `loadModel` also reads their values. The
 * compile state is restored when the JSON has a training config. On any error every layer created
 * so far is disposed and a RidgeError is thrown (`INVALID_JSON` for a malformed file,
 * `UNKNOWN_NAME` for an unregistered class, naming the package to import).
 */
export function modelFromJSON(json: unknown, options: FromJSONOptions = {}): Model {
  checkLoadOptions('modelFromJSON', options, false);
  const warn = warnerOf(options, 'modelFromJSON');
  const parsed = parseModelJSON(json);
  const building = new Building(options.customObjects);
  try {
    const { model, warnings } = buildModel(parsed, building);
    restoreCompile(model, parsed.training, options, warn);
    for (const w of warnings) warn(w);
    return model;
  } catch (error) {
    building.dispose();
    throw error;
  }
}
