import * as tf from '@tensorflow/tfjs-core';
import type { CaseId } from './cases.js';
import { seededRandom } from './data.js';

export type Library = 'ridge' | 'tfjs-layers';

/** One library training one case's model on that case's data. */
export interface Contender {
  readonly caseId: CaseId;
  readonly library: Library;
  readonly samples: number;
  /** Timed epochs for this contender, when fewer than the rounds. */
  readonly maxEpochs?: number;
  /** One epoch over the same data: shuffle off, `verbose: 0`. */
  fitEpoch(): Promise<void>;
}

export interface EpochSample {
  readonly wallMs: number;
  /** This process's user + system CPU time: less sensitive than wall time to other processes on the machine. */
  readonly cpuMs: number;
  readonly tensorsBefore: number;
  readonly tensorsAfter: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

export interface Timing {
  readonly warmupMs: readonly number[];
  readonly epochs: readonly EpochSample[];
  /** Median over the timed epochs, by wall time. */
  readonly samplesPerSec: number;
  /** Median over the timed epochs, by this process's CPU time. */
  readonly cpuSamplesPerSec: number;
  /** `tf.memory()` before the first timed epoch and after the last one. */
  readonly tensors: { readonly before: number; readonly after: number; readonly flat: boolean };
  readonly bytes: { readonly before: number; readonly after: number };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * The median over rounds of a per-round ratio between two contenders' epochs. `timeInterleaved`
 * runs every contender once per round, so the two epochs of a round ran seconds apart under the
 * same machine load: a burst of load moves both, and their ratio moves much less than the ratio of
 * two medians taken over the whole run. Rounds where either contender has no epoch are skipped.
 */
export function pairedMedian(a: readonly EpochSample[], b: readonly EpochSample[], ratio: (a: EpochSample, b: EpochSample) => number): number {
  const n = Math.min(a.length, b.length);
  if (n === 0) return Number.NaN;
  return median(Array.from({ length: n }, (_, i) => ratio(a[i]!, b[i]!)));
}

async function timeEpoch(c: Contender): Promise<EpochSample> {
  const before = tf.memory();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await c.fitEpoch();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = tf.memory();
  return {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    tensorsBefore: before.numTensors,
    tensorsAfter: after.numTensors,
    bytesBefore: before.numBytes,
    bytesAfter: after.numBytes,
  };
}

/**
 * The order of the contenders in one round: a permutation drawn from a generator seeded by the
 * round, so a run repeats. A rotation kept the cyclic order, so each contender always followed the
 * same one, and a Ridge case that came after a tfjs-layers epoch paid for that epoch's garbage in
 * every round, a fixed bias between the cases that a shuffle turns into noise.
 */
export function roundOrder(count: number, round: number): number[] {
  const next = seededRandom(Math.imul(round + 1, 0x9e3779b9));
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** A contender whose training threw: it is left out of the rounds that follow. */
export interface Failed {
  readonly error: string;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Warm-up epochs for every contender (they build optimizer slots and let the JIT settle), then
 * `epochs` timed rounds in which every contender trains one epoch, in a shuffled order each round
 * (`roundOrder`), so that drift in the machine's load falls on all contenders alike and no
 * contender always follows the same one.
 */
export async function timeInterleaved(
  contenders: readonly Contender[],
  options: { warmup: number; epochs: number; onEpoch?: (c: Contender, round: number, sample: EpochSample) => void },
): Promise<(Timing | Failed)[]> {
  const failed: (string | undefined)[] = contenders.map(() => undefined);
  const attempt = async (i: number): Promise<EpochSample | undefined> => {
    if (failed[i] !== undefined) return undefined;
    try {
      return await timeEpoch(contenders[i]!);
    } catch (error) {
      failed[i] = `training threw: ${describe(error)}`;
      return undefined;
    }
  };
  const warmups = contenders.map(() => [] as number[]);
  for (let w = 0; w < options.warmup; w++) {
    for (let i = 0; i < contenders.length; i++) {
      const s = await attempt(i);
      if (s) warmups[i]!.push(s.wallMs);
    }
  }
  const samples = contenders.map(() => [] as EpochSample[]);
  for (let round = 0; round < options.epochs; round++) {
    for (const i of roundOrder(contenders.length, round)) {
      if (round >= (contenders[i]!.maxEpochs ?? Infinity)) continue;
      const s = await attempt(i);
      if (!s) continue;
      samples[i]!.push(s);
      options.onEpoch?.(contenders[i]!, round, s);
    }
  }
  return contenders.map((c, i) => {
    const error = failed[i];
    if (error !== undefined) return { error };
    const epochs = samples[i]!;
    const first = epochs[0]!;
    const last = epochs[epochs.length - 1]!;
    return {
      warmupMs: warmups[i]!,
      epochs,
      samplesPerSec: median(epochs.map((e) => (c.samples * 1000) / e.wallMs)),
      cpuSamplesPerSec: median(epochs.map((e) => (c.samples * 1000) / e.cpuMs)),
      tensors: { before: first.tensorsBefore, after: last.tensorsAfter, flat: epochs.every((e) => e.tensorsAfter === e.tensorsBefore) },
      bytes: { before: first.bytesBefore, after: last.bytesAfter },
    };
  });
}
