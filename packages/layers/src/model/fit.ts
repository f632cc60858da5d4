import { mustBeError } from '@ridge/core';
import { tf } from '../engine/tfjs.js';
import type { Callback, CallbackModel } from './callbacks.js';
import type { FitCallbacks } from './fit-callbacks.js';
import { IndexBatches, hostRows, isRecord, prepare, sameLength, type HostData, type ModelData, type Prepared, type TensorLike } from './data.js';
import { feature, findFeature, type Features, type ModelInternals } from './features.js';
import { StepRunner, type Compiled } from './step.js';
import { checkInteger, cutBatch, evaluateBatches } from './evaluate.js';
import { LogSums } from './log-sums.js';
import type { LayerWeight } from '../engine/weight.js';
import { checkOptions, optionError } from '../engine/errors.js';

/** One batch from an iterable: `{ xs, ys, sampleWeight? }` or `[xs, ys]`. Ridge disposes the tensors it is given. */
export type BatchSource =
  | { xs: ModelData; ys: ModelData; sampleWeight?: TensorLike }
  | readonly [ModelData, ModelData]
  | readonly [ModelData, ModelData, TensorLike];

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. Default: 1 in a terminal, else 0. */
  verbose?: 0 | 1 | 2;
  /** Shuffle the training samples every epoch (by index). Default true. */
  shuffle?: boolean;
  /** Hold out this fraction of the samples, taken from the end before shuffling, for validation. */
  validationSplit?: number;
  validationData?: readonly [ModelData, ModelData] | readonly [ModelData, ModelData, TensorLike];
  validationBatchSize?: number;
  /** Weight per class index, multiplied into the sample weights (per time step for a sequence output). */
  classWeight?: Readonly<Record<number, number>>;
  /** One weight per sample, `[n]`, or per time step of a sequence output, `[n, time]`; finite and >= 0. */
  sampleWeight?: TensorLike;
  callbacks?: Callback | readonly Callback[];
  initialEpoch?: number;
  /** A seed for shuffling, for reproducible runs. */
  seed?: number;
}

export interface History {
  /** One entry per epoch for each log key. */
  readonly history: Record<string, number[]>;
  readonly epoch: number[];
  readonly params: { epochs: number; samples: number | undefined; steps: number | undefined; batchSize: number | undefined };
}

/** What fit needs of the model (kept structural so model.ts and fit.ts do not import each other's classes). */
export interface FitModel extends CallbackModel {
  readonly name: string;
  readonly weights: LayerWeight[];
  readonly inputs: readonly { readonly shape: readonly (number | null)[] }[];
  readonly outputNames: string[];
  readonly inputNames: string[];
}

/** Runs one training batch: the step, the callbacks and the progress output. */
export type RunBatch = (xs: tf.Tensor[], ys: tf.Tensor[], sampleWeight: tf.Tensor | undefined) => Promise<void>;

