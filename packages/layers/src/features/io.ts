/*
 * `@ridge/layers/io`: `model.save`, `model.toJSON` (and `JSON.stringify(model)`), with
 * `loadModel`, `modelFromJSON` and `fileSystem`, and `layer.getConfig()`. Importing this module installs saving; it also
 * installs model-level regularization, because a loaded model is compiled with its saved rules.
 * It also adds Keras's `model.saveWeights` and `model.loadWeights` to every model: added to the
 * model class here, not declared in it (as `@ridge/layers/batch` does), so that a `/base` bundle
 * that does not import this entry carries none of their code.
 * `@ridge/layers` imports it for you.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { installConfigs } from '../engine/config.js';
import { loadWeights, type LoadWeightsOptions } from '../io/load-weights.js';
import { formatOf, modelToJSON, warnerOf } from '../io/model-json.js';
import { saveModel } from '../io/save.js';
import { saveWeights, type SaveWeightsOptions } from '../io/save-weights.js';
import { installFeature } from '../model/features.js';
import { Model } from '../model/model.js';
import './regularization.js';

declare module '../model/model.js' {
  interface Model {
    /**
     * Keras's `save_weights`: the weights only (with `includeOptimizer`, the optimizer's state too),
     * as tfjs's weights manifest and data. `'file://dir'` in Node writes `model.weights.json` and
     * `model.weights.bin`; any tfjs-core URL (`'indexeddb://'`, `'localstorage://'`,
     * `'downloads://'`) or handler works too. `model.loadWeights` reads it into a model built in code.
     */
    saveWeights(target: string | tf.io.IOHandler, options?: SaveWeightsOptions): Promise<tf.io.SaveResult>;
    /**
     * Keras's `load_weights`: sets this model's weights from what `saveWeights` (or `save`, Ridge's
     * or tfjs-layers') wrote. Layers with weights are matched by their order in the model, so
     * their names may differ; weights within a layer by name. A mismatch is refused, naming the
     * layer and both shapes, and nothing is loaded, unless `skipMismatch` skips those layers.
     */
    loadWeights(source: string | tf.io.IOHandler, options?: LoadWeightsOptions): Promise<void>;
  }
}

installConfigs();
installFeature('io', { save: saveModel, toJSON: (model, options) => modelToJSON(model, formatOf(options), warnerOf(options, 'toJSON')) });

const methods: Pick<Model, 'saveWeights' | 'loadWeights'> = {
  saveWeights(this: Model, target, options) {
    return saveWeights(this, target, options);
  },
  loadWeights(this: Model, source, options) {
    return loadWeights(this, source, options);
  },
};

// As class methods are: not enumerable.
for (const [name, value] of Object.entries(methods)) {
  Object.defineProperty(Model.prototype, name, { value, writable: true, configurable: true, enumerable: false });
}

export { fileSystem } from '../io/file-handler.js';
export type { JsonFormat } from '../io/keras-json.js';
export { loadModel, type LoadModelOptions } from '../io/load.js';
export type { CustomObject, CustomObjects } from '../io/custom-objects.js';
export { modelFromJSON, type FromJSONOptions } from '../io/model-from-json.js';
export type { ModelTopologyJSON, ToJSONOptions } from '../io/model-json.js';
export type { SaveOptions } from '../io/save.js';
export type { LoadWeightsOptions } from '../io/load-weights.js';
export type { SaveWeightsOptions } from '../io/save-weights.js';
export { TFJS_LAYERS_CLASSES } from '../io/tfjs-layer-config.js';
