import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { formatShape } from '../engine/shape.js';
import { prepare, sameLength, toHost, type HostData, type ModelData, type Prepared, type Slot, type TensorLike } from './data.js';
import { feature, type ModelInternals } from './features.js';
import type { FitArgs } from './fit.js';

/*
 * Data in other forms than tensors, for the data feature (`@ridge/layers/data`): nested arrays,
 * typed arrays and numbers become tensors here, and sample and class weights become per-sample
 * weights. The fit loop over batch iterables is in fit-iterable.ts.
 */

/** Nested arrays must be rectangular: every array at one depth has the same length. */
function checkRectangular(value: readonly unknown[], argument: string): void {
  const lengths: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (!Array.isArray(v)) {
      if (depth < lengths.length) {
        throw new RidgeError('INVALID_DATA', `${argument}${path} is a number where an array of ${lengths[depth]} was expected; nested arrays must be rectangular.`, { argument });
      }
      return;
    }
    if (lengths[depth] === undefined) lengths[depth] = v.length;
    else if (lengths[depth] !== v.length) {
      throw new RidgeError(
        'INVALID_DATA',
        `${argument}${path} has ${v.length} entries where the others at that depth have ${lengths[depth]}; nested arrays must be rectangular.`,
        { argument },
      );
    }
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
}

function checkNumbers(value: readonly unknown[], argument: string): void {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (typeof v !== 'number' && typeof v !== 'boolean') {
      throw new RidgeError('INVALID_DATA', `${argument} must hold only numbers; found ${describeValue(v)}.`, { argument, received: v });
    } else if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new RidgeError('INVALID_DATA', `${argument} holds ${describeValue(v)}; data must be finite. Clean or impute it first.`, {
        argument,
        received: v,
      });
    }
  }
}

/** A tensor from nested arrays (checked numeric, finite and rectangular), a typed array or a number. */
export function tensorFrom(value: Exclude<TensorLike, tf.Tensor>, argument: string, dtype: tf.DataType): tf.Tensor {
  if (Array.isArray(value)) {
    checkNumbers(value, argument);
    checkRectangular(value, argument);
  }
  try {
    return tf.tensor(value as number[], undefined, dtype);
  } catch (error) {
    throw new RidgeError(
      'INVALID_DATA',
      `${argument} could not become a tensor (${(error as Error).message}); nested arrays must be rectangular.`,
      { argument },
    );
  }
}

/** The shape of nested arrays, read along the first elements. */
export function nestedShape(value: readonly unknown[]): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/*
 * Weights of fit and evaluate must be finite and >= 0 (Ridge's choice; Keras accepts any): a
 * negative weight flips the sign of a sample's loss, so training would maximise it, and weighted
 * metrics divide by the sum of the weights. Zero is allowed: it leaves a sample out.
 */
const WEIGHT_RULE = 'weights must be finite and >= 0; use 0 to leave a sample out';

/** Where flat entry `i` of an array of shape `shape` is: `[5]`, or `[1][2]` for a weight per step. */
function at(i: number, shape: readonly number[]): string {
  let out = '';
  for (let d = shape.length - 1; d > 0; d--) {
    out = `[${i % shape[d]!}]${out}`;
    i = Math.floor(i / shape[d]!);
  }
  return `[${i}]${out}`;
}

/** Throws INVALID_DATA at the first weight that is negative, NaN or infinite. */
function checkWeights(v: ArrayLike<number>, argument: string, method: string, shape: readonly number[] = [v.length]): void {
  for (let i = 0; i < v.length; i++) {
    const w = v[i]!;
    if (!(w >= 0 && w < Infinity)) {
      throw new RidgeError('INVALID_DATA', `${method}: ${argument}${at(i, shape)} is ${describeValue(w)}; ${WEIGHT_RULE}.`, { argument, index: shape.length > 1 ? at(i, shape) : i, received: w });
    }
  }
}

/** The outputs of a model, with their shapes from the graph (for weights per step). */
function outputsOf(model: Pick<ModelInternals, 'graph' | 'outputSlots'>): Slot[] {
  const shapes = model.graph().outputs;
  return model.outputSlots().map((slot, i) => ({ name: slot.name, shape: shapes[i]?.shape }));
}

/**
 * The shape of an output's losses per step, as Keras's losses give them (reduced over the last axis
 * only): for an output of rank r, the labels' first r - 1 axes, with the output's sizes where it
 * has them. `[n]` for an output `[batch, units]`, `[n, time]` for `[batch, time, classes]`.
 */