/** Batches that do not come from host copies (a batch iterable): `run` trains an epoch on them and returns the number of batches. */
export interface EpochBatches {
  run(epoch: number, runBatch: RunBatch, stopped: () => boolean): Promise<number>;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function checkArgs(args: FitArgs): Required<Pick<FitArgs, 'epochs' | 'batchSize' | 'shuffle' | 'initialEpoch'>> & {
  verbose: 0 | 1 | 2;
  progress: Features['progress'] | undefined;
  callbacks: FitCallbacks | undefined;
} {
  const known = ['epochs', 'batchSize', 'verbose', 'shuffle', 'validationSplit', 'validationData', 'validationBatchSize', 'classWeight', 'sampleWeight', 'callbacks', 'initialEpoch', 'seed'];
  checkOptions('fit', args, known);
  const int = (name: string, value: unknown, min: number) => checkInteger('fit', name, value, min);
  const epochs = int('epochs', args.epochs ?? 1, 1);
  const batchSize = int('batchSize', args.batchSize ?? 32, 1);
  const initialEpoch = int('initialEpoch', args.initialEpoch ?? 0, 0);
  if (initialEpoch >= epochs) throw optionError('fit', 'initialEpoch', `initialEpoch (${initialEpoch}) must be below epochs (${epochs}).`);
  // Without the progress feature (a '/base' bundle that did not import it) fit is silent by default.
  const verbose = args.verbose ?? findFeature('progress')?.defaultVerbosity() ?? 0;
  if (![0, 1, 2].includes(verbose)) throw mustBeError('fit: verbose', verbose, '0, 1 or 2', { argument: 'verbose' });
  const { validationSplit, shuffle = true } = args;
  if (validationSplit !== undefined) {
    if (!(typeof validationSplit === 'number' && validationSplit > 0 && validationSplit < 1)) {
      throw mustBeError('fit: validationSplit', validationSplit, 'a number in (0, 1)', { argument: 'validationSplit' });
    }
    if (args.validationData !== undefined) {
      throw optionError('fit', 'validationSplit', 'give validationSplit or validationData, not both.');
    }
  }
  if (typeof shuffle !== 'boolean') throw mustBeError('fit: shuffle', shuffle, 'true or false', { argument: 'shuffle' });
  if (args.validationBatchSize !== undefined) int('validationBatchSize', args.validationBatchSize, 1);
  if (args.seed !== undefined) int('seed', args.seed, 0);
  const callbacks = args.callbacks === undefined ? undefined : feature('callbacks', 'fit({ callbacks })')(args.callbacks);
  const progress = verbose === 0 ? undefined : feature('progress', `fit({ verbose: ${verbose} })`);
  return { epochs, batchSize, shuffle, initialEpoch, verbose: verbose as 0 | 1 | 2, progress, callbacks };
}

/** Batches to iterate: iterable, and not data (a tensor, an array, a typed array). */
function isIterable(x: unknown): x is AsyncIterable<BatchSource> | Iterable<BatchSource> {
  return isRecord(x) && (Symbol.asyncIterator in x || Symbol.iterator in x);
}

/** Lets other work (rendering, a predict call, a second fit that will be refused) run between batches. */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(() => resolve()) : setTimeout(resolve, 0)));
}

