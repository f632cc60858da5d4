import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@ridge/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchReport } from './bench.js';
import { CASES } from './cases.js';
import { DATA_LOSS_RTOL, PENALTY_RTOL } from './check.js';
import { syntheticData } from './data.js';
import { parseOptions } from './main.js';
import { formatReport } from './table.js';
import { pairedMedian, roundOrder, type EpochSample } from './run.js';

// A smoke run: it checks that the harness works and measures nothing. No assertion here is
// about time.
describe('bench --quick, seed with L2, cpu', () => {
  let report: BenchReport;
  beforeAll(async () => {
    report = await runBench({ backends: ['cpu'], cases: ['seed', 'seed-l2'], quick: true, epochs: 2, warmup: 1, profile: false });
  });

  it('trains both libraries on one tfjs-core engine and reports every column', () => {
    expect(report.schema).toBe('ridge-bench/1');
    const [cpu] = report.backends;
    expect(cpu?.backend).toBe('cpu');
    expect(cpu?.sharedEngine).toBe(true);
    expect(cpu?.matmul.square512.gflops).toBeGreaterThan(0);
    expect(cpu?.cases.map((c) => c.id)).toEqual(['seed', 'seed-l2']);
    for (const c of cpu!.cases) {
      for (const r of [c.ridge, c.tfl]) {
        expect(r.status).toBe('ok');
        if (r.status !== 'ok') continue;
        expect(r.timing.epochs).toHaveLength(2);
        expect(r.samplesPerSec).toBeGreaterThan(0);
        expect(r.matmulFraction).toBeGreaterThan(0);
      }
      expect(c.ratio).toBeGreaterThan(0);
    }
    expect(cpu?.cases[1]?.regularizationOverhead).toEqual(expect.any(Number));
  });

  it('reports ratios as the median of per-round ratios of the epochs it timed', () => {
    for (const c of report.backends[0]!.cases) {
      const { ridge, tfl } = c;
      if (ridge.status !== 'ok' || tfl.status !== 'ok') throw new Error('both libraries trained');
      // two rounds: the median of two ratios is their mean; samples cancel (same data)
      const perRound = [0, 1].map((i) => tfl.timing.epochs[i]!.wallMs / ridge.timing.epochs[i]!.wallMs);
      expect(c.ratio).toBeCloseTo((perRound[0]! + perRound[1]!) / 2, 10);
    }
  });

  it('keeps the tensor count flat across epochs, for both libraries', () => {
    for (const c of report.backends[0]!.cases) {
      for (const r of [c.ridge, c.tfl]) {
        if (r.status !== 'ok') throw new Error(`${c.id}: ${r.reason}`);
        for (const e of r.timing.epochs) expect(e.tensorsAfter).toBe(e.tensorsBefore);
        expect(r.timing.tensors.flat).toBe(true);
      }
    }
  });

  it('finds the same data loss and penalties in both libraries', () => {
    const [seed, seedL2] = report.backends[0]!.cases;
    expect(seed?.lossCheck?.dataLoss.ok).toBe(true);
    expect(seed?.lossCheck?.penalty).toBeNull();
    expect(seedL2?.lossCheck?.ok).toBe(true);
    expect(seedL2?.lossCheck?.penalty?.ok).toBe(true);
  });

  it('prints a table and round-trips through JSON', () => {
    const text = formatReport(report);
    expect(text).toMatch(/^case\s+samples\s+Ridge\/s\s+tfjs-l\/s\s+ratio/m);
    expect(text).toMatch(/^seed-l2\s+128\s+\d+\s+\d+\s+\d+\.\d\dx/m);
    expect(text).toContain('Targets (DESIGN.md section 8)');
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});

describe('the seed model in both libraries, against a loss written here', () => {
  beforeAll(async () => {
    await initBackend({ prefer: ['cpu'], log: false });
  });

  it('gives the categorical crossentropy and the L2 penalty of the formula, from the same weights', async () => {
    const spec = CASES['seed-l2'];
    const data = syntheticData(spec.sampleShape, spec.classes, 128, 7);
    const ridge = await spec.buildRidge();
    const weights = ridge.getWeights();
    const other = await spec.buildTfl(weights);
    try {
      // mean over samples of -sum(y log softmax(tanh(x W1 + b1) W2 + b2)); penalty 0.01 sum(w^2).
      const [w1, b1, w2, b2] = weights as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
      const expected = tf.tidy(() => {
        const p = tf.softmax(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(data.x as tf.Tensor2D, w1), b1)), w2), b2));
        return tf.neg(tf.mean(tf.sum(tf.mul(data.y, tf.log(p)), -1))).dataSync()[0]!;
      });
      const expectedPenalty = tf.tidy(() => weights.map((w) => 0.01 * tf.sum(tf.square(w)).dataSync()[0]!).reduce((a, b) => a + b, 0));

      const ridgeLogs = await ridge.evaluate(data.x, data.y, { batchSize: 64 });
      const evaluated = other.evaluate(data.x, data.y, { batchSize: 64 }) as tf.Scalar[];
      const tflLoss = evaluated[0]!.dataSync()[0]!;
      tf.dispose(evaluated);
      const penalties = other.calculateLosses();
      const tflPenalty = penalties.reduce((s, p) => s + p.dataSync()[0]!, 0);
      tf.dispose(penalties);

      expect(Math.abs(ridgeLogs['data_loss']! - expected) / expected).toBeLessThanOrEqual(DATA_LOSS_RTOL);
      expect(Math.abs(tflLoss - expected) / expected).toBeLessThanOrEqual(DATA_LOSS_RTOL);
      expect(Math.abs(ridgeLogs['penalty']! - expectedPenalty) / expectedPenalty).toBeLessThanOrEqual(PENALTY_RTOL);
      expect(Math.abs(tflPenalty - expectedPenalty) / expectedPenalty).toBeLessThanOrEqual(PENALTY_RTOL);
    } finally {
      tf.dispose([...weights, data.x, data.y]);
      ridge.dispose();
      other.dispose();
    }
  });
});