function lossShape(y: readonly number[], output: Slot): number[] {
  const rank = output.shape?.length ?? 2;
  return y.slice(0, Math.max(1, rank - 1)).map((d, i) => (i > 0 ? (output.shape?.[i] ?? d) : d));
}

/**
 * Checks a sample weight of rank 2 or more: a weight per step, as Keras 3 weighs them (its loss
 * multiplies the losses by the weight and sums; a weight must have a prefix of the losses' shape).
 * Only a model with one output takes one (Keras asks for a weight per output otherwise), and it
 * needs the masking feature, which scores losses and metrics per step.
 */
function checkStepWeights(shape: readonly number[], ys: readonly { readonly shape: readonly number[] }[], outputs: readonly Slot[], argument: string, method: string): void {
  const n = ys[0]!.shape[0]!;
  if (outputs.length > 1) {
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `${method}: ${argument} has shape ${formatShape(shape)}, a weight per step, but the model has ${outputs.length} outputs (${outputs.map((o) => `'${o.name}'`).join(', ')}); ` +
        `as in Keras, one sample weight for several outputs holds one weight per sample. Pass ${argument} of shape [${n}].`,
      { argument, received: [...shape], expected: [n] },
    );
  }
  const output = outputs[0]!;
  const steps = lossShape(ys[0]!.shape, output);
  const prefixes = steps.map((_, i) => formatShape(steps.slice(0, i + 1)));
  if (shape.length > steps.length || formatShape(shape) !== prefixes[shape.length - 1]) {
    throw new RidgeError(
      'SHAPE_MISMATCH',
      `${method}: ${argument} has shape ${formatShape(shape)}, but the output '${output.name}' has shape ${formatShape(output.shape ?? [])}, so its losses are ${formatShape(steps)} ` +
        `(one per ${steps.length > 1 ? 'step' : 'sample'}); a weight needs a prefix of that shape: ${prefixes.join(' or ')}.`,
      { argument, received: [...shape], expected: steps, output: output.name },
    );
  }
  feature('masking', `${method}() with ${argument} of shape ${formatShape(shape)} (a weight per step)`);
}

/** The rank of data before it becomes a tensor (nested arrays are read along their first elements). */
function rankOf(value: ModelData): number {
  return value instanceof tf.Tensor ? value.rank : Array.isArray(value) ? nestedShape(value).length : ArrayBuffer.isView(value) ? 1 : 0;
}

/**
 * Sample weights for labels `ys`, as a host copy checked finite and >= 0 (one read, as for x and
 * y): one per sample, `[n]`, or one per step of the output's losses, `[n, time]` (any prefix of
 * their shape).
 */
export function sampleWeight(
  value: ModelData,
  ys: readonly { readonly shape: readonly number[] }[],
  argument: string,
  method: string,
  model: Pick<ModelInternals, 'graph' | 'outputSlots'>,
): Prepared {
  const steps = rankOf(value) > 1;
  const p = prepare(value, [{ name: 'sampleWeight', shape: steps ? undefined : [ys[0]!.shape[0]!] }], argument, 'none', method);
  try {
    const host = toHost(p.tensors[0]!);
    if (steps) checkStepWeights(host.shape, ys, outputsOf(model), argument, method);
    checkWeights(host.values, argument, method, host.shape);
    return { ...p, host: [host] };
  } catch (error) {
    tf.dispose(p.owned);
    throw error;
  }
}

/**
 * Checks a batch's weights from `fit(batches)` (a `prepare` check, in place of
 * `checkFiniteOnDevice`): a tensor with one reduction and one scalar read, as xs and ys; other
 * forms on the values given. The values are read back only to name the first bad weight.
 */
export function checkBatchWeights(t: tf.Tensor, given: TensorLike, where: string): void {
  if (given instanceof tf.Tensor) {
    const bad = tf.tidy(() => tf.any(tf.logicalOr(tf.logicalNot(tf.isFinite(t)), tf.less(t, 0))).dataSync()[0]);
    if (bad) checkWeights(t.dataSync() as ArrayLike<number>, where, 'fit', t.shape);
  } else {
    // Nested arrays of weights per step are read back from the tensor; flat forms as given.
    checkWeights((t.rank > 1 ? t.dataSync() : typeof given === 'number' ? [given] : given) as ArrayLike<number>, where, 'fit', t.shape);
  }
}

