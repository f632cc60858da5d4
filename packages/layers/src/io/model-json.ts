import { RidgeError, describeValue, isJsonObject, type JsonObject, type JsonValue } from '@ridge/core';
import type { Layer } from '../engine/layer.js';
import type { Node, SymbolicTensor } from '../engine/symbolic.js';
import { InputLayer } from '../layers/input-layer.js';
import { maskSource } from '../model/masking.js';
import type { Model } from '../model/model.js';
import type { Sequential } from '../model/sequential.js';
import { keras3HardSigmoidIn, RIDGE_FORMAT_KEY } from './activation-dialect.js';
import { KERAS_BACKEND, KERAS_VERSION, writeObject, type JsonFormat } from './keras-json.js';
import { tfjsIgnored, tfjsLayerConfig, tfjsSupport } from './tfjs-layer-config.js';
import { trainingConfigToJSON } from './training-config.js';

/** A model's topology in the Keras form tfjs-layers writes (`model.json`'s `modelTopology`). */
export interface ModelTopologyJSON {
  /** `'Model'` for a functional model (as tfjs-layers writes it), `'Sequential'`. */
  class_name: string;
  config: JsonObject;
  keras_version: string;
  backend: string;
  /**
   * Which format's names the topology uses, so that a reader can tell Ridge's `'hard_sigmoid'`
   * (Keras 3's) from tfjs-layers' (`'hard_sigmoid_legacy'` in Ridge's format). tfjs-layers ignores it.
   */
  ridge_format: JsonFormat;
  /**
   * How the model was compiled, where Keras's converter puts it and tfjs-layers' loader ignores
   * it: `optimizer_config`, `loss`, `metrics`, `loss_weights`, and `ridge_regularization` (the
   * model-level rules).
   */
  training_config?: JsonObject;
  [key: string]: JsonValue | undefined;
}

export interface ToJSONOptions {
  /** `'ridge'` (default) or `'tfjs-layers'`: see {@link JsonFormat}. */
  format?: JsonFormat;
  /**
   * Receives the warnings of a conversion, for example for Ridge's (Keras 3's) `'hard_sigmoid'`,
   * which tfjs-layers computes otherwise. Default: `console.warn`.
   */
  onWarning?: (message: string) => void;
}

/** A model is a layer with a graph; checked by shape so this module needs no value import of Model. */
export function isModel(layer: unknown): layer is Model {
  return typeof (layer as Model | null)?.compile === 'function' && typeof (layer as Model).predict === 'function';
}

function isSequential(model: Model): model is Sequential {
  return typeof (model as Sequential).add === 'function';
}

/** Reads the format option; `JSON.stringify(model)` calls `toJSON('')`, which means the default. */
export function formatOf(options: unknown): JsonFormat {
  const format = typeof options === 'object' && options !== null ? (options as ToJSONOptions).format : undefined;
  if (format === undefined || format === 'ridge' || format === 'tfjs-layers') return format ?? 'ridge';
  throw new RidgeError('INVALID_ARGUMENT', `toJSON: format must be 'ridge' or 'tfjs-layers'; received ${JSON.stringify(format)}.`, {
    argument: 'format',
    received: format,
  });
}

/**
 * Reads the `onWarning` option of `call` (`toJSON`, `save`, `loadModel`, `modelFromJSON`,
 * `modelFromArtifacts`): a function, or `console.warn` when absent; anything else is refused.
 */
export function warnerOf(options: unknown, call: string): (message: string) => void {
  const onWarning = typeof options === 'object' && options !== null ? (options as ToJSONOptions).onWarning : undefined;
  if (onWarning === undefined) return (message) => console.warn(message);
  if (typeof onWarning !== 'function') {
    throw new RidgeError('INVALID_ARGUMENT', `${call}: onWarning must be a function (message: string) => void; received ${describeValue(onWarning)}.`, {
      argument: 'onWarning',
      received: onWarning,
    });
  }
  return onWarning;
}

/**
 * The whole topology: model config, the labels tfjs-layers writes (and `ridge_format`), and the
 * training config. In the `'tfjs-layers'` format, Ridge's (Keras 3's) `'hard_sigmoid'` has no
 * equivalent: it is written as `'hard_sigmoid'`, which tfjs-layers computes as
 * `clip(0.2 x + 0.5, 0, 1)`, and `warn` names the layers. Nor has it Keras's `zero_output_for_mask`
 * (its recurrent layers repeat the last output at masked steps): `warn` names the layers that zero them.
 * Layers of a class tfjs-layers 4.22 does not have are written as Keras writes them, and one warning
 * names them all (the file still loads in Ridge and Keras); a layer it has but refuses or computes
 * otherwise (an ELU with alpha other than 1, a GRU with resetAfter, bilinear UpSampling2D, Resizing,
 * CenterCrop) gets a warning of its own.
 */
