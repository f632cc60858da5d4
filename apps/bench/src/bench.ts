import { createRequire } from 'node:module';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '@ridge/backend';
import type { Model } from '@ridge/layers';
import { CASES, type Backend, type CaseId, type CaseSpec } from './cases.js';
import { checkSameLoss, leaks, ridgeCallDeltas, type LossCheck, type TensorDeltas } from './check.js';
import { syntheticData, type Dataset } from './data.js';
import { bestMatmul, measureMatmul, trainingGflops, type MatmulReport } from './matmul.js';
import { probeSeedOps, profileEpoch, type OpProbe, type StepProfile } from './profile.js';
import { pairedMedian, timeInterleaved, type Contender, type Failed, type Library, type Timing } from './run.js';

export interface BenchOptions {
  readonly backends: readonly Backend[];
  readonly cases: readonly CaseId[];
  /** Small data and few epochs: checks that the harness works, measures nothing worth quoting. */
  readonly quick: boolean;
  readonly epochs: number;
  readonly warmup: number;
  /** Also count kernels and time the phases of one training step (seed cases, lstm and gru). */
  readonly profile: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export type LibraryResult =
  | {
      readonly status: 'ok';
      /** Median over the timed epochs, by wall time. */
      readonly samplesPerSec: number;
      /** The same by this process's CPU time. */
      readonly cpuSamplesPerSec: number;
      /** By CPU time, as the fraction below. */
      readonly trainingGflops: number;
      /** `trainingGflops` over the backend's 512 x 512 matmul GFLOPS, both by CPU time. */
      readonly matmulFraction: number;
      readonly timing: Timing;
    }
  | { readonly status: 'n/a'; readonly reason: string };

export interface CaseResult {
  readonly id: CaseId;
  readonly title: string;
  readonly samples: number;
  readonly batchSize: number;
  readonly forwardFlopsPerSample: number;
  readonly ridge: LibraryResult;
  readonly tfl: LibraryResult;
  /** Ridge samples/s over tfjs-layers samples/s (wall time): the median of per-round ratios. */
  readonly ratio: number | null;
  /** The same ratio by CPU time. */
  readonly cpuRatio: number | null;
  /** Ridge only: `1 - samples/s of this case / samples/s of 'seed'` (no regularization), for the seed cases; the median of per-round ratios. */
  readonly regularizationOverhead: number | null;
  /** The same overhead by CPU time. */
  readonly cpuRegularizationOverhead: number | null;
  readonly lossCheck: LossCheck | null;
  /** Tensors left behind by Ridge's evaluate, predict and penalties(x); null when Ridge has no model. */
  readonly ridgeCallDeltas: TensorDeltas | null;
}

export interface BackendReport {
  readonly backend: Backend;
  /** `tf.engine()` seen by tfjs-layers is the one Ridge and this harness use. */
  readonly sharedEngine: boolean;
  readonly matmul: MatmulReport;
  readonly cases: readonly CaseResult[];
  readonly profile: { readonly steps: readonly StepProfile[]; readonly ops: readonly OpProbe[]; readonly readbackUsPerElement: number } | null;
}

export interface TargetCheck {
  readonly description: string;
  /** What the target is judged on (wall time). */
  readonly value: number | null;
  /** The same measure by this process's CPU time, where it applies. */
  readonly cpuValue?: number | null;
  readonly limit: string;
  readonly status: 'pass' | 'fail' | 'not measured';
}

export interface BenchReport {
  readonly schema: 'ridge-bench/1';
  readonly startedAt: string;
  readonly durationSec: number;
  readonly environment: {
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
    readonly cpuModel: string;
    /** 1-minute load average at the start and the end: above the CPU count, other processes shared the cores. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    readonly tfjsCore: string;
    readonly tfjsLayers: string;
  };
  readonly options: Omit<BenchOptions, 'log'>;
  readonly backends: readonly BackendReport[];
  readonly targets: readonly TargetCheck[];
}

/** Samples per epoch of a case on a backend. */
export function samplesFor(spec: CaseSpec, backend: Backend, quick: boolean): number {
  return spec.samples[backend][quick ? 'quick' : 'full'];
}
const LOSS_CHECK_SAMPLES = 256;
const PROFILE_STEPS = 16;
const PROFILE_WARMUP_EPOCHS = 3;
const PROFILED: readonly CaseId[] = ['seed', 'seed-l2', 'seed-l2-all', 'lstm', 'gru'];

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function message(error: unknown): string {
  return error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
}

/** tfjs-layers resolves its own `@tensorflow/tfjs-core`; it must be the same module, hence the same engine. */
function tfjsLayersEngineIsShared(): boolean {
  const require = createRequire(import.meta.url);
  const fromLayers = createRequire(require.resolve('@tensorflow/tfjs-layers'))('@tensorflow/tfjs-core') as typeof tf;
  return fromLayers.engine() === tf.engine() && fromLayers.Tensor === tf.Tensor;
}

interface Built {
  readonly spec: CaseSpec;
  readonly data: Dataset;
  readonly ridge: Model | string;
  readonly tfl: tfl.LayersModel | string;
}

/** Builds both models with the same initial weights (Ridge's, copied into tfjs-layers). */
async function build(spec: CaseSpec, data: Dataset): Promise<Built> {
  let ridge: Model | string;
  let other: tfl.LayersModel | string;
  try {
    ridge = await spec.buildRidge();
  } catch (error) {
    return { spec, data, ridge: `Ridge: ${message(error)}`, tfl: 'not built: Ridge could not build the model whose weights it would take' };
  }
  const weights = ridge.getWeights();
  try {
    other = await spec.buildTfl(weights);
  } catch (error) {
    other = `tfjs-layers: ${message(error)}`;
  } finally {
    tf.dispose(weights);
  }
  return { spec, data, ridge, tfl: other };
}

function contendersOf(b: Built): { ridge?: Contender; tfl?: Contender } {
  const fitArgs = { epochs: 1, batchSize: b.spec.batchSize, shuffle: false, verbose: 0 } as const;
  const out: { ridge?: Contender; tfl?: Contender } = {};
  const limit = b.spec.maxEpochs === undefined ? {} : { maxEpochs: b.spec.maxEpochs };
  const r = b.ridge;
  const t = b.tfl;
  if (typeof r !== 'string') {
    out.ridge = { caseId: b.spec.id, library: 'ridge', samples: b.data.samples, ...limit, fitEpoch: async () => void (await r.fit(b.data.x, b.data.y, fitArgs)) };
  }
  if (typeof t !== 'string') {
    out.tfl = { caseId: b.spec.id, library: 'tfjs-layers', samples: b.data.samples, ...limit, fitEpoch: async () => void (await t.fit(b.data.x, b.data.y, fitArgs)) };
  }
  return out;
}

function dispose(b: Built): void {
  if (typeof b.ridge !== 'string') b.ridge.dispose();
  if (typeof b.tfl !== 'string') b.tfl.dispose();
}

/** One dataset per input shape and size: the seed cases train on the same samples. */
class DataCache {
  private readonly sets = new Map<string, Dataset>();
  get(spec: CaseSpec, samples: number): Dataset {
    const key = `${spec.sampleShape.join('x')}/${spec.classes}/${samples}`;
    let d = this.sets.get(key);
    if (!d) {
      d = syntheticData(spec.sampleShape, spec.classes, samples, 1 + this.sets.size);
      this.sets.set(key, d);
    }
    return d;
  }
  dispose(): void {
    for (const d of this.sets.values()) tf.dispose([d.x, d.y]);
    this.sets.clear();
  }
}

/**
 * How many times faster `a` trained than `b`: samples/s over samples/s, the median of per-round
 * ratios (see `pairedMedian`). Each side's epochs may cover a different number of samples.
 */
function speedup(a: OkResult, aSamples: number, b: OkResult, bSamples: number, time: 'wallMs' | 'cpuMs'): number {
  return pairedMedian(a.timing.epochs, b.timing.epochs, (x, y) => (aSamples / x[time]) / (bSamples / y[time]));
}

type OkResult = Extract<LibraryResult, { status: 'ok' }>;

function libraryResult(built: Model | tfl.LayersModel | string, timing: Timing | Failed | undefined, spec: CaseSpec, matmul: MatmulReport): LibraryResult {
  if (typeof built === 'string') return { status: 'n/a', reason: built };
  if (!timing) return { status: 'n/a', reason: 'not timed' };
  if ('error' in timing) return { status: 'n/a', reason: timing.error };
  const gflops = trainingGflops(timing.cpuSamplesPerSec, spec.forwardFlops);
  return {
    status: 'ok',
    samplesPerSec: timing.samplesPerSec,
    cpuSamplesPerSec: timing.cpuSamplesPerSec,
    trainingGflops: gflops,
    matmulFraction: gflops / matmul.square512.cpuGflops,
    timing,
  };
}

async function profileBackend(backend: Backend, options: BenchOptions): Promise<BackendReport['profile']> {
  const log = options.log ?? (() => {});
  const steps: StepProfile[] = [];
  // conv is left out (its cpu steps are slow, and it cannot train on wasm), seed-l2-8k is seed-l2.
  for (const id of PROFILED.filter((c) => options.cases.includes(c))) {
    const spec = CASES[id];
    const data = syntheticData(spec.sampleShape, spec.classes, PROFILE_STEPS * spec.batchSize, 99);
    const built = await build(spec, data);
    try {
      const c = contendersOf(built);
      for (const [contender, model] of [
        [c.ridge, built.ridge],
        [c.tfl, built.tfl],
      ] as const) {
        if (!contender || typeof model === 'string') continue;
        for (let i = 0; i < PROFILE_WARMUP_EPOCHS; i++) await contender.fitEpoch();
        const optimizer = (model as { optimizer?: object }).optimizer;
        if (!optimizer) continue;
        const p = await profileEpoch(contender, optimizer, PROFILE_STEPS);
        log(`  profile ${backend} ${id} ${contender.library}: ${p.wallMsPerStep.toFixed(2)} ms/step, ${p.kernelsPerStep.toFixed(1)} kernels/step`);
        steps.push(p);
      }
    } finally {
      dispose(built);
      tf.dispose([data.x, data.y]);
    }
  }
  const probes = probeSeedOps(options.quick ? 3 : 20);
  return { steps, ops: probes.ops, readbackUsPerElement: probes.readbackUsPerElement };
}

async function runBackend(backend: Backend, options: BenchOptions): Promise<BackendReport> {
  const log = options.log ?? (() => {});
  await initBackend({ prefer: [backend], log: false });
  if (tf.getBackend() !== backend) throw new Error(`initBackend started '${tf.getBackend()}', not '${backend}'`);
  const sharedEngine = tfjsLayersEngineIsShared();
  if (!sharedEngine) throw new Error('tfjs-layers loaded a second copy of @tensorflow/tfjs-core: the comparison would run two engines');

  const budget = options.quick ? 100 : 1500;
  const firstProbe = measureMatmul(budget);
  log(`${backend}: matmul 512^3 ${firstProbe.square512.cpuGflops.toFixed(2)} GFLOPS, 64x784x250 ${firstProbe.seedForward.cpuGflops.toFixed(2)} GFLOPS (by CPU time)`);

  const cache = new DataCache();
  const builtCases: Built[] = [];
  const checks = new Map<CaseId, LossCheck>();
  const deltas = new Map<CaseId, TensorDeltas>();
  const skipped: { spec: CaseSpec; reason: string }[] = [];
  try {
    for (const id of options.cases) {
      const spec = CASES[id];
      if (spec.only && !spec.only.backends.includes(backend)) {
        skipped.push({ spec, reason: spec.only.reason });
        continue;
      }
      const b = await build(spec, cache.get(spec, samplesFor(spec, backend, options.quick)));
      builtCases.push(b);
      if (typeof b.ridge !== 'string') {
        const n = Math.min(LOSS_CHECK_SAMPLES, b.data.samples);
        const x = tf.slice(b.data.x, 0, n);
        const y = tf.slice(b.data.y, 0, n);
        try {
          if (typeof b.tfl !== 'string') {
            const check = await checkSameLoss(b.ridge, b.tfl, x, y, spec.batchSize);
            checks.set(id, check);
            log(`  ${backend} ${id}: same loss ${check.ok ? 'ok' : 'FAILED'} (data loss ${check.dataLoss.ridge.toFixed(6)} vs ${check.dataLoss.tfl.toFixed(6)})`);
          }
          const d = await ridgeCallDeltas(b.ridge, x, y, spec.batchSize);
          deltas.set(id, d);
          if (leaks(d).length) log(`  ${backend} ${id}: Ridge leaves tensors behind: ${leaks(d).join('; ')}`);
        } finally {
          tf.dispose([x, y]);
        }
      }
      for (const [lib, v] of [['Ridge', b.ridge], ['tfjs-layers', b.tfl]] as const) {
        if (typeof v === 'string') log(`  ${backend} ${id}: ${lib} n/a: ${v}`);
      }
    }
    const contenders: Contender[] = [];
    const slots: { caseId: CaseId; library: Library }[] = [];
    for (const b of builtCases) {
      const c = contendersOf(b);
      for (const k of [c.ridge, c.tfl]) {
        if (!k) continue;
        contenders.push(k);
        slots.push({ caseId: k.caseId, library: k.library });
      }
    }
    const timings = await timeInterleaved(contenders, {
      warmup: options.warmup,
      epochs: options.epochs,
      onEpoch: (c, round, s) => log(`  ${backend} ${c.caseId} ${c.library} epoch ${round + 1}/${options.epochs}: ${((c.samples * 1000) / s.wallMs).toFixed(0)} samples/s, tensors ${s.tensorsBefore} -> ${s.tensorsAfter}`),
    });
    // Probed again after the rounds, keeping the faster: a burst of load during one probe would
    // otherwise inflate every "% of matmul".
    const matmul = bestMatmul(firstProbe, measureMatmul(budget));
    const timingOf = (caseId: CaseId, library: Library) => timings[slots.findIndex((s) => s.caseId === caseId && s.library === library)];

    const cases: CaseResult[] = builtCases.map((b) => {
      const ridge = libraryResult(b.ridge, timingOf(b.spec.id, 'ridge'), b.spec, matmul);
      const other = libraryResult(b.tfl, timingOf(b.spec.id, 'tfjs-layers'), b.spec, matmul);
      const both = ridge.status === 'ok' && other.status === 'ok';
      return {
        id: b.spec.id,
        title: b.spec.title,
        samples: b.data.samples,
        batchSize: b.spec.batchSize,
        forwardFlopsPerSample: b.spec.forwardFlops,
        ridge,
        tfl: other,
        ratio: both ? speedup(ridge, b.data.samples, other, b.data.samples, 'wallMs') : null,
        cpuRatio: both ? speedup(ridge, b.data.samples, other, b.data.samples, 'cpuMs') : null,
        regularizationOverhead: null,
        cpuRegularizationOverhead: null,
        lossCheck: checks.get(b.spec.id) ?? null,
        ridgeCallDeltas: deltas.get(b.spec.id) ?? null,
      };
    });
    for (const { spec, reason } of skipped) {
      const na = { status: 'n/a', reason } as const;
      cases.push({ id: spec.id, title: spec.title, samples: 0, batchSize: spec.batchSize, forwardFlopsPerSample: spec.forwardFlops, ridge: na, tfl: na, ratio: null, cpuRatio: null, regularizationOverhead: null, cpuRegularizationOverhead: null, lossCheck: null, ridgeCallDeltas: null });
    }
    cases.sort((a, b) => options.cases.indexOf(a.id) - options.cases.indexOf(b.id));
    const seed = cases.find((c) => c.id === 'seed');
    const base = seed?.ridge;
    const baseSamples = seed?.samples ?? 0;
    const withOverhead = cases.map((c) =>
      (c.id === 'seed-l2' || c.id === 'seed-l2-all') && base?.status === 'ok' && c.ridge.status === 'ok'
        ? {
            ...c,
            regularizationOverhead: 1 - speedup(c.ridge, c.samples, base, baseSamples, 'wallMs'),
            cpuRegularizationOverhead: 1 - speedup(c.ridge, c.samples, base, baseSamples, 'cpuMs'),
          }
        : c,
    );
    for (const b of builtCases) dispose(b);
    builtCases.length = 0;
    const profile = options.profile ? await profileBackend(backend, options) : null;
    return { backend, sharedEngine, matmul, cases: withOverhead, profile };
  } finally {
    for (const b of builtCases) dispose(b);
    cache.dispose();
  }
}

/** The issue's targets, read from the measurements. */
export function targetChecks(backends: readonly BackendReport[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (backend: Backend, id: CaseId) => backends.find((b) => b.backend === backend)?.cases.find((c) => c.id === id);
  for (const [backend, id, limit] of [['wasm', 'seed-l2', 2.0], ['wasm', 'seed-l2-8k', 2.0], ['cpu', 'seed-l2', 1.5]] as const) {
    const c = find(backend, id);
    if (id === 'seed-l2-8k' && !c) continue;
    const ratio = c?.ratio ?? null;
    checks.push({
      description: `${backend}: Ridge / tfjs-layers samples/s, seed model with L2 on kernels and biases${id === 'seed-l2-8k' ? ', 8,192 samples per epoch' : ''}`,
      value: ratio,
      cpuValue: c?.cpuRatio ?? null,
      limit: `>= ${limit.toFixed(1)}x`,
      status: ratio === null ? 'not measured' : ratio >= limit ? 'pass' : 'fail',
    });
  }
  for (const b of backends) {
    const overhead = find(b.backend, 'seed-l2-all')?.regularizationOverhead ?? null;
    checks.push({
      description: `${b.backend}: Ridge regularization overhead, kernel + bias + activity L2 on every Dense`,
      value: overhead,
      cpuValue: find(b.backend, 'seed-l2-all')?.cpuRegularizationOverhead ?? null,
      limit: '<= 5%',
      status: overhead === null ? 'not measured' : overhead <= 0.05 ? 'pass' : 'fail',
    });
  }
  const runs = backends.flatMap((b) => b.cases.flatMap((c) => [c.ridge, c.tfl])).filter((r) => r.status === 'ok');
  const leaking = runs.filter((r) => r.status === 'ok' && !r.timing.tensors.flat).length;
  checks.push({
    description: `tensor count flat across timed epochs (${count(runs.length, 'run')}, both libraries)`,
    value: leaking,
    limit: '0 runs that grow',
    status: runs.length === 0 ? 'not measured' : leaking === 0 ? 'pass' : 'fail',
  });
  const lossChecks = backends.flatMap((b) => b.cases.map((c) => c.lossCheck)).filter((c): c is LossCheck => c !== null);
  const probed = backends.flatMap((b) => b.cases.map((c) => c.ridgeCallDeltas)).filter((d): d is TensorDeltas => d !== null);
  const leaky = probed.filter((d) => leaks(d).length > 0).length;
  checks.push({
    description: `Ridge's evaluate, predict and penalties(x) leave the tensor count unchanged (${count(probed.length, 'model')})`,
    value: leaky,
    limit: '0 models with a leak',
    status: probed.length === 0 ? 'not measured' : leaky === 0 ? 'pass' : 'fail',
  });
  const failed = lossChecks.filter((c) => !c.ok).length;
  checks.push({
    description: `same loss from the same weights (${count(lossChecks.length, 'model')}: data loss, penalties)`,
    value: failed,
    limit: '0 disagreements',
    status: lossChecks.length === 0 ? 'not measured' : failed === 0 ? 'pass' : 'fail',
  });
  return checks;
}

export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date();
  const loadStart = os.loadavg()[0]!;
  const backends: BackendReport[] = [];
  for (const backend of options.backends) backends.push(await runBackend(backend, options));
  const { log: _log, ...recorded } = options;
  return {
    schema: 'ridge-bench/1',
    startedAt: startedAt.toISOString(),
    durationSec: (Date.now() - startedAt.getTime()) / 1000,
    environment: {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      loadAverage: { start: loadStart, end: os.loadavg()[0]! },
      tfjsCore: tf.version_core,
      tfjsLayers: tfl.version_layers,
    },
    options: recorded,
    backends,
    targets: targetChecks(backends),
  };
}