/** A batch's weights from `fit(batches)`, checked as `sampleWeight` checks them (per sample or per step) against the batch's labels. */
export function batchWeights(value: TensorLike, ys: readonly tf.Tensor[], where: string, model: Pick<ModelInternals, 'graph' | 'outputSlots'>): Prepared {
  const steps = rankOf(value) > 1;
  const p = prepare(value, [{ name: 'sampleWeight', shape: steps ? undefined : [ys[0]!.shape[0]!] }], where, checkBatchWeights, 'fit');
  try {
    if (steps) checkStepWeights(p.tensors[0]!.shape, ys, outputsOf(model), where, 'fit');
    return p;
  } catch (error) {
    tf.dispose(p.owned);
    throw error;
  }
}

/**
 * Weights from class weights, read from the labels' host copy: one per sample, or, for a sequence
 * output (rank 3 or more, `[batch, time, classes]`), one per step. Keras 3 reads the class of each
 * label the same way in both cases (`make_class_weight_map_fn`, `class_weight_to_sample_weights`):
 * the argmax along the labels' last axis when it is longer than 1 (one-hot, so one-hot labels
 * `[n, time, classes]` give a class per step), else the label rounded (`[n, 1]`, `[n, time, 1]`).
 * Labels without a class axis, `[n]`, or `[n, time]` for a sequence, are class indices, one per
 * sample or per step (Keras would take `[n, time]` for one-hot rows and weigh each sample by the
 * argmax over time; Ridge knows the output has a class axis that these labels lack).
 * The classes are the labels' last axis when one-hot; for class indices, the output's units when
 * it has more than one (a softmax over classes). With one unit (binary labels, or a regression
 * whose labels are used as classes) or an output of unknown size the indices are not checked.
 */
function classWeights(y: HostData, classWeight: Readonly<Record<number, number>>, output: Slot): HostData {
  const rank = output.shape?.length ?? 2;
  const steps = lossShape(y.shape, output);
  const sequence = rank > 2;
  const stepsOk = steps.length === Math.max(1, rank - 1) && y.shape.slice(0, steps.length).join() === steps.join();
  const withClassAxis = y.shape.length === steps.length + 1;
  const last = y.shape[y.shape.length - 1]!;
  const oneHot = withClassAxis && last > 1;
  if (!stepsOk || !(y.shape.length === steps.length || withClassAxis)) {
    const lead = sequence ? `n, ${output.shape!.slice(1, -1).map((d) => d ?? 'time').join(', ')}` : 'n';
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `fit: classWeight needs y of shape [${lead}], [${lead}, 1] (class indices) or [${lead}, classes] (one-hot)` +
        (sequence ? `, a class per step of the output '${output.name}' (shape ${formatShape(output.shape!)})` : '') +
        `; received [${y.shape.join(', ')}].`,
      { argument: 'classWeight' },
    );
  }
  const units = output.shape?.[output.shape.length - 1];
  const classes = oneHot ? last : typeof units === 'number' && units > 1 ? units : undefined;
  for (const [cls, w] of Object.entries(classWeight)) {
    if (!/^\d+$/.test(cls) || typeof w !== 'number') {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `fit: classWeight must map class indices to finite weights >= 0; received ${describeValue(cls)}: ${describeValue(w)}.`,
        { argument: 'classWeight', received: classWeight },
      );
    }
    // Weights are float32: 1e39 is finite here but Infinity there.
    if (!(w >= 0 && Number.isFinite(Math.fround(w)))) {
      const float32 = Number.isFinite(w) && w >= 0 ? ' (Infinity in float32)' : '';
      // INVALID_ARGUMENT, as before: class weights are an option, not data.
      throw new RidgeError('INVALID_ARGUMENT', `fit: classWeight[${cls}] is ${describeValue(w)}${float32}; ${WEIGHT_RULE}.`, {
        argument: 'classWeight',
        index: Number(cls),
        received: w,
      });
    }
    if (classes !== undefined && Number(cls) >= classes) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `fit: classWeight[${cls}] (${describeValue(w)}) names class ${cls}, but there are ${classes} classes, 0 to ${classes - 1}: ` +
          (oneHot ? `y is one-hot with ${classes} columns` : `y holds class indices and the output '${output.name}' has ${units} units`) +
          '. Remove that key or fix the class index.',
        { argument: `classWeight[${cls}]`, index: Number(cls), received: w, classes },
      );
    }
  }
  // One label per entry of `steps`: `size` values each (the one-hot row, or the index).
  const size = withClassAxis ? last : 1;
  const count = y.values.length / size;
  const weights = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let label = 0;
    if (oneHot) {
      // argMax of the row, first maximum as tf.argMax
      for (let c = 1; c < size; c++) if (y.values[i * size + c]! > y.values[i * size + label]!) label = c;
    } else label = Math.round(y.values[i]!);
    weights[i] = classWeight[label] ?? 1;
  }
  return { values: weights, rowSize: count / steps[0]!, shape: steps, dtype: 'float32' };
}

