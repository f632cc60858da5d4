import { RidgeError, describeValue, isJsonObject, mustBeError } from '@ridge/core';
import { checkOptions, who } from '../engine/errors.js';
import { formatShape } from '../engine/shape.js';
import { tf } from '../engine/tfjs.js';
import type { LayerWeight, WeightOwner } from '../engine/weight.js';
import type { Model } from '../model/model.js';
import { WEIGHTS_FILES } from './file-handler.js';
import { loadHandlerFor, readArtifacts } from './load.js';
import { warnerOf } from './model-json.js';
import { LAYERS_MODEL_FORMAT, LAYERS_WEIGHTS_FORMAT } from './save.js';
import { checkWeightData, refuseDisposed, refuseUnbuilt, restoreOptimizerState } from './weights.js';

export interface LoadWeightsOptions {
  /**
   * Load the layers that match and skip, with one warning naming them, the layers whose weight
   * count or shapes differ from the file's (Keras's `skip_mismatch`); they keep their weights.
   * Default false: a mismatch is refused and nothing is loaded.
   */
  skipMismatch?: boolean;
  /** Receives the warnings (skipped layers, optimizer state left out); default `console.warn`. */
  onWarning?: (message: string) => void;
  /** Passed to tfjs-core's handler for a URL: `requestInit`, `fetchFunc`, `onProgress`, ... */
  io?: tf.io.LoadOptions;
}

/** The weights of one layer as stored: `name` is what precedes the weight names (`dense_1` in `dense_1/kernel`). */
interface StoredLayer {
  readonly name: string;
  readonly className: string | undefined;
  readonly specs: tf.io.WeightsManifestEntry[];
}

/** Why a layer of the model cannot take the stored layer at its position. */
interface Mismatch {
  readonly layer: string;
  readonly text: string;
  readonly weight?: string;
  readonly expected?: number[];
  readonly received?: number[];
}

const lastSegment = (name: string): string => name.slice(name.lastIndexOf('/') + 1);
const quoted = (names: readonly string[]): string => names.map((n) => `'${n}'`).join(', ');

/** The layers a topology lists, in order, with their class names: a Keras/tfjs-layers model, or what `saveWeights` writes. */
function listedLayers(topology: unknown): Map<string, string | undefined> {
  const listed = new Map<string, string | undefined>();
  if (!isJsonObject(topology)) return listed;
  const model = isJsonObject(topology['model_config']) ? topology['model_config'] : topology;
  const config = model['config'];
  const layers = Array.isArray(model['layers']) ? model['layers'] : Array.isArray(config) ? config : isJsonObject(config) ? config['layers'] : undefined;
  if (!Array.isArray(layers)) return listed;
  for (const layer of layers) {
    if (!isJsonObject(layer)) continue;
    const inner = isJsonObject(layer['config']) ? layer['config'] : {};
    const name = typeof layer['name'] === 'string' ? layer['name'] : inner['name'];
    if (typeof name === 'string') listed.set(name, typeof layer['class_name'] === 'string' ? layer['class_name'] : undefined);
  }
  return listed;
}

/**
 * The stored weights grouped by layer, in the order of the layers in the topology when it lists
 * every one of them (tfjs-layers writes all trainable weights before the non-trainable ones, so a
 * frozen layer comes last in its manifest), else in the order of the manifest.
 */
function storedLayers(specs: readonly tf.io.WeightsManifestEntry[], topology: unknown): StoredLayer[] {
  const groups = new Map<string, tf.io.WeightsManifestEntry[]>();
  for (const spec of specs) {
    const prefix = spec.name.slice(0, Math.max(spec.name.lastIndexOf('/'), 0));
    const group = groups.get(prefix) ?? [];
    group.push(spec);
    groups.set(prefix, group);
  }
  const listed = listedLayers(topology);
  const order = [...listed.keys()];
  const rank = (name: string): number => {
    const at = order.indexOf(name);
    return at >= 0 ? at : order.indexOf(name.split('/')[0]!);
  };
  const layers = [...groups].map(([name, group]) => ({ name, className: listed.get(name) ?? listed.get(name.split('/')[0]!), specs: group }));
  return layers.every((l) => rank(l.name) >= 0) ? layers.sort((a, b) => rank(a.name) - rank(b.name)) : layers;
}

