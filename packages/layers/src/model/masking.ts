import { RidgeError, mustBeError } from '@ridge/core';
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
 * the recurrent layers). A model used as a layer runs its own graph with the masks. A layer that
 * does not support masking gets no mask and passes none on, with a warning when the graph is
 * built, as Keras 3 (Keras 2 and tfjs-layers refused the mask); only a mask given explicitly, by
 * `apply(x, { mask })`, is refused.
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

/** The refusal of an explicit mask (`apply(x, { mask })`) by a layer that cannot honour it: Keras's call would not take the argument either. */
export function maskRefusal(layer: Described, source: string): RidgeError {
  return new RidgeError(
    'INVALID_ARGUMENT',
    `${who(layer)} does not support masking, but was given a mask (${source}). ` +
      `Masks are used by SimpleRNN, LSTM, GRU and GlobalAveragePooling1D, and passed on by layers that act on each step ` +
      `(Dense, Dropout, Activation, the activation layers such as ReLU, the normalization layers, TimeDistributed): call this layer without a mask.`,
    { layer: layer.name, argument: 'mask', source },
  );
}

/** Called for a layer that drops the mask of its input (it does not support masking), with where the mask comes from. */
export type MaskDropped = (layer: Described, source: string) => void;

/** Receives a warning's text, as the `onWarning` options of saving and loading do. */
export type WarningHandler = (message: string) => void;

/** Where dropped-mask warnings go; undefined: `console.warn`. */
let maskWarningHandler: WarningHandler | undefined;

/** The layers that have warned: each warns once, as Python's default filter shows Keras's `warnings.warn` once per message. */
const warnedLayers = new WeakSet<Described>();

/**
 * Sends the warning of a layer that drops a mask (Keras 3's `warnings.warn`, which Python users
 * filter or redirect) to `onWarning` instead of `console.warn`, for every model built after the
 * call; `undefined` restores `console.warn`. Each layer warns once. Returns the handler it
 * replaces (undefined for `console.warn`), so that it can be put back.
 */
export function setMaskWarningHandler(onWarning: WarningHandler | undefined): WarningHandler | undefined {
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw mustBeError('setMaskWarningHandler: onWarning', onWarning, 'a function (message: string) => void, or undefined for console.warn', {
      argument: 'onWarning',
      received: onWarning,
    });
  }
  const previous = maskWarningHandler;
  maskWarningHandler = onWarning;
  return previous;
}

/** Keras 3's warning for a masked input of a layer that does not support masking: the mask ends there. Once per layer. */
export function warnMaskDropped(layer: Described, source: string): void {
  if (warnedLayers.has(layer)) return;
  warnedLayers.add(layer);
  const message =
    `${who(layer)} does not support masking: its input carries a mask (from ${source}), which it ignores and does not pass on; ` +
    'layers after it see no mask (Keras 3 does the same). To keep the mask, put the layers that use it (SimpleRNN, LSTM, GRU, ' +
    'GlobalAveragePooling1D) before this one.';
  if (maskWarningHandler) maskWarningHandler(message);
  else console.warn(message);
}

/**
 * Which outputs of `layer` carry a mask, given which inputs do (`outputCount` outputs); decided
 * when the graph is built. The layer's `computeOutputMasked` if it has one (a layer that does not
 * support masking is asked as if no input had one: it never receives the mask); a model used as
 * a layer asks its graph; otherwise none, or the input's for a layer that supports masking.
 */
export function computeOutputMasked(layer: Layer, inputsMasked: readonly boolean[], outputCount: number): boolean[] {
  const inner = nestedGraph(layer);
  if (inner) return graphMaskSources(inner, inputsMasked.map((m) => (m ? who(layer) : undefined))).map((s) => s !== undefined);
  const masked = layer.supportsMasking ? inputsMasked : inputsMasked.map(() => false);
  if (layer.computeOutputMasked) return layer.computeOutputMasked(masked, outputCount);
  return Array.from({ length: outputCount }, () => masked.some(Boolean));
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
 * Which outputs of the layer carry a mask, and from where, given the source of each input's mask
 * (undefined for none). A layer that does not support masking drops its inputs' masks
 * (`onDrop` is told); a model used as a layer asks its own layers.
 */
export function maskedOutputs(layer: Layer, sources: readonly (string | undefined)[], outputCount: number, onDrop?: MaskDropped): (string | undefined)[] {
  const inner = nestedGraph(layer);
  if (inner) return graphMaskSources(inner, sources, onDrop);
  let source = sources.find((s) => s !== undefined);
  if (source !== undefined && !layer.supportsMasking) {
    onDrop?.(layer, source);
    source = undefined;
  }
  return computeOutputMasked(layer, sources.map((s) => s !== undefined), outputCount).map((m) => (m ? (source ?? who(layer)) : undefined));
}

/**
 * Runs the layer with the inputs' masks and returns the outputs with their masks (undefined where
 * an output has none). A model used as a layer runs its graph once for both.
 */
function invokeMasked(layer: Layer, inputs: readonly tf.Tensor[], ctx: CallContext, outputMasked: readonly boolean[]): { outputs: tf.Tensor[]; masks: Masks } {
  const inner = nestedGraph(layer);
  if (inner) return runGraphMasked(inner, inputs, ctx, ctx.observe, ctx.constantInputs ?? false);
  // A layer that does not support masking is called without the masks, as Keras 3 calls it.
  const masks = layer.supportsMasking ? ctx.masks : undefined;
  const outputs = layer.invoke(inputs, masks === ctx.masks ? ctx : { ...ctx, masks: undefined });
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
 * from (undefined for an unmasked input). `onDrop` is told of each layer that drops a mask.
 */
export function graphMaskSources(graph: Graph, inputSources: readonly (string | undefined)[], onDrop?: MaskDropped): (string | undefined)[] {
  const sources = new Map<number, string>();
  graph.inputs.forEach((t, i) => {
    const source = inputSources[i];
    if (source !== undefined) sources.set(t.id, source);
  });
  for (const { layer, node } of graph.steps) {
    maskedOutputs(layer, node.inputs.map((t) => sources.get(t.id)), node.outputs.length, onDrop).forEach((source, i) => {
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
  if (!layer.supportsMasking) throw maskRefusal(layer, 'by apply(x, { mask })');
  return tf.tidy(() => layer.invoke(inputs, { training, masks: inputs.map((_, i) => (i === 0 ? mask : undefined)) }));
}

/**
 * A layer called on symbolic tensors (called before the build): the function returned records
 * which of the call's outputs carry a mask, and from where, and warns, as Keras 3, of each layer
 * that drops a mask (this one, or one inside a model used as a layer).
 */
export function applySymbolic(layer: Layer, inputs: readonly SymbolicTensor[]): (outputs: readonly SymbolicTensor[]) => void {
  const sources = inputs.map(maskSource);
  return (outputs) =>
    maskedOutputs(layer, sources, outputs.length, warnMaskDropped).forEach((s, i) => {
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