describe('command line', () => {
  it('defaults to both backends, every case, 15 timed epochs; --quick to 2', () => {
    expect(parseOptions([])).toMatchObject({ backends: ['wasm', 'cpu'], cases: ['seed', 'seed-l2', 'seed-l2-all', 'seed-l2-8k', 'conv', 'sepconv', 'conv3d', 'lstm', 'gru'], epochs: 15, quick: false });
    expect(parseOptions(['--quick', '--backend', 'cpu', '--cases', 'seed-l2,lstm'])).toMatchObject({ backends: ['cpu'], cases: ['seed-l2', 'lstm'], epochs: 2, quick: true });
    expect(parseOptions(['--epochs', '9', '--profile', '--strict'])).toMatchObject({ epochs: 9, profile: true, strict: true });
  });
});

describe('pairedMedian', () => {
  const epoch = (wallMs: number): EpochSample => ({ wallMs, cpuMs: wallMs, tensorsBefore: 0, tensorsAfter: 0, bytesBefore: 0, bytesAfter: 0 });
  const speed = (a: EpochSample, b: EpochSample): number => b.wallMs / a.wallMs;

  it('pairs epochs by round, so load that slows both sides of a round cancels', () => {
    // Rounds 2 and 3 ran under load that tripled both sides' epochs: per-round ratios 10/5, 30/15,
    // 30/15 are all 2.
    expect(pairedMedian([5, 15, 15].map(epoch), [10, 30, 30].map(epoch), speed)).toBe(2);
  });

  it('takes the median of the per-round ratios, and skips rounds one side lacks', () => {
    // ratios 10/5 = 2, 12/4 = 3, 9/9 = 1; the fourth round has no partner
    expect(pairedMedian([5, 4, 9, 1].map(epoch), [10, 12, 9].map(epoch), speed)).toBe(2);
    expect(pairedMedian([], [1].map(epoch), speed)).toBeNaN();
  });
});

describe('roundOrder', () => {
  it('is a permutation of the contenders, the same for the same round', () => {
    for (const round of [0, 1, 7, 14]) {
      const order = roundOrder(5, round);
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(roundOrder(5, round)).toEqual(order);
    }
    expect(roundOrder(1, 3)).toEqual([0]);
  });

  it('does not keep a cyclic order: over 15 rounds, a contender follows more than one other', () => {
    const predecessors = new Set<number>();
    for (let round = 0; round < 15; round++) {
      const order = roundOrder(5, round);
      const at = order.indexOf(4);
      if (at > 0) predecessors.add(order[at - 1]!);
    }
    // a rotation would give one predecessor (always contender 3) in every round where 4 is not first
    expect(predecessors.size).toBeGreaterThan(1);
  });
});
