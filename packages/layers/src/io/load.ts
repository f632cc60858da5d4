import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import type { Model } from '../model/model.js';
import { FILE_SCHEME, FileHandler, MODEL_FILES, type SavedFiles } from './file-handler.js';
import { Building, buildModel, checkLoadOptions, parseModelJSON, restoreCompile, type FromJSONOptions } from './model-from-json.js';
import { warnerOf } from './model-json.js';
import { LAYERS_MODEL_FORMAT, LAYERS_WEIGHTS_FORMAT } from './save.js';
import { assignModelWeights, checkWeightData, restoreOptimizerState } from './weights.js';

export interface LoadModelOptions extends FromJSONOptions {
  /** Passed to tfjs-core's handler for a URL: `requestInit`, `fetchFunc`, `onProgress`, ... */
  io?: tf.io.LoadOptions;
}

/**
 * `'file://dir'` or `'file://dir/model.json'` (Node; `files` names what a directory holds), any
 * URL tfjs-core has a handler for, or a handler itself. `call` (`loadModel`, `loadWeights`) starts the messages.
 */
export function loadHandlerFor(source: unknown, options?: tf.io.LoadOptions, call = 'loadModel', files: SavedFiles = MODEL_FILES): tf.io.IOHandler {
  if (typeof source === 'object' && source !== null && typeof (source as tf.io.IOHandler).load === 'function') return source as tf.io.IOHandler;
  if (typeof source !== 'string' || source === '') {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: source must be a URL such as 'file://./my-model' or 'https://.../model.json', or a tf.io handler; received ${describeValue(source)}.`,
      { argument: 'source', received: source },
    );
  }
  if (source.startsWith(FILE_SCHEME)) return new FileHandler(source.slice(FILE_SCHEME.length), files);
  const handlers = tf.io.getLoadHandlers(source, options);
  if (handlers.length !== 1) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: ${handlers.length === 0 ? 'no' : 'more than one'} handler for ${describeValue(source)}. Use 'file://<dir>' in Node, ` +
        `'indexeddb://<name>' or 'localstorage://<name>' in a browser, an http(s) URL of a model.json, or a handler such as ` +
        `tf.io.fromMemory(...) or tf.io.browserFiles(...).`,
      { argument: 'source', received: source },
    );
  }
  return handlers[0]!;
}

/**
 * Builds a model from saved artifacts: the topology, every weight by name, then the compile state
 * and (when saved) the optimizer's state. The weight data is checked against its specs before
 * anything is built; on any error every variable created so far is disposed.
 */
export function modelFromArtifacts(artifacts: tf.io.ModelArtifacts, options: LoadModelOptions = {}): Model {
  checkLoadOptions('modelFromArtifacts', options, true);
  const warn = warnerOf(options, 'modelFromArtifacts');
  if (artifacts.format === LAYERS_WEIGHTS_FORMAT) {
    throw new RidgeError(
      'INVALID_JSON',
      'The files hold weights only (model.saveWeights wrote them), not a model: build the model in code, then call model.loadWeights with the same source.',
      { format: artifacts.format },
    );
  }
  if (artifacts.format !== undefined && artifacts.format !== LAYERS_MODEL_FORMAT) {
    throw new RidgeError(
      'INVALID_JSON',
      `The model is a ${describeValue(artifacts.format)}, not a 'layers-model'; ${artifacts.format === 'graph-model' ? 'load it with tf.loadGraphModel.' : 'Ridge reads layers models.'}`,
      { format: artifacts.format },
    );
  }
  if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
    throw new RidgeError('INVALID_JSON', 'The model has no JSON topology (modelTopology); Ridge reads layers models, whose topology is JSON.', {});
  }
  const generatedBy = artifacts.generatedBy;
  const parsed = parseModelJSON(artifacts.modelTopology, artifacts.trainingConfig, typeof generatedBy === 'string' ? { generatedBy } : {});
  const training = parsed.training;
  const hasWeights = artifacts.weightSpecs !== undefined || artifacts.weightData !== undefined;
  const { specs, buffer } = checkWeightData(artifacts.weightSpecs ?? [], artifacts.weightData);
  const building = new Building(options.customObjects);
  let values: tf.NamedTensorMap = {};
  try {
    const { model, warnings } = buildModel(parsed, building);
    if (hasWeights) {
      values = tf.io.decodeWeights(buffer, specs);
      const optimizerState = assignModelWeights(model, specs, values);
      restoreCompile(model, training, options, warn);
      const problem = restoreOptimizerState(model, optimizerState);
      if (problem) warn(`Model '${model.name}': ${problem}`);
    } else {
      if (model.weights.length > 0) warn(`Model '${model.name}' was saved without weights; its weights are freshly initialized.`);
      restoreCompile(model, training, options, warn);
    }
    for (const w of warnings) warn(w);
    return model;
  } catch (error) {
    building.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(values));
  }
}

/**
 * Loads a model that Ridge or tfjs-layers saved (or that Keras's converter wrote): from
 * `'file://dir'` in Node, from any URL tfjs-core handles, or from a handler such as
 * `tf.io.fromMemory(artifacts)`. Unregistered classes, malformed JSON and weights that do not fit
 * the model are RidgeErrors (`UNKNOWN_NAME`, `INVALID_JSON`, `INVALID_WEIGHTS`), and nothing is
 * left allocated.
 */
export async function loadModel(source: string | tf.io.IOHandler, options: LoadModelOptions = {}): Promise<Model> {
  checkLoadOptions('loadModel', options, true);
  warnerOf(options, 'loadModel'); // checked before anything is read
  return modelFromArtifacts(await readArtifacts(loadHandlerFor(source, options.io), source, 'loadModel', 'the model'), options);
}

/** What `handler` loads; an error other than a RidgeError becomes one naming `call`, `what` and `source`. */
export async function readArtifacts(handler: tf.io.IOHandler, source: unknown, call: string, what: string): Promise<tf.io.ModelArtifacts> {
  try {
    return await handler.load!();
  } catch (error) {
    if (RidgeError.is(error)) throw error;
    throw new RidgeError('INVALID_ARGUMENT', `${call}: could not read ${what} from ${describeValue(source)}: ${(error as Error).message}`, {
      argument: 'source',
      cause: error,
    });
  }
}
