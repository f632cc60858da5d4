import { RidgeError, describeValue } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import { prepare, sameLength, toHost, type HostData, type ModelData, type Prepared, type Slot, type TensorLike } from './data.js';
import type { ModelInternals } from './features.js';
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

/** Throws INVALID_DATA at the first weight that is negative, NaN or infinite. */
function checkWeights(v: ArrayLike<number>, argument: string, method: string): void {
  for (let i = 0; i < v.length; i++) {
    const w = v[i]!;
    if (!(w >= 0 && w < Infinity)) {
      throw new RidgeError('INVALID_DATA', `${method}: ${argument}[${i}] is ${describeValue(w)}; ${WEIGHT_RULE}.`, { argument, index: i, received: w });
    }
  }
}

/** One weight per sample, as a host copy checked finite and >= 0 (one read, as for x and y). */
export function sampleWeight(value: ModelData, n: number, argument: string, method: string): Prepared {
  const p = prepare(value, [{ name: 'sampleWeight', shape: [n] }], argument, 'none', method);
  try {
    const host = toHost(p.tensors[0]!);
    checkWeights(host.values, argument, method);
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
    if (bad) checkWeights(t.dataSync() as ArrayLike<number>, where, 'fit');
  } else {
    checkWeights((typeof given === 'number' ? [given] : given) as ArrayLike<number>, where, 'fit');
  }
}

/**
 * Per-sample weights from class weights, read from the labels' host copy. The classes are the
 * labels' columns when they are one-hot; for class indices, the output's units when it has more
 * than one (a softmax over classes). With one unit (binary labels, or a regression whose labels
 * are used as classes) or an output of unknown size the indices are not checked.
 */
function classWeights(y: HostData, classWeight: Readonly<Record<number, number>>, output: Slot): HostData {
  if (output.shape && output.shape.length > 2) {
    // Keras 3 would take labels [n, time] as one-hot rows and weigh each sample by its argmax over time.
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `fit: classWeight weighs each sample by its one class, but the output '${output.name}' has shape [${output.shape.map((d) => d ?? 'null').join(', ')}], ` +
        `a sequence whose labels (y of shape [${y.shape.join(', ')}]) hold a class per time step. Remove classWeight; pass sampleWeight, one weight per sample, instead.`,
      { argument: 'classWeight', output: output.name, received: classWeight },
    );
  }
  const oneHot = y.shape.length === 2 && y.shape[1]! > 1;
  const units = output.shape?.[output.shape.length - 1];
  const classes = oneHot ? y.shape[1]! : typeof units === 'number' && units > 1 ? units : undefined;
  if (!(y.shape.length === 1 || (y.shape.length === 2 && (oneHot || y.shape[1] === 1)))) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `fit: classWeight needs y of shape [n], [n, 1] (class indices) or [n, classes] (one-hot); received [${y.shape.join(', ')}].`,
      { argument: 'classWeight' },
    );
  }
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
  const n = y.shape[0]!;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let label = 0;
    if (oneHot) {
      // argMax of the row, first maximum as tf.argMax
      for (let c = 1; c < y.rowSize; c++) if (y.values[i * y.rowSize + c]! > y.values[i * y.rowSize + label]!) label = c;
    } else label = Math.round(y.values[i]!);
    weights[i] = classWeight[label] ?? 1;
  }
  return { values: weights, rowSize: 1, shape: [n], dtype: 'float32' };
}

/**
 * The per-sample weights of a fit on `n` samples: `sampleWeight`, times `classWeight` read from
 * the first output's labels. The tensors it creates are in `owned` (disposed here on error).
 */
export function fitWeights(args: FitArgs, ys: readonly HostData[], n: number, model: Pick<ModelInternals, 'graph' | 'outputSlots'>): { weights: HostData; owned: tf.Tensor[] } {
  const shapes = model.graph().outputs;
  const outputs: Slot[] = model.outputSlots().map((slot, i) => ({ name: slot.name, shape: shapes[i]?.shape }));
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
  if (args.sampleWeight !== undefined) sw = sampleWeight(args.sampleWeight, n, 'sampleWeight', 'fit');
  try {
    let weights = sw?.host[0];
    if (args.classWeight !== undefined) {
      if (typeof args.classWeight !== 'object' || args.classWeight === null) throw new RidgeError('INVALID_ARGUMENT', `fit: classWeight must be a record of class index to weight; received ${describeValue(args.classWeight)}.`, { argument: 'classWeight' });
      const cw = classWeights(ys[0]!, args.classWeight, outputs[0]!);
      if (weights) {
        for (let i = 0; i < n; i++) {
          const product = Math.fround(cw.values[i]! * weights.values[i]!);
          if (product === Infinity) {
            throw new RidgeError(
              'INVALID_DATA',
              `fit: sampleWeight[${i}] (${describeValue(weights.values[i])}) times its classWeight (${describeValue(cw.values[i])}) is Infinity in float32; ${WEIGHT_RULE}; scale the weights down.`,
              { argument: 'sampleWeight', index: i, received: weights.values[i] },
            );
          }
          cw.values[i] = product;
        }
      }
      weights = cw;
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
  slots: Pick<ModelInternals, 'inputSlots' | 'outputSlots'>,
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
    const n = sameLength(xs, ys, 'fit: validationData', 'validationData');
    const sw = vw === undefined ? undefined : own(sampleWeight(vw, n, 'validationData[2]', 'fit'))[0];
    return { xs, ys, sw, owned };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}
