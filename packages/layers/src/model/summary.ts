import type { Layer } from '../engine/layer.js';
import { formatShape, type Shape } from '../engine/shape.js';
import { weightTerms, type CompiledRule } from './regularization.js';
import type { Graph } from './graph.js';

interface Summarizable {
  readonly name: string;
  readonly className: string;
  readonly layers: Layer[];
  readonly weights: Layer['weights'];
}

function outputShapeOf(graph: Graph | undefined, layer: Layer): string {
  const node = graph?.steps.find((s) => s.layer === layer)?.node ?? layer.inboundNodes[0];
  if (!node) return '?';
  const shapes = node.outputs.map((o) => formatShape(o.shape as Shape));
  return shapes.join(', ');
}

/**
 * Keras's summary table plus a column that answers "what regularizes this layer": each weight's
 * penalty with its source (the layer's own, or the model-level rule) and the activity penalty.
 */
export function summarize(model: Summarizable & { layers: Layer[] }, rules: readonly CompiledRule[], graph?: Graph): string {
  const terms = weightTerms(model.weights, rules);
  const rows: string[][] = [['Layer (type)', 'Output shape', 'Param #', 'Regularizers']];
  for (const layer of model.layers) {
    const regs: string[] = [];
    for (const w of layer.weights) {
      for (const t of terms.filter((x) => x.weight === w)) {
        regs.push(`${w.name}: ${t.regularizer.className}(${Object.values(t.regularizer.getConfig()).join(', ')})${t.source === 'model' ? ' [model]' : ''}`);
      }
      if (!w.trainable && w.regularizer) regs.push(`${w.name}: ${w.regularizer.className} [frozen, no penalty]`);
    }
    if (layer.activityRegularizer) regs.push(`activity: ${layer.activityRegularizer.className}(${Object.values(layer.activityRegularizer.getConfig()).join(', ')})`);
    if (layer.losses.length) regs.push(...layer.losses.map((l) => `custom: ${l.name}`));
    rows.push([`${layer.name} (${layer.className})`, outputShapeOf(graph, layer), String(layer.countParams()), regs.join('; ') || '-']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const rule = '-'.repeat(line(rows[0]!).length);
  const total = model.weights.reduce((n, w) => n + w.variable.size, 0);
  const trainable = model.weights.filter((w) => w.trainable).reduce((n, w) => n + w.variable.size, 0);
  return [
    `Model: "${model.name}" (${model.className})`,
    rule,
    line(rows[0]!),
    rule.replace(/-/g, '='),
    ...rows.slice(1).map(line),
    rule,
    `Total params: ${total}`,
    `Trainable params: ${trainable}`,
    `Non-trainable params: ${total - trainable}`,
    `Penalty terms: ${terms.length} on weights${rules.length ? ` (${terms.filter((t) => t.source === 'model').length} from model-level rules)` : ''}`,
  ].join('\n');
}
