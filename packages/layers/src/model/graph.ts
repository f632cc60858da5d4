import { argumentError, RidgeError } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { CallContext, Layer } from '../engine/layer.js';
import type { Node, SymbolicTensor } from '../engine/symbolic.js';
import { formatShape } from '../engine/shape.js';
import { InputLayer } from '../layers/input-layer.js';
import { findFeature } from './features.js';

/** One layer call of the graph, in execution order. */
export interface Step {
  readonly layer: Layer;
  readonly node: Node;
}

/** A functional graph: the nodes between some inputs and some outputs, sorted for execution. */
export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  readonly steps: readonly Step[];
  /** Every layer once, in first-use order, input layers first. */
  readonly layers: readonly Layer[];
}

/** Sorts the nodes that produce `outputs` from `inputs`; rejects disconnected graphs. */
export function buildGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): Graph {
  const inputIds = new Set(inputs.map((t) => t.id));
  for (const t of inputs) {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw argumentError(
        `model: inputs must come from input(); ${t.toString()} comes from layer '${t.sourceLayer.name}'.`, {
        argument: 'inputs',
        received: t.name,
      });
    }
  }
  const steps: Step[] = [];
  const seen = new Set<Node>();
  const visiting = new Set<Node>();
  const visit = (t: SymbolicTensor, path: string[]): void => {
    if (inputIds.has(t.id)) return;
    const node = t.node;
    if (seen.has(node)) return;
    if (node.layer instanceof InputLayer) {
      throw argumentError(
        `model: graph disconnected: ${[...path].reverse().join(' <- ')} needs input '${node.layer.name}' ` +
          `(${formatShape(t.shape)}), which is not in inputs. Add it to inputs.`,
        { argument: 'inputs', missing: node.layer.name },
      );
    }
    if (visiting.has(node)) throw argumentError(`model: the graph has a cycle through '${node.layer.name}'.`);
    visiting.add(node);
    for (const i of node.inputs) visit(i, [...path, node.layer.name]);
    visiting.delete(node);
    seen.add(node);
    steps.push({ layer: node.layer as Layer, node });
  };
  for (const o of outputs) visit(o, []);
  const layers = [...new Set([...inputs.map((t) => t.sourceLayer as Layer), ...steps.map((s) => s.layer)])];
  const names = new Map<string, Layer>();
  for (const l of layers) {
    const other = names.get(l.name);
    if (other && other !== l) {
      throw new RidgeError('DUPLICATE_NAME', `model: two layers are named '${l.name}'; layer names must be unique within a model.`, {
        name: l.name,
      });
    }
    names.set(l.name, l);
  }
  return { inputs, outputs, steps, layers };
}

/**
 * Receives each layer's outputs as they are computed (for activity penalties). It may return
 * replacements (the same values, with an extra gradient attached) for the layers downstream.
 * It also sees the layers inside a model used as a layer (a nested model), before the nested
 * model's own outputs.
 */
export type OutputObserver = (layer: Layer, outputs: readonly tf.Tensor[]) => readonly tf.Tensor[] | void;

/** The graphs of models used as layers, by model (set by the model when it has its graph). */
const nestedGraphs = new WeakMap<Layer, Graph>();

/** Records that `layer` (a model) runs `graph` when called. */
export function setNestedGraph(layer: Layer, graph: Graph): void {
  nestedGraphs.set(layer, graph);
}

/** The graph `layer` runs when called, for a model; undefined for other layers. */
export const nestedGraph = (layer: Layer): Graph | undefined => nestedGraphs.get(layer);

/**
 * Every layer call of `graph` in the order `runGraph` shows them to an observer: the steps of a
 * nested model come before the nested model's own step, once per call of it.
 */
export function observedSteps(graph: Graph): Step[] {
  return graph.steps.flatMap((s) => {
    const inner = nestedGraphs.get(s.layer);
    return inner ? [...observedSteps(inner), s] : [s];
  });
}

/** Every layer of `graph` once, the layers of nested models included. */
export function allLayers(graph: Graph): Layer[] {
  return [...new Set(graph.layers.flatMap((l) => {
    const inner = nestedGraphs.get(l);
    return inner ? [l, ...allLayers(inner)] : [l];
  }))];
}

/**
 * Runs the graph on real tensors, one per input, and returns one tensor per output.
 * `inputsAreData` says, for all inputs or for each, that nobody asks for its gradient (the data
 * of a training step), so the layers that take it may skip that gradient. With
 * `@ridge/layers/masking` loaded, masks go from layer to layer too (model/masking.ts).
 */
export function runGraph(
  graph: Graph,
  inputs: readonly tf.Tensor[],
  ctx: CallContext,
  observe?: OutputObserver,
  inputsAreData: boolean | readonly boolean[] = false,
): tf.Tensor[] {
  const masking = findFeature('masking');
  if (masking) return masking.runGraph(graph, inputs, ctx, observe, inputsAreData);
  const values = new Map<number, tf.Tensor>();
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]!));
  const inputIds = new Set(graph.inputs.filter((_, i) => inputsAreData === true || (inputsAreData !== false && inputsAreData[i])).map((t) => t.id));
  // What the layers see: the caller's constantInputs described the caller's own inputs (a nested
  // model's), not theirs; the observer goes along to nested models.
  const inner: CallContext = observe ? { training: ctx.training, observe } : { training: ctx.training };
  for (const { layer, node } of graph.steps) {
    const args = node.inputs.map((t) => values.get(t.id)!);
    const constantInputs = node.inputs.map((t) => inputIds.has(t.id));
    let outs = layer.invoke(args, constantInputs.some(Boolean) ? { ...inner, constantInputs } : inner);
    if (observe) outs = [...(observe(layer, outs) ?? outs)];
    node.outputs.forEach((t, i) => values.set(t.id, outs[i]!));
  }
  return graph.outputs.map((t) => values.get(t.id)!);
}
