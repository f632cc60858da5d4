import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Model } from '@ridge/layers';

/**
 * Tolerances for "the same loss from the same weights", relative to the larger value.
 *
 * - Data loss, 1e-5 (about 84 float32 ulps; eps = 2^-23 = 1.19e-7): both libraries run the same
 *   backend kernels on the same weights, but not always the same ones (tfjs-layers fuses the
 *   bias and activation into its matmul; Ridge does not) and they reduce the per-sample losses in
 *   different orders, so the means may differ in the last few bits, never more.
 * - Penalty, 1e-4: an L2 penalty is one float32 sum over every weight (196,000 for the seed
 *   kernel) taken by each library in its own order; such a sum's rounding error grows like
 *   sqrt(n) * eps, about 5e-5 relative here.
 */
export const DATA_LOSS_RTOL = 1e-5;
export const PENALTY_RTOL = 1e-4;

export interface Agreement {
  readonly ridge: number;
  readonly tfl: number;
  readonly relDiff: number;
  readonly tolerance: number;
  readonly ok: boolean;
}

/** Tensors left behind by one call, for the first and the second call. */
export type TensorDeltas = Readonly<Record<'evaluate' | 'predict' | 'penalties', readonly [number, number]>>;

export interface LossCheck {
  readonly samples: number;
  /** Ridge's `data_loss` from evaluate against tfjs-layers' evaluate loss (which leaves penalties out). */
  readonly dataLoss: Agreement;
  /** Ridge's weight penalties (`penalties().total`) against tfjs-layers' `calculateLosses()`; null when no weight has a regularizer. */
  readonly penalty: Agreement | null;
  readonly ok: boolean;
}

function agree(ridge: number, other: number, tolerance: number): Agreement {
  const scale = Math.max(Math.abs(ridge), Math.abs(other), Number.MIN_VALUE);
  const relDiff = Math.abs(ridge - other) / scale;
  return { ridge, tfl: other, relDiff, tolerance, ok: Number.isFinite(relDiff) && relDiff <= tolerance };
}

/** Run on freshly built models holding the same weights, before either trains. */
export async function checkSameLoss(ridge: Model, other: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<LossCheck> {
  const ridgeLogs = await ridge.evaluate(x, y, { batchSize });
  const ridgePenalty = ridge.penalties();
  const evaluated = other.evaluate(x, y, { batchSize });
  const outs = Array.isArray(evaluated) ? evaluated : [evaluated];
  const tflLoss = (await outs[0]!.data())[0]!;
  tf.dispose(outs);
  const penalties = other.calculateLosses();
  const tflPenalty = penalties.map((p) => p.dataSync()[0]!).reduce((a, b) => a + b, 0);
  tf.dispose(penalties);

  const dataLoss = agree(ridgeLogs['data_loss']!, tflLoss, DATA_LOSS_RTOL);
  const hasPenalty = ridgePenalty.terms.some((t) => t.kind === 'weight') || penalties.length > 0;
  const penalty = hasPenalty ? agree(ridgePenalty.total, tflPenalty, PENALTY_RTOL) : null;
  return { samples: x.shape[0]!, dataLoss, penalty, ok: dataLoss.ok && (penalty?.ok ?? true) };
}

async function deltas(f: () => unknown): Promise<readonly [number, number]> {
  const out: number[] = [];
  for (let i = 0; i < 2; i++) {
    const before = tf.memory().numTensors;
    await f();
    out.push(tf.memory().numTensors - before);
  }
  return [out[0]!, out[1]!];
}

/**
 * How many tensors Ridge's evaluate, predict and penalties() leave behind, on a first and a
 * second call (a first call may legitimately build a cache; every call after must leave none).
 */
export async function ridgeCallDeltas(ridge: Model, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<TensorDeltas> {
  return {
    evaluate: await deltas(() => ridge.evaluate(x, y, { batchSize })),
    predict: await deltas(() => tf.dispose(ridge.predict(x, { batchSize }))),
    penalties: await deltas(() => ridge.penalties(x)),
  };
}

/** The calls that left tensors behind, as `'penalties() +1, +1'`. */
export function leaks(d: TensorDeltas): string[] {
  return Object.entries(d)
    .filter(([, v]) => v[0] !== 0 || v[1] !== 0)
    .map(([call, v]) => `${call}() ${v.map((n) => (n > 0 ? `+${n}` : String(n))).join(', ')}`);
}
