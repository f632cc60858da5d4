import { RidgeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { layerArgError, who, type Described } from '../engine/errors.js';
import type { CallContext, CallOptions, Layer } from '../engine/layer.js';
import type { Shape } from '../engine/shape.js';
import type { SymbolicTensor } from '../engine/symbolic.js';
import { nestedGraph, type Graph, type OutputObserver } from './graph.js';

/*
 * Keras-style masking (`@ridge/layers/masking`): the masks of `embedding({ maskZero: true })` and
 * of `layer.apply(x, { mask })`, passed from layer to layer as Keras passes them. `Layer` and
 * `runGraph` reach this module through the feature table only, so a `/base` bundle that never
 * masks leaves it out: there, no mask can exist (both ways to make one throw FEATURE_NOT_LOADED).
 *
 * Per layer, what masking asks is `supportsMasking` (a getter on the layer), and for a layer that
 * computes its outputs' masks differently, its `computeOutputMasked` and `computeMask` (Embedding,
 * the recurrent layers). A model used as a layer runs its own graph with the masks.
 */

type Masks = (tf.Tensor | undefined)[];

/** What the graph knows of a symbolic tensor's mask: the layer the mask comes from. */
const symbolicMasks = new WeakMap<SymbolicTensor, string>();

/**
 * Whether a symbolic tensor carries a mask, and from which layer (`Embedding 'embedding'`);
 * undefined when it carries none.
 */
export function maskSource(t: SymbolicTensor): string | undefined {
  return symbolicMasks.get(t);
}

/** The refusal of a layer that cannot honour a mask (Keras 2 raised the same). */
export function maskRefusal(layer: Described, source: string): RidgeError {
  return new RidgeError(
    'INVALID_ARGUMENT',
    `${who(layer)} does not support masking, but its input carries a mask (from ${source}). ` +
      `Masks reach SimpleRNN, LSTM and GRU (which skip the masked time steps) through layers that act on each step ` +
      `(Dense, Dropout, Activation, the activation layers such as ReLU, TimeDistributed); a recurrent layer with ` +
      `returnSequences: false ends the mask. Put one before this layer, or remove the mask where it starts (Embedding's maskZero, a Masking layer).`,
    { layer: layer.name, argument: 'mask', source },
  );
}

/**
 * Which outputs of `layer` carry a mask, given which inputs do (`outputCount` outputs); decided
 * when the graph is built. The layer's `computeOutputMasked` if it has one; a model used as a
 * layer asks its graph; otherwise none, or the input's for a layer that supports masking.
 */
export function computeOutputMasked(layer: Layer, inputsMasked: readonly boolean[], outputCount: number): boolean[] {
  const inner = nestedGraph(layer);
  if (inner) return graphMaskSources(inner, inputsMasked.map((m) => (m ? who(layer) : undefined))).map((s) => s !== undefined);
  if (layer.computeOutputMasked) return layer.computeOutputMasked(inputsMasked, outputCount);
  const masked = layer.supportsMasking && inputsMasked.some(Boolean);
  return Array.from({ length: outputCount }, () => masked);
}

/**
 * The outputs' masks (Keras's `compute_mask`): the layer's `computeMask` if it has one; by
 * default, the (first masked) input's mask passed on by a layer that supports masking.
 */
function computeMask(layer: Layer, inputs: readonly tf.Tensor[], masks: readonly (tf.Tensor | undefined)[], outputCount: number): Masks {
  if (layer.computeMask) return layer.computeMask(inputs, masks, outputCount);
  const mask = layer.supportsMasking ? masks.find((m) => m !== undefined) : undefined;
  return Array.from({ length: outputCount }, () => mask);
}

/**
 * Checks that the layer can take masks on these inputs (the source of each mask, or undefined)
 * and says which outputs carry one and from where. Throws INVALID_ARGUMENT for a masked input
 * of a layer that does not support masking; a model used as a layer checks its own layers.
 */
export function maskedOutputs(layer: Layer, sources: readonly (string | undefined)[], outputCount: number): (string | undefined)[] {
  const inner = nestedGraph(layer);
  if (inner) return graphMaskSources(inner, sources);
  const source = sources.find((s) => s !== undefined);
  if (source !== undefined && !layer.supportsMasking) throw maskRefusal(layer, source);
  return computeOutputMasked(layer, sources.map((s) => s !== undefined), outputCount).map((m) => (m ? (source ?? who(layer)) : undefined));
}

/**
 * Runs the layer with the inputs' masks and returns the outputs with their masks (undefined where
 * an output has none). A model used as a layer runs its graph once for both.
 */
function invokeMasked(layer: Layer, inputs: readonly tf.Tensor[], ctx: CallContext, outputMasked: readonly boolean[]): { outputs: tf.Tensor[]; masks: Masks } {
  const inner = nestedGraph(layer);
  if (inner) return runGraphMasked(inner, inputs, ctx, ctx.observe, ctx.constantInputs ?? false);
  const masks = ctx.masks;
  if (masks && masks.some((m) => m !== undefined) && !layer.supportsMasking) throw maskRefusal(layer, 'the mask given to it');
  const outputs = layer.invoke(inputs, ctx);
  if (!outputMasked.some(Boolean)) return { outputs, masks: outputs.map(() => undefined) };
  const computed = computeMask(layer, inputs, masks ?? inputs.map(() => undefined), outputs.length);
  return { outputs, masks: outputs.map((_, i) => (outputMasked[i] ? computed[i] : undefined)) };
}

/**
 * `runGraph` with masks, also returning the outputs' masks (undefined where an output has none).
 * Masks go from layer to layer as Keras passes them: `ctx.masks` are the graph inputs' masks (a
 * model used as a layer receives its caller's), each layer gets its inputs' masks in `ctx.masks`,
 * and its outputs' masks come from its `computeMask`.
 */
export function runGraphMasked(
  graph: Graph,
  inputs: readonly tf.Tensor[],
  ctx: CallContext,
  observe?: OutputObserver,
  inputsAreData: boolean | readonly boolean[] = false,
): { outputs: tf.Tensor[]; masks: Masks } {
  const values = new Map<number, tf.Tensor>();
  const masks = new Map<number, tf.Tensor>();
  graph.inputs.forEach((t, i) => {
    values.set(t.id, inputs[i]!);
    const mask = ctx.masks?.[i];
    if (mask) masks.set(t.id, mask);
  });
  const inputIds = new Set(graph.inputs.filter((_, i) => inputsAreData === true || (inputsAreData !== false && inputsAreData[i])).map((t) => t.id));
  // What the layers see: the caller's constantInputs described the caller's own inputs (a nested
  // model's), not theirs; the observer goes along to nested models.
  const inner: CallContext = observe ? { training: ctx.training, observe } : { training: ctx.training };
  for (const { layer, node } of graph.steps) {
    const args = node.inputs.map((t) => values.get(t.id)!);
    const constantInputs = node.inputs.map((t) => inputIds.has(t.id));
    const inputMasks = node.inputs.map((t) => masks.get(t.id));
    const masked = inputMasks.some((m) => m !== undefined);
    let layerCtx = constantInputs.some(Boolean) ? { ...inner, constantInputs } : inner;
    if (masked) layerCtx = { ...layerCtx, masks: inputMasks };
    if (Object.keys(node.kwargs).length > 0) layerCtx = { ...layerCtx, callArgs: node.kwargs };
    // Decided here rather than read from the graph: a nested model's inputs may carry a mask that
    // its own graph, built from unmasked inputs, did not know of.
    const outputMasked = computeOutputMasked(layer, inputMasks.map((m) => m !== undefined), node.outputs.length);
    const result = invokeMasked(layer, args, layerCtx, outputMasked);
    let outs = result.outputs;
    if (observe) outs = [...(observe(layer, outs) ?? outs)];
    node.outputs.forEach((t, i) => {
      values.set(t.id, outs[i]!);
      const mask = result.masks[i];
      if (mask) masks.set(t.id, mask);
    });
  }
  const outputs = graph.outputs.map((t) => values.get(t.id)!);
  const outputMasks = graph.outputs.map((t) => masks.get(t.id));
  outputs.forEach((o, i) => {
    const mask = outputMasks[i];
    if (mask) maskOfOutput.set(o, mask);
  });
  return { outputs, masks: outputMasks };
}

/**
 * The mask of each tensor a graph run with masks returned, as Keras keeps `_keras_mask` on a
 * tensor: losses and metrics read it from the outputs they are given (model/masked-scores.ts).
 */
const maskOfOutput = new WeakMap<tf.Tensor, tf.Tensor>();

/** The mask a graph run gave `output` along with it, if any. */
export function outputMask(output: tf.Tensor): tf.Tensor | undefined {
  return maskOfOutput.get(output);
}

/**
 * Which of the graph's outputs carry a mask, and from where, given where its inputs' masks come
 * from (undefined for an unmasked input). Throws INVALID_ARGUMENT, as building the graph would,
 * when a layer that does not support masking would receive one.
 */
export function graphMaskSources(graph: Graph, inputSources: readonly (string | undefined)[]): (string | undefined)[] {
  const sources = new Map<number, string>();
  graph.inputs.forEach((t, i) => {
    const source = inputSources[i];
    if (source !== undefined) sources.set(t.id, source);
  });
  for (const { layer, node } of graph.steps) {
    maskedOutputs(layer, node.inputs.map((t) => sources.get(t.id)), node.outputs.length).forEach((source, i) => {
      if (source !== undefined) sources.set(node.outputs[i]!.id, source);
    });
  }
  return graph.outputs.map((t) => sources.get(t.id));
}

/**
 * `layer.apply(x, { mask })` on tensors: builds the layer for `inputShape` (as an unmasked call
 * does), checks the mask, and calls the layer with the mask on its first input.
 */
export function applyMasked(layer: Layer, inputs: readonly tf.Tensor[], inputShape: Shape | Shape[], options: CallOptions): tf.Tensor[] {
  layer.ensureBuilt(inputShape);
  const { mask } = options;
  const training = options.training ?? false;
  if (!(mask instanceof tf.Tensor) || mask.isDisposed) throw layerArgError(layer, 'mask', mask, 'a live tf.Tensor of shape [batch, time]');
  if (!layer.supportsMasking) throw maskRefusal(layer, 'the mask given to apply()');
  return tf.tidy(() => layer.invoke(inputs, { training, masks: inputs.map((_, i) => (i === 0 ? mask : undefined)) }));
}

/**
 * A layer called on symbolic tensors: refuses masked inputs the layer cannot take (called before
 * the build, so that a refused call creates no weights); the function returned records which of
 * the call's outputs carry a mask, and from where.
 */
export function applySymbolic(layer: Layer, inputs: readonly SymbolicTensor[]): (outputs: readonly SymbolicTensor[]) => void {
  const sources = inputs.map(maskSource);
  const source = sources.find((s) => s !== undefined);
  if (source !== undefined && !layer.supportsMasking) throw maskRefusal(layer, source);
  return (outputs) =>
    maskedOutputs(layer, sources, outputs.length).forEach((s, i) => {
      if (s !== undefined) symbolicMasks.set(outputs[i]!, s);
    });
}

/**
 * A recurrent layer's mask for each time step, in time order, as booleans [units, batch] (the
 * states' layout). Checks that the mask is [batch, time].
 */
export function stepMasks(layer: Described, mask: tf.Tensor, units: number, batch: number, time: number): tf.Tensor[] {
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `${who(layer)}: the mask must have the shape [batch, time] of the inputs, [${batch}, ${time}]; received shape [${mask.shape.join(', ')}].`,
      { layer: layer.name, argument: 'mask', received: mask.shape },
    );
  }
  const keep = mask.dtype === 'bool' ? mask : tf.cast(mask, 'bool');
  const tiled = tf.broadcastTo(tf.reshape(tf.transpose(keep), [time, 1, batch]), [time, units, batch]);
  return tf.unstack(tiled, 0);
}
