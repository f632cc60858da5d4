// Builds the web page, serves it on 127.0.0.1, and drives it in headless Chromium: pick a
// regularizer, train one epoch, and check that the charts and the penalty breakdown show data.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveDirectory } from './browser.js';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe('the web page', () => {
  let outDir = '';
  let server: Awaited<ReturnType<typeof serveDirectory>> | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Chromium first: without it the test fails at once with the install command.
    browser = await launchChromium();
    // A fresh build of the current sources, so the test never drives a stale dist/web.
    outDir = await mkdtemp(join(tmpdir(), 'ridge-sample-web-'));
    await build({ root: webDir, configFile: join(webDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await serveDirectory(outDir);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('trains one epoch with a chosen regularizer and shows charts and the penalty breakdown', async () => {
    const page = await browser!.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(server!.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    expect(await page.textContent('#status')).toMatch(/wasm/);

    // Start from no regularization, then put L2 on dense_1's kernel and L1 on its activity.
    await page.selectOption('#preset', 'none');
    await page.selectOption('#dense_1-kernel-kind', 'l2');
    await page.fill('#dense_1-kernel-factor', '0.01');
    await page.selectOption('#dense_1-activity-kind', 'l1');
    await page.fill('#dense_1-activity-factor', '0.0001');
    await page.fill('#epochs', '1');
    await page.click('#train-button');
    await page.waitForSelector('body[data-state="done"]', { timeout: 120_000 });

    const points = await page.$$eval('canvas[id^="chart-"]', (canvases) =>
      Object.fromEntries(canvases.map((c) => [c.id, Number((c as HTMLCanvasElement).dataset['points'] ?? 0)])),
    );
    // 1,000 digits in batches of 32: 32 batches, each a point of the data loss and the total loss, plus 1 validation point.
    expect(points['chart-loss']).toBe(32 + 32 + 1);
    expect(points['chart-accuracy']).toBe(32 + 1);
    // data_loss and the two penalty terms, one point per batch each.
    expect(points['chart-penalties']).toBe(3 * 32);
    expect(points['chart-histogram']).toBeGreaterThan(20);

    const rows = await page.$$eval('#breakdown tbody tr', (trs) =>
      trs.map((tr) => ({ term: (tr as HTMLElement).dataset['term'], cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '') })),
    );
    const terms = rows.map((r) => r.term);
    expect(terms).toEqual(expect.arrayContaining(['loss', 'data_loss', 'penalty/dense_1/kernel', 'penalty/dense_1/activity']));
    const kernel = rows.find((r) => r.term === 'penalty/dense_1/kernel')!;
    expect(kernel.cells[1]).toBe('L2(0.01)');
    expect(kernel.cells[2]).toBe('the layer');
    expect(Number(kernel.cells[3])).toBeGreaterThan(0);
    expect(rows.find((r) => r.term === 'penalty/dense_1/activity')!.cells[1]).toBe('L1(0.0001)');
    expect(await page.textContent('#status')).toMatch(/^Done in .* validation \d+\.\d%/);
    expect(errors).toEqual([]);

    await mkdir(resultsDir, { recursive: true });
    await page.screenshot({ path: join(resultsDir, 'web-page.png'), fullPage: true });
    await page.close();
  }, 180_000);
});
