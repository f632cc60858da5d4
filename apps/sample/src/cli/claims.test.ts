// The report's claims, on a run long enough to show them: 1,000 training and 1,000 validation
// digits as in the default run, but 20 epochs instead of 40 (about 30 s on 2 cores).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@ridge/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPERIMENTS } from '../shared/configs.js';
import type { RunResult } from '../shared/experiment.js';
import { runPipeline } from './pipeline.js';

describe('what the report shows', () => {
  let outDir = '';
  let runs: Record<string, RunResult> = {};

  beforeAll(async () => {
    await initBackend({ log: false });
    outDir = await mkdtemp(join(tmpdir(), 'ridge-sample-claims-'));
    const { report } = await runPipeline({ train: 1000, validation: 1000, epochs: 20, batchSize: 32, seed: 1, configs: EXPERIMENTS, outDir });
    runs = Object.fromEntries(report.runs.map((r) => [r.config.id, r]));
  }, 240_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('the unregularized model memorizes its 1,000 digits', () => {
    expect(runs['none']!.train.accuracy).toBeGreaterThan(0.99);
    expect(runs['none']!.gap).toBeGreaterThan(0.1);
  });

  it.each(['layer-l2', 'model-l2', 'layer-l1', 'adamw'])('%s has a smaller generalization gap than no regularization, by 2 points or more', (id) => {
    expect(runs[id]!.gap).toBeLessThan(runs['none']!.gap - 0.02);
  });

  it('L1 leaves markedly more near-zero weights than L2: at least one and a half times as many', () => {
    expect(runs['layer-l1']!.kernels.nearZero).toBeGreaterThan(1.5 * runs['layer-l2']!.kernels.nearZero);
    expect(runs['layer-l1']!.kernels.nearZero).toBeGreaterThan(1.5 * runs['model-l2']!.kernels.nearZero);
  });

  it('every regularizer holds the kernels smaller than no regularization', () => {
    for (const id of ['layer-l2', 'model-l2', 'layer-l1', 'adamw']) expect(runs[id]!.kernels.l2).toBeLessThan(0.5 * runs['none']!.kernels.l2);
  });

  it('model-level l2 penalizes the kernels only, from the model; the per-layer version also the bias and the activity', () => {
    expect(runs['model-l2']!.terms.map((t) => [t.path, t.source])).toEqual([
      ['dense_1/kernel', 'model'],
      ['dense_2/kernel', 'model'],
    ]);
    expect(runs['layer-l2']!.terms.map((t) => `${t.path} ${t.kind} ${t.source}`).sort()).toEqual([
      'dense_1/activity activity layer',
      'dense_1/bias weight layer',
      'dense_1/kernel weight layer',
      'dense_2/kernel weight layer',
    ]);
    // AdamW's decay is not a loss term.
    expect(runs['adamw']!.terms).toEqual([]);
    expect(runs['adamw']!.history['penalty']!.every((p) => p === 0)).toBe(true);
  });
});
