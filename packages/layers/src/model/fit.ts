import { RidgeError, describeValue } from '@ridge/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Callback, CallbackModel, Logs } from './callbacks.js';
import { IndexBatches, hostRows, prepare, sameLength, type HostData, type ModelData, type Prepared, type Slot, type TensorLike } from './data.js';
import type { Graph } from './graph.js';
import { feature, hasFeature, type Features } from './features.js';
import { StepRunner, type Compiled } from './step.js';
import { checkInteger, evaluateBatches } from './evaluate.js';
import { LogSums } from './log-sums.js';
import type { LayerWeight } from '../engine/weight.js';

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
  /** Weight per class index, multiplied into the sample weights. */
  classWeight?: Readonly<Record<number, number>>;
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

/** The parts of a model that only the training loop sees. */
export interface FitInternals {
  graph: Graph;
  inputSlots(): Slot[];
  outputSlots(): Slot[];
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

function checkArgs(args: FitArgs): Required<Pick<FitArgs, 'epochs' | 'batchSize' | 'shuffle' | 'initialEpoch'>> & { verbose: 0 | 1 | 2; progress: Features['progress'] | undefined } {
  const known = ['epochs', 'batchSize', 'verbose', 'shuffle', 'validationSplit', 'validationData', 'validationBatchSize', 'classWeight', 'sampleWeight', 'callbacks', 'initialEpoch', 'seed'];
  for (const k of Object.keys(args)) {
    if (!known.includes(k)) throw new RidgeError('INVALID_ARGUMENT', `fit: unknown option ${describeValue(k)}; options: ${known.join(', ')}.`, { argument: k });
  }
  const int = (name: string, value: unknown, min: number) => checkInteger('fit', name, value, min);
  const epochs = int('epochs', args.epochs ?? 1, 1);
  const batchSize = int('batchSize', args.batchSize ?? 32, 1);
  const initialEpoch = int('initialEpoch', args.initialEpoch ?? 0, 0);
  if (initialEpoch >= epochs) throw new RidgeError('INVALID_ARGUMENT', `fit: initialEpoch (${initialEpoch}) must be below epochs (${epochs}).`, { argument: 'initialEpoch' });
  // Without the progress feature (a '/base' bundle that did not import it) fit is silent by default.
  const verbose = args.verbose ?? (hasFeature('progress') ? feature('progress', 'fit').defaultVerbosity() : 0);
  if (![0, 1, 2].includes(verbose)) throw new RidgeError('INVALID_ARGUMENT', `fit: verbose must be 0, 1 or 2; received ${describeValue(verbose)}.`, { argument: 'verbose' });
  if (args.validationSplit !== undefined && !(typeof args.validationSplit === 'number' && args.validationSplit > 0 && args.validationSplit < 1)) {
    throw new RidgeError('INVALID_ARGUMENT', `fit: validationSplit must be a number in (0, 1); received ${describeValue(args.validationSplit)}.`, { argument: 'validationSplit' });
  }
  if (args.validationSplit !== undefined && args.validationData !== undefined) {
    throw new RidgeError('INVALID_ARGUMENT', 'fit: give validationSplit or validationData, not both.', { argument: 'validationSplit' });
  }
  if (args.shuffle !== undefined && typeof args.shuffle !== 'boolean') throw new RidgeError('INVALID_ARGUMENT', `fit: shuffle must be true or false; received ${describeValue(args.shuffle)}.`, { argument: 'shuffle' });
  if (args.validationBatchSize !== undefined) int('validationBatchSize', args.validationBatchSize, 1);
  if (args.seed !== undefined) int('seed', args.seed, 0);
  for (const cb of args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks]) {
    if (typeof cb !== 'object' || cb === null) throw new RidgeError('INVALID_ARGUMENT', `fit: callbacks must be objects with onEpochEnd etc.; received ${describeValue(cb)}.`, { argument: 'callbacks' });
  }
  const progress = verbose === 0 ? undefined : feature('progress', `fit({ verbose: ${verbose} })`);
  return { epochs, batchSize, shuffle: args.shuffle ?? true, initialEpoch, verbose: verbose as 0 | 1 | 2, progress };
}

