import { RidgeError, describeValue, mustBeError, type Regularizer } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { checkOptions, who } from '../engine/errors.js';
import type { Layer } from '../engine/layer.js';
import type { Logs } from './callbacks.js';
import { IndexBatches, checkFiniteOnDevice, prepare, sameLength, toHost, type ModelData, type Prepared } from './data.js';
import { checkInteger, evaluateBatches } from './evaluate.js';
import { feature, type ModelInternals } from './features.js';
import { allLayers, runGraph } from './graph.js';
import type { EvaluateArgs, Model, PenaltyReport, PenaltyTerm, PredictArgs } from './model.js';
import { weightTerms } from './regularization.js';
import { StepRunner } from './step.js';

/*
 * `model.predict`, `model.evaluate`, `model.penalties` and `model.getLayer`, for the inference feature
 * (`@ridge/layers/inference`). Fit's own validation pass does not use this module.
 */

/** Loss, data loss, every penalty term and the metrics on data, computed as in training. */
export function evaluate(model: Model, internals: ModelInternals, x: ModelData, y: ModelData, args: EvaluateArgs): Logs {
  checkOptions('evaluate', args, ['batchSize', 'sampleWeight', 'verbose']);
  const progress = progressFor('evaluate', args.verbose);
  internals.beforeData(x, 'evaluate');
  const compiled = internals.compiled('evaluate');
  const batchSize = checkInteger('evaluate', 'batchSize', args.batchSize ?? 32, 1);
  const start = performance.now();
  const xs = prepare(x, internals.inputSlots(), 'x', 'host', 'evaluate');
  let ys: Prepared | undefined;
  let sw: Prepared | undefined;
  const runner = new StepRunner({ graph: internals.graph(), weights: model.weights }, compiled);
  try {
    ys = prepare(y, internals.outputSlots(), 'y', 'host', 'evaluate');
    const n = sameLength(xs.tensors, ys.tensors, 'evaluate', 'y', model.outputNames);
    if (args.sampleWeight !== undefined) sw = feature('data', 'evaluate({ sampleWeight })').sampleWeight(args.sampleWeight, ys.tensors, 'sampleWeight', 'evaluate', internals);
    const logs = evaluateBatches(runner, xs.host, ys.host, sw?.host[0], batchSize);
    progress?.summary(Math.ceil(n / batchSize), n, (performance.now() - start) / 1000, logs);
    return logs;
  } finally {
    runner.dispose();
    tf.dispose([...xs.owned, ...(ys?.owned ?? []), ...(sw?.owned ?? [])]);
  }
}

/** The progress feature for `verbose: 1 | 2` of `call`; undefined for 0 (the default). */
function progressFor(call: 'evaluate' | 'predict', verbose: unknown) {
  if (verbose === undefined || verbose === 0) return undefined;
  if (verbose !== 1 && verbose !== 2) throw mustBeError(`${call}: verbose`, verbose, '0, 1 or 2', { argument: 'verbose' });
  return feature('progress', `${call}({ verbose: ${verbose} })`);
}

/** Outputs for inputs, in inference mode, batch by batch. One tensor per output. */
export function predict(_model: Model, internals: ModelInternals, x: ModelData, args: PredictArgs): tf.Tensor | tf.Tensor[] {
  checkOptions('predict', args, ['batchSize', 'verbose']);
  const progress = progressFor('predict', args.verbose);
  internals.beforeData(x, 'predict');
  const batchSize = checkInteger('predict', 'batchSize', args.batchSize ?? 32, 1);
  const start = performance.now();
  const xs = prepare(x, internals.inputSlots(), 'x', 'none', 'predict');
  try {
    const graph = internals.graph();
    const n = xs.tensors[0]!.shape[0]!;
    const batches = new IndexBatches(n, batchSize);
    const chunks: tf.Tensor[][] = graph.outputs.map(() => []);
    const host = xs.tensors.map((t) => toHost(t));
    for (let b = 0; b < batches.count; b++) {
      const outs = tf.tidy(() => {
        const part = batches.take(host, b);
        return runGraph(graph, part, { training: false });
      });
      outs.forEach((o, i) => chunks[i]!.push(o));
    }
    const result = chunks.map((c) => {
      if (c.length === 1) return c[0]!;
      const joined = tf.concat(c);
      tf.dispose(c);
      return joined;
    });
    progress?.summary(batches.count, n, (performance.now() - start) / 1000);
    return result.length === 1 ? result[0]! : result;
  } finally {
    tf.dispose(xs.owned);
  }
}

/**
 * Every penalty term with its current value: one per regularized trainable weight (from the
 * layer or from the model-level rules), `addLoss` terms, and, given inputs, one per activity
 * regularizer (divided by the batch size, as in training).
 */
export function penalties(model: Model, internals: ModelInternals, x: ModelData | undefined): PenaltyReport {
  const rules = internals.rules();
  const terms: PenaltyTerm[] = [];
  const describe = (r: Regularizer) => ({ regularizer: r.className, config: r.getConfig() });
  const values: tf.Scalar[] = [];
  const meta: Omit<PenaltyTerm, 'value'>[] = [];
  const xs = x === undefined ? undefined : prepare(x, internals.inputSlots(), 'x', checkFiniteOnDevice, 'penalties');
  try {
    tf.tidy(() => {
      for (const t of weightTerms(model.weights, rules)) {
        meta.push({ path: t.path, kind: 'weight', source: t.source, ...describe(t.regularizer) });
        values.push(tf.keep(t.regularizer.apply(t.weight.variable)));
      }
      const graph = internals.graph();
      for (const layer of allLayers(graph)) {
        for (const c of layer.losses) {
          meta.push({ path: `${layer.name}/${c.name}`, kind: 'custom', source: 'layer', regularizer: c.name, config: undefined });
          values.push(tf.keep(c.fn()));
        }
      }
      if (xs) {
        runGraph(graph, xs.tensors, { training: false }, (layer, outs) => {
          const reg = layer.activityRegularizer;
          if (!reg) return;
          for (const o of outs) {
            meta.push({ path: `${layer.name}/activity`, kind: 'activity', source: 'layer', ...describe(reg) });
            values.push(tf.keep(tf.div(reg.apply(o), o.shape[0] ?? 1) as tf.Scalar));
          }
        });
      }
    });
    const stacked = values.length ? tf.stack(values) : undefined;
    const numbers = stacked ? Array.from(stacked.dataSync()) : [];
    stacked?.dispose();
    numbers.forEach((v, i) => terms.push({ ...meta[i]!, value: v }));
    return { total: numbers.reduce((a, b) => a + b, 0), terms };
  } finally {
    tf.dispose(values);
    if (xs) tf.dispose(xs.owned);
  }
}

/** A layer by name or by index in `model.layers`. */
export function getLayer(model: Model, nameOrIndex: string | number): Layer {
  const layers = model.layers;
  const found = typeof nameOrIndex === 'number' ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
  if (!found) {
    throw new RidgeError(
      'UNKNOWN_NAME',
      `${who(model)}: no layer ${describeValue(nameOrIndex)}; layers: ${layers.map((l) => l.name).join(', ')}.`,
      { argument: 'nameOrIndex', received: nameOrIndex },
    );
  }
  return found;
}
