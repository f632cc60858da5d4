import { isJsonObject, registry, type JsonObject } from '@ridge/core';
import { forArgument, layerArgError } from '../../engine/errors.js';
import { Layer, type CustomLoss } from '../../engine/layer.js';
import type { LayerWeight, WeightOwner } from '../../engine/weight.js';

/** A layer given to a wrapper: the layer itself, or its serialized form `{ className, config }` (as a saved config holds it). */
export type WrappedLayerSpec<L extends Layer = Layer> = L | { className: string; config?: JsonObject };

/**
 * The layer a wrapper's `argument` names: a Layer as it is, or one made from `{ className,
 * config }` through the layer registry (so a config read from a file builds its inner layer).
 */
export function wrappedLayer(owner: Layer, argument: string, spec: unknown): Layer {
  if (spec instanceof Layer) return spec;
  if (isJsonObject(spec) && typeof spec['className'] === 'string' && (spec['config'] === undefined || isJsonObject(spec['config']))) {
    const className = spec['className'];
    const config = (spec['config'] ?? {}) as JsonObject;
    const made = forArgument(owner, argument, () => registry('layer').resolve(className).create(config));
    if (made instanceof Layer) return made;
    throw layerArgError(owner, argument, made, `a layer; the registered '${className}' did not create one`);
  }
  throw layerArgError(owner, argument, spec, 'a layer (such as lstm({ units: 8 })) or its config { className, config }');
}

/**
 * Activity penalties are collected from the layers of a model's graph, and a wrapped layer is
 * not one of them: its activity regularizer would never count. Refused rather than ignored.
 */
export function refuseActivityRegularizer(owner: Layer, argument: string, layer: Layer): void {
  if (layer.activityRegularizer === undefined) return;
  throw layerArgError(
    owner,
    `${argument}.activityRegularizer`,
    layer.activityRegularizer.className,
    `none: Ridge does not apply the activity regularizer of a wrapped layer; give the ${owner.className} its own activityRegularizer instead`,
  );
}

/**
 * Makes the wrapper the owner of `weights` as tfjs-layers and Keras name them: the weight keeps
 * its variable and regularizer, its path becomes `name(previous owner)` (`bidirectional/
 * forward_lstm/kernel`, `time_distributed/kernel`), and it is trainable only while the wrapper
 * and its layer both are. Paths are how weights are saved, loaded, selected and reported, so the
 * weights of two wrappers around layers of one name stay apart, and tfjs-layers files load.
 */
export function adoptWeights(wrapper: Layer, weights: readonly LayerWeight[], name: (previous: WeightOwner) => string): void {
  for (const weight of weights) {
    const previous = weight.owner;
    const owner: WeightOwner = {
      name: name(previous),
      get trainable() {
        return wrapper.trainable && previous.trainable;
      },
    };
    // `owner` is read-only to users; the wrapper is the one place that re-parents a weight.
    (weight as unknown as { owner: WeightOwner }).owner = owner;
  }
}

/** The wrapped layer's `addLoss` terms, named `<layer>/<term>` under the wrapper. */
export function innerLosses(layers: readonly Layer[]): CustomLoss[] {
  return layers.flatMap((l) => l.losses.map((c) => ({ name: `${l.name}/${c.name}`, fn: c.fn })));
}
