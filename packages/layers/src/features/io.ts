/*
 * `@ridge/layers/io`: `model.save`, `model.toJSON` (and `JSON.stringify(model)`), with
 * `loadModel`, `modelFromJSON` and `fileSystem`, and `layer.getConfig()`. Importing this module installs saving; it also
 * installs model-level regularization, because a loaded model is compiled with its saved rules.
 * `@ridge/layers` imports it for you.
 */
import { installConfigs } from '../engine/config.js';
import { formatOf, modelToJSON, warnerOf } from '../io/model-json.js';
import { saveModel } from '../io/save.js';
import { installFeature } from '../model/features.js';
import './regularization.js';

installConfigs();
installFeature('io', { save: saveModel, toJSON: (model, options) => modelToJSON(model, formatOf(options), warnerOf(options, 'toJSON')) });

export { fileSystem } from '../io/file-handler.js';
export type { JsonFormat } from '../io/keras-json.js';
export { loadModel, type LoadModelOptions } from '../io/load.js';
export type { CustomObject, CustomObjects } from '../io/custom-objects.js';
export { modelFromJSON, type FromJSONOptions } from '../io/model-from-json.js';
export type { ModelTopologyJSON, ToJSONOptions } from '../io/model-json.js';
export type { SaveOptions } from '../io/save.js';