export function modelToJSON(model: Model, format: JsonFormat, warn: (message: string) => void = (m) => console.warn(m)): ModelTopologyJSON {
  const { class_name, config } = modelEntry(model, format);
  if (format === 'tfjs-layers') {
    const layers = keras3Layers(model);
    if (layers.length > 0) {
      warn(
        `Model '${model.name}' uses Ridge's 'hard_sigmoid', relu6(x + 3) / 6 as in Keras 3 (${layers.map((l) => `'${l}'`).join(', ')}); ` +
          `the 'tfjs-layers' format writes it as 'hard_sigmoid', which tfjs-layers (and Ridge reading this file) computes as ` +
          `clip(0.2 x + 0.5, 0, 1), so outputs will differ slightly. tfjs-layers has no activation for Keras 3's form; use ` +
          `'hard_sigmoid_legacy' in Ridge for the same maths in both, or keep Ridge's own format.`,
      );
    }
    for (const [layer, ignored] of tfjsIgnoredIn(model)) {
      warn(
        `Layer '${layer}' has ${ignored.join(' and ')}, which tfjs-layers 4.22 has no argument for: it loads the 'tfjs-layers' ` +
          `format without them and computes otherwise (Ridge reads them back). Keep Ridge's own format for Keras 3 or Ridge.`,
      );
    }
    const { missing, differs } = tfjsSupportIn(model);
    if (missing.length > 0) {
      warn(
        `Model '${model.name}': tfjs-layers 4.22 has no layer class for ${missing.join(', ')}. The 'tfjs-layers' format writes ` +
          `${missing.length === 1 ? 'it' : 'them'} as Keras does, so the file loads in Ridge and Keras, but tfjs-layers' loadLayersModel ` +
          `will refuse it. Leave ${missing.length === 1 ? 'this layer' : 'these layers'} out of a model meant for tfjs-layers, or keep Ridge's own format.`,
      );
    }
    for (const entry of differs) {
      warn(`Layer ${entry}. Ridge reads the file back as saved; keep Ridge's own format for Keras 3 or Ridge.`);
    }
    const zeroing = zeroingLayers(model);
    if (zeroing.length > 0) {
      warn(
        `Model '${model.name}': ${zeroing.join(', ')} ${zeroing.length === 1 ? 'gives' : 'give'} zeros at masked time steps (Keras's ` +
          `zero_output_for_mask: true), which tfjs-layers does not have: tfjs-layers ignores the key and will return the last output ` +
          `for masked steps, so its outputs will differ wherever the input is masked. Keep Ridge's own format to keep the zeros.`,
      );
    }
  }
  const json: ModelTopologyJSON = { class_name, config, keras_version: KERAS_VERSION, backend: KERAS_BACKEND, [RIDGE_FORMAT_KEY]: format };
  const training = trainingConfigToJSON(model);
  if (training) json.training_config = training;
  return json;
}

/**
 * The recurrent layers of a model (nested models' included) that give zeros at masked steps:
 * `zeroOutputForMask: true`, and a Bidirectional returning sequences (Keras 3 zeroes both
 * directions there) whose input carries a mask. Named as `LSTM 'lstm'`.
 */
function zeroingLayers(model: Model): string[] {
  return model.layers.flatMap((layer) => {
    if (isModel(layer)) return zeroingLayers(layer);
    const config = layer.getConfig();
    const inner = config['layer'];
    const zeroes =
      config['zeroOutputForMask'] === true ||
      (layer.className === 'Bidirectional' &&
        isJsonObject(inner) &&
        isJsonObject(inner['config']) &&
        inner['config']['returnSequences'] === true &&
        layer.inboundNodes.some((node) => node.inputs.some((t) => maskSource(t) !== undefined)));
    return zeroes ? [`${layer.className} '${layer.name}'`] : [];
  });
}

/** The layers of a model (nested models' included) whose config uses Ridge's `'hard_sigmoid'`. */
function keras3Layers(model: Model): string[] {
  return model.layers.flatMap((layer) => (isModel(layer) ? keras3Layers(layer) : keras3HardSigmoidIn(layer.getConfig(), layer.name)));
}

/** The layers of a model (nested models' and wrapped layers included) that tfjs-layers 4.22 lacks or reads otherwise. */
function tfjsSupportIn(model: Model): { missing: string[]; differs: string[] } {
  const missing: string[] = [];
  const differs: string[] = [];
  for (const layer of model.layers) {
    const found = isModel(layer) ? tfjsSupportIn(layer) : tfjsSupport(layer.className, layer.name, layer.getConfig());
    missing.push(...found.missing);
    differs.push(...found.differs);
  }
  return { missing, differs };
}