/** The model's weights grouped by the layer that owns them, in the model's order. */
function modelLayers(model: Model): [WeightOwner, LayerWeight[]][] {
  const byOwner = new Map<WeightOwner, LayerWeight[]>();
  for (const w of model.weights) byOwner.set(w.owner, [...(byOwner.get(w.owner) ?? []), w]);
  return [...byOwner];
}

/**
 * Pairs a layer's weights with the stored layer's: by weight name when the file has every name
 * of the layer, else by position (as Keras 3 stores them, `vars/0`, `vars/1`). Counts, shapes and
 * dtypes must agree.
 */
function matchLayer(owner: WeightOwner, weights: readonly LayerWeight[], stored: StoredLayer | undefined, fileLayers: number): [LayerWeight, tf.io.WeightsManifestEntry][] | Mismatch {
  const layer = owner.name;
  if (stored === undefined) return { layer, text: `layer '${layer}' has no counterpart in the file, which has ${fileLayers} layer(s) with weights` };
  const theirs = `the file's layer '${stored.name}'${stored.className ? ` (${stored.className})` : ''}`;
  if (stored.specs.length !== weights.length) {
    return {
      layer,
      text: `layer '${layer}' has ${weights.length} weight(s) (${quoted(weights.map((w) => w.name))}), ${theirs} has ${stored.specs.length} (${quoted(stored.specs.map((s) => lastSegment(s.name)))})`,
    };
  }
  const byName = new Map(stored.specs.map((s) => [lastSegment(s.name), s]));
  const named = byName.size === weights.length && weights.every((w) => byName.has(w.name));
  const pairs = weights.map((w, k): [LayerWeight, tf.io.WeightsManifestEntry] => [w, named ? byName.get(w.name)! : stored.specs[k]!]);
  for (const [w, spec] of pairs) {
    if (!tf.util.arraysEqual(w.shape, spec.shape)) {
      return {
        layer,
        weight: w.path,
        expected: w.shape,
        received: spec.shape,
        text: `layer '${layer}': its weight '${w.path}' has shape ${formatShape(w.shape)}, but ${theirs} stores '${spec.name}' with shape ${formatShape(spec.shape)}`,
      };
    }
    if (w.variable.dtype !== spec.dtype) {
      return { layer, weight: w.path, text: `layer '${layer}': its weight '${w.path}' is ${w.variable.dtype}, but ${theirs} stores '${spec.name}' as ${spec.dtype}` };
    }
  }
  return pairs;
}

/** Optimizer slots (`<weight path>/<slot>`) renamed from the stored weights' paths to the model's. */
function renamedSlots(state: tf.NamedTensorMap, paths: ReadonlyMap<string, string>): tf.NamedTensorMap {
  const renamed: tf.NamedTensorMap = {};
  for (const [name, tensor] of Object.entries(state)) {
    const cut = name.lastIndexOf('/');
    const path = cut > 0 ? paths.get(name.slice(0, cut)) : undefined;
    renamed[path === undefined ? name : `${path}${name.slice(cut)}`] = tensor;
  }
  return renamed;
}

/** Checks the options before anything is read, and returns the warner they give. */
function checkLoadWeightsOptions(options: unknown): (message: string) => void {
  checkOptions('loadWeights', options, ['skipMismatch', 'onWarning', 'io']);
  const { skipMismatch, io } = options as LoadWeightsOptions;
  if (skipMismatch !== undefined && typeof skipMismatch !== 'boolean') {
    throw mustBeError('loadWeights: skipMismatch', skipMismatch, 'true or false', { argument: 'skipMismatch', received: skipMismatch });
  }
  if (io !== undefined && (typeof io !== 'object' || io === null || Array.isArray(io))) {
    throw mustBeError('loadWeights: io', io, "tfjs-core's load options ({ requestInit, fetchFunc, onProgress, ... })", { argument: 'io', received: io });
  }
  return warnerOf(options, 'loadWeights');
}

/**
 * Sets the model's weights from saved artifacts as Keras 3's `load_weights` does: layers with
 * weights are matched by their order in the model (their names may differ), weights within a layer
 * by name (else by position). Everything is checked before any weight changes; with
 * `skipMismatch` the layers that do not match are left as they are and named in one warning.
 * Optimizer state in the artifacts is restored after the weights, under the model's weight paths.
 */
