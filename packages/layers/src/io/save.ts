import { RidgeError, VERSION, describeValue, type JsonObject } from '@ridge/core';
import { who } from '../engine/errors.js';
import { tf } from '../engine/tfjs.js';
import type { Model } from '../model/model.js';
import { FILE_SCHEME, FileHandler, MODEL_FILES, type SavedFiles } from './file-handler.js';
import { formatOf, modelToJSON, warnerOf, type ToJSONOptions } from './model-json.js';
import { checkSaveOptions } from './save-options.js';
import { encodeModelWeights } from './weights.js';

export interface SaveOptions extends ToJSONOptions {
  /** Also save the optimizer's state (Adam's moments, the step count), as tfjs-layers' option. Default false. */
  includeOptimizer?: boolean;
  /** Any JSON; saved as `userDefinedMetadata`, as tfjs-layers does. */
  userDefinedMetadata?: JsonObject;
}

/** tfjs-layers' name for the format of a layers model. */
export const LAYERS_MODEL_FORMAT = 'layers-model';
/** The format of what `model.saveWeights` writes: a weights manifest, and a topology that lists only the layers with weights. */
export const LAYERS_WEIGHTS_FORMAT = 'layers-weights';
const GENERATED_BY = `Ridge @ridge/layers (core v${VERSION})`;

/**
 * `'file://dir'` (Node, writing `files` there), any URL tfjs-core has a handler for, or a handler
 * itself. `call` (`save`, `saveWeights`) starts the messages.
 */
export function saveHandlerFor(target: unknown, call = 'save', files: SavedFiles = MODEL_FILES): tf.io.IOHandler {
  if (typeof target === 'object' && target !== null && typeof (target as tf.io.IOHandler).save === 'function') return target as tf.io.IOHandler;
  if (typeof target !== 'string' || target === '') {
    throw new RidgeError('INVALID_ARGUMENT', `${call}: target must be a URL such as 'file://./my-model', or a tf.io handler; received ${describeValue(target)}.`, {
      argument: 'target',
      received: target,
    });
  }
  if (target.startsWith(FILE_SCHEME)) return new FileHandler(target.slice(FILE_SCHEME.length), files);
  const handlers = tf.io.getSaveHandlers(target);
  if (handlers.length !== 1) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `${call}: ${handlers.length === 0 ? 'no' : 'more than one'} handler for ${describeValue(target)}. Use 'file://<dir>' in Node, ` +
        `'downloads://<name>', 'indexeddb://<name>' or 'localstorage://<name>' in a browser, an http(s) URL, ` +
        `or a handler such as tf.io.withSaveHandler(...).`,
      { argument: 'target', received: target },
    );
  }
  return handlers[0]!;
}

/**
 * The artifacts `save` and `saveWeights` hand to their handler: `modelTopology` in `format`, and
 * the model's weights (with `includeOptimizer`, the optimizer's state too).
 */
export async function artifactsOf(model: Model, modelTopology: object, format: string, includeOptimizer: boolean): Promise<tf.io.ModelArtifacts> {
  const { weightSpecs, weightData } = await encodeModelWeights(model, includeOptimizer);
  return { modelTopology, format, generatedBy: GENERATED_BY, convertedBy: null, weightSpecs, weightData };
}

/**
 * Saves the topology (with the compile state) and the weights as tfjs-layers does: the same
 * artifacts, so any tfjs-core handler can store them and tfjs-layers can read what it supports.
 * The JSON is made before anything is written, so a model that cannot be saved writes nothing.
 * A model that is not built yet is saved without weights, with a warning (Keras 3 warns too).
 */
export async function saveModel(model: Model, target: string | tf.io.IOHandler, options: SaveOptions = {}): Promise<tf.io.SaveResult> {
  checkSaveOptions('save', options);
  const handler = saveHandlerFor(target);
  const warn = warnerOf(options, 'save');
  const modelTopology = modelToJSON(model, formatOf(options), warn);
  // As Keras 3's save_model: an unbuilt model saves, with a warning, since its file has no weights.
  if (!model.built) {
    warn(
      `save: ${who(model)} is not built yet, so it has no weights: the file holds its architecture only, and loading it ` +
        `gives freshly initialized weights. To save weights, build it first: give its first layer an inputShape (or start it ` +
        `with input({ shape })), or call fit or predict on data once.`,
    );
  }
  const artifacts = await artifactsOf(model, modelTopology, LAYERS_MODEL_FORMAT, options.includeOptimizer === true);
  if (options.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = options.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'];
  return handler.save!(artifacts);
}
