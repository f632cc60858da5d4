import type { L1L2Factors, Loss, Optimizer, Regularizer } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { ConstantCache, l1l2Term, scaledStack, type ScaledValue } from '../engine/l1l2.js';
import type { Layer } from '../engine/layer.js';
import type { LayerWeight } from '../engine/weight.js';
import { findFeature } from './features.js';
import { allLayers, observedSteps, runGraph, type Graph, type Step } from './graph.js';
import type { MaskedScores } from './masked-scores.js';
import type { Metric } from './metrics.js';
import { weightTerms, type CompiledRule, type WeightTerm } from './regularization.js';
import { STAT, WEIGHTS_OF } from './log-sums.js';

/** What `compile` resolved. */
export interface Compiled {
  readonly optimizer: Optimizer;
  readonly losses: readonly Loss[];
  readonly lossWeights: readonly number[];
  readonly metrics: readonly (readonly Metric[])[];
  /** Metrics weighted by the sample weights (`compile({ weightedMetrics })`), per output. */
  readonly weightedMetrics: readonly (readonly Metric[])[];
  readonly rules: readonly CompiledRule[];
  readonly outputNames: readonly string[];
}

/** What a step needs of the model. */
export interface StepModel {
  readonly graph: Graph;
  readonly weights: readonly LayerWeight[];
}

type MetricPart = { kind: 'metric'; key: string; finish?: NonNullable<Metric['stateful']>['finish'] };
type Part = { kind: 'data'; output: number } | { kind: 'penalty'; key: string } | MetricPart;

/**
 * Which number each entry of a step's raw vector is, and how raw entries sum into log keys:
 * `loss = data_loss + penalty`; `penalty` is the sum of every `penalty/...` key. The sum is
 * linear, so it is done in JavaScript on the (few) numbers read back, not on the device.
 */
export interface StepLayout {
  readonly id: string;
  readonly keys: readonly string[];
  /** Log values per key from raw entries (or from sums of raw entries). */
  aggregate(raw: ArrayLike<number>): number[];
  /** The stateful metrics' first entries, with what turns their entries into their values (see finishLogs). */
  readonly results: readonly MetricPart[];
}

function layoutId(parts: readonly Part[]): string {
  return parts.map((p) => (p.kind === 'data' ? `d${p.output}` : `${p.kind[0]}:${p.key}`)).join('|');
}

function buildLayout(id: string, parts: readonly Part[], outputNames: readonly string[]): StepLayout {
  const keys = ['loss', 'data_loss', 'penalty'];
  const add = (k: string) => {
    if (!keys.includes(k)) keys.push(k);
  };
  for (const p of parts) if (p.kind === 'penalty') add(p.key);
  if (outputNames.length > 1) for (const o of outputNames) add(`${o}_loss`);
  for (const p of parts) if (p.kind === 'metric') add(p.key);
  // For each raw entry, the keys it adds into.
  const targets: number[][] = parts.map(() => []);
  parts.forEach((p, r) => {
    const set = (k: string) => {
      targets[r]!.push(keys.indexOf(k));
    };
    if (p.kind === 'data') {
      set('loss');
      set('data_loss');
      if (outputNames.length > 1) set(`${outputNames[p.output]}_loss`);
    } else if (p.kind === 'penalty') {
      set('loss');
      set('penalty');
      set(p.key);
    } else set(p.key);
  });
  return {
    id,
    keys,
    results: parts.filter((p) => (p as MetricPart).finish) as MetricPart[],
    aggregate(raw) {
      const out = new Array<number>(keys.length).fill(0);
      targets.forEach((ks, r) => {
        for (const k of ks) out[k]! += raw[r]!;
      });
      return out;
    },
  };
}

/**
 * `x` unchanged, whose gradient also gets `scale * regularizer.gradient(x)`: an activity
 * penalty's analytic gradient, without recording the penalty's own ops on the tape.
 */
function withPenaltyGradient(x: tf.Tensor, regularizer: Regularizer, scale: number): tf.Tensor {
  const f = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => [tf.add(dy, tf.mul(regularizer.gradient!(saved!), scale))],
    };
  };
  return (tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor)(x);
}

/** Whether a regularizer's gradient is known without the tape: it has `asL1L2` or `gradient`. */
function analytic(regularizer: Regularizer | undefined): boolean {
  return typeof regularizer?.asL1L2 === 'function' || typeof regularizer?.gradient === 'function';
}