function weightsFromArtifacts(model: Model, artifacts: tf.io.ModelArtifacts, skipMismatch: boolean, warn: (message: string) => void): void {
  const { format } = artifacts;
  if (format !== undefined && format !== LAYERS_MODEL_FORMAT && format !== LAYERS_WEIGHTS_FORMAT) {
    throw new RidgeError(
      'INVALID_JSON',
      `loadWeights: the files are a ${describeValue(format)}, not the weights of a layers model; give what model.saveWeights or model.save wrote.`,
      { format },
    );
  }
  if (artifacts.weightSpecs === undefined) {
    throw new RidgeError('INVALID_WEIGHTS', 'loadWeights: the files hold no weights (the model was saved without them).', {});
  }
  const { specs, buffer } = checkWeightData(artifacts.weightSpecs, artifacts.weightData);
  const stored = storedLayers(
    specs.filter((s) => s.group !== 'optimizer'),
    artifacts.modelTopology,
  );
  const layers = modelLayers(model);
  const pairs: [LayerWeight, tf.io.WeightsManifestEntry][] = [];
  const skipped: Mismatch[] = [];
  layers.forEach(([owner, weights], i) => {
    const match = matchLayer(owner, weights, stored[i], stored.length);
    if (Array.isArray(match)) pairs.push(...match);
    else if (skipMismatch) skipped.push(match);
    else {
      throw new RidgeError(
        'INVALID_WEIGHTS',
        `loadWeights: ${match.text}. Layers with weights are matched by their order in the model (this is layer ${i + 1} of ${layers.length}), ` +
          `weights by name within a layer. Nothing was loaded: give weights saved from the same architecture, or pass { skipMismatch: true } to load the layers that match.`,
        { layer: match.layer, weight: match.weight, expected: match.expected, received: match.received },
      );
    }
  });
  const unused = stored.slice(layers.length).map((l) => l.name);
  if (unused.length > 0 && !skipMismatch) {
    throw new RidgeError(
      'INVALID_WEIGHTS',
      `loadWeights: the file has ${stored.length} layer(s) with weights, ${who(model)} has ${layers.length}; the file's ${quoted(unused)} match no layer of the model. ` +
        `Nothing was loaded: give weights saved from the same architecture, or pass { skipMismatch: true } to load the layers that match.`,
      { expected: layers.length, received: stored.length, unused },
    );
  }
  let values: tf.NamedTensorMap = {};
  try {
    values = tf.io.decodeWeights(buffer, specs);
    for (const [w, spec] of pairs) w.assign(values[spec.name]!);
    const optimizerState: tf.NamedTensorMap = {};
    for (const s of specs) if (s.group === 'optimizer') optimizerState[s.name] = values[s.name]!;
    const hasOptimizerState = Object.keys(optimizerState).length > 0;
    if (skipped.length > 0 || unused.length > 0) {
      warn(
        `loadWeights: ${who(model)} skipped ${skipped.length} layer(s) that do not match the file; they keep their weights: ` +
          `${skipped.map((m) => m.text).join('; ') || 'none'}.` +
          `${unused.length > 0 ? ` The file's layer(s) ${quoted(unused)} were not used.` : ''}` +
          `${hasOptimizerState ? ' The optimizer state in the file was left out, as it belongs to the layers as saved.' : ''}`,
      );
    } else if (hasOptimizerState) {
      const problem = restoreOptimizerState(model, renamedSlots(optimizerState, new Map(pairs.map(([w, spec]) => [spec.name, w.path]))));
      if (problem) warn(`loadWeights: ${who(model)}: ${problem}`);
    }
  } finally {
    tf.dispose(Object.values(values));
  }
}

/**
 * Keras's `load_weights`: reads what `saveWeights` wrote (or the weights of a `save()`, Ridge's or
 * tfjs-layers') from `'file://dir'` in Node, any URL tfjs-core handles, or a handler such as
 * `tf.io.fromMemory(artifacts)`, into this model. See `weightsFromArtifacts` for the matching. A
 * model that is not built yet is refused, as in Keras 3.
 */
export async function loadWeights(model: Model, source: string | tf.io.IOHandler, options: LoadWeightsOptions = {}): Promise<void> {
  const warn = checkLoadWeightsOptions(options);
  refuseDisposed(model, 'loadWeights()');
  // Before reading anything, as Keras 3 checks: an unbuilt model is not built from the file.
  refuseUnbuilt(model, 'loadWeights', 'to load into; nothing was read');
  const artifacts = await readArtifacts(loadHandlerFor(source, options.io, 'loadWeights', WEIGHTS_FILES), source, 'loadWeights', 'the weights');
  weightsFromArtifacts(model, artifacts, options.skipMismatch === true, warn);
}