/**
 * The weights of a fit on `n` samples: `sampleWeight`, times `classWeight` read from the first
 * output's labels. Either may be per step (`[n, time]`); their product is then per step, a weight
 * per sample counting for each step of its sample. The tensors it creates are in `owned`
 * (disposed here on error).
 */
export function fitWeights(args: FitArgs, ys: readonly HostData[], n: number, model: Pick<ModelInternals, 'graph' | 'outputSlots'>): { weights: HostData; owned: tf.Tensor[] } {
  const outputs = outputsOf(model);
  if (args.classWeight !== undefined && outputs.length > 1) {
    // Keras refuses it too: one record of class weights cannot say which output's classes it means.
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `fit: classWeight works only for a model with one output, as in Keras; this model has ${outputs.length} outputs ` +
        `(${outputs.map((o) => `'${o.name}'`).join(', ')}). Remove classWeight and pass sampleWeight, the weight of each sample, instead.`,
      { argument: 'classWeight', received: args.classWeight, outputs: outputs.map((o) => o.name) },
    );
  }
  let sw: Prepared | undefined;
  if (args.sampleWeight !== undefined) sw = sampleWeight(args.sampleWeight, ys, 'sampleWeight', 'fit', model);
  try {
    let weights = sw?.host[0];
    if (args.classWeight !== undefined) {
      if (typeof args.classWeight !== 'object' || args.classWeight === null) throw new RidgeError('INVALID_ARGUMENT', `fit: classWeight must be a record of class index to weight; received ${describeValue(args.classWeight)}.`, { argument: 'classWeight' });
      const cw = classWeights(ys[0]!, args.classWeight, outputs[0]!);
      if (cw.shape.length > 1) feature('masking', 'fit() with classWeight on a sequence output (a weight per step)');
      if (weights) {
        // Both shapes are prefixes of the losses' shape: the longer one is the product's.
        const long = weights.values.length > cw.values.length ? weights : cw;
        const short = long === cw ? weights : cw;
        const values = new Float32Array(long.values.length);
        const per = long.values.length / short.values.length;
        for (let i = 0; i < values.length; i++) {
          const s = weights === long ? i : Math.floor(i / per);
          const c = cw === long ? i : Math.floor(i / per);
          const product = Math.fround(cw.values[c]! * weights.values[s]!);
          if (product === Infinity) {
            throw new RidgeError(
              'INVALID_DATA',
              `fit: sampleWeight${at(s, weights.shape)} (${describeValue(weights.values[s])}) times its classWeight (${describeValue(cw.values[c])}) is Infinity in float32; ${WEIGHT_RULE}; scale the weights down.`,
              { argument: 'sampleWeight', index: weights.shape.length > 1 ? at(s, weights.shape) : s, received: weights.values[s] },
            );
          }
          values[i] = product;
        }
        weights = { ...long, values, dtype: 'float32' };
      } else weights = cw;
    }
    return { weights: weights!, owned: sw?.owned ?? [] };
  } catch (error) {
    tf.dispose(sw?.owned ?? []);
    throw error;
  }
}

/** `fit({ validationData: [x, y] or [x, y, sampleWeight] })`, as host copies checked finite. */
export function validationData(
  value: NonNullable<FitArgs['validationData']>,
  slots: Pick<ModelInternals, 'inputSlots' | 'outputSlots' | 'graph'>,
): { xs: HostData[]; ys: HostData[]; sw: HostData | undefined; owned: tf.Tensor[] } {
  if (!Array.isArray(value) || value.length < 2) {
    throw new RidgeError('INVALID_ARGUMENT', `fit: validationData must be [x, y] or [x, y, sampleWeight]; received ${describeValue(value)}.`, { argument: 'validationData' });
  }
  const [vx, vy, vw] = value;
  const owned: tf.Tensor[] = [];
  const own = (p: Prepared) => {
    owned.push(...p.owned);
    return p.host;
  };
  try {
    const xs = own(prepare(vx, slots.inputSlots(), 'validationData[0]', 'host', 'fit'));
    const ys = own(prepare(vy, slots.outputSlots(), 'validationData[1]', 'host', 'fit'));
    sameLength(xs, ys, 'fit: validationData', 'validationData');
    const sw = vw === undefined ? undefined : own(sampleWeight(vw, ys, 'validationData[2]', 'fit', slots))[0];
    return { xs, ys, sw, owned };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}