/** The layers of a model (nested models' included) with settings tfjs-layers ignores, and those settings. */
function tfjsIgnoredIn(model: Model): [string, string[]][] {
  return model.layers.flatMap((layer): [string, string[]][] => {
    if (isModel(layer)) return tfjsIgnoredIn(layer);
    const ignored = tfjsIgnored(layer.className, layer.getConfig());
    return ignored.length > 0 ? [[layer.name, ignored]] : [];
  });
}

function layerEntry(layer: Layer, format: JsonFormat): { class_name: string; config: JsonObject } {
  if (isModel(layer)) return modelEntry(layer, format);
  const config = format === 'tfjs-layers' ? tfjsLayerConfig(layer.className, layer.getConfig()) : layer.getConfig();
  return { class_name: layer.className, config: writeObject(config, format) };
}

function modelEntry(model: Model, format: JsonFormat): { class_name: string; config: JsonObject } {
  return isSequential(model)
    ? { class_name: 'Sequential', config: sequentialConfig(model, format) }
    : { class_name: 'Model', config: functionalConfig(model, format) };
}

/**
 * As tfjs-layers writes a sequential model: the layers in order, the first carrying
 * `batch_input_shape`. A model built from data has no input shape on its first layer, so it is
 * taken from the graph. An explicit input layer stays in Ridge's format (as Keras 2.4+ writes it);
 * tfjs-layers never writes one, and cannot read one in a nested model, so its format folds it into
 * the next layer's `batch_input_shape`. (Its dtype is not carried over: in tfjs-layers the first
 * layer's dtype is also its weights' dtype, and tfjs-layers' embeddings take float inputs.)
 */
function sequentialConfig(model: Sequential, format: JsonFormat): JsonObject {
  const stack = format === 'tfjs-layers' && model.layers[0] instanceof InputLayer && model.layers.length > 1 ? model.layers.slice(1) : model.layers;
  const layers = stack.map((l) => layerEntry(l, format));
  const first = layers[0];
  if (first && model.built && !(stack[0] instanceof InputLayer) && first.config['batch_input_shape'] === undefined) {
    first.config['batch_input_shape'] = [...model.inputs[0]!.shape];
  }
  return { name: model.name, layers };
}

/**
 * In tfjs-layers and Keras 2, a model's node 0 is its own (inputs to outputs), so the first call of
 * a model nested in another is node 1; Ridge models have no such node, and write and read the
 * offset in this dialect. (Keras 3 has no such node either, and its JSON has no offset.)
 */
export const NESTED_MODEL_OFFSET = 1;

/**
 * Keras's functional config: every layer with its calls (`inbound_nodes`), each call listing its
 * inputs as `[layer, node index, tensor index, kwargs]`. A node index counts only the calls that
 * belong to this model, so a layer also used in another model keeps consistent indices.
 */
function functionalConfig(model: Model, format: JsonFormat): JsonObject {
  const nodes = modelNodes(model.inputs, model.outputs);
  const indexOf = (node: Node): number => {
    const layer = node.layer as Layer;
    return layer.inboundNodes.filter((n) => nodes.has(n)).indexOf(node) + (isModel(layer) ? NESTED_MODEL_OFFSET : 0);
  };
  const ref = (t: SymbolicTensor): JsonValue[] => [t.sourceLayer.name, indexOf(t.node), t.outputIndex];
  const layers = model.layers.map((layer) => {
    const calls = layer instanceof InputLayer ? [] : layer.inboundNodes.filter((n) => nodes.has(n));
    return {
      name: layer.name,
      ...layerEntry(layer, format),
      // Keras 2 and tfjs-layers write a call's arguments that are not tensors (`use_causal_mask`) with each input.
      inbound_nodes: calls.map((n) => n.inputs.map((t) => [...ref(t), { ...n.kwargs } as JsonObject])),
    };
  });
  return {
    name: model.name,
    layers,
    input_layers: model.inputs.map(ref),
    output_layers: model.outputs.map(ref),
  };
}

/** The nodes between a model's inputs and outputs, its input layers' nodes included. */
function modelNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Set<Node> {
  const inputIds = new Set(inputs.map((t) => t.id));
  const nodes = new Set<Node>(inputs.map((t) => t.node));
  const visit = (t: SymbolicTensor): void => {
    if (inputIds.has(t.id) || nodes.has(t.node)) return;
    nodes.add(t.node);
    for (const i of t.node.inputs) visit(i);
  };
  for (const o of outputs) visit(o);
  return nodes;
}
