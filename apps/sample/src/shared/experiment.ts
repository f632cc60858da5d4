import type { Callback, Logs, Model, PenaltyTerm } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import type { ExperimentConfig } from './configs.js';
import { buildModel } from './model.js';
import {
  combineWeightStats,
  generalizationGap,
  histogram,
  lastOf,
  NEAR_ZERO,
  penaltyShares,
  weightStats,
  type Histogram,
  type PenaltyShare,
  type WeightStats,
} from './stats.js';

export interface RunOptions {
  readonly epochs: number;
  readonly batchSize: number;
  /** Seeds the initial weights and the shuffling. */
  readonly seed: number;
  /** Callbacks for this run; they get the model being trained. */
  readonly callbacks?: (model: Model) => Callback[];
  readonly verbose?: 0 | 1 | 2;
}

export interface SplitScores {
  readonly accuracy: number;
  /** Crossentropy alone. */
  readonly dataLoss: number;
  /** Crossentropy plus every penalty term. */
  readonly loss: number;
}

export interface RunResult {
  readonly config: ExperimentConfig;
  readonly epochs: number;
  readonly seconds: number;
  /** `fit`'s history: loss, data_loss, penalty, penalty/<layer>/<weight>, accuracy and val_ twins. */
  readonly history: Record<string, number[]>;
  /** Scores of the final weights on all the training digits, in inference mode. */
  readonly train: SplitScores;
  readonly validation: SplitScores;
  /** train.accuracy - validation.accuracy */
  readonly gap: number;
  /** The last epoch's penalty terms and their share of the training loss. */
  readonly penaltyShares: readonly PenaltyShare[];
  /** penalty / loss at the last epoch. */
  readonly penaltyShare: number;
  /** Every weight, then `kernels`: both kernels taken together. */
  readonly weights: readonly WeightStats[];
  readonly kernels: WeightStats;
  /** dense_1's kernel (196,000 weights) on HISTOGRAM_RANGE. */
  readonly histogram: Histogram;
  /** `model.penalties(validation digits)`: which weight carries which penalty, from where. */
  readonly terms: readonly PenaltyTerm[];
  /** `model.summary()`, with its Regularizers column. */
  readonly summary: string;
  /** Both kernels after every epoch: their joint L2 norm and near-zero fraction. */
  readonly trace: { readonly kernelL2: number[]; readonly nearZero: number[] };
}

/** 101 bins of 0.005, so that one bin is centred on 0. */
export const HISTOGRAM_RANGE = { min: -0.2525, max: 0.2525, bins: 101 } as const;

function scores(logs: Logs): SplitScores {
  return { accuracy: logs['accuracy'] ?? Number.NaN, dataLoss: logs['data_loss'] ?? Number.NaN, loss: logs['loss'] ?? Number.NaN };
}

/** Records the kernels' L2 norm and near-zero fraction after each epoch (two numbers read from the device). */
function traceKernels(m: Model, trace: { kernelL2: number[]; nearZero: number[] }): Callback {
  const kernels = m.weights.filter((w) => w.role === 'kernel');
  const count = kernels.reduce((n, w) => n + w.variable.size, 0);
  return {
    async onEpochEnd() {
      const both = tf.tidy(() => {
        const squares = tf.addN(kernels.map((w) => tf.sum(tf.square(w.read()))));
        const zeros = tf.addN(kernels.map((w) => tf.sum(tf.cast(tf.less(tf.abs(w.read()), NEAR_ZERO), 'float32'))));
        return tf.stack([squares, zeros]);
      });
      const [squares, zeros] = await both.data();
      both.dispose();
      trace.kernelL2.push(Math.sqrt(squares!));
      trace.nearZero.push(zeros! / count);
    },
  };
}

/** Trains one configuration and measures what its regularization did. */
export async function runExperiment(
  config: ExperimentConfig,
  train: { x: tf.Tensor; y: tf.Tensor },
  validation: { x: tf.Tensor; y: tf.Tensor },
  options: RunOptions,
): Promise<RunResult> {
  const m = buildModel(config, options.seed);
  const trace = { kernelL2: [] as number[], nearZero: [] as number[] };
  try {
    const start = performance.now();
    const fitted = await m.fit(train.x, train.y, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      validationData: [validation.x, validation.y],
      validationBatchSize: 500,
      seed: options.seed,
      verbose: options.verbose ?? 0,
      callbacks: [traceKernels(m, trace), ...(options.callbacks?.(m) ?? [])],
    });
    const seconds = (performance.now() - start) / 1000;
    const trainScores = scores(await m.evaluate(train.x, train.y, { batchSize: 500 }));
    const validationScores = scores(await m.evaluate(validation.x, validation.y, { batchSize: 500 }));
    const last = lastOf(fitted.history);
    const weights: WeightStats[] = [];
    let firstKernel: Float32Array | undefined;
    for (const w of m.weights) {
      const values = (await w.read().data()) as Float32Array;
      weights.push(weightStats(w.path, values));
      if (w.path === 'dense_1/kernel') firstKernel = values;
    }
    const sample = tf.tidy(() => tf.slice(validation.x, 0, Math.min(500, validation.x.shape[0]!)));
    let terms: readonly PenaltyTerm[];
    try {
      terms = m.penalties(sample).terms;
    } finally {
      sample.dispose();
    }
    return {
      config,
      epochs: fitted.epoch.length,
      seconds,
      history: fitted.history,
      train: trainScores,
      validation: validationScores,
      gap: generalizationGap(trainScores.accuracy, validationScores.accuracy),
      penaltyShares: penaltyShares(last),
      penaltyShare: last['loss'] ? (last['penalty'] ?? 0) / last['loss'] : 0,
      weights,
      kernels: combineWeightStats('kernels', weights.filter((w) => w.path.endsWith('/kernel'))),
      histogram: histogram(firstKernel ?? [], HISTOGRAM_RANGE.min, HISTOGRAM_RANGE.max, HISTOGRAM_RANGE.bins),
      terms,
      summary: m.summary(false),
      trace,
    };
  } finally {
    m.dispose();
  }
}
