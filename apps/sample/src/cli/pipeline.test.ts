// The CLI's pipeline, short: 200 digits, 2 epochs, three configurations. Checks that report.html
// is written, needs no network, carries the charts' data, and draws every chart in Chromium.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { initBackend } from '@ridge/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../web/test/browser.js';
import { EXPERIMENTS, experimentById } from '../shared/configs.js';
import { runPipeline, type PipelineResult } from './pipeline.js';

const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe('the CLI pipeline, short', () => {
  let outDir = '';
  let result: PipelineResult;
  let html = '';

  beforeAll(async () => {
    await initBackend({ log: false });
    outDir = await mkdtemp(join(tmpdir(), 'ridge-sample-report-'));
    result = await runPipeline({
      train: 200,
      validation: 200,
      epochs: 2,
      batchSize: 32,
      seed: 1,
      configs: ['none', 'layer-l2', 'layer-l1'].map((id) => experimentById(id)!),
      outDir,
    });
    html = await readFile(result.htmlPath, 'utf8');
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('writes report.html and report.json next to each other', async () => {
    expect(result.htmlPath).toBe(join(outDir, 'report.html'));
    const json = JSON.parse(await readFile(result.jsonPath, 'utf8'));
    expect(json.meta).toMatchObject({ train: 200, validation: 200, epochs: 2, batchSize: 32, seed: 1 });
    expect(json.runs.map((r: { config: { id: string } }) => r.config.id)).toEqual(['none', 'layer-l2', 'layer-l1']);
  });

  it('is self-contained: no script, stylesheet or image is loaded from elsewhere', () => {
    const tags = html.match(/<(script|link|img|iframe)\b[^>]*>/gi) ?? [];
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    // chart.js's UMD build is inlined.
    expect(html).toMatch(/Chart\.js v4\.\d+\.\d+/);
  });

  it("carries every chart's data: histories, histograms and kernel traces of each configuration", () => {
    const data = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
    expect(data).not.toBeNull();
    const report = JSON.parse(data![1]!);
    for (const run of report.runs) {
      for (const key of ['loss', 'data_loss', 'penalty', 'accuracy', 'val_loss', 'val_data_loss', 'val_accuracy']) expect(run.history[key]).toHaveLength(2);
      expect(run.histogram.counts).toHaveLength(101);
      // dense_1's kernel has 784 * 250 weights; a few may fall outside the histogram's range.
      expect(run.histogram.counts.reduce((a: number, b: number) => a + b, 0) + run.histogram.outside).toBe(784 * 250);
      expect(run.trace.kernelL2).toHaveLength(2);
    }
    const l2 = report.runs.find((r: { config: { id: string } }) => r.config.id === 'layer-l2');
    for (const term of ['dense_1/kernel', 'dense_1/bias', 'dense_1/activity', 'dense_2/kernel']) expect(l2.history[`penalty/${term}`]).toHaveLength(2);
    expect(html.match(/<canvas data-chart=/g)?.length).toBe(3 + 3 + 2 + 3 + 2);
  });

  it('splits the loss into data loss and penalties, and L1 leaves more weights near zero than L2', () => {
    const [none, l2, l1] = result.report.runs;
    expect(none!.penaltyShares).toEqual([]);
    const last = (key: string) => l2!.history[key]!.at(-1)!;
    expect(last('loss')).toBeCloseTo(last('data_loss') + last('penalty'), 4);
    expect(l2!.penaltyShares.map((s) => s.term).sort()).toEqual(['dense_1/activity', 'dense_1/bias', 'dense_1/kernel', 'dense_2/kernel']);
    expect(l1!.kernels.nearZero).toBeGreaterThan(l2!.kernels.nearZero);
    expect(l1!.kernels.nearZero).toBeGreaterThan(none!.kernels.nearZero);
  });

  it('draws every chart when opened in Chromium from a file', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      // Any request that leaves the file is a failure: the report must work offline.
      await page.route(/^https?:/, (route) => {
        errors.push(`network request: ${route.request().url()}`);
        return route.abort();
      });
      await page.goto(pathToFileURL(result.htmlPath).href);
      await page.waitForFunction(() => document.documentElement.dataset['charts'] !== undefined, undefined, { timeout: 30_000 });
      const drawn = await page.evaluate(() => ({
        charts: Number(document.documentElement.dataset['charts']),
        points: Number(document.documentElement.dataset['points']),
        canvases: document.querySelectorAll('canvas').length,
      }));
      expect(drawn.charts).toBe(drawn.canvases);
      expect(drawn.points).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await mkdir(resultsDir, { recursive: true });
      await page.screenshot({ path: join(resultsDir, 'report-short.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe('the default configurations', () => {
  it('are the five the issue asks for, each with a distinct id', () => {
    expect(EXPERIMENTS.map((e) => e.id)).toEqual(['none', 'layer-l2', 'model-l2', 'layer-l1', 'adamw']);
    expect(experimentById('layer-l2')!.layers.dense_1).toEqual({ kernel: { kind: 'l2', factor: 0.01 }, bias: { kind: 'l2', factor: 0.01 }, activity: { kind: 'l2', factor: 0.01 } });
  });
});
