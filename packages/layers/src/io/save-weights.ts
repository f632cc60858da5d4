import type { JsonObject } from '@ridge/core';
import type { tf } from '../engine/tfjs.js';
import type { WeightOwner } from '../engine/weight.js';
import type { Model } from '../model/model.js';
import { WEIGHTS_FILES } from './file-handler.js';
import { artifactsOf, LAYERS_WEIGHTS_FORMAT, saveHandlerFor } from './save.js';
import { checkSaveWeightsOptions } from './save-options.js';
import { refuseDisposed, refuseUnbuilt } from './weights.js';

export interface SaveWeightsOptions {
  /**
   * Also save the optimizer's state (the step count and the slots, such as Adam's moments), as
   * Keras 3's `.weights.h5` holds it; `loadWeights` restores it into a compiled model. Default false.
   */
  includeOptimizer?: boolean;
}

/**
 * The topology of a weights-only save: no architecture, only the layers that own weights, in the
 * order `loadWeights` matches them. tfjs-core's handlers need some topology (`localstorage://`
 * and `tf.io.browserFiles` refuse a save without one).
 */
export interface WeightsTopology extends JsonObject {
  weights_of: { class_name: string; name: string };
  layers: { class_name: string; name: string }[];
}

function classNameOf(owner: WeightOwner): string {
  const className = (owner as { className?: unknown }).className;
  return typeof className === 'string' ? className : 'Layer';
}

export function weightsTopology(model: Model): WeightsTopology {
  const owners = [...new Set(model.weights.map((w) => w.owner))];
  return {
    weights_of: { class_name: model.className, name: model.name },
    layers: owners.map((owner) => ({ class_name: classNameOf(owner), name: owner.name })),
  };
}

/**
 * Keras's `save_weights`: every weight of the model (and, with `includeOptimizer`, the optimizer's
 * state) as tfjs's weights manifest and binary data, without the architecture. The weights are
 * named by path (`dense_1/kernel`) in layer order; `'file://dir'` writes `model.weights.json` and
 * `model.weights.bin` there. The options are checked before anything is written, and, as in
 * Keras 3, a model that is not built yet (so has no weights) is refused.
 */
export async function saveWeights(model: Model, target: string | tf.io.IOHandler, options: SaveWeightsOptions = {}): Promise<tf.io.SaveResult> {
  checkSaveWeightsOptions('saveWeights', options);
  refuseDisposed(model, 'saveWeights()');
  refuseUnbuilt(model, 'saveWeights', 'to save; nothing was written');
  const handler = saveHandlerFor(target, 'saveWeights', WEIGHTS_FILES);
  return handler.save!(await artifactsOf(model, weightsTopology(model), LAYERS_WEIGHTS_FORMAT, options.includeOptimizer === true));
}
