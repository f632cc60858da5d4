import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Callback } from '@ridge/layers';
import * as tf from '@tensorflow/tfjs-core';
import type { ExperimentConfig } from '../shared/configs.js';
import { deadPixels } from '../shared/digits.js';
import { HISTOGRAM_RANGE, runExperiment, type RunResult } from '../shared/experiment.js';
import { NEAR_ZERO } from '../shared/stats.js';
import { toTensors } from '../shared/tensors.js';
import { loadDigits } from './data.js';
import { renderReport } from './report.js';

export interface PipelineOptions {
  /** Training digits (a multiple of 10). */
  readonly train: number;
  readonly validation: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly configs: readonly ExperimentConfig[];
  /** Where report.html and report.json go. */
  readonly outDir: string;
  /** A progress callback for run `index` of `total`. */
  readonly progress?: (index: number, total: number, config: ExperimentConfig) => Callback;
}

export interface ReportMeta {
  readonly train: number;
  readonly validation: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly backend: string;
  /** Training time of every configuration together. */
  readonly seconds: number;
  readonly nearZero: number;
  readonly histogram: typeof HISTOGRAM_RANGE;
  /** Pixels that are 0 in every training digit: their weights get no gradient from the data. */
  readonly deadPixels: number;
}

export interface Report {
  readonly meta: ReportMeta;
  readonly runs: readonly RunResult[];
}

export interface PipelineResult {
  readonly report: Report;
  readonly htmlPath: string;
  readonly jsonPath: string;
}

/** Trains every configuration on the same digits from the same initial weights, then writes the report. */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const digits = loadDigits(options.train, options.validation, options.seed);
  const train = toTensors(digits.train);
  const validation = toTensors(digits.validation);
  const runs: RunResult[] = [];
  const start = performance.now();
  try {
    for (const [i, config] of options.configs.entries()) {
      const progress = options.progress?.(i, options.configs.length, config);
      runs.push(
        await runExperiment(config, train, validation, {
          epochs: options.epochs,
          batchSize: options.batchSize,
          seed: options.seed,
          ...(progress ? { callbacks: () => [progress] } : {}),
        }),
      );
    }
  } finally {
    tf.dispose([train.x, train.y, validation.x, validation.y]);
  }
  const report: Report = {
    meta: {
      train: digits.train.count,
      validation: digits.validation.count,
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      backend: tf.getBackend(),
      seconds: (performance.now() - start) / 1000,
      nearZero: NEAR_ZERO,
      histogram: HISTOGRAM_RANGE,
      deadPixels: deadPixels(digits.train),
    },
    runs,
  };
  await mkdir(options.outDir, { recursive: true });
  const htmlPath = join(options.outDir, 'report.html');
  const jsonPath = join(options.outDir, 'report.json');
  await writeFile(htmlPath, await renderReport(report));
  await writeFile(jsonPath, `${toJson(report)}\n`);
  return { report, htmlPath, jsonPath };
}

/** Indented JSON with every list of numbers on one line, so report.json reads top to bottom. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+([-+0-9.eE,\s]+?)\s+\]/g, (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`);
}