/** The training loop behind `model.fit`. */
export async function fitModel(
  model: FitModel,
  internals: ModelInternals,
  compiled: Compiled,
  x: ModelData | AsyncIterable<BatchSource> | Iterable<BatchSource>,
  yOrArgs: ModelData | FitArgs | undefined,
  maybeArgs: FitArgs | undefined,
): Promise<History> {
  const fromIterable = isIterable(x);
  const args = (fromIterable ? (yOrArgs as FitArgs | undefined) : maybeArgs) ?? {};
  const opts = checkArgs(args); // first: checkOptions refuses options that are not an object
  const { callbacks, epochs, batchSize } = opts;
  const random = args.seed === undefined ? Math.random : mulberry32(args.seed);

  const owned: tf.Tensor[] = [];
  const own = (p: Prepared) => {
    owned.push(...p.owned);
    return p.host;
  };
  // Batches from an iterable, validationData and weights need the data feature: without it, fit stops here, before reading any data.
  const given = (['validationData', 'sampleWeight', 'classWeight'] as const).find((k) => args[k] !== undefined);
  const dataCall = fromIterable ? 'fit(batches)' : given && `fit({ ${given} })`;
  const data = dataCall === undefined ? undefined : feature('data', dataCall);
  const iterable = fromIterable ? data!.iterableBatches(x, internals, model.outputNames, args) : undefined;
  const runner = new StepRunner({ graph: internals.graph(), weights: model.weights }, compiled);
  const params: History['params'] = { epochs, samples: undefined, steps: undefined, batchSize: fromIterable ? undefined : batchSize };
  const history: History = { history: {}, epoch: [], params };
  try {
    // Every batch is cut from one host copy of the data, read (and checked finite) here once.
    let xs: HostData[] = [];
    let ys: HostData[] = [];
    let sw: HostData | undefined;
    let val: { xs: HostData[]; ys: HostData[]; sw: HostData | undefined } | undefined;
    let n = 0;
    if (!fromIterable) {
      if (yOrArgs === undefined) throw optionError('fit', 'y', 'y is required with x (or pass an async iterable of { xs, ys } batches).');
      xs = own(prepare(x as ModelData, internals.inputSlots(), 'x', 'host', 'fit'));
      ys = own(prepare(yOrArgs as ModelData, internals.outputSlots(), 'y', 'host', 'fit'));
      n = sameLength(xs, ys, 'fit', 'y', model.outputNames);
      if (data && (args.sampleWeight !== undefined || args.classWeight !== undefined)) {
        const weights = data.fitWeights(args, ys, n, internals);
        owned.push(...weights.owned);
        sw = weights.weights;
      }
      const { validationSplit } = args;
      if (validationSplit !== undefined) {
        // Keras's split: the first floor(n * (1 - split)) samples train, the rest validate.
        const nTrain = Math.floor(n * (1 - validationSplit));
        const nVal = n - nTrain;
        if (nVal < 1 || nTrain < 1) throw optionError('fit', 'validationSplit', `validationSplit ${validationSplit} of ${n} samples leaves an empty part.`);
        const rows = (start: number, count: number) => ({
          xs: xs.map((h) => hostRows(h, start, count)),
          ys: ys.map((h) => hostRows(h, start, count)),
          sw: sw && hostRows(sw, start, count),
        });
        val = rows(nTrain, nVal);
        ({ xs, ys, sw } = rows(0, nTrain));
        n = nTrain;
      }
      params.samples = n;
      params.steps = Math.ceil(n / batchSize);
    }
    if (data && args.validationData !== undefined) {
      const v = data.validationData(args.validationData, internals);
      owned.push(...v.owned);
      val = v;
    }

    callbacks?.setModel(model);
    model.stopTraining = false;
    const progress = opts.progress?.create(opts.verbose as 1 | 2, epochs, params.steps, batchSize);
    await callbacks?.call('onTrainBegin', {});
    const batches = fromIterable ? undefined : new IndexBatches(n, batchSize);
    let lastYield = performance.now();
    for (let epoch = opts.initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await callbacks?.call('onEpochBegin', epoch, {});
      progress?.epochBegin(epoch);
      const sums = new LogSums();
      let step = 0;
      let samples = 0;
      const runBatch = async (bx: tf.Tensor[], by: tf.Tensor[], bw: tf.Tensor | undefined) => {
        const count = bx[0]!.shape[0]!;
        await callbacks?.call('onBatchBegin', step, { batch: step, size: count });
        const { vector, layout } = runner.run(bx, by, bw, true);
        const batchLogs = callbacks?.batchLogs(step, count, vector, layout);
        sums.add(vector, layout, count);
        samples += count;
        step++;
        if (batchLogs) await callbacks!.call('onBatchEnd', step - 1, batchLogs);
        const now = performance.now();
        if (progress?.wantsDraw(now)) progress.batch(step, samples, sums);
        if (now - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      };
      try {
        if (batches) {
          if (opts.shuffle) batches.shuffle(random);
          for (let b = 0; b < batches.count && !model.stopTraining; b++) {
            const part = cutBatch(batches, b, xs, ys, sw);
            try {
              await runBatch(part.xs, part.ys, part.sw);
            } finally {
              tf.dispose(part.all);
            }
          }
        } else {
          params.steps = await iterable!.run(epoch, runBatch, () => model.stopTraining);
        }
        const logs = sums.read();
        if (val) {
          const vlogs = evaluateBatches(runner, val.xs, val.ys, val.sw, args.validationBatchSize ?? batchSize);
          for (const [k, v] of Object.entries(vlogs)) logs[`val_${k}`] = v;
        }
        progress?.epochEnd(epoch, step, samples, logs);
        await callbacks?.call('onEpochEnd', epoch, logs);
        // After the callbacks, as Keras's History runs after them: keys they add (learning_rate) are kept.
        history.epoch.push(epoch);
        for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
      } finally {
        sums.dispose();
      }
    }
    await callbacks?.call('onTrainEnd', {});
    return history;
  } finally {
    callbacks?.dispose();
    runner.dispose();
    tf.dispose(owned);
  }
}