/** An activity term in training: the output, kept until the step's end, and its value once known. */
interface ActivityRecord {
  readonly output: tf.Tensor;
  readonly regularizer: Regularizer;
  readonly scale: number;
  value?: ScaledValue;
}

/**
 * `x` unchanged, whose gradient also gets `scale` times the gradient of an L1L2-form penalty; the
 * backward pass computes the penalty's value in the same pass and keeps it in `record`.
 */
function withL1L2Gradient(x: tf.Tensor, factors: L1L2Factors, record: ActivityRecord, constants: ConstantCache): tf.Tensor {
  const f = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => {
        const term = l1l2Term(saved!, factors, { gradient: dy, valueScale: record.scale, gradScale: record.scale, constants });
        tf.dispose(record.value?.value);
        record.value = { value: tf.keep(term.value), factor: term.factor };
        return [term.gradient!];
      },
    };
  };
  return (tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor) => tf.Tensor)(x);
}

/**
 * `engine.gradients`, plus the clean-up tfjs-core skips when the forward pass throws: the tape
 * it recorded keeps the tensors each node saved for the backward pass (copies marked `kept`),
 * and only a finished backward pass frees them. A loss or plugin that throws mid-step would
 * otherwise leak them on every failed step.
 */
function gradientsCleaningUp(f: () => tf.Tensor, xs: tf.Variable[]): { value: tf.Tensor; grads: (tf.Tensor | undefined)[] } {
  try {
    return tf.engine().gradients(f, xs, undefined, true) as { value: tf.Tensor; grads: (tf.Tensor | undefined)[] };
  } catch (error) {
    const state = tf.engine().state as unknown as { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
    if (state.gradientDepth === 0 && state.activeTape) {
      for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
      state.activeTape = null;
    }
    throw error;
  }
}

/** An activity term's value when the backward pass did not compute it. */
function activityValue(a: ActivityRecord, constants: ConstantCache): ScaledValue {
  const factors = a.regularizer.asL1L2?.();
  if (factors) return l1l2Term(a.output, factors, { valueScale: a.scale, constants });
  return { value: a.regularizer.apply(a.output), factor: a.scale };
}

/**
 * The log keys of the metrics, as Keras 3 names them: `<output>_<name>` when the model has several
 * outputs; a second metric of the same key gets `_1` (then `_2`, ...); a weighted metric whose key
 * an unweighted one has gets `weighted_<name>`.
 */
function metricKeys(compiled: Compiled): { plain: string[][]; weighted: string[][] } {
  const { outputNames } = compiled;
  const seen = new Map<string, number>();
  const unique = (key: string): string => {
    const n = seen.get(key);
    seen.set(key, (n ?? 0) + 1);
    return n === undefined ? key : `${key}_${n}`;
  };
  const keyOf = (output: number, name: string) => (outputNames.length > 1 ? `${outputNames[output]}_${name}` : name);
  const plain = compiled.metrics.map((list, i) => list.map((m) => unique(keyOf(i, m.name))));
  const weighted = compiled.weightedMetrics.map((list, i) =>
    list.map((m) => (seen.has(keyOf(i, m.name)) ? unique(keyOf(i, `weighted_${m.name}`)) : unique(keyOf(i, m.name)))),
  );
  return { plain, weighted };
}

/** Runs training and evaluation steps. */
export class StepRunner {
  readonly #model: StepModel;
  readonly #compiled: Compiled;
  readonly #layouts = new Map<string, StepLayout>();
  readonly #metricKeys: { plain: string[][]; weighted: string[][] };
  /** The layer calls in the order the forward pass meets them, nested models' layers included. */
  readonly #steps: readonly Step[];
  /** Every layer once, nested models' too (for their addLoss terms). */
  readonly #layers: readonly Layer[];
  /** Penalty factors as scalars, uploaded once per fit instead of once per term and step. */
  readonly #constants = new ConstantCache();
  /** The losses and metrics weighed by the outputs' masks, when an output carries one. */
  readonly #masked: MaskedScores | undefined;

  constructor(model: StepModel, compiled: Compiled) {
    this.#model = model;
    this.#compiled = compiled;
    this.#metricKeys = metricKeys(compiled);
    // The graph is fixed for a runner (one fit or evaluation): walked once, not on every step.
    this.#steps = observedSteps(model.graph);
    this.#layers = allLayers(model.graph);
    this.#masked = findFeature('masking')?.scores(model.graph, compiled);
  }

  /**
   * One batch: the forward pass, data losses, every penalty term and the metrics; with `train`,
   * also the gradients and one optimizer step. Returns the batch's log vector (keys in `keys`).
   * Nothing is read back from the device.
   */
  run(xs: readonly tf.Tensor[], ys: readonly tf.Tensor[], sampleWeight: tf.Tensor | undefined, train: boolean): { vector: tf.Tensor1D; layout: StepLayout } {
    const { graph } = this.#model;
    const { losses, lossWeights, metrics, weightedMetrics, outputNames, optimizer } = this.#compiled;
    const terms = weightTerms(this.#model.weights, this.#compiled.rules);
    // A regularizer's analytic gradient is added straight to the weight's gradient, so its
    // penalty stays off the tape; an L1L2-form one is computed in fused kernels.
    const fast = train ? terms.filter((t) => analytic(t.regularizer)) : [];
    const constants = this.#constants;
    const taped = terms.filter((t) => !fast.includes(t));
    const vars = train ? this.#model.weights.filter((w) => w.trainable) : [];

    // In training, an activity regularizer with an analytic gradient adds that gradient to its
    // layer's output gradient directly, and its value is computed off the tape.
    const fastActivity = (layer: Layer) => train && vars.length > 0 && analytic(layer.activityRegularizer);
    const parts: Part[] = [];
    const steps = this.#steps;
    // The activity terms computed on the tape come first, those computed off it last.
    const activityParts = (offTape: boolean) => {
      for (const { layer, node } of steps) {
        if (layer.activityRegularizer && fastActivity(layer) === offTape) for (let i = 0; i < node.outputs.length; i++) parts.push({ kind: 'penalty', key: `penalty/${layer.name}/activity` });
      }
    };
    const weightParts = (list: readonly WeightTerm[]) => {
      for (const t of list) parts.push({ kind: 'penalty', key: `penalty/${t.path}` });
    };
    activityParts(false);
    outputNames.forEach((_, i) => parts.push({ kind: 'data', output: i }));
    weightParts(taped);
    const customs: { layer: Layer; fn: () => tf.Scalar }[] = [];
    for (const layer of this.#layers) {
      for (const c of layer.losses) {
        customs.push({ layer, fn: c.fn });
        parts.push({ kind: 'penalty', key: `penalty/${layer.name}/${c.name}` });
      }
    }
    // A weighted metric is two entries: the weighted values' mean and the weights' mean (their
    // sums over the epoch divide into the metric; see finishLogs).
    // With masks, a plain metric is a weighted one too (weighted by the mask).
    // A stateful metric is one entry per column: the first under its key, the others hidden.
    const masked = this.#masked;
    const metricParts = (keys: readonly string[][], lists: readonly (readonly Metric[])[], weighted: unknown) =>
      keys.forEach((list, i) =>
        list.forEach((key, j) => {
          const s = lists[i]![j]!.stateful;
          parts.push({ kind: 'metric', key, finish: s?.finish });
          for (let c = 1; c < (s?.size(ys[i]!) ?? 1); c++) parts.push({ kind: 'metric', key: key + STAT + c });
          if (weighted) parts.push({ kind: 'metric', key: WEIGHTS_OF + key });
        }),
      );
    metricParts(this.#metricKeys.plain, metrics, masked);
    metricParts(this.#metricKeys.weighted, weightedMetrics, 1);
    weightParts(fast);
    activityParts(true);
    // The layout only changes when the terms do (a regularizer set mid-training): build it once.
    const id = layoutId(parts);
    let layout = this.#layouts.get(id);
    if (!layout) {
      layout = buildLayout(id, parts, outputNames);
      this.#layouts.set(id, layout);
    }

    const vector = tf.tidy(() => {
      // The forward pass returns the loss entries; the outputs are kept for the metrics, which
      // are computed off the tape (argMax and equal have no gradient, and need none).
      let outputs: tf.Tensor[] = [];
      const activityOutputs: ActivityRecord[] = [];
      const forward = (): tf.Tensor1D => {
        const values: tf.Scalar[] = [];
        const outs = runGraph(graph, xs, { training: train }, (layer, layerOutputs) => {
          const reg = layer.activityRegularizer;
          if (!reg) return undefined;
          if (!fastActivity(layer)) {
            for (const o of layerOutputs) values.push(tf.div(reg.apply(o), o.shape[0] ?? 1) as tf.Scalar);
            return undefined;
          }
          return layerOutputs.map((o) => {
            // The value is computed in or after the backward pass, off the tape (no saved copies).
            const record: ActivityRecord = { output: tf.keep(o), regularizer: reg, scale: 1 / (o.shape[0] ?? 1) };
            activityOutputs.push(record);
            const factors = reg.asL1L2?.();
            return factors ? withL1L2Gradient(o, factors, record, constants) : withPenaltyGradient(o, reg, record.scale);
          });
        }, true);
        outs.forEach((o, i) => {
          const loss = (masked ? masked.loss(i, ys[i]!, o, sampleWeight, train) : losses[i]!.apply(ys[i]!, o, sampleWeight)) as tf.Scalar;
          values.push(lossWeights[i] === 1 ? loss : (tf.mul(loss, lossWeights[i]!) as tf.Scalar));
        });
        for (const t of taped) values.push(t.regularizer.apply(t.weight.variable));
        for (const c of customs) values.push(c.fn());
        outputs = train ? outs.map((o) => tf.keep(o)) : outs;
        return tf.stack(values) as tf.Tensor1D;
      };
      const metricValues = (): tf.Tensor[] => {
        if (masked) return masked.metrics(ys, outputs, sampleWeight);
        // Transposed, a plain metric's values ([batch], or [batch, 1]) and a stateful one's columns
        // ([rows, columns]) have the samples on the last axis: one mean per plain metric or column.
        const perSample = (m: Metric, i: number) => {
          const v = m.perSample(ys[i]!, outputs[i]!);
          // A [batch] vector is already samples-last: no transpose (an Identity kernel per metric and step).
          return v.rank > 1 ? tf.transpose(v) : v;
        };
        const values: tf.Tensor[] = [];
        metrics.forEach((list, i) => {
          for (const m of list) values.push(tf.mean(perSample(m, i), -1));
        });
        let weightMean: tf.Scalar | undefined;
        weightedMetrics.forEach((list, i) => {
          if (list.length) weightMean ??= sampleWeight ? (tf.mean(sampleWeight) as tf.Scalar) : constants.get(1);
          for (const m of list) {
            const per = perSample(m, i);
            values.push(tf.mean(sampleWeight ? tf.mul(per, tf.reshape(sampleWeight, [-1])) : per, -1), weightMean!);
          }
        });
        return values;
      };

      // One entry per plain metric, one per column of a stateful metric.
      const flat = (values: tf.Tensor[]) => tf.concat(values.map((v) => tf.reshape(v, [-1]))) as tf.Tensor1D;
      const entries: tf.Tensor1D[] = [];
      if (train && vars.length > 0) {
        try {
          const { value, grads } = gradientsCleaningUp(forward, vars.map((w) => w.variable));
          entries.push(value as tf.Tensor1D);
          const updates: { weight: LayerWeight; gradient: tf.Tensor }[] = [];
          const fastValues: ScaledValue[] = [];
          vars.forEach((w, i) => {
            let g = grads[i] as tf.Tensor | null | undefined;
            for (const t of fast) {
              if (t.weight !== w) continue;
              const factors = t.regularizer.asL1L2?.();
              if (factors) {
                const term = l1l2Term(w.variable, factors, { gradient: g ?? tf.zerosLike(w.variable), constants });
                fastValues.push(term);
                g = term.gradient;
                continue;
              }
              fastValues.push({ value: t.regularizer.apply(w.variable), factor: 1 });
              const pg = t.regularizer.gradient!(w.variable);
              g = g ? tf.add(g, pg) : pg;
            }
            if (g) updates.push({ weight: w, gradient: g });
          });
          // Metrics before the update: a metric that throws (a user's function) leaves the weights
          // and the optimizer as they were.
          const metricsNow = metricValues();
          optimizer.applyGradients(updates);
          for (const w of vars) {
            if (w.constraint) w.variable.assign(w.constraint.apply(w.variable));
          }
          if (metricsNow.length) entries.push(flat(metricsNow));
          // Weight terms, then activity terms (the layout's order), scaled together.
          const offTape = [...fastValues, ...activityOutputs.map((a) => a.value ?? activityValue(a, constants))];
          if (offTape.length) entries.push(scaledStack(offTape, constants));
        } finally {
          tf.dispose(outputs);
          masked?.release();
          tf.dispose(activityOutputs.flatMap((a) => (a.value ? [a.output, a.value.value] : [a.output])));
        }
      } else {
        entries.push(forward());
        const metricsNow = metricValues();
        if (metricsNow.length) entries.push(flat(metricsNow));
        tf.dispose(train ? outputs : []);
        masked?.release();
      }
      return entries.length === 1 ? entries[0]! : (tf.concat(entries) as tf.Tensor1D);
    });
    return { vector, layout };
  }

  dispose(): void {
    this.#layouts.clear();
    this.#constants.dispose();
  }
}
