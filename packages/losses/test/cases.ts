import type { JsonObject, Loss } from '@ridge/core';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  CosineSimilarity,
  Hinge,
  Huber,
  KLDivergence,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  BinaryFocalCrossentropy,
  CategoricalFocalCrossentropy,
  CategoricalHinge,
  LogCosh,
  MeanAbsolutePercentageError,
  MeanSquaredLogarithmicError,
  Poisson,
  SquaredHinge,
} from '../src/base.js';

/** One valid batch of three samples per loss, and a config that differs from the defaults. */
export interface LossCase {
  readonly className: string;
  readonly create: (config?: JsonObject) => Loss;
  readonly nonDefault: JsonObject;
  readonly yTrue: number[] | number[][];
  readonly yPred: number[][];
  readonly trueDtype: 'float32' | 'int32';
}

const probs = [
  [0.2, 0.7, 0.1],
  [0.5, 0.25, 0.25],
  [0.1, 0.1, 0.8],
];
const oneHot = [
  [0, 1, 0],
  [1, 0, 0],
  [0, 0, 1],
];
const real = [
  [0.5, -1.25, 2],
  [1.5, 0.5, -0.5],
  [-3, 0.25, 1],
];
/** Mostly wrong: the focal losses down-weight confident right answers, so these keep them large. */
const wrongProbs = [
  [0.6, 0.1, 0.3],
  [0.2, 0.5, 0.3],
  [0.5, 0.4, 0.1],
];
/** No zero: percentage errors divide by |yTrue|. */
const nonZeroTarget = [
  [1, -1, 0.5],
  [0.25, 2, -0.5],
  [-1, 1, 3],
];
const realTarget = [
  [1, -1, 0.5],
  [0, 2, -0.5],
  [-1, 1, 3],
];

// Each class takes the JSON config its registry entry would pass it.
type Ctor = new (config: never) => Loss;
const make = (C: Ctor) => (config: JsonObject = {}) => new C(config as never);

export const CASES: readonly LossCase[] = [
  { className: 'CategoricalCrossentropy', create: make(CategoricalCrossentropy), nonDefault: { fromLogits: true, labelSmoothing: 0.1, axis: 1, reduction: 'sum' }, yTrue: oneHot, yPred: probs, trueDtype: 'float32' },
  { className: 'SparseCategoricalCrossentropy', create: make(SparseCategoricalCrossentropy), nonDefault: { fromLogits: true, reduction: 'none' }, yTrue: [1, 0, 2], yPred: probs, trueDtype: 'int32' },
  { className: 'BinaryCrossentropy', create: make(BinaryCrossentropy), nonDefault: { fromLogits: true, labelSmoothing: 0.2, axis: 1, reduction: 'sum' }, yTrue: [[0, 1, 1], [1, 0, 0], [1, 1, 0]], yPred: probs, trueDtype: 'float32' },
  { className: 'MeanSquaredError', create: make(MeanSquaredError), nonDefault: { reduction: 'sum' }, yTrue: realTarget, yPred: real, trueDtype: 'float32' },
  { className: 'MeanAbsoluteError', create: make(MeanAbsoluteError), nonDefault: { reduction: 'none' }, yTrue: realTarget, yPred: real, trueDtype: 'float32' },
  { className: 'Huber', create: make(Huber), nonDefault: { delta: 2.5, reduction: 'sum' }, yTrue: realTarget, yPred: real, trueDtype: 'float32' },
  { className: 'KLDivergence', create: make(KLDivergence), nonDefault: { reduction: 'none' }, yTrue: [[0.3, 0.3, 0.4], [0.1, 0.8, 0.1], [0.5, 0, 0.5]], yPred: probs, trueDtype: 'float32' },
  { className: 'Hinge', create: make(Hinge), nonDefault: { reduction: 'sum' }, yTrue: [[1, -1, 1], [-1, -1, 1], [1, 1, -1]], yPred: real, trueDtype: 'float32' },
  { className: 'CosineSimilarity', create: make(CosineSimilarity), nonDefault: { axis: 1, reduction: 'none' }, yTrue: realTarget, yPred: real, trueDtype: 'float32' },
  { className: 'SquaredHinge', create: make(SquaredHinge), nonDefault: { reduction: 'sum' }, yTrue: [[1, -1, 1], [-1, -1, 1], [1, 1, -1]], yPred: real, trueDtype: 'float32' },
  { className: 'CategoricalHinge', create: make(CategoricalHinge), nonDefault: { reduction: 'none' }, yTrue: oneHot, yPred: real, trueDtype: 'float32' },
  { className: 'LogCosh', create: make(LogCosh), nonDefault: { reduction: 'sum' }, yTrue: realTarget, yPred: real, trueDtype: 'float32' },
  { className: 'Poisson', create: make(Poisson), nonDefault: { reduction: 'none' }, yTrue: [[0, 1, 2], [3, 0, 1], [1, 1, 0]], yPred: probs, trueDtype: 'float32' },
  { className: 'MeanAbsolutePercentageError', create: make(MeanAbsolutePercentageError), nonDefault: { reduction: 'sum' }, yTrue: nonZeroTarget, yPred: real, trueDtype: 'float32' },
  { className: 'MeanSquaredLogarithmicError', create: make(MeanSquaredLogarithmicError), nonDefault: { reduction: 'none' }, yTrue: [[1, 0, 2], [0.5, 3, 0], [2, 1, 4]], yPred: probs, trueDtype: 'float32' },
  { className: 'BinaryFocalCrossentropy', create: make(BinaryFocalCrossentropy), nonDefault: { applyClassBalancing: true, alpha: 0.4, gamma: 1.5, fromLogits: true, labelSmoothing: 0.1, axis: 1, reduction: 'sum' }, yTrue: [[0, 1, 1], [1, 0, 0], [1, 1, 0]], yPred: probs, trueDtype: 'float32' },
  { className: 'CategoricalFocalCrossentropy', create: make(CategoricalFocalCrossentropy), nonDefault: { alpha: [0.2, 0.3, 0.5], gamma: 1, fromLogits: true, labelSmoothing: 0.1, axis: 1, reduction: 'none' }, yTrue: oneHot, yPred: wrongProbs, trueDtype: 'float32' },
];