function isIterable(x: unknown): x is AsyncIterable<BatchSource> | Iterable<BatchSource> {
  return typeof x === 'object' && x !== null && !(x instanceof tf.Tensor) && !Array.isArray(x) && (Symbol.asyncIterator in x || Symbol.iterator in x);
}

/** Per-sample weights from class weights, read from the labels' host copy. */
function classWeights(y: HostData, classWeight: Readonly<Record<number, number>>): HostData {
  const oneHot = y.shape.length === 2 && y.shape[1]! > 1;
  if (!(y.shape.length === 1 || (y.shape.length === 2 && (oneHot || y.shape[1] === 1)))) {
    throw new RidgeError(
      'INVALID_ARGUMENT',
      `fit: classWeight needs y of shape [n], [n, 1] (class indices) or [n, classes] (one-hot); received [${y.shape.join(', ')}].`,
      { argument: 'classWeight' },
    );
  }
  for (const [cls, w] of Object.entries(classWeight)) {
    if (!/^\d+$/.test(cls) || typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new RidgeError(
        'INVALID_ARGUMENT',
        `fit: classWeight must map class indices to finite weights >= 0; received ${describeValue(cls)}: ${describeValue(w)}.`,
        { argument: 'classWeight', received: classWeight },
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

async function call<K extends keyof Callback>(callbacks: readonly Callback[], hook: K, ...args: unknown[]): Promise<void> {
  for (const cb of callbacks) {
    const fn = cb[hook] as ((...a: unknown[]) => void | Promise<void>) | undefined;
    if (fn) await fn.apply(cb, args);
  }
}

/** Lets other work (rendering, a predict call, a second fit that will be refused) run between batches. */
function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(() => resolve()) : setTimeout(resolve, 0)));
}

/** The training loop behind `model.fit`. */
export async function fitModel(
  model: FitModel,
  internals: FitInternals,
  compiled: Compiled,
  x: ModelData | AsyncIterable<BatchSource> | Iterable<BatchSource>,
  yOrArgs: ModelData | FitArgs | undefined,
  maybeArgs: FitArgs | undefined,
): Promise<History> {
  const fromIterable = isIterable(x);
  const args = (fromIterable ? (yOrArgs as FitArgs | undefined) : maybeArgs) ?? {};
  if (typeof args !== 'object' || args === null) throw new RidgeError('INVALID_ARGUMENT', `fit: options must be an object; received ${describeValue(args)}.`);
  const opts = checkArgs(args);
  const callbacks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? [...args.callbacks] : [args.callbacks as Callback];
  const wantBatchLogs = callbacks.some((c) => typeof c.onBatchEnd === 'function');
  const random = args.seed === undefined ? Math.random : mulberry32(args.seed);

  const owned: tf.Tensor[] = [];
  const own = (p: Prepared) => {
    owned.push(...p.owned);
    return p.host;
  };
  const runner = new StepRunner({ graph: internals.graph, weights: model.weights }, compiled);
  const history: History = { history: {}, epoch: [], params: { epochs: opts.epochs, samples: undefined, steps: undefined, batchSize: fromIterable ? undefined : opts.batchSize } };
  try {
    // Every batch is cut from one host copy of the data, read (and checked finite) here once.
    let xs: HostData[] = [];
    let ys: HostData[] = [];
    let sw: HostData | undefined;
    let val: { xs: HostData[]; ys: HostData[]; sw: HostData | undefined } | undefined;
    let n = 0;
    if (!fromIterable) {
      if (yOrArgs === undefined) throw new RidgeError('INVALID_ARGUMENT', 'fit: y is required with x (or pass an async iterable of { xs, ys } batches).', { argument: 'y' });
      xs = own(prepare(x as ModelData, internals.inputSlots(), 'x', 'host'));
      ys = own(prepare(yOrArgs as ModelData, internals.outputSlots(), 'y', 'host'));
      n = sameLength(xs, ys, 'fit', 'y', model.outputNames);
      if (args.sampleWeight !== undefined) sw = own(prepare(args.sampleWeight, [{ name: 'sampleWeight', shape: [n] }], 'sampleWeight', 'host'))[0];
      if (args.classWeight !== undefined) {
        if (typeof args.classWeight !== 'object' || args.classWeight === null) throw new RidgeError('INVALID_ARGUMENT', `fit: classWeight must be a record of class index to weight; received ${describeValue(args.classWeight)}.`, { argument: 'classWeight' });
        const cw = classWeights(ys[0]!, args.classWeight);
        if (sw) for (let i = 0; i < n; i++) cw.values[i]! *= sw.values[i]!;
        sw = cw;
      }
      if (args.validationSplit !== undefined) {
        const nVal = Math.floor(n * args.validationSplit);
        const nTrain = n - nVal;
        if (nVal < 1 || nTrain < 1) throw new RidgeError('INVALID_ARGUMENT', `fit: validationSplit ${args.validationSplit} of ${n} samples leaves an empty part.`, { argument: 'validationSplit' });
        val = { xs: xs.map((h) => hostRows(h, nTrain, nVal)), ys: ys.map((h) => hostRows(h, nTrain, nVal)), sw: sw && hostRows(sw, nTrain, nVal) };
        xs = xs.map((h) => hostRows(h, 0, nTrain));
        ys = ys.map((h) => hostRows(h, 0, nTrain));
        sw = sw && hostRows(sw, 0, nTrain);
        n = nTrain;
      }
      history.params.samples = n;
      history.params.steps = Math.ceil(n / opts.batchSize);
    }
    if (args.validationData !== undefined) {
      if (!Array.isArray(args.validationData) || args.validationData.length < 2) {
        throw new RidgeError('INVALID_ARGUMENT', `fit: validationData must be [x, y] or [x, y, sampleWeight]; received ${describeValue(args.validationData)}.`, { argument: 'validationData' });
      }
      const [vx, vy, vw] = args.validationData;
      const vxs = own(prepare(vx, internals.inputSlots(), 'validationData[0]', 'host'));
      const vys = own(prepare(vy, internals.outputSlots(), 'validationData[1]', 'host'));
      const vn = sameLength(vxs, vys, 'fit: validationData', 'validationData');
      const vsw = vw === undefined ? undefined : own(prepare(vw, [{ name: 'sampleWeight', shape: [vn] }], 'validationData[2]', 'host'))[0];
      val = { xs: vxs, ys: vys, sw: vsw };
    }

    for (const cb of callbacks) cb.setModel?.(model);
    model.stopTraining = false;
    const progress = opts.progress?.create(opts.verbose as 1 | 2, opts.epochs, history.params.steps, opts.batchSize);
    await call(callbacks, 'onTrainBegin', {});
    const batches = fromIterable ? undefined : new IndexBatches(n, opts.batchSize);
    let lastYield = performance.now();
    for (let epoch = opts.initialEpoch; epoch < opts.epochs && !model.stopTraining; epoch++) {
      await call(callbacks, 'onEpochBegin', epoch, {});
      progress?.epochBegin(epoch);
      const sums = new LogSums();
      let step = 0;
      let samples = 0;
      const runBatch = async (bx: tf.Tensor[], by: tf.Tensor[], bw: tf.Tensor | undefined) => {
        const count = bx[0]!.shape[0]!;
        await call(callbacks, 'onBatchBegin', step, { batch: step, size: count });
        const { vector, layout } = runner.run(bx, by, bw, true);
        let batchLogs: Logs | undefined;
        if (wantBatchLogs) {
          const values = layout.aggregate(vector.dataSync());
          batchLogs = { batch: step, size: count };
          layout.keys.forEach((k, i) => (batchLogs![k] = values[i]!));
        }
        sums.add(vector, layout, count);
        samples += count;
        step++;
        if (batchLogs) await call(callbacks, 'onBatchEnd', step - 1, batchLogs);
        const now = performance.now();
        if (progress?.wantsDraw(now)) progress.batch(step, samples, sums.peek());
        if (now - lastYield > 50) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      };
      try {
        if (batches) {
          const shuffled = opts.shuffle;
          if (shuffled) batches.shuffle(random);
          const all = [...xs, ...ys, ...(sw ? [sw] : [])];
          for (let b = 0; b < batches.count && !model.stopTraining; b++) {
            const part = batches.take(all, b);
            try {
              await runBatch(part.slice(0, xs.length), part.slice(xs.length, xs.length + ys.length), sw ? part[part.length - 1] : undefined);
            } finally {
              tf.dispose(part);
            }
          }
        } else {
          const source = x as AsyncIterable<BatchSource> | Iterable<BatchSource>;
          const iterator = Symbol.asyncIterator in source ? (source as AsyncIterable<BatchSource>)[Symbol.asyncIterator]() : (source as Iterable<BatchSource>)[Symbol.iterator]();
          let exhausted = false;
          try {
          for (;;) {
            if (model.stopTraining) break;
            let next: IteratorResult<BatchSource>;
            try {
              next = await iterator.next();
            } catch (error) {
              throw new RidgeError('INVALID_DATA', `fit: the batch iterator failed at batch ${step} of epoch ${epoch + 1}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
            }
            if (next.done) {
              exhausted = true;
              break;
            }
            const batch = next.value;
            const [bxRaw, byRaw, bwRaw] = Array.isArray(batch) ? batch : [(batch as { xs: ModelData }).xs, (batch as { ys: ModelData }).ys, (batch as { sampleWeight?: TensorLike }).sampleWeight];
            const given = [bxRaw, byRaw, bwRaw].flatMap((v) => (v instanceof tf.Tensor ? [v] : Array.isArray(v) ? v.filter((t): t is tf.Tensor => t instanceof tf.Tensor) : []));
            const mine: tf.Tensor[] = [];
            try {
              const bx = prepare(bxRaw as ModelData, internals.inputSlots(), `batch ${step} xs`);
              mine.push(...bx.owned);
              const by = prepare(byRaw as ModelData, internals.outputSlots(), `batch ${step} ys`);
              mine.push(...by.owned);
              const bw = bwRaw === undefined ? undefined : prepare(bwRaw, [{ name: 'sampleWeight', shape: [bx.tensors[0]!.shape[0]!] }], `batch ${step} sampleWeight`);
              if (bw) mine.push(...bw.owned);
              sameLength(bx.tensors, by.tensors, `fit: batch ${step}`, 'ys', model.outputNames);
              await runBatch(bx.tensors, by.tensors, bw?.tensors[0]);
            } finally {
              tf.dispose([...mine, ...given]);
            }
          }
          } finally {
            // Stopped early (an error, stopTraining): let the iterator run its finally blocks.
            if (!exhausted) await iterator.return?.();
          }
          if (step === 0) {
            throw new RidgeError('INVALID_DATA', `fit: the batch iterable gave no batches in epoch ${epoch + 1}. Pass an iterable that can be iterated once per epoch (an object with [Symbol.asyncIterator]), not a one-shot generator.`, { argument: 'x' });
          }
          history.params.steps = step;
        }
        const logs = sums.read();
        if (val) {
          const vlogs = evaluateBatches(runner, val.xs, val.ys, val.sw, args.validationBatchSize ?? opts.batchSize);
          for (const [k, v] of Object.entries(vlogs)) logs[`val_${k}`] = v;
        }
        history.epoch.push(epoch);
        for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
        progress?.epochEnd(epoch, step, samples, logs);
        await call(callbacks, 'onEpochEnd', epoch, logs);
      } finally {
        sums.dispose();
      }
    }
    await call(callbacks, 'onTrainEnd', {});
    return history;
  } finally {
    // Callbacks that hold tensors (best weights, snapshots) release them however fit ended.
    for (const cb of callbacks) cb.dispose?.();
    runner.dispose();
    tf.dispose(owned);
  }
}


