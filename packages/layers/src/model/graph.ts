import { RidgeError } from '@ridge/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { CallContext, Layer } from '../engine/layer.js';
import type { Node, SymbolicTensor } from '../engine/symbolic.js';
import { formatShape } from '../engine/shape.js';
import { InputLayer } from '../layers/input-layer.js';

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
      throw new RidgeError('INVALID_ARGUMENT', `model: inputs must come from input(); ${t.toString()} comes from layer '${t.sourceLayer.name}'.`, {
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
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `model: graph disconnected: ${[...path].reverse().join(' <- ')} needs input '${node.layer.name}' ` +
          `(${formatShape(t.shape)}), which is not in inputs. Add it to inputs.`,
        { argument: 'inputs', missing: node.layer.name },
      );
    }
    if (visiting.has(node)) throw new RidgeError('INVALID_ARGUMENT', `model: the graph has a cycle through '${node.layer.name}'.`);
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
 */
export type OutputObserver = (layer: Layer, outputs: readonly tf.Tensor[]) => readonly tf.Tensor[] | void;

/** Runs the graph on real tensors, one per input, and returns one tensor per output. */
export function runGraph(
  graph: Graph,
  inputs: readonly tf.Tensor[],
  ctx: CallContext,
  observe?: OutputObserver,
  /** The inputs are data whose gradient nobody asks for (a training step), so layers may skip it. */
  inputsAreData = false,
): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>();
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]!));
  const inputIds = new Set(inputsAreData ? graph.inputs.map((t) => t.id) : []);
  for (const { layer, node } of graph.steps) {
    const args = node.inputs.map((t) => values.get(t.id)!);
    const constantInputs = node.inputs.map((t) => inputIds.has(t.id));
    let outs = layer.invoke(args, constantInputs.some(Boolean) ? { ...ctx, constantInputs } : ctx);
    if (observe) outs = [...(observe(layer, outs) ?? outs)];
    node.outputs.forEach((t, i) => values.set(t.id, outs[i]!));
  }
  return graph.outputs.map((t) => values.get(t.id)!);
}
