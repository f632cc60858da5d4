/** |w| below this counts as a zero weight ("near-zero"). */
export const NEAR_ZERO = 1e-3;

/** The fraction of values with |v| < threshold; 0 for no values. */
export function nearZeroFraction(values: ArrayLike<number>, threshold = NEAR_ZERO): number {
  if (values.length === 0) return 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]!) < threshold) count++;
  return count / values.length;
}

/** sum |v| */
export function l1Norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i]!);
  return sum;
}

/** sqrt(sum v^2) */
export function l2Norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return Math.sqrt(sum);
}

export interface Histogram {
  /** bins + 1 edges, from min to max. */
  readonly edges: number[];
  readonly counts: number[];
  /** Values outside [min, max], which are not counted in any bin. */
  readonly outside: number;
}

/** Equal-width bins on [min, max]; each bin holds [left, right), the last one also max. */
export function histogram(values: ArrayLike<number>, min: number, max: number, bins: number): Histogram {
  if (!(max > min) || !Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`histogram: need max > min and an integer bins >= 1; received min ${min}, max ${max}, bins ${bins}.`);
  }
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + i * width);
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= min && v <= max)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  }
  return { edges, counts, outside };
}

export interface WeightStats {
  readonly path: string;
  readonly count: number;
  /** Fraction with |w| < NEAR_ZERO. */
  readonly nearZero: number;
  readonly l1: number;
  readonly l2: number;
  readonly maxAbs: number;
}

export function weightStats(path: string, values: ArrayLike<number>): WeightStats {
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!));
  return { path, count: values.length, nearZero: nearZeroFraction(values), l1: l1Norm(values), l2: l2Norm(values), maxAbs };
}

/** Several weights taken as one: near-zero fraction over all their values, and the norms of their concatenation. */
export function combineWeightStats(path: string, parts: readonly WeightStats[]): WeightStats {
  const count = parts.reduce((n, p) => n + p.count, 0);
  return {
    path,
    count,
    nearZero: count === 0 ? 0 : parts.reduce((n, p) => n + p.nearZero * p.count, 0) / count,
    l1: parts.reduce((s, p) => s + p.l1, 0),
    l2: Math.sqrt(parts.reduce((s, p) => s + p.l2 * p.l2, 0)),
    maxAbs: parts.reduce((m, p) => Math.max(m, p.maxAbs), 0),
  };
}

export interface PenaltyShare {
  /** The log key without its prefix: `dense_1/kernel`, `dense_1/activity`. */
  readonly term: string;
  readonly value: number;
  /** value / loss, the term's part of the total training loss. */
  readonly share: number;
}

/**
 * The `penalty/<layer>/<weight>` entries of a fit log (or with `prefix: 'val_'`, the validation
 * ones) with their share of the total loss, largest first.
 */
export function penaltyShares(logs: Readonly<Record<string, number>>, prefix = ''): PenaltyShare[] {
  const loss = logs[`${prefix}loss`];
  const head = `${prefix}penalty/`;
  return Object.entries(logs)
    .filter(([key]) => key.startsWith(head))
    .map(([key, value]) => ({ term: key.slice(head.length), value, share: loss ? value / loss : 0 }))
    .sort((a, b) => b.value - a.value);
}

/** Training minus validation: how much better the model does on the digits it was fit to. */
export function generalizationGap(train: number, validation: number): number {
  return train - validation;
}

/** The last number of each series of a Keras-style history. */
export function lastOf(history: Readonly<Record<string, readonly number[]>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, series] of Object.entries(history)) {
    const last = series[series.length - 1];
    if (last !== undefined) out[key] = last;
  }
  return out;
}
